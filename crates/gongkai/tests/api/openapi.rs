//! The OpenAPI document is locked by a snapshot: any API change shows up as a diff.

#[test]
fn openapi_document_is_stable() {
    let doc = gongkai_web::openapi_json();
    let v: serde_json::Value = serde_json::from_str(&doc).expect("valid JSON");
    for path in [
        "/items",
        "/items/{id}",
        "/items/{id}/submit",
        "/items/{id}/review",
        "/bodies",
    ] {
        assert!(v["paths"].get(path).is_some(), "{path} documented");
    }
    insta::assert_snapshot!("openapi", doc);
}
