//! Publication details: gap-free index numbers under concurrency, scheduling, validity and the
//! late-publication flag.

use gongkai_app::domain::role::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::db_tests;
use crate::helpers::{A, AGGREGATE_TTL, B, Db, TestApp, item_json};

db_tests!(
    concurrent_publications_get_consecutive_numbers,
    scheduled_item_publishes_when_due,
    revised_item_links_its_successor,
    late_publication_is_flagged,
    key_area_counts_leave_out_items_not_public,
    newest_first_lists_are_index_ranges,
    a_years_list_holds_its_first_and_last_days,
    expired_counts_are_served_while_recounted
);

async fn concurrent_publications_get_consecutive_numbers(t: TestApp) {
    let officer = t.token(Role::Officer, A);
    let mut ids = Vec::new();
    for i in 0..20 {
        let id = t.draft(A, &format!("并发发布第{i}条")).await;
        t.post(
            &format!("/api/v1/items/{id}/submit"),
            Some(&officer),
            json!({}),
        )
        .await;
        ids.push(id);
    }
    // One publication in another body at the same time must not disturb body A's sequence.
    let other = t.draft(B, "另一机构").await;
    t.post(
        &format!("/api/v1/items/{other}/submit"),
        Some(&t.token(Role::Officer, B)),
        json!({}),
    )
    .await;

    let reviewer = t.token(Role::Reviewer, A);
    let mut tasks = Vec::new();
    for id in ids {
        let client = t.http.clone();
        let url = t.url(&format!("/api/v1/items/{id}/review"));
        let token = reviewer.clone();
        tasks.push(tokio::spawn(async move {
            let resp = client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"decision": "approve"}))
                .send()
                .await
                .expect("review");
            let status = resp.status();
            let v: serde_json::Value = resp.json().await.expect("json");
            assert_eq!(status, StatusCode::OK, "{v}");
            v["index_number"].as_str().expect("number").to_owned()
        }));
    }
    let (s, bv) = t
        .post(
            &format!("/api/v1/items/{other}/review"),
            Some(&t.token(Role::Reviewer, B)),
            json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let mut serials = Vec::new();
    for task in tasks {
        let number = task.await.expect("task");
        let serial: u32 = number
            .rsplit('-')
            .next()
            .expect("serial")
            .parse()
            .expect("digits");
        serials.push(serial);
    }
    serials.sort_unstable();
    assert_eq!(serials, (1..=20).collect::<Vec<u32>>());
    assert!(bv["index_number"].as_str().expect("b").ends_with("-00001"));
}

