//! Authorisation: every role × every action, in its own body and in another body.

use gongkai_app::domain::role::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::db_tests;
use crate::helpers::{A, B, TestApp, item_json};

db_tests!(
    role_action_matrix,
    officer_cannot_approve_own_draft_even_as_reviewer,
    api_rejects_bad_tokens
);

#[derive(Debug, Clone, Copy)]
enum Act {
    Create,
    Read,
    Submit,
    Approve,
    Withdraw,
}

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

/// The expected answer when `actor` does `act` on an item of body A.
fn expected(act: Act, role: Role, body: &str) -> StatusCode {
    use StatusCode as S;
    let own = body == A;
    match (act, role) {
        (_, Role::CityOffice) => match act {
            Act::Create => S::CREATED,
            _ => S::OK,
        },
        (Act::Create, Role::Officer) if own => S::CREATED,
        (Act::Create, _) => S::FORBIDDEN,
        // Drafts are invisible outside their body: not found rather than forbidden.
        (Act::Read | Act::Submit | Act::Approve, _) if !own => S::NOT_FOUND,
        (Act::Read | Act::Submit | Act::Approve, Role::Auditor) => S::NOT_FOUND,
        (Act::Read, _) => S::OK,
        (Act::Submit, Role::Officer) => S::OK,
        (Act::Submit, _) => S::FORBIDDEN,
        (Act::Approve, Role::Reviewer) => S::OK,
        (Act::Approve, _) => S::FORBIDDEN,
        (Act::Withdraw, Role::Reviewer) if own => S::OK,
        (Act::Withdraw, _) => S::FORBIDDEN,
    }
}

async fn prepare(t: &TestApp, act: Act) -> i64 {
    let officer = t.token(Role::Officer, A);
    match act {
        Act::Create => 0,
        Act::Read | Act::Submit => t.draft(A, "权限测试").await,
        Act::Approve => {
            let id = t.draft(A, "权限测试").await;
            t.post(
                &format!("/api/v1/items/{id}/submit"),
                Some(&officer),
                json!({}),
            )
            .await;
            id
        }
        Act::Withdraw => t.publish(A, "权限测试").await["id"].as_i64().expect("id"),
    }
}

async fn attempt(t: &TestApp, act: Act, token: &str, id: i64) -> StatusCode {
    let (s, _) = match act {
        Act::Create => {
            t.post("/api/v1/items", Some(token), item_json(A, "权限测试"))
                .await
        }
        Act::Read => t.get(&format!("/api/v1/items/{id}"), Some(token)).await,
        Act::Submit => {
            t.post(
                &format!("/api/v1/items/{id}/submit"),
                Some(token),
                json!({}),
            )
            .await
        }
        Act::Approve => {
            t.post(
                &format!("/api/v1/items/{id}/review"),
                Some(token),
                json!({"decision": "approve"}),
            )
            .await
        }
        Act::Withdraw => {
            t.post(
                &format!("/api/v1/items/{id}/withdraw"),
                Some(token),
                json!({"reason": "测试"}),
            )
            .await
        }
    };
    s
}

async fn role_action_matrix(t: TestApp) {
    let mut failures = Vec::new();
    for act in [
        Act::Create,
        Act::Read,
        Act::Submit,
        Act::Approve,
        Act::Withdraw,
    ] {
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
