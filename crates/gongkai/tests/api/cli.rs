//! The command line, run as the real binary against the running server's database.

use reqwest::StatusCode;
use serde_json::json;

use crate::db_tests;
use crate::helpers::{A, TestApp, item_json};

db_tests!(
    user_add_and_token_create_work_while_serving,
    calendar_year_is_loaded_and_kept,
    import_of_an_archive_publishes_searchable_items_and_names_bad_lines
);

async fn calendar_year_is_loaded_and_kept(t: TestApp) {
    let file = t.data.path().join("2027.toml");
    std::fs::write(
        &file,
        "year = 2027\nholidays = [\"2027-01-01\", \"2027-02-08\"]\nworkdays = [\"2027-02-06\"]\n",
    )
    .expect("write");
    let out = t.cli(&["calendar", "add", file.to_str().expect("path")], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = t.cli(&["calendar", "list"], None);
    let years = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        years.contains("2025") && years.contains("2026") && years.contains("2027"),
        "{years}"
    );
    // A reopened app (a restart) keeps the year.
    let app = gongkai_app::App::open(&t.db_url, t.data.path().to_path_buf(), Default::default())
        .await
        .expect("reopen");
    let cal = app.calendar();
    assert!(!cal.is_working_day(chrono::NaiveDate::from_ymd_opt(2027, 2, 8).expect("date")));
    assert!(cal.is_working_day(chrono::NaiveDate::from_ymd_opt(2027, 2, 6).expect("date")));
    // A broken file is refused with the reason.
    std::fs::write(
        &file,
        "year = 2028\nholidays = [\"2027-05-01\"]\nworkdays = []\n",
    )
    .expect("write");
    let out = t.cli(&["calendar", "add", file.to_str().expect("path")], None);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("calendar"));
}

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
    // Listed without the secret, then revoked: the API refuses it.
    let out = t.cli(&["token", "list", "--login", "newofficer"], None);
    let listing = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        listing.contains("live") && !listing.contains(&token),
        "{listing}"
    );
    let id = listing.split('\t').next().expect("id").trim().to_owned();
    let out = t.cli(&["token", "revoke", "--id", &id], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (s, _) = t
        .post("/api/v1/items", Some(&token), item_json(A, "已吊销的令牌"))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let out = t.cli(&["migrate"], None);
    assert!(out.status.success());
    // The new user logs in to the console with the password given on stdin.
    let _ = t.console_with("newofficer", "a-long-enough-password").await;
}

#[test]
fn plan_parse_prints_tasks_as_json_without_a_database() {
    let seed = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../gongkai-domain/src/workplan/testdata/zhoushan-2016-workplan.txt"
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args([
            "--data",
            "/nonexistent/never-created",
            "plan",
            "parse",
            seed,
        ])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let tasks = v["tasks"].as_array().expect("tasks");
    assert_eq!(tasks.len(), 39);
    let first = &tasks[0];
    for key in ["text", "lead", "co", "deadline_hint"] {
        assert!(first.get(key).is_some(), "task has {key}");
    }
    assert_eq!(first["lead"], serde_json::json!(["市编委办", "市审招委"]));
    assert!(!std::path::Path::new("/nonexistent/never-created").exists());
}

