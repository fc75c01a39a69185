//! Authorisation: every role × every action, in its own body and in another body.

use gongkai_app::domain::role::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::db_tests;
use crate::helpers::{A, B, TestApp, item_json};

db_tests!(
    role_action_matrix,
    officer_cannot_approve_own_draft_even_as_reviewer,
    api_rejects_bad_tokens,
    the_console_links_only_the_pages_a_role_opens,
    the_edit_form_opens_only_where_saving_can_succeed
);

/// An officer is not handed a form that saving would refuse: another body's item, or an item
/// of the officer's own body that is no longer a draft.
async fn the_edit_form_opens_only_where_saving_can_succeed(t: TestApp) {
    let draft = t.draft(A, "本单位草稿").await;
    let own_published = t.publish(A, "本单位已发布").await["id"]
        .as_i64()
        .expect("id");
    let other_published = t.publish(B, "外单位已发布").await["id"]
        .as_i64()
        .expect("id");
    let client = t
        .console_as(&crate::helpers::login_of(Role::Officer, A))
        .await;
    for (id, expected) in [
        (draft, StatusCode::OK),
        (own_published, StatusCode::CONFLICT),
        (other_published, StatusCode::FORBIDDEN),
    ] {
        let status = client
            .get(t.url(&format!("/console/items/{id}/edit")))
            .send()
            .await
            .expect("edit form")
            .status();
        assert_eq!(status, expected, "item {id}");
    }
}

/// Every page the console's navigation may link to.
const CONSOLE_PAGES: [&str; 10] = [
    "/console/items/new",
    "/console/items",
    "/console/review",
    "/console/applications",
    "/console/plans",
    "/console/audit",
    "/console/users",
    "/console/bodies",
    "/console/calendar",
    "/console/search-dictionary",
];

/// For each role, the navigation shows a page exactly when the page opens for it.
async fn the_console_links_only_the_pages_a_role_opens(t: TestApp) {
    let roles = [
        Role::Officer,
        Role::Reviewer,
        Role::BodyAdmin,
        Role::CityOffice,
        Role::Auditor,
    ];
    for role in roles {
        let login = crate::helpers::login_of(role, A);
        let client = t.console_as(&login).await;
        let html = client
            .get(t.url("/console"))
            .send()
            .await
            .expect("dashboard")
            .text()
            .await
            .expect("html");
        let nav = html
            .split("aria-label=\"工作台导航\"")
            .nth(1)
            .and_then(|rest| rest.split("</nav>").next())
            .expect("console navigation");
        let mut shown = 0;
        for page in CONSOLE_PAGES {
            let linked = nav.contains(&format!("href=\"{page}\""));
            let status = client.get(t.url(page)).send().await.expect("page").status();
            assert_eq!(
                linked,
                status == StatusCode::OK,
                "{role:?}: {page} is {} and answers {status}",
                if linked { "linked" } else { "not linked" }
            );
            shown += usize::from(linked);
        }
        assert!(
            shown >= 2,
            "{role:?} sees at least the calendar and one page"
        );
    }
}

#[derive(Debug, Clone, Copy)]
enum Act {
    Create,
    Read,
    Edit,
    Upload,
    Versions,
    Submit,
    Mask,
    Approve,
    Reject,
    Withdraw,
    Validity,
}

const ACTS: [Act; 11] = [
    Act::Create,
    Act::Read,
    Act::Edit,
    Act::Upload,
    Act::Versions,
    Act::Submit,
    Act::Mask,
    Act::Approve,
    Act::Reject,
    Act::Withdraw,
    Act::Validity,
];

/// Who acts: a role in body A, in body B, or at the city level.
const ACTORS: &[(Role, &str)] = &[
    (Role::Officer, A),
    (Role::Officer, B),
    (Role::Reviewer, A),
    (Role::Reviewer, B),
    (Role::BodyAdmin, A),
    (Role::BodyAdmin, B),
    (Role::CityOffice, A),
    (Role::Auditor, A),
];

impl Act {
    /// Roles of body A that may do it (the city office always may).
    fn allowed(self) -> &'static [Role] {
        use Role::*;
        match self {
            Act::Create | Act::Submit => &[Officer],
            Act::Read | Act::Versions => &[Officer, Reviewer, BodyAdmin],
            Act::Edit | Act::Upload | Act::Mask => &[Officer, Reviewer],
            Act::Approve | Act::Reject | Act::Withdraw | Act::Validity => &[Reviewer],
        }
    }

    /// The target is published, so everyone may see that it exists.
    fn on_published(self) -> bool {
        matches!(self, Act::Withdraw | Act::Validity)
    }

    fn success(self) -> StatusCode {
        match self {
            Act::Create | Act::Upload => StatusCode::CREATED,
            _ => StatusCode::OK,
        }
    }
}

