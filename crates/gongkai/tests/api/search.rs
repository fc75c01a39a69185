//! Search through HTTP: publication reaches the index within a second, withdrawal removes it,
//! a rebuild answers the same, a crash between commit and indexing is repaired at restart, and
//! the judgement set over the demo city holds its recall and MRR.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use gongkai_app::domain::role::Role;
use gongkai_app::{App, AppConfig, Origin};
use gongkai_web::{AppState, SiteConfig};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{A, B, TestApp, hidden_value, login_of};

db_tests!(
    publish_is_searchable_within_a_second_and_withdraw_removes_it,
    a_withdrawal_here_is_never_shown_before_the_index_has_it,
    rebuild_answers_the_same,
    a_commit_not_indexed_before_a_crash_is_indexed_at_restart,
    search_page_filters_and_bad_input,
    the_city_office_edits_the_search_dictionary,
    reindex_from_the_command_line,
);

async fn search(t: &TestApp, q: &str, extra: &str) -> Value {
    let path = format!("/api/v1/search?q={}{extra}", gongkai_web_encode(q));
    let (status, v) = t.get(&path, None).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    v
}

fn gongkai_web_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn hit_ids(v: &Value) -> Vec<i64> {
    v["hits"]
        .as_array()
        .map(|a| a.iter().filter_map(|h| h["id"].as_i64()).collect())
        .unwrap_or_default()
}