async fn scheduled_item_publishes_when_due(t: TestApp) {
    let id = t.draft(A, "定时发布的信息").await;
    t.post(
        &format!("/api/v1/items/{id}/submit"),
        Some(&t.token(Role::Officer, A)),
        json!({}),
    )
    .await;
    let at = (chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc3339();
    let (s, v) = t
        .post(
            &format!("/api/v1/items/{id}/review"),
            Some(&t.token(Role::Reviewer, A)),
            json!({"decision": "approve", "publish_at": at}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["status"], "scheduled");
    assert_eq!(
        v["index_number"],
        serde_json::Value::Null,
        "numbers are taken at publication"
    );
    let (s, _) = t.get(&format!("/api/v1/items/{id}"), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(t.app.publish_due().await.expect("tick"), 0, "not due yet");
    // Move the schedule into the past, as if two hours went by.
    let mut db = t.raw_db().await;
    sqlx::query("UPDATE items SET scheduled_ms = 0 WHERE id = $1")
        .bind(id)
        .execute(&mut db)
        .await
        .expect("update");
    assert_eq!(t.app.publish_due().await.expect("tick"), 1);
    let (s, v) = t.get(&format!("/api/v1/items/{id}"), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["status"], "published");
    assert!(
        v["index_number"]
            .as_str()
            .expect("number")
            .ends_with("-00001")
    );
}

async fn revised_item_links_its_successor(t: TestApp) {
    let old = t.publish(A, "海州市住房租赁补贴实施细则（2024年）").await["id"]
        .as_i64()
        .expect("id");
    let new = t.publish(A, "海州市住房租赁补贴实施细则（2026年）").await["id"]
        .as_i64()
        .expect("id");
    let reviewer = t.token(Role::Reviewer, A);
    let (s, v) = t
        .post(
            &format!("/api/v1/items/{old}/validity"),
            Some(&reviewer),
            json!({"validity": "revised"}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "revised needs a successor: {v}"
    );
    let (s, v) = t
        .post(
            &format!("/api/v1/items/{old}/validity"),
            Some(&reviewer),
            json!({"validity": "revised", "successor_id": new}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["validity"], "revised");
    let (_, html) = t.page(&format!("/items/{old}")).await;
    assert!(html.contains("本文件已被修订"), "banner shown");
    assert!(html.contains(&format!("/items/{new}")), "successor linked");
    let (_, html) = t.page(&format!("/items/{new}")).await;
    assert!(html.contains("本文件替代的文件"));
    let (_, list) = t.get("/api/v1/items?validity=revised", None).await;
    assert_eq!(list["total"], 1);
    // Officers cannot change validity.
    let (s, _) = t
        .post(
            &format!("/api/v1/items/{new}/validity"),
            Some(&t.token(Role::Officer, A)),
            json!({"validity": "repealed"}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

async fn late_publication_is_flagged(t: TestApp) {
    let officer = t.token(Role::Officer, A);
    let mut item = item_json(A, "成文很久才发布");
    // Written 40 calendar days ago: well over 20 working days.
    item["written_on"] = json!((gongkai_app::today() - chrono::Duration::days(40)).to_string());
    let (_, v) = t.post("/api/v1/items", Some(&officer), item).await;
    let id = v["id"].as_i64().expect("id");
    t.post(
        &format!("/api/v1/items/{id}/submit"),
        Some(&officer),
        json!({}),
    )
    .await;
    let (_, v) = t
        .post(
            &format!("/api/v1/items/{id}/review"),
            Some(&t.token(Role::Reviewer, A)),
            json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(v["late"], true);
    let on_time = t.publish(A, "及时发布").await;
    assert_eq!(on_time["late"], false, "written two days ago");
}

db_tests!(index_number_pattern_is_configurable);

async fn index_number_pattern_is_configurable(t: TestApp) {
    // A local variant with year and month (catalog.md): `{prefix}/{year}{month:02}-{serial:05}`.
    let pattern = gongkai_app::domain::index_number::IndexNumberPattern::new(
        "{prefix}/{year}{month:02}-{serial:05}",
    )
    .expect("pattern");
    let app = gongkai_app::App::open(
        &t.db_url,
        t.data.path().to_path_buf(),
        gongkai_app::AppConfig {
            index_pattern: pattern,
            ..Default::default()
        },
    )
    .await
    .expect("app");
    let office = app.actor_for_login("office").await.expect("office");
    let body = app.body_by_code(A).await.expect("A").id;
    let input: gongkai_app::items::ItemInput =
        serde_json::from_value(item_json(A, "按月编号")).expect("input");
    let on = chrono::NaiveDate::from_ymd_opt(2026, 3, 9).expect("date");
    let id = app
        .import_published(&office, &gongkai_app::Origin::cli(), body, &input, on, &[])
        .await
        .expect("import");
    let (_, v) = t.get(&format!("/api/v1/items/{id}"), None).await;
    assert_eq!(v["index_number"], format!("{A}/202603-00001"));
}

db_tests!(a_large_import_batch_keeps_numbers_and_the_audit_chain);

/// One batch larger than a multi-row statement holds (items and audit records are written in
/// several chunks), interleaved with an ordinary publication.
async fn a_large_import_batch_keeps_numbers_and_the_audit_chain(t: TestApp) {
    t.publish(A, "导入前发布的通知").await;
    let office = t.app.actor_for_login("office").await.expect("office");
    let body = t.app.body_by_code(A).await.expect("A").id;
    let on = chrono::NaiveDate::from_ymd_opt(2025, 6, 3).expect("date");
    let batch: Vec<gongkai_app::items::ImportItem> = (0..800)
        .map(|n| gongkai_app::items::ImportItem {
            body_id: body,
            input: serde_json::from_value(item_json(A, &format!("批量导入第{n}号通知")))
                .expect("input"),
            published_on: on,
            attachments: if n % 97 == 0 {
                vec![(format!("附件{n}.txt"), format!("附件正文{n}").into_bytes())]
            } else {
                vec![]
            },
        })
        .collect();
    let ids = t
        .app
        .import_published_batch(&office, &gongkai_app::Origin::cli(), &batch)
        .await
        .expect("import");
    assert_eq!(ids.len(), 800);
    t.publish(A, "导入后发布的通知").await;
    // Serials of 2025 run 1..=800 in batch order, each id its own item.
    let mut db = t.raw_db().await;
    for (n, id) in ids.iter().enumerate() {
        let (title, serial): (String, i64) =
            sqlx::query_as("SELECT title, index_serial FROM items WHERE id = $1")
                .bind(id)
                .fetch_one(&mut db)
                .await
                .expect("row");
        assert_eq!(title, format!("批量导入第{n}号通知"));
        assert_eq!(serial, i64::try_from(n).expect("n") + 1, "{title}");
    }
    let (attached,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM attachments")
        .fetch_one(&mut db)
        .await
        .expect("count");
    assert_eq!(attached, 9);
    // Every record chained: before, the 800 × 2 + 9 of the batch, after.
    match t.app.verify_audit_chain().await.expect("verify") {
        gongkai_app::audit::ChainStatus::Intact { records } => assert!(records > 1609),
        gongkai_app::audit::ChainStatus::Broken(b) => panic!("chain broken: {b:?}"),
    }
}

/// The key-area facet subtracts the areas of items not public from the totals; it must agree
/// with counting the published items' areas directly.
async fn key_area_counts_leave_out_items_not_public(t: TestApp) {
    t.publish(A, "重点领域计数一").await;
    t.publish(A, "重点领域计数二").await;
    t.draft(A, "重点领域草稿").await;
    let facets = t.app.facets().await.expect("facets");
    let mut db = t.raw_db().await;
    let direct: Vec<(String, i64)> = sqlx::query_as(
        "SELECT k.key_area, COUNT(*) FROM item_key_areas k JOIN items i ON i.id = k.item_id \
         WHERE i.status = 'published' GROUP BY k.key_area ORDER BY k.key_area",
    )
    .fetch_all(&mut db)
    .await
    .expect("direct counts");
    let mut counted = facets.key_areas.clone();
    counted.sort();
    assert_eq!(counted, direct);
    let area = counted
        .iter()
        .find(|(a, _)| a == "政策执行和落实")
        .expect("the test items' area");
    assert!(area.1 >= 2, "{counted:?}");
    // The catalog's total for the area counts the same published items (the draft is left out).
    let (_, html) = t
        .page("/catalog?key_area=%E6%94%BF%E7%AD%96%E6%89%A7%E8%A1%8C%E5%92%8C%E8%90%BD%E5%AE%9E")
        .await;
    assert!(html.contains(&format!("共 {} 条", area.1)), "{}", area.1);
}

/// The public lists (home, catalog, a body's, a genre's, a topic's, a validity's or a year's
/// items) read the newest first from an index that holds the whole order, id included:
/// without the id, SQLite sorted every item published at the newest instant (1,719 after a
/// bulk import, 7 ms per home page at 1M items). PostgreSQL plans by its statistics, so there
/// the indexes' order is checked. (A top topic with several sub-topics merges its topics' ranges: see
/// `a_top_topic_merges_its_sub_topics_newest_first`.)
async fn newest_first_lists_are_index_ranges(t: TestApp) {
    t.publish(A, "最新排序测试").await;
    let mut db = t.raw_db().await;
    if t.db == Db::Postgres {
        let defs: Vec<(String,)> = sqlx::query_as(
            "SELECT indexdef FROM pg_indexes WHERE indexname LIKE 'items\\_%\\_newest'",
        )
        .fetch_all(&mut db)
        .await
        .expect("indexes");
        assert_eq!(defs.len(), 5, "{defs:?}");
        assert!(
            defs.iter()
                .all(|(d,)| d.contains("published_ms DESC, id DESC")),
            "{defs:?}"
        );
        return;
    }
    // Walking the status order and filtering would pass the sort check below too, so each
    // filter's own index is named.
    for (filter, index) in [
        ("status = 'published'", "items_status_newest"),
        ("body_id = 1 AND status = 'published'", "items_body_newest"),
        (
            "genre = '通知' AND status = 'published'",
            "items_genre_newest",
        ),
        (
            "topic = '综合政务' AND status = 'published'",
            "items_topic_newest",
        ),
        (
            "validity = 'repealed' AND status = 'published'",
            "items_validity_newest",
        ),
        // A year: its dates, and the instants around them that the list adds.
        (
            "status = 'published' AND published_on >= '2026-01-01' \
             AND published_on <= '2026-12-31' AND published_ms >= 1767139200000 \
             AND published_ms < 1798848000000",
            "items_status_newest",
        ),
    ] {
        let sql = format!(
            "EXPLAIN QUERY PLAN SELECT id, title FROM items WHERE {filter} \
             ORDER BY published_ms DESC, id DESC LIMIT 12"
        );
        let plan: Vec<(i64, i64, i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut db)
            .await
            .expect("plan");
        assert!(!plan.is_empty());
        assert!(
            plan.iter()
                .all(|(_, _, _, step)| !step.contains("TEMP B-TREE")),
            "{filter}: {plan:?}"
        );
        assert!(
            plan.iter().any(|(_, _, _, step)| step.contains(index)),
            "{filter}: {plan:?}"
        );
    }
}

/// A year's list bounds the instants of publication as well as the dates (see
/// `ItemFilter::list_clause`): items of its first and last days are in it, those of the days
/// around it are not, alone and with a top topic (whose sub-topics are merged).
async fn a_years_list_holds_its_first_and_last_days(t: TestApp) {
    let office = t.app.actor_for_login("office").await.expect("office");
    let body = t.app.body_by_code(A).await.expect("A").id;
    let days = [
        ("跨年前一日", "2023-12-31", "政务公开"),
        ("年初第一日", "2024-01-01", "政务督查"),
        ("年末最后一日", "2024-12-31", "政务公开"),
        ("跨年后一日", "2025-01-01", "政务督查"),
    ];
    let batch: Vec<gongkai_app::items::ImportItem> = days
        .iter()
        .map(|(title, day, sub)| {
            let mut item = item_json(A, title);
            item["topic"] = json!(format!("综合政务/{sub}"));
            gongkai_app::items::ImportItem {
                body_id: body,
                input: serde_json::from_value(item).expect("input"),
                published_on: day.parse().expect("date"),
                attachments: vec![],
            }
        })
        .collect();
    t.app
        .import_published_batch(&office, &gongkai_app::Origin::cli(), &batch)
        .await
        .expect("import");
    for query in [
        "year=2024",
        "year=2024&topic=%E7%BB%BC%E5%90%88%E6%94%BF%E5%8A%A1",
    ] {
        let (_, v) = t.get(&format!("/api/v1/items?{query}"), None).await;
        let titles: Vec<&str> = v["items"]
            .as_array()
            .map(|items| items.iter().filter_map(|i| i["title"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(titles, ["年末最后一日", "年初第一日"], "{query}: {v}");
        assert_eq!(v["total"], 2, "{query}");
    }
}

/// The catalog's facet counts are served from their cache; once older than the time to live,
/// the old counts are still served at once while a background task counts anew, and the new
/// counts follow (a recount on the request made each expiry a slow page at 1M items).
async fn expired_counts_are_served_while_recounted(t: TestApp) {
    let published = |f: &gongkai_app::items::Facets| f.genres.iter().map(|(_, n)| n).sum::<i64>();
    let before = t.app.facets().await.expect("facets");
    // A publication leaves the cached facets alone (they follow by age).
    t.publish(A, "过期计数测试").await;
    tokio::time::sleep(AGGREGATE_TTL + std::time::Duration::from_millis(100)).await;
    let stale = t.app.facets().await.expect("facets");
    assert_eq!(published(&stale), published(&before), "served at once, old");
    let mut recounted = None;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let now = t.app.facets().await.expect("facets");
        if published(&now) != published(&before) {
            recounted = Some(now);
            break;
        }
    }
    let recounted = recounted.expect("recounted in the background");
    assert_eq!(published(&recounted), published(&before) + 1);
    // After a quiet spell of more than four times the time to live, the request counts itself.
    t.publish(A, "过期计数测试二").await;
    tokio::time::sleep(AGGREGATE_TTL * 4 + std::time::Duration::from_millis(100)).await;
    let fresh = t.app.facets().await.expect("facets");
    assert_eq!(published(&fresh), published(&before) + 2);
}