/// The expected answer when `role` of `body` does `act` on an item of body A.
fn expected(act: Act, role: Role, body: &str) -> StatusCode {
    let own = body == A;
    if role == Role::CityOffice || (own && act.allowed().contains(&role)) {
        return act.success();
    }
    let sees_drafts = own && matches!(role, Role::Officer | Role::Reviewer | Role::BodyAdmin);
    if matches!(act, Act::Create) || act.on_published() || sees_drafts {
        StatusCode::FORBIDDEN
    } else {
        // Drafts are invisible outside their body: not found rather than forbidden.
        StatusCode::NOT_FOUND
    }
}

async fn prepare(t: &TestApp, act: Act) -> i64 {
    let officer = t.token(Role::Officer, A);
    match act {
        Act::Create => 0,
        Act::Read | Act::Edit | Act::Upload | Act::Versions | Act::Submit | Act::Mask => {
            t.draft(A, "权限测试").await
        }
        Act::Approve | Act::Reject => {
            let id = t.draft(A, "权限测试").await;
            t.post(
                &format!("/api/v1/items/{id}/submit"),
                Some(&officer),
                json!({}),
            )
            .await;
            id
        }
        Act::Withdraw | Act::Validity => t.publish(A, "权限测试").await["id"].as_i64().expect("id"),
    }
}

async fn attempt(t: &TestApp, act: Act, token: &str, id: i64) -> StatusCode {
    let path = |tail: &str| format!("/api/v1/items/{id}{tail}");
    let (s, _) = match act {
        Act::Create => {
            t.post("/api/v1/items", Some(token), item_json(A, "权限测试"))
                .await
        }
        Act::Read => t.get(&path(""), Some(token)).await,
        Act::Versions => t.get(&path("/versions"), Some(token)).await,
        Act::Edit => {
            let mut body = item_json(A, "改过的标题");
            body.as_object_mut().expect("object").remove("body_code");
            t.send(reqwest::Method::PUT, &path(""), Some(token), Some(body))
                .await
        }
        Act::Upload => {
            let part = reqwest::multipart::Part::bytes(b"plain text".to_vec()).file_name("a.txt");
            let resp = t
                .http
                .post(t.url(&path("/attachments")))
                .bearer_auth(token)
                .multipart(reqwest::multipart::Form::new().part("file", part))
                .send()
                .await
                .expect("upload");
            (resp.status(), serde_json::Value::Null)
        }
        Act::Submit => t.post(&path("/submit"), Some(token), json!({})).await,
        Act::Mask => {
            t.post(&path("/personal-data/mask"), Some(token), json!({}))
                .await
        }
        Act::Approve => {
            t.post(
                &path("/review"),
                Some(token),
                json!({"decision": "approve"}),
            )
            .await
        }
        Act::Reject => {
            t.post(
                &path("/review"),
                Some(token),
                json!({"decision": "reject", "note": "退回"}),
            )
            .await
        }
        Act::Withdraw => {
            t.post(&path("/withdraw"), Some(token), json!({"reason": "测试"}))
                .await
        }
        Act::Validity => {
            t.post(
                &path("/validity"),
                Some(token),
                json!({"validity": "expired"}),
            )
            .await
        }
    };
    s
}

async fn role_action_matrix(t: TestApp) {
    let mut failures = Vec::new();
    for act in ACTS {
        for (role, body) in ACTORS {
            let id = prepare(&t, act).await;
            let got = attempt(&t, act, &t.token(*role, body), id).await;
            let want = expected(act, *role, body);
            if got != want {
                failures.push(format!(
                    "{act:?} by {} of {body}: got {got}, want {want}",
                    role.as_str()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "authorisation mismatches:\n{}",
        failures.join("\n")
    );
    // Every refusal wrote nothing: only the city office's and the own officer's drafts exist
    // beyond those prepared.
}

async fn officer_cannot_approve_own_draft_even_as_reviewer(t: TestApp) {
    // The city office may do everything, but not review what it drafted itself (four eyes).
    let office = t.token(Role::CityOffice, A);
    let (s, v) = t
        .post("/api/v1/items", Some(&office), item_json(A, "本人起草"))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let id = v["id"].as_i64().expect("id");
    t.post(
        &format!("/api/v1/items/{id}/submit"),
        Some(&office),
        json!({}),
    )
    .await;
    let (s, v) = t
        .post(
            &format!("/api/v1/items/{id}/review"),
            Some(&office),
            json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("本人起草")
    );
}

async fn api_rejects_bad_tokens(t: TestApp) {
    let (s, v) = t.post("/api/v1/items", None, item_json(A, "无令牌")).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(v["error"]["code"], "unauthenticated");
    let (s, _) = t
        .post(
            "/api/v1/items",
            Some("gk_not-a-real-token"),
            item_json(A, "假令牌"),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(t.count("items").await, 0, "nothing written");
}
