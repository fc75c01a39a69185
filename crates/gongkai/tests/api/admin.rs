//! Administration through the console: body administrators manage their body's users; only the
//! city office manages organisations and city-office accounts.

use gongkai_app::domain::org::BodyKind;
use gongkai_app::orgs::NewBody;
use gongkai_app::{App, AppConfig, Origin};
use reqwest::StatusCode;

use crate::db_tests;
use crate::helpers::{A, B, TestApp, hidden_value};

db_tests!(
    body_admin_manages_only_own_users,
    city_office_registers_bodies,
    a_body_registered_by_another_process_is_found_at_once
);

async fn post_user(
    t: &TestApp,
    client: &reqwest::Client,
    csrf: &str,
    login: &str,
    body: &str,
    role: &str,
) -> StatusCode {
    client
        .post(t.url("/console/users"))
        .form(&[
            ("csrf", csrf),
            ("login", login),
            ("display_name", "新同事"),
            ("body_code", body),
            ("role", role),
            ("password", "a-long-enough-password"),
        ])
        .send()
        .await
        .expect("post")
        .status()
}

async fn body_admin_manages_only_own_users(t: TestApp) {
    let admin = t.console_as("body_admin_a").await;
    let html = admin
        .get(t.url("/console/users"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        html.contains("officer_a") && !html.contains("officer_b"),
        "only own body's accounts listed"
    );
    let csrf = hidden_value(&html, "csrf").expect("csrf");
    assert_eq!(
        post_user(&t, &admin, &csrf, "new_officer", A, "officer").await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        post_user(&t, &admin, &csrf, "intruder", B, "officer").await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post_user(&t, &admin, &csrf, "boss", A, "city_office").await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post_user(&t, &admin, &csrf, "bad login!", A, "officer").await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        post_user(&t, &admin, "forged", "x2", A, "officer").await,
        StatusCode::FORBIDDEN
    );
    let officer = t.console_as("officer_a").await;
    assert_eq!(
        officer
            .get(t.url("/console/users"))
            .send()
            .await
            .expect("get")
            .status(),
        StatusCode::FORBIDDEN
    );
    // The new account works.
    let _ = t
        .console_with("new_officer", "a-long-enough-password")
        .await;
}

async fn city_office_registers_bodies(t: TestApp) {
    let office = t.console_as("office").await;
    let html = office
        .get(t.url("/console/bodies"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    let csrf = hidden_value(&html, "csrf").expect("csrf");
    let resp = office
        .post(t.url("/console/bodies"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("code", "100000009"),
            ("name", "测试市生态环境局"),
            ("short_names", "市环保局、环保局"),
            ("kind", "department"),
            ("parent", crate::helpers::ROOT),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let found = t
        .app
        .resolve_body("市环保局")
        .await
        .expect("resolve")
        .expect("alias resolves");
    assert_eq!(found.code, "100000009");
    let resp = office
        .post(t.url("/console/bodies"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("code", "bad code"),
            ("name", ""),
            ("kind", "department"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let admin = t.console_as("body_admin_a").await;
    assert_eq!(
        admin
            .get(t.url("/console/bodies"))
            .send()
            .await
            .expect("get")
            .status(),
        StatusCode::FORBIDDEN
    );
}

/// The registry is cached, and a body is looked up in it; a body another process (the CLI, a
/// second server) has just registered is not in this one's cache yet and is read from the
/// database instead of being "not found" for the cache's lifetime.
async fn a_body_registered_by_another_process_is_found_at_once(t: TestApp) {
    let cached = t.app.registry().await.expect("registry");
    let other = App::open(&t.db_url, t.data.path().to_path_buf(), AppConfig::default())
        .await
        .expect("second process");
    let origin = Origin { ip: "test".into() };
    let new_body = NewBody {
        code: "100000019".into(),
        name: "测试市审计局".into(),
        short_names: vec!["市审计局".into()],
        kind: BodyKind::Department,
        parent_code: Some(crate::helpers::ROOT.to_owned()),
    };
    let id = other
        .add_body(None, &origin, &new_body)
        .await
        .expect("registered there");
    assert!(cached.iter().all(|b| b.id != id), "not cached before");
    let found = t.app.body(id).await.expect("found here at once");
    assert_eq!(found.name, "测试市审计局");
    let known = &cached[0];
    assert_eq!(
        t.app.body(known.id).await.expect("cached body").code,
        known.code
    );
    assert!(
        t.app.body(id + 1000).await.is_err(),
        "an unknown id is not found"
    );
}
