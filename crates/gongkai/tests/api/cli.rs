//! The command line, run as the real binary against the running server's database.

use reqwest::StatusCode;

use crate::db_tests;
use crate::helpers::{A, TestApp, item_json};

db_tests!(user_add_and_token_create_work_while_serving);

async fn user_add_and_token_create_work_while_serving(t: TestApp) {
    let out = t.cli(
        &[
            "user",
            "add",
            "--login",
            "newofficer",
            "--body",
            A,
            "--role",
            "officer",
            "--password-stdin",
        ],
        Some("a-long-enough-password\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = t.cli(
        &[
            "user",
            "add",
            "--login",
            "weak",
            "--body",
            A,
            "--role",
            "officer",
            "--password-stdin",
        ],
        Some("short\n"),
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("password"));
    let out = t.cli(
        &[
            "user",
            "add",
            "--login",
            "x",
            "--body",
            A,
            "--role",
            "king",
            "--password-stdin",
        ],
        Some("a-long-enough-password\n"),
    );
    assert!(!out.status.success());
    let out = t.cli(&["token", "create", "--login", "newofficer"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(token.starts_with("gk_"));
    let (s, v) = t
        .post(
            "/api/v1/items",
            Some(&token),
            item_json(A, "命令行用户起草"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let out = t.cli(&["migrate"], None);
    assert!(out.status.success());
    // The new user logs in to the console with the password given on stdin.
    let _ = t.console_with("newofficer", "a-long-enough-password").await;
}
