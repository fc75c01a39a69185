//! Personal-data scan before approval: hits block, one-click masking, justified false positives.

use gongkai_app::domain::role::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::db_tests;
use crate::helpers::{A, TestApp, item_json};

db_tests!(
    unscannable_attachment_needs_a_written_check,
    personal_data_blocks_approval_until_masked,
    false_positive_needs_reason_and_is_audited,
    keywords_and_co_issuers_are_scanned,
    attachment_text_is_scanned
);

async fn submitted_with_body(t: &TestApp, body: &str) -> i64 {
    let mut item = item_json(A, "行政处罚决定书");
    item["body"] = json!(body);
    let officer = t.token(Role::Officer, A);
    let (s, v) = t.post("/api/v1/items", Some(&officer), item).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().expect("id");
    t.post(
        &format!("/api/v1/items/{id}/submit"),
        Some(&officer),
        json!({}),
    )
    .await;
    id
}

async fn personal_data_blocks_approval_until_masked(t: TestApp) {
    let id = submitted_with_body(
        &t,
        "当事人：王某某，住址：海州市定海区解放路12号\n身份证号：11010519491231002X，联系电话 13957012345。",
    )
    .await;
    let reviewer = t.token(Role::Reviewer, A);
    let (s, v) = t
        .post(
            &format!("/api/v1/items/{id}/review"),
            Some(&reviewer),
            json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "personal_data");
    let hits = v["error"]["hits"].as_array().expect("hits");
    assert_eq!(hits.len(), 3, "{hits:?}");
    assert_eq!(hits[0]["kind"], "address");
    assert_eq!(hits[1]["kind"], "id_number");
    assert_eq!(hits[1]["field"], "body");
    assert_eq!(hits[1]["line"], 2);
    assert_eq!(hits[1]["column"], 6);
    assert_eq!(hits[2]["kind"], "mobile");
    // Still in review, no number allocated.
    let (_, item) = t.get(&format!("/api/v1/items/{id}"), Some(&reviewer)).await;
    assert_eq!(item["status"], "in_review");

    let (s, v) = t
        .post(
            &format!("/api/v1/items/{id}/personal-data/mask"),
            Some(&reviewer),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["masked"], 3);
    let (_, findings) = t
        .get(
            &format!("/api/v1/items/{id}/personal-data"),
            Some(&reviewer),
        )
        .await;
    assert_eq!(findings, json!([]));
    let (s, v) = t
        .post(
            &format!("/api/v1/items/{id}/review"),
            Some(&reviewer),
            json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let body = v["body"].as_str().expect("body");
    assert!(body.contains("110105********002X"), "{body}");
    assert!(body.contains("139****2345"), "{body}");
    assert!(body.contains("住址：海州市定海区******\n"), "{body}");
    assert!(!body.contains("13957012345"));
}

async fn false_positive_needs_reason_and_is_audited(t: TestApp) {
    // A 16-digit Luhn-valid number that is really a contract number.
    let id = submitted_with_body(&t, "合同编号 4111 1111 1111 1111 已备案。").await;
    let reviewer = t.token(Role::Reviewer, A);
    let (s, _) = t
        .post(
            &format!("/api/v1/items/{id}/review"),
            Some(&reviewer),
            json!({"decision": "approve", "pii_override": "  "}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a blank reason is no reason"
    );
    let review = |body: serde_json::Value| {
        let (t, reviewer) = (&t, reviewer.clone());
        async move {
            t.post(&format!("/api/v1/items/{id}/review"), Some(&reviewer), body)
                .await
        }
    };
    let (s, v) = review(json!({"decision": "approve"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let keys: Vec<String> = v["error"]["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .filter_map(|h| h["key"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(keys.len(), 1, "{v}");
    assert!(keys[0].starts_with("body:5:bank_card:"), "{v}");
    // A character or two is no reason, even with the hit confirmed.
    let (s, v) =
        review(json!({"decision": "approve", "pii_override": "x。", "pii_confirmed": keys})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["fields"][0]["field"], "pii_override", "{v}");
    // A reason without each hit confirmed, or with another text's hit, confirms nothing.
    // Another number at the same place (a stale tab) is another key.
    let stale = format!("body:5:bank_card:{}", "0".repeat(8));
    for confirmed in [json!([]), json!(["body:6:bank_card"]), json!([stale])] {
        let (s, v) = review(json!({
            "decision": "approve",
            "pii_override": "合同编号，不是银行卡号",
            "pii_confirmed": confirmed,
        }))
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["fields"][0]["field"], "pii_confirmed", "{v}");
    }
    let (s, v) = review(json!({
        "decision": "approve",
        "pii_override": "合同编号，不是银行卡号",
        "pii_confirmed": keys,
    }))
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "published");
    let records = t
        .app
        .audit_of(
            &t.app.actor_for_login("auditor").await.expect("auditor"),
            "item",
            &id.to_string(),
        )
        .await
        .expect("audit");
    let approve = records
        .iter()
        .find(|r| r.action == "item.approve")
        .expect("approve record");
    assert!(
        approve.after_state.contains("合同编号，不是银行卡号")
            && approve.after_state.contains(&keys[0]),
        "{}",
        approve.after_state
    );
    assert_eq!(approve.actor, "reviewer_a");
}

/// The keywords and co-issuers are published too: scanned and masked like the text.
async fn keywords_and_co_issuers_are_scanned(t: TestApp) {
    let mut item = item_json(A, "行政处罚决定书");
    item["keywords"] = json!(["处罚", "13957012345"]);
    item["co_issuers"] = json!(["测试市财政局", "联系人110105-19491231-002X"]);
    let officer = t.token(Role::Officer, A);
    let (s, v) = t.post("/api/v1/items", Some(&officer), item).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().expect("id");
    let (_, findings) = t
        .get(&format!("/api/v1/items/{id}/personal-data"), Some(&officer))
        .await;
    let fields: Vec<(&str, &str)> = findings
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap_or_default(),
                f["kind"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        [("keywords", "mobile"), ("co_issuers", "id_number")],
        "{findings}"
    );
    let (s, v) = t
        .post(
            &format!("/api/v1/items/{id}/personal-data/mask"),
            Some(&officer),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, item) = t.get(&format!("/api/v1/items/{id}"), Some(&officer)).await;
    assert_eq!(item["keywords"], json!(["处罚", "139****2345"]), "{item}");
    assert_eq!(
        item["co_issuers"][1], "联系人110105-********-002X",
        "{item}"
    );
}

async fn attachment_text_is_scanned(t: TestApp) {
    let id = t.draft(A, "带附件的信息").await;
    let officer = t.token(Role::Officer, A);
    let part = reqwest::multipart::Part::bytes("名单\n张三 13812345678\n".as_bytes().to_vec())
        .file_name("名单.txt");
    let resp = t
        .http
        .post(t.url(&format!("/api/v1/items/{id}/attachments")))
        .bearer_auth(&officer)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .expect("upload");
    assert_eq!(resp.status(), StatusCode::CREATED);
    let (_, findings) = t
        .get(&format!("/api/v1/items/{id}/personal-data"), Some(&officer))
        .await;
    assert_eq!(findings[0]["field"], "attachment:名单.txt");
    assert_eq!(findings[0]["line"], 2);
}

async fn unscannable_attachment_needs_a_written_check(t: TestApp) {
    let id = t.draft(A, "带PDF附件的信息").await;
    let officer = t.token(Role::Officer, A);
    let part = reqwest::multipart::Part::bytes(b"%PDF-1.4\n%%EOF\n".to_vec()).file_name("名单.pdf");
    let resp = t
        .http
        .post(t.url(&format!("/api/v1/items/{id}/attachments")))
        .bearer_auth(&officer)
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .expect("upload");
    assert_eq!(resp.status(), StatusCode::CREATED);
    t.post(
        &format!("/api/v1/items/{id}/submit"),
        Some(&officer),
        json!({}),
    )
    .await;
    let reviewer = t.token(Role::Reviewer, A);
    let (s, v) = t
        .post(
            &format!("/api/v1/items/{id}/review"),
            Some(&reviewer),
            json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "unscanned_attachments");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("名单.pdf")
    );
    let (s, v) = t
        .post(
            &format!("/api/v1/items/{id}/review"),
            Some(&reviewer),
            json!({"decision": "approve", "pii_override": "已逐页人工核对附件，无个人信息"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "published");
}