async fn import_of_an_archive_publishes_searchable_items_and_names_bad_lines(t: TestApp) {
    let good = |n: u32, title: &str| {
        json!({
            "ref": format!("r{n}"), "body": A, "title": title,
            "doc_number": format!("测发改发〔2019〕{n}号"), "written_on": "2019-03-01",
            "published_on": "2019-03-05", "genre": "通知", "topic": "综合政务/政务公开",
            "key_areas": [], "keywords": ["档案"], "validity": "有效", "successor": null,
            "summary": "历史文件", "body_text": "正文内容。",
            "attachment_text": if n == 2 { "附件：渔船避风锚地一览表" } else { "" },
        })
        .to_string()
    };
    let mut bad = serde_json::from_str::<serde_json::Value>(&good(9, "缺少体裁")).expect("json");
    bad["genre"] = json!("不存在的体裁");
    let lines = [
        good(1, "关于历史档案数字化的通知"),
        good(2, "关于渔港管理的通知"),
        "not json".to_owned(),
        bad.to_string(),
        good(3, "关于历史文件整理的通知"),
    ];
    let file = t.data.path().join("archive.jsonl");
    std::fs::write(&file, lines.join("\n")).expect("write");
    // Only the city office imports: another account is refused before a line is read.
    let refused = t.cli(
        &[
            "import",
            file.to_str().expect("path"),
            "--login",
            "officer_a",
        ],
        None,
    );
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success(), "{stderr}");
    assert!(stderr.contains("not a city-office account"), "{stderr}");
    assert!(!stderr.contains("line 1"), "no line is read: {stderr}");
    let out = t.cli(
        &["import", file.to_str().expect("path"), "--batch", "2"],
        None,
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "bad lines make the exit code 1");
    assert!(stdout.contains("imported 3 items"), "{stdout} {stderr}");
    assert!(
        stderr.contains("line 3") && stderr.contains("line 4"),
        "{stderr}"
    );
    // Published with index numbers in their year, audited, and found by search (attachment text too).
    let (s, v) = t
        .get(&format!("/api/v1/items?body_code={A}&year=2019"), None)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["total"], 3, "{v}");
    assert!(
        v["items"][0]["index_number"]
            .as_str()
            .unwrap_or("")
            .contains("/2019-"),
        "{v}"
    );
    // Batches of two written with multi-row statements: serials consecutive in file order,
    // each item with version 1 and its trail (import, attachment, publication), chain intact.
    let mut serials: Vec<(String, String)> = v["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                i["title"].as_str().unwrap_or("").to_owned(),
                i["index_number"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    serials.sort_by(|a, b| a.1.cmp(&b.1));
    let titles: Vec<&str> = serials.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        titles,
        [
            "关于历史档案数字化的通知",
            "关于渔港管理的通知",
            "关于历史文件整理的通知"
        ],
        "{serials:?}"
    );
    let numbers: Vec<u32> = serials
        .iter()
        .filter_map(|(_, n)| n.rsplit('-').next()?.parse().ok())
        .collect();
    assert_eq!(numbers, [1, 2, 3], "{serials:?}");
    let office = t.app.actor_for_login("office").await.expect("office");
    let auditor = t.app.actor_for_login("auditor").await.expect("auditor");
    for item in v["items"].as_array().expect("items") {
        let id = item["id"].as_i64().expect("id");
        let records = t
            .app
            .audit_of(&auditor, "item", &id.to_string())
            .await
            .expect("records");
        let actions: Vec<&str> = records.iter().rev().map(|r| r.action.as_str()).collect();
        let expected: &[&str] = if item["title"] == "关于渔港管理的通知" {
            &["item.import", "item.attach", "item.publish"]
        } else {
            &["item.import", "item.publish"]
        };
        assert_eq!(actions, expected, "{item}");
        let import = records.last().expect("import record");
        let versions = t.app.versions(&office, id).await.expect("versions");
        assert_eq!(versions.len(), 1, "{item}");
        // The snapshot is built in memory: it must be the stored row field for field, as it
        // stood before publication (a draft, as when an item is created and then published).
        let stored = gongkai_store::items::by_id(&mut t.raw_db().await, id)
            .await
            .expect("row")
            .expect("stored");
        let mut expected = serde_json::to_value(&stored).expect("row json");
        expected["status"] = json!("draft");
        for field in ["index_number", "published_on", "published_ms"] {
            expected[field] = serde_json::Value::Null;
        }
        expected["late"] = json!(0);
        let snapshot: serde_json::Value =
            serde_json::from_str(&versions[0].snapshot).expect("snapshot json");
        assert_eq!(snapshot, expected);
        // The import record names version 1 by the digest of its snapshot.
        let record: serde_json::Value =
            serde_json::from_str(&import.after_state).expect("record json");
        assert_eq!(record["version"], 1);
        assert_eq!(
            record["snapshot_sha256"],
            gongkai_app::auth::sha256_hex(&versions[0].snapshot)
        );
    }
    let verify = t.cli(&["audit", "verify"], None);
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
    let start = std::time::Instant::now();
    loop {
        let (_, v) = t
            .get(
                "/api/v1/search?q=%E9%81%BF%E9%A3%8E%E9%94%9A%E5%9C%B0",
                None,
            )
            .await;
        if v["total"] == 1 {
            assert_eq!(v["hits"][0]["in_attachment"], true, "{v}");
            break;
        }
        assert!(
            start.elapsed().as_secs() < 5,
            "imported items not searchable: {v}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
