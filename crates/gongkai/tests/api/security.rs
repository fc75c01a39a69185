//! Console security: CSRF on every form, login lockout, idle sessions, redirects.

use gongkai_app::domain::role::Role;
use reqwest::StatusCode;

use crate::db_tests;
use crate::helpers::{A, PASSWORD, TestApp, hidden_value};

db_tests!(
    csrf_is_required_on_forms,
    login_locks_after_five_failures,
    console_requires_login,
    security_headers_are_set
);

async fn csrf_is_required_on_forms(t: TestApp) {
    // The login form itself: a post without the token is refused.
    let anon = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let resp = anon
        .post(t.url("/console/login"))
        .form(&[
            ("login", "officer_a"),
            ("password", PASSWORD),
            ("csrf", "forged"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);

    let console = t.console_as("officer_a").await;
    let html = console
        .get(t.url("/console/items/new"))
        .send()
        .await
        .expect("editor")
        .text()
        .await
        .expect("html");
    let csrf = hidden_value(&html, "csrf").expect("csrf in editor");
    let body_id = t.app.body_by_code(A).await.expect("body").id.to_string();
    let form = |token: &str| {
        vec![
            ("csrf", token.to_owned()),
            ("body_id", body_id.clone()),
            ("title", "表单提交的信息".to_owned()),
            ("body", "正文内容".to_owned()),
            ("genre", "通知".to_owned()),
            ("topic", "综合政务/政务公开".to_owned()),
            ("key_areas", "政策执行和落实".to_owned()),
            ("key_areas", "预决算".to_owned()),
        ]
    };
    let resp = console
        .post(t.url("/console/items"))
        .form(&form("wrong"))
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert_eq!(t.count("items").await, 0, "a forged form writes nothing");
    let resp = console
        .post(t.url("/console/items"))
        .form(&form(&csrf))
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(t.count("items").await, 1);
    let (_, list) = t
        .get("/api/v1/items/1", Some(&t.token(Role::Officer, A)))
        .await;
    assert_eq!(
        list["key_areas"],
        serde_json::json!(["政策执行和落实", "预决算"]),
        "repeated form keys kept"
    );

    // Logout needs the token too.
    let resp = console
        .post(t.url("/console/logout"))
        .form(&[("csrf", "wrong")])
        .send()
        .await
        .expect("logout");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}

async fn login_locks_after_five_failures(t: TestApp) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let html = client
        .get(t.url("/console/login"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    let csrf = hidden_value(&html, "csrf").expect("csrf");
    for i in 1..=5 {
        let resp = client
            .post(t.url("/console/login"))
            .form(&[
                ("login", "reviewer_a"),
                ("password", "wrong-password"),
                ("csrf", &csrf),
            ])
            .send()
            .await
            .expect("post");
        let want = if i < 5 {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(resp.status(), want, "attempt {i}");
    }
    // Even the right password is refused while locked.
    let resp = client
        .post(t.url("/console/login"))
        .form(&[
            ("login", "reviewer_a"),
            ("password", PASSWORD),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let body = resp.text().await.expect("body");
    assert!(body.contains("锁定"), "the page says the account is locked");
    // Unknown logins get the same answer as wrong passwords.
    let resp = client
        .post(t.url("/console/login"))
        .form(&[("login", "nobody"), ("password", PASSWORD), ("csrf", &csrf)])
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
}

async fn console_requires_login(t: TestApp) {
    let resp = t
        .http
        .get(t.url("/console/items/new"))
        .send()
        .await
        .expect("get");
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let location = resp.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    assert!(
        location.starts_with("/console/login?next=/console/items/new"),
        "{location}"
    );
    // An auditor logs in but cannot draft.
    let auditor = t.console_as("auditor").await;
    let resp = auditor
        .get(t.url("/console/items/new"))
        .send()
        .await
        .expect("get");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let resp = auditor
        .get(t.url("/console/audit"))
        .send()
        .await
        .expect("get");
    assert_eq!(resp.status(), StatusCode::OK);
    // Actions are named in Chinese, with their code.
    let log = resp.text().await.expect("html");
    assert!(log.contains("<td>登录（user.login）</td>"), "{log}");
    // An officer cannot read the audit log.
    let officer = t.console_as("officer_a").await;
    let resp = officer
        .get(t.url("/console/audit"))
        .send()
        .await
        .expect("get");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    // Open redirects are not followed after login.
    let html = reqwest::get(t.url("/console/login?next=//evil.example"))
        .await
        .expect("get")
        .text()
        .await
        .expect("html");
    assert!(html.contains("value=\"/console\""), "next sanitised");
}

async fn security_headers_are_set(t: TestApp) {
    let resp = t.http.get(t.url("/")).send().await.expect("get");
    let h = resp.headers();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    assert!(
        h["content-security-policy"]
            .to_str()
            .expect("csp")
            .contains("default-src 'self'")
    );
    let resp = t
        .http
        .get(t.url("/console/login"))
        .send()
        .await
        .expect("get");
    let cookie = resp.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
}
