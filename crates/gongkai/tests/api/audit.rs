//! The audit log: every state change recorded with who, what, when and from where; the hash chain
//! verified by `gongkai audit verify`, which detects modified and deleted records.

use gongkai_app::domain::role::Role;

use crate::db_tests;
use crate::helpers::{A, TestApp};

db_tests!(
    every_state_change_is_audited,
    audit_verify_detects_tampering,
    the_auditor_pages_and_narrows_the_log
);

async fn every_state_change_is_audited(t: TestApp) {
    let v = t.publish(A, "审计测试").await;
    let id = v["id"].as_i64().expect("id").to_string();
    let auditor = t.app.actor_for_login("auditor").await.expect("auditor");
    let records = t
        .app
        .audit_of(&auditor, "item", &id)
        .await
        .expect("records");
    let actions: Vec<&str> = records.iter().rev().map(|r| r.action.as_str()).collect();
    assert_eq!(
        actions,
        ["item.create", "item.submit", "item.approve", "item.publish"]
    );
    let submit = records
        .iter()
        .find(|r| r.action == "item.submit")
        .expect("submit");
    assert_eq!(submit.actor, "officer_a");
    assert_eq!(submit.ip, "127.0.0.1", "from where");
    assert!(submit.before_state.contains("draft") && submit.after_state.contains("in_review"));
    assert!(submit.at_ms > 0);
    // Officers may not read the log.
    let officer = t
        .app
        .actor_for_login(&crate::helpers::login_of(Role::Officer, A))
        .await
        .expect("officer");
    assert!(t.app.audit_of(&officer, "item", &id).await.is_err());
}

fn verify(t: &TestApp) -> (i32, String) {
    let out = t.cli(&["audit", "verify"], None);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

async fn audit_verify_detects_tampering(t: TestApp) {
    t.publish(A, "审计链测试").await;
    let (code, out) = verify(&t);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("intact"), "{out}");

    let mut db = t.raw_db().await;
    let (actor,): (String,) = sqlx::query_as("SELECT actor FROM audit_log WHERE seq = 5")
        .fetch_one(&mut db)
        .await
        .expect("record 5");
    // Modify one record: detected at that record.
    sqlx::query("UPDATE audit_log SET actor = 'intruder' WHERE seq = 5")
        .execute(&mut db)
        .await
        .expect("tamper");
    let (code, out) = verify(&t);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("BROKEN at record 5"), "{out}");
    // Restored, the chain is whole again.
    sqlx::query("UPDATE audit_log SET actor = $1 WHERE seq = 5")
        .bind(&actor)
        .execute(&mut db)
        .await
        .expect("restore");
    assert_eq!(verify(&t).0, 0);
    // Rewrite what the item said when it was created: its creation record holds the digest of
    // version 1, so the altered history is detected at that record.
    let (item, created_seq): (String, i64) = sqlx::query_as(
        "SELECT entity_id, seq FROM audit_log WHERE action = 'item.create' ORDER BY seq LIMIT 1",
    )
    .fetch_one(&mut db)
    .await
    .expect("creation record");
    let item: i64 = item.parse().expect("item id");
    let (snapshot,): (String,) =
        sqlx::query_as("SELECT snapshot FROM item_versions WHERE item_id = $1 AND version = 1")
            .bind(item)
            .fetch_one(&mut db)
            .await
            .expect("version 1");
    set_first_version(
        &mut db,
        item,
        &snapshot.replace("审计链测试", "篡改后的标题"),
    )
    .await;
    let (code, out) = verify(&t);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(&format!("BROKEN at record {created_seq}")),
        "{out}"
    );
    assert!(out.contains("version history was altered"), "{out}");
    set_first_version(&mut db, item, &snapshot).await;
    assert_eq!(verify(&t).0, 0);
    // Delete the newest record: the chain itself still links, but it no longer reaches the head.
    let (last,): (i64,) = sqlx::query_as("SELECT MAX(seq) FROM audit_log")
        .fetch_one(&mut db)
        .await
        .expect("max");
    sqlx::query("DELETE FROM audit_log WHERE seq = $1")
        .bind(last)
        .execute(&mut db)
        .await
        .expect("delete last");
    let (code, out) = verify(&t);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains(&format!("BROKEN at record {last}")), "{out}");
    // Delete a record in the middle: detected at the record after the gap.
    sqlx::query("DELETE FROM audit_log WHERE seq = 7")
        .execute(&mut db)
        .await
        .expect("delete");
    let (code, out) = verify(&t);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("BROKEN at record 8"), "{out}");
}

/// Overwrites the snapshot of an item's version 1 behind the application's back.
async fn set_first_version(db: &mut sqlx::AnyConnection, item: i64, snapshot: &str) {
    sqlx::query("UPDATE item_versions SET snapshot = $1 WHERE item_id = $2 AND version = 1")
        .bind(snapshot)
        .bind(item)
        .execute(db)
        .await
        .expect("version 1 rewritten");
}

/// Sequence numbers of the records a console audit page lists, in page order.
fn listed_seqs(html: &str) -> Vec<i64> {
    html.split("<tr><td>")
        .skip(1)
        .filter_map(|row| row.split("</td>").next()?.parse().ok())
        .collect()
}

async fn the_auditor_pages_and_narrows_the_log(t: TestApp) {
    let mut first = None;
    for n in 0..30 {
        let v = t.publish(A, &format!("审计分页测试{n}")).await;
        first.get_or_insert(v["id"].as_i64().expect("id"));
    }
    let auditor = t.console_as("auditor").await;
    let newest = t.html_as(&auditor, "/console/audit").await;
    let page = listed_seqs(&newest);
    assert_eq!(page.len(), 100, "{newest}");
    assert!(page.windows(2).all(|w| w[0] > w[1]), "newest first");
    let older = newest
        .split("<a href=\"")
        .filter_map(|s| s.split('"').next())
        .find(|href| href.contains("before="))
        .expect("a link to older records")
        .replace("&#38;", "&");
    let next = listed_seqs(&t.html_as(&auditor, &older).await);
    assert!(!next.is_empty());
    assert!(next[0] < page[99], "the next page goes on from the last");

    let item = first.expect("an item");
    let one = t
        .html_as(
            &auditor,
            &format!("/console/audit?entity=item&entity_id={item}"),
        )
        .await;
    assert_eq!(
        listed_seqs(&one).len(),
        4,
        "create, submit, approve, publish: {one}"
    );
    assert!(
        one.contains("<details><summary>变更内容</summary>"),
        "{one}"
    );
    let nobody = t.html_as(&auditor, "/console/audit?actor=nobody").await;
    assert!(listed_seqs(&nobody).is_empty() && nobody.contains("没有符合条件的记录"));
    let auditors_own = t.html_as(&auditor, "/console/audit?actor=auditor").await;
    assert!(auditors_own.contains("user.login"), "{auditors_own}");
    assert!(!auditors_own.contains("item.publish"));
}
