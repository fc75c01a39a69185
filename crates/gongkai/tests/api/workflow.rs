//! The publishing workflow through the API: draft → review → published, rejection, withdrawal.

use gongkai_app::domain::role::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::db_tests;
use crate::helpers::{A, TestApp, item_json};

db_tests!(
    draft_submit_approve_publishes_with_index_number,
    reject_returns_to_draft_with_note,
    withdraw_hides_item_and_keeps_number,
    public_cannot_see_drafts
);

async fn draft_submit_approve_publishes_with_index_number(t: TestApp) {
    let officer = t.token(Role::Officer, A);
    let (s, v) = t
        .post(
            "/api/v1/items",
            Some(&officer),
            item_json(A, "关于做好2026年政务公开工作的通知"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["status"], "draft");
    assert_eq!(v["index_number"], serde_json::Value::Null);
    assert_eq!(
        v["doc_number"], "测发改发〔2026〕7号",
        "document number normalised"
    );
    let id = v["id"].as_i64().expect("id");

    let (s, v) = t
        .post(
            &format!("/api/v1/items/{id}/submit"),
            Some(&officer),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "in_review");

    let reviewer = t.token(Role::Reviewer, A);
    let (s, v) = t
        .post(
            &format!("/api/v1/items/{id}/review"),
            Some(&reviewer),
            json!({"decision": "approve", "note": "保密审查通过"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "published");
    let year = gongkai_app::today().format("%Y").to_string();
    assert_eq!(v["index_number"], format!("{A}/{year}-00001"));
    assert_eq!(v["published_on"], gongkai_app::today().to_string());

    // The public reads it without a token, in the item and in the list.
    let (s, v) = t.get(&format!("/api/v1/items/{id}"), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["status"], "published");
    assert_eq!(
        v["review_note"],
        serde_json::Value::Null,
        "reviewer notes are not public"
    );
    let (s, list) = t.get(&format!("/api/v1/items?body_code={A}"), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], id);

    // The second publication of the body takes the next serial.
    let v = t.publish(A, "第二条信息").await;
    assert_eq!(v["index_number"], format!("{A}/{year}-00002"));
}

async fn reject_returns_to_draft_with_note(t: TestApp) {
    let id = t.draft(A, "待退回的信息").await;
    let officer = t.token(Role::Officer, A);
    let reviewer = t.token(Role::Reviewer, A);
    t.post(
        &format!("/api/v1/items/{id}/submit"),
        Some(&officer),
        json!({}),
    )
    .await;
    // A rejection needs a note.
    let (s, v) = t
        .post(
            &format!("/api/v1/items/{id}/review"),
            Some(&reviewer),
            json!({"decision": "reject"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["fields"][0]["field"], "note");
    let (s, v) = t
        .post(
            &format!("/api/v1/items/{id}/review"),
            Some(&reviewer),
            json!({"decision": "reject", "note": "请补充政策依据"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "draft");
    assert_eq!(v["review_note"], "请补充政策依据");
    // The officer edits and resubmits.
    let mut body = item_json(A, "已补充依据的信息");
    body.as_object_mut().expect("object").remove("body_code");
    let (s, v) = t
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/items/{id}"),
            Some(&officer),
            Some(body),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["title"], "已补充依据的信息");
    assert_eq!(v["version"], 2);
    let (s, _) = t
        .post(
            &format!("/api/v1/items/{id}/submit"),
            Some(&officer),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, versions) = t
        .get(&format!("/api/v1/items/{id}/versions"), Some(&officer))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(versions.as_array().map(Vec::len), Some(2));
    // The first version is readable in the console as it was saved.
    let console = t.console_as("officer_a").await;
    let html = console
        .get(t.url(&format!("/console/items/{id}/versions/1")))
        .send()
        .await
        .expect("version page")
        .text()
        .await
        .expect("html");
    assert!(
        html.contains("待退回的信息") && html.contains("第 1 版"),
        "old title shown"
    );
}

async fn withdraw_hides_item_and_keeps_number(t: TestApp) {
    let v = t.publish(A, "将被撤回的信息").await;
    let id = v["id"].as_i64().expect("id");
    let number = v["index_number"].clone();
    let reviewer = t.token(Role::Reviewer, A);
    let (s, v) = t
        .post(
            &format!("/api/v1/items/{id}/withdraw"),
            Some(&reviewer),
            json!({"reason": ""}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reason is required: {v}"
    );
    let (s, v) = t
        .post(
            &format!("/api/v1/items/{id}/withdraw"),
            Some(&reviewer),
            json!({"reason": "内容有误"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "withdrawn");
    let (s, v) = t.get(&format!("/api/v1/items/{id}"), None).await;
    assert_eq!(s, StatusCode::GONE);
    assert_eq!(v["error"]["code"], "withdrawn");
    let (s, html) = t.page(&format!("/items/{id}")).await;
    assert_eq!(s, StatusCode::GONE);
    assert!(html.contains("已撤回"));
    // The next publication does not reuse the withdrawn number.
    let next = t.publish(A, "下一条信息").await;
    assert_ne!(next["index_number"], number);
    assert!(
        next["index_number"]
            .as_str()
            .unwrap_or_default()
            .ends_with("-00002")
    );
}

async fn public_cannot_see_drafts(t: TestApp) {
    let id = t.draft(A, "草稿不公开").await;
    let (s, v) = t.get(&format!("/api/v1/items/{id}"), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let (s, _) = t.page(&format!("/items/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, list) = t.get("/api/v1/items", None).await;
    assert_eq!(list["total"], 0);
    // Staff of the body can read it through the API.
    let (s, v) = t
        .get(
            &format!("/api/v1/items/{id}"),
            Some(&t.token(Role::Reviewer, A)),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["status"], "draft");
}