/// Polls the search API until `pred` holds; returns how long it took.
async fn wait_for(t: &TestApp, q: &str, pred: impl Fn(&Value) -> bool) -> Duration {
    let start = Instant::now();
    loop {
        let v = search(t, q, "").await;
        if pred(&v) {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "not searchable in time: {v}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn publish_is_searchable_within_a_second_and_withdraw_removes_it(t: TestApp) {
    let item = t.publish(A, "关于海州渔港防台风应急预案的通知").await;
    let id = item["id"].as_i64().expect("id");
    let took = wait_for(&t, "防台风", |v| hit_ids(v).contains(&id)).await;
    assert!(took < Duration::from_secs(1), "took {took:?}");
    let v = search(&t, "防台风", "").await;
    let hit = &v["hits"][0];
    assert!(
        hit["title_html"].as_str().unwrap_or("").contains("<mark>"),
        "{hit}"
    );
    assert_eq!(hit["url"], format!("/items/{id}"));
    // The document number, typed three ways, finds it first.
    for q in ["测发改发〔2026〕7号", "测发改发[2026]7号", "测发改发2026-7"] {
        assert_eq!(hit_ids(&search(&t, q, "").await).first(), Some(&id), "{q}");
    }
    let (s, v) = t
        .post(
            &format!("/api/v1/items/{id}/withdraw"),
            Some(&t.token(Role::Reviewer, A)),
            json!({"reason": "内容有误，撤回"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    wait_for(&t, "防台风", |v| !hit_ids(v).contains(&id)).await;
}

/// A node whose index lags behind its own withdrawal (its follower never runs) still never shows
/// the withdrawn item: while the index may lack a local change, hits are checked against the
/// database. Once it has caught up, the index alone answers.
async fn a_withdrawal_here_is_never_shown_before_the_index_has_it(t: TestApp) {
    let data = tempfile::tempdir().expect("temp dir");
    let node = App::open(&t.db_url, data.path().to_path_buf(), AppConfig::default())
        .await
        .expect("open");
    let id = t.publish(A, "关于海州湾滩涂养殖证核发的公告").await["id"]
        .as_i64()
        .expect("id");
    node.rebuild_search(|_, _| {}).await.expect("build");
    let req = gongkai_search::SearchRequest {
        q: "滩涂养殖".into(),
        filters: Default::default(),
        sort: Default::default(),
        page: 1,
        per_page: 10,
        today: gongkai_app::today(),
    };
    let ids = |r: gongkai_search::SearchResults| r.hits.iter().map(|h| h.id).collect::<Vec<_>>();
    node.sync_search().await.expect("caught up");
    assert_eq!(ids(node.search(req.clone()).await.expect("search")), [id]);

    let reviewer = node
        .actor_for_login(&login_of(Role::Reviewer, A))
        .await
        .expect("reviewer");
    node.withdraw(&reviewer, &Origin::cli(), id, "含个人信息，撤回")
        .await
        .expect("withdraw");
    let lagging = node.search(req.clone()).await.expect("search");
    assert!(
        ids(lagging).is_empty(),
        "withdrawn here, shown by the index"
    );
    node.sync_search().await.expect("caught up");
    let current = node.search(req).await.expect("search");
    assert_eq!(current.total, 0);
}

async fn rebuild_answers_the_same(t: TestApp) {
    let titles = [
        "关于做好社会保险费征缴工作的通知",
        "关于调整最低生活保障标准的通知",
        "关于住房公积金缴存的通知",
    ];
    let mut ids = vec![];
    for (i, title) in titles.iter().enumerate() {
        let body = if i % 2 == 0 { A } else { B };
        ids.push(t.publish(body, title).await["id"].as_i64().expect("id"));
        // A draft between the published items: the rebuild walks every item by id and must
        // leave it out.
        t.draft(body, "关于住房公积金缴存的通知（草稿）").await;
    }
    let queries = [
        "社保",
        "低保",
        "公积金",
        "通知",
        "政务公开",
        "shebao",
        "\"缴存\"",
    ];
    let last = *ids.last().expect("ids");
    wait_for(&t, "公积金", |v| hit_ids(v).contains(&last)).await;
    let mut before = HashMap::new();
    for q in queries {
        before.insert(q, search(&t, q, "").await);
    }
    assert!(
        hit_ids(&before["低保"]).contains(&ids[1]),
        "synonym: {}",
        before["低保"]
    );
    assert!(
        hit_ids(&before["shebao"]).contains(&ids[0]),
        "pinyin: {}",
        before["shebao"]
    );
    let n = t.app.rebuild_search(|_, _| {}).await.expect("rebuild");
    assert_eq!(n, 3);
    for q in queries {
        let after = search(&t, q, "").await;
        assert_eq!(hit_ids(&after), hit_ids(&before[q]), "{q}");
        assert_eq!(after["total"], before[q]["total"], "{q}");
        assert_eq!(after["facets"], before[q]["facets"], "{q}");
    }
}

async fn a_commit_not_indexed_before_a_crash_is_indexed_at_restart(t: TestApp) {
    // A second node on the same database with its own index, which never runs its follower:
    // it commits a publication and "crashes" before indexing it.
    let data = tempfile::tempdir().expect("temp dir");
    let open = || App::open(&t.db_url, data.path().to_path_buf(), AppConfig::default());
    let node = open().await.expect("open");
    node.rebuild_search(|_, _| {}).await.expect("first build");
    let officer = node
        .actor_for_login(&crate::helpers::login_of(Role::Officer, A))
        .await
        .expect("officer");
    let reviewer = node
        .actor_for_login(&crate::helpers::login_of(Role::Reviewer, A))
        .await
        .expect("reviewer");
    let (s, v) = t
        .post(
            "/api/v1/items",
            Some(&t.token(Role::Officer, A)),
            crate::helpers::item_json(A, "海州市渔船避风锚地管理办法"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().expect("id");
    let origin = Origin::cli();
    node.submit(&officer, &origin, id).await.expect("submit");
    let approve = gongkai_app::items::ReviewDecision::Approve {
        pii_override: None,
        pii_confirmed: Vec::new(),
        publish_at_ms: None,
    };
    node.review(&reviewer, &origin, id, &approve, Some("同意"))
        .await
        .expect("approve");
    let req = gongkai_search::SearchRequest {
        q: "避风锚地".into(),
        filters: Default::default(),
        sort: Default::default(),
        page: 1,
        per_page: 10,
        today: gongkai_app::today(),
    };
    assert_eq!(
        node.search(req.clone()).await.expect("search").total,
        0,
        "not indexed before the crash"
    );
    drop(node);

    // Restart: the follower finds the index's cursor behind the outbox and catches up.
    let node = open().await.expect("reopen");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let state = AppState::new(
        node.clone(),
        SiteConfig {
            base_url: base.clone(),
            ..SiteConfig::default()
        },
    );
    let server = tokio::spawn(gongkai_web::serve(listener, state, std::future::pending()));
    let start = Instant::now();
    loop {
        let v: Value = t
            .http
            .get(format!(
                "{base}/api/v1/search?q={}",
                gongkai_web_encode("避风锚地")
            ))
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        if hit_ids(&v) == vec![id] {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "not indexed after restart: {v}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.abort();
}

async fn search_page_filters_and_bad_input(t: TestApp) {
    let a = t.publish(A, "关于开展政务公开标准化工作的通知").await["id"]
        .as_i64()
        .expect("id");
    let b = t.publish(B, "关于政务公开考核的通报").await["id"]
        .as_i64()
        .expect("id");
    wait_for(&t, "政务公开", |v| v["total"] == 2).await;
    let v = search(&t, "政务公开", &format!("&body={A}")).await;
    assert_eq!(hit_ids(&v), vec![a]);
    let all = search(&t, "政务公开", "").await;
    let bodies = all["facets"]["bodies"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        bodies.contains(&json!({"value": A, "count": 1})),
        "{bodies:?}"
    );
    assert!(
        bodies.contains(&json!({"value": B, "count": 1})),
        "{bodies:?}"
    );
    let sorted = search(&t, "政务公开", "&sort=oldest").await;
    assert_eq!(hit_ids(&sorted), vec![a, b]);
    // The portal page: results marked, filters with counts, the query kept in the box.
    let (s, html) = t
        .page(&format!("/search?q={}", gongkai_web_encode("政务公开")))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("找到 2 条结果"), "{html}");
    assert!(html.contains("<mark>政务公开</mark>"));
    assert!(html.contains("value=\"政务公开\""));
    assert!(
        html.contains(">有效</a>") && !html.contains(">effective<"),
        "validity shown in Chinese"
    );
    // Nothing found: suggestions, never a bare "no results"; markup in the query is escaped.
    let (_, html) = t
        .page(&format!(
            "/search?q={}",
            gongkai_web_encode("政务公开 <script>火星</script>")
        ))
        .await;
    assert!(
        html.contains("您可以试试") && html.contains("减少关键词"),
        "{html}"
    );
    assert!(!html.contains("<script>火星"));
    // Bad input is named.
    let (s, v) = t.get("/api/v1/search?q=a&sort=sideways", None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v.to_string().contains("sort"), "{v}");
    let (s, v) = t.get("/api/v1/search?q=a&page=100000", None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v.to_string().contains("page"), "{v}");
    // A page past the last is not found, rather than "2 results" over an empty list.
    let q = gongkai_web_encode("政务公开");
    let (s, html) = t.page(&format!("/search?q={q}&page=9")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(html.contains("第 9 页不存在（共 1 页）"), "{html}");
    // Past what search lists at all: a page that says so.
    let (s, html) = t.page(&format!("/search?q={q}&page=99999")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(html.contains("超出可浏览的范围"), "{html}");
    let (s, _) = t.page("/catalog?page=999").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, html) = t.page("/catalog?year=abc").await;
    assert_eq!(
        s,
        StatusCode::BAD_REQUEST,
        "a year that is none lists nothing as filtered"
    );
    assert!(html.contains("四位数字"), "{html}");
    let (s, _) = t.page("/catalog?page=9&year=1990").await;
    assert_eq!(s, StatusCode::OK, "an empty list has no last page to pass");
    // The sort form keeps the filters; a year range typed backwards is read in order.
    let (_, html) = t
        .page(&format!("/search?q={q}&body={A}&to=2020&from=2099"))
        .await;
    assert!(html.contains(&format!(
        "<input type=\"hidden\" name=\"body\" value=\"{A}\">"
    )));
    assert!(html.contains("name=\"from\" value=\"2020\"") && html.contains("2020–2099"));
    let backwards = search(&t, "政务公开", "&from=2099&to=2020").await;
    assert_eq!(backwards["total"], 2, "{backwards}");
}

/// One query of the judgement set.
#[derive(Debug, serde::Deserialize)]
struct Judgement {
    q: String,
    kind: String,
    must: Vec<String>,
    suggest: Option<String>,
}

#[derive(Debug, serde::Deserialize)]
struct JudgementSet {
    query: Vec<Judgement>,
}

#[derive(Debug, serde::Deserialize)]
struct DemoItem {
    #[serde(rename = "ref")]
    reference: String,
    title: String,
}

/// Thresholds set just under the measured scores (recall@5 1.000, MRR 1.000 on 92 queries); a change
/// that lowers search quality below them fails here.
const MIN_RECALL_AT_5: f64 = 0.97;
const MIN_MRR: f64 = 0.95;
/// Each kind of query on its own (a kind of a few queries could fail whole under the averages).
const MIN_KIND_RECALL_AT_5: f64 = 0.8;

fn plain_title(html: &str) -> String {
    html.replace("<mark>", "")
        .replace("</mark>", "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn judgement_set_over_the_demo_city() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let set: JudgementSet = toml::from_str(
        &std::fs::read_to_string(dir.join("tests/api/search-judgements.toml")).expect("judgements"),
    )
    .expect("judgement TOML");
    let items: Vec<DemoItem> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("demo/items.json")).expect("items"))
            .expect("items JSON");
    let title_of: HashMap<&str, &str> = items
        .iter()
        .map(|i| (i.reference.as_str(), i.title.as_str()))
        .collect();
    let data = tempfile::tempdir().expect("temp dir");
    let app = App::open(
        &gongkai::database_url(data.path(), None),
        data.path().to_path_buf(),
        AppConfig::default(),
    )
    .await
    .expect("open");
    // The demo is searchable as soon as it is loaded (no rebuild, no follower here).
    gongkai::demo::load_if_empty(&app).await.expect("demo");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let state = AppState::new(
        app.clone(),
        SiteConfig {
            base_url: base.clone(),
            ..SiteConfig::default()
        },
    );
    let server = tokio::spawn(gongkai_web::serve(listener, state, std::future::pending()));
    let http = reqwest::Client::new();

    let mut by_kind: std::collections::BTreeMap<String, (usize, f64, f64)> = Default::default();
    let mut failures = vec![];
    for j in &set.query {
        let url = format!(
            "{base}/api/v1/search?per_page=10&q={}",
            gongkai_web_encode(&j.q)
        );
        let v: Value = http
            .get(url)
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        let titles: Vec<String> = v["hits"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|h| plain_title(h["title_html"].as_str().unwrap_or("")))
                    .collect()
            })
            .unwrap_or_default();
        let wanted: Vec<&str> = j
            .must
            .iter()
            .map(|r| *title_of.get(r.as_str()).expect("known ref"))
            .collect();
        let found = wanted
            .iter()
            .filter(|w| titles.iter().take(5).any(|t| t == *w))
            .count();
        let recall = found as f64 / wanted.len() as f64;
        let first = titles.iter().position(|t| wanted.contains(&t.as_str()));
        let rr = first.map_or(0.0, |p| 1.0 / (p as f64 + 1.0));
        if let Some(fix) = &j.suggest {
            let suggested = v["interpretation"]["corrected_from"].is_string()
                || v["suggestions"].to_string().contains(fix.as_str());
            if !suggested {
                failures.push(format!("{} ({}): no correction to {fix}", j.q, j.kind));
            }
        }
        if recall < 1.0 {
            failures.push(format!(
                "{} ({}): recall@5 {recall:.2}, top: {:?}",
                j.q,
                j.kind,
                &titles[..titles.len().min(5)]
            ));
        }
        let e = by_kind.entry(j.kind.clone()).or_default();
        e.0 += 1;
        e.1 += recall;
        e.2 += rr;
    }
    server.abort();
    let n = set.query.len() as f64;
    let recall: f64 = by_kind.values().map(|e| e.1).sum::<f64>() / n;
    let mrr: f64 = by_kind.values().map(|e| e.2).sum::<f64>() / n;
    eprintln!(
        "judgement set: {} queries, recall@5 {recall:.3}, MRR {mrr:.3}",
        set.query.len()
    );
    for (kind, (count, r, m)) in &by_kind {
        eprintln!(
            "  {kind:<11} {count:>3} queries  recall@5 {:.3}  MRR {:.3}",
            r / *count as f64,
            m / *count as f64
        );
    }
    for f in &failures {
        eprintln!("  miss: {f}");
    }
    assert!(set.query.len() >= 60, "the set needs at least 60 queries");
    assert!(
        recall >= MIN_RECALL_AT_5,
        "recall@5 {recall:.3} < {MIN_RECALL_AT_5}"
    );
    assert!(mrr >= MIN_MRR, "MRR {mrr:.3} < {MIN_MRR}");
    for (kind, (count, r, _)) in &by_kind {
        let kind_recall = r / *count as f64;
        assert!(
            kind_recall >= MIN_KIND_RECALL_AT_5,
            "{kind}: recall@5 {kind_recall:.3} < {MIN_KIND_RECALL_AT_5}"
        );
    }
    assert!(
        failures.iter().all(|f| !f.contains("no correction")),
        "{failures:?}"
    );
}

async fn the_city_office_edits_the_search_dictionary(t: TestApp) {
    let id = t.publish(A, "关于渔港避风锚地管理的通知").await["id"]
        .as_i64()
        .expect("id");
    wait_for(&t, "渔港", |v| hit_ids(v).contains(&id)).await;
    assert!(hit_ids(&search(&t, "避风港", "").await).is_empty());

    // Only the city office may edit it.
    let officer = t.console_as(&login_of(Role::Officer, A)).await;
    let resp = officer
        .get(t.url("/console/search-dictionary"))
        .send()
        .await
        .expect("get");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);

    let office = t.console_as("office").await;
    let html = office
        .get(t.url("/console/search-dictionary"))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("html");
    assert!(
        html.contains("社保, 社会保险"),
        "the built-in list is shown to edit"
    );
    let csrf = hidden_value(&html, "csrf").expect("csrf");
    let post = |part: &'static str, content: String| {
        let csrf = csrf.clone();
        let office = office.clone();
        let url = t.url("/console/search-dictionary");
        async move {
            office
                .post(url)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("part", part),
                    ("content", content.as_str()),
                ])
                .send()
                .await
                .expect("post")
        }
    };
    // A bad line is refused with its number, and what was typed is kept.
    let resp = post("synonyms", "社保, 社会保险\n孤单\n".to_owned()).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = resp.text().await.expect("html");
    assert!(html.contains("第2行"), "{html}");
    assert!(html.contains("孤单"));
    // A new group applies to the next query, without reindexing.
    let resp = post(
        "synonyms",
        format!("{}\n渔港, 避风港\n", gongkai_search::synonyms::BUILTIN),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(hit_ids(&search(&t, "避风港", "").await), vec![id]);
    // A user word keeps a local name whole once the background rebuild is done.
    let resp = post("user_words", "避风锚地\n".to_owned()).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    wait_for(&t, "避风锚地", |v| hit_ids(v) == vec![id]).await;
    let v = search(&t, "避风锚地", "").await;
    assert_eq!(v["interpretation"]["words"], json!(["避风锚地"]));
    assert_eq!(t.count("search_dictionary").await, 2);
    let mut c = t.raw_db().await;
    let (saves,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE action = 'search_dictionary.save'")
            .fetch_one(&mut c)
            .await
            .expect("audit");
    assert_eq!(saves, 2, "every save is in the audit log");
}

async fn reindex_from_the_command_line(t: TestApp) {
    let id = t.publish(A, "关于防汛防台应急响应的通知").await["id"]
        .as_i64()
        .expect("id");
    wait_for(&t, "防汛", |v| hit_ids(v).contains(&id)).await;
    // The server holds this data folder's index: the command says so instead of corrupting it.
    let out = t.cli(&["reindex"], None);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("another process"),
        "{out:?}"
    );
    // A node's own folder (here a fresh one) is rebuilt from the database.
    let other = tempfile::tempdir().expect("temp dir");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .arg("--data")
        .arg(other.path())
        .arg("reindex")
        .env("GONGKAI_DATABASE_URL", &t.db_url)
        .output()
        .expect("run gongkai");
    assert!(out.status.success(), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("search index rebuilt: 1 items"),
        "{out:?}"
    );
    assert!(other.path().join("index/meta.json").exists());
}
