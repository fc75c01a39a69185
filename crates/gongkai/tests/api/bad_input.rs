//! Bad input gets a clear error naming the field, and nothing is written.

use gongkai_app::domain::role::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::db_tests;
use crate::helpers::{A, TestApp, item_json};

db_tests!(
    missing_fields_are_all_reported,
    malformed_json_is_rejected,
    uploads_are_bounded_and_typed_by_content,
    unknown_body_and_bad_values,
    bad_query_parameters_are_named
);

/// A link with a bad parameter (a page that is not a number, a date where a year goes) gets a
/// Chinese page or JSON error naming the parameter, not axum's English line of plain text.
async fn bad_query_parameters_are_named(t: TestApp) {
    for (path, named) in [
        ("/catalog?page=abc", "页码（page）"),
        ("/catalog?page=-1", "页码（page）"),
        (
            "/search?q=%E8%A1%A5%E8%B4%B4&from=2020-01-01",
            "年份（from）",
        ),
        (
            "/search?q=%E8%A1%A5%E8%B4%B4&per_page=x",
            "每页条数（per_page）",
        ),
    ] {
        let (s, html) = t.page(path).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{path}");
        assert!(
            html.contains(named) && html.contains("<html lang=\"zh-CN\">"),
            "{path}: {html}"
        );
    }
    for (path, field) in [
        ("/api/v1/items?page=abc", "page"),
        ("/api/v1/search?q=x&to=abc", "to"),
    ] {
        let (s, v) = t.get(path, None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(v["error"]["code"], "malformed_request", "{v}");
        assert_eq!(v["error"]["fields"][0]["field"], field, "{v}");
    }
}

async fn missing_fields_are_all_reported(t: TestApp) {
    let officer = t.token(Role::Officer, A);
    let (s, v) = t
        .post("/api/v1/items", Some(&officer), json!({"body_code": A}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "validation");
    let fields: Vec<&str> = v["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["field"].as_str())
        .collect();
    for f in ["title", "body", "genre", "topic"] {
        assert!(fields.contains(&f), "{f} missing from {fields:?}");
    }
    let message = v["error"]["fields"][0]["message"]
        .as_str()
        .expect("message");
    assert!(
        message
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "Chinese message: {message}"
    );
    let mut long = item_json(A, "标题");
    long["summary"] = json!("概".repeat(101));
    long["written_on"] = json!("2026-13-45");
    let (s, v) = t.post("/api/v1/items", Some(&officer), long).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = v["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["field"].as_str())
        .collect();
    assert!(
        fields.contains(&"summary") && fields.contains(&"written_on"),
        "{fields:?}"
    );
    // A document cannot have been written after today.
    let mut future = item_json(A, "标题");
    future["written_on"] = json!((gongkai_app::today() + chrono::Duration::days(1)).to_string());
    let (s, v) = t.post("/api/v1/items", Some(&officer), future).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["fields"][0]["field"], "written_on", "{v}");
    assert_eq!(t.count("items").await, 0);
    assert_eq!(t.count("item_versions").await, 0);
}

async fn malformed_json_is_rejected(t: TestApp) {
    let officer = t.token(Role::Officer, A);
    let audit_before = t.count("audit_log").await;
    let resp = t
        .http
        .post(t.url("/api/v1/items"))
        .bearer_auth(&officer)
        .header("content-type", "application/json")
        .body("{\"title\": \"未闭合")
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let v: serde_json::Value = resp.json().await.expect("json envelope");
    assert_eq!(v["error"]["code"], "malformed_request");
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("JSON"))
    );
    let (s, v) = t
        .post(
            "/api/v1/items",
            Some(&officer),
            json!({"body_code": A, "titel": "拼错的字段"}),
        )
        .await;
    assert!(s.is_client_error(), "{v}");
    assert_eq!(t.count("items").await, 0);
    assert_eq!(
        t.count("audit_log").await,
        audit_before,
        "nothing audited either"
    );
}

async fn upload(
    t: &TestApp,
    id: i64,
    name: &str,
    bytes: Vec<u8>,
) -> (StatusCode, serde_json::Value) {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
    let resp = t
        .http
        .post(t.url(&format!("/api/v1/items/{id}/attachments")))
        .bearer_auth(t.token(Role::Officer, A))
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .expect("upload");
    let status = resp.status();
    (status, resp.json().await.unwrap_or(serde_json::Value::Null))
}

async fn uploads_are_bounded_and_typed_by_content(t: TestApp) {
    let id = t.draft(A, "附件测试").await;
    // The test server allows 1 MiB.
    let (s, v) = upload(
        &t,
        id,
        "大文件.pdf",
        b"%PDF-1.4\n"
            .iter()
            .copied()
            .chain(std::iter::repeat_n(b'x', 1024 * 1024 + 10))
            .collect(),
    )
    .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    assert_eq!(v["error"]["code"], "too_large");
    // A Windows executable named .pdf.
    let (s, v) = upload(
        &t,
        id,
        "通知.pdf",
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec(),
    )
    .await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{v}");
    let (s, _) = upload(&t, id, "脚本.exe", b"MZ\x90\x00".to_vec()).await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(t.count("attachments").await, 0, "nothing stored");
    // A real PDF header is accepted and downloadable by hash-stored content.
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    let (s, v) = upload(&t, id, "../../etc/附件1.pdf", pdf.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["filename"], "附件1.pdf", "path stripped");
    assert_eq!(v["content_type"], "application/pdf");
    // Drafts' attachments are not public.
    let url = v["url"].as_str().expect("url").to_owned();
    let resp = t.http.get(t.url(&url)).send().await.expect("download");
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    // Removed again by the officer (the reviewer of another body cannot).
    let att = v["id"].as_i64().expect("attachment id");
    let (s, _) = t
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/attachments/{att}"),
            Some(&t.token(Role::Reviewer, crate::helpers::B)),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = t
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/attachments/{att}"),
            Some(&t.token(Role::Officer, A)),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(t.count("attachments").await, 0);
}

async fn unknown_body_and_bad_values(t: TestApp) {
    let officer = t.token(Role::Officer, A);
    let (s, v) = t
        .post(
            "/api/v1/items",
            Some(&officer),
            item_json("999999999", "不存在的机构"),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["fields"][0]["field"], "body_code");
    let mut bad = item_json(A, "错误的取值");
    bad["genre"] = json!("小说");
    bad["topic"] = json!("不存在/的主题");
    bad["validity"] = json!("永久有效");
    let (s, v) = t.post("/api/v1/items", Some(&officer), bad).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = v["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["field"].as_str())
        .collect();
    for f in ["genre", "topic", "validity"] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    let (s, v) = t.get("/api/v1/items/abc", None).await;
    assert!(s.is_client_error(), "{v}");
    let (s, v) = t.get("/api/v1/no-such-endpoint", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(v["error"]["code"], "not_found");
}
