//! The public portal: home, catalog browsing with filters and pagination, the item page with its
//! metadata table, feeds, sitemap, the helpful 404.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::db_tests;
use crate::helpers::{A, B, TestApp, item_json};

db_tests!(
    large_text_mode_is_remembered,
    home_catalog_and_item_pages,
    catalog_filters_and_pages,
    catalog_counts_follow_the_filters,
    a_top_topic_merges_its_sub_topics_newest_first,
    feeds_sitemap_and_404,
    bodies_and_health,
    anonymous_pages_are_cached_until_content_changes,
    error_pages_bear_the_site_name,
    english_is_a_second_language
);

/// Every error page is in the site's chrome, under its name, whichever part of the server
/// answered it: the router's fallback, a handler, a page's own error, a query string that
/// cannot be read, a form whose CSRF token is forged.
async fn error_pages_bear_the_site_name(t: TestApp) {
    let site = "测试市政府信息公开";
    for (path, status) in [
        ("/no/such/page", StatusCode::NOT_FOUND),
        ("/items/abc", StatusCode::NOT_FOUND),
        ("/items/999999", StatusCode::NOT_FOUND),
        // An id that is not a number names no record.
        ("/notices/abc", StatusCode::NOT_FOUND),
        ("/attachments/abc", StatusCode::NOT_FOUND),
        ("/catalog?page=abc", StatusCode::BAD_REQUEST),
    ] {
        let (s, html) = t.page(path).await;
        assert_eq!(s, status, "{path}");
        assert!(html.contains(site), "{path}: {html}");
    }
    let html = forged_login(&t, &t.http).await;
    assert!(html.contains(site) && html.contains("表单已失效"), "{html}");
    // A form the framework cannot read (a field missing, a number that is not one) is a page
    // in Chinese too, not the framework's English text; the API keeps its JSON.
    let resp = t
        .http
        .post(t.url("/track/letter.docx"))
        .form(&[("letter", "abc")])
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let kind = resp.headers()[reqwest::header::CONTENT_TYPE].clone();
    assert!(
        kind.to_str().is_ok_and(|k| k.starts_with("text/html")),
        "{kind:?}"
    );
    let html = resp.text().await.expect("body");
    assert!(
        html.contains(site) && html.contains("提交的内容无法识别") && !html.contains("deserialize"),
        "{html}"
    );
    let (s, v) = t.get("/api/v1/items/abc", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(v["error"]["code"], "not_found", "{v}");
}

/// The page answering a console login whose CSRF token is forged (a 403).
async fn forged_login(t: &TestApp, client: &reqwest::Client) -> String {
    let resp = client
        .post(t.url("/console/login"))
        .form(&[
            ("login", "officer_a"),
            ("password", "x"),
            ("csrf", "forged"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    resp.text().await.expect("body")
}

/// The `x-cache` header of an anonymous GET, and the page.
async fn cached_get(t: &TestApp, path: &str) -> (Option<String>, String) {
    let r = reqwest::get(t.url(path)).await.expect("get");
    let cache = r
        .headers()
        .get("x-cache")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (cache, r.text().await.expect("body"))
}

async fn anonymous_pages_are_cached_until_content_changes(t: TestApp) {
    let v = t.publish(A, "关于缓存测试第一篇的通知").await;
    let id = v["id"].as_i64().expect("id");
    let item = format!("/items/{id}");
    t.app.sync_search().await.expect("index"); // search is eventually consistent
    for path in ["/", "/catalog", item.as_str(), "/search?q=缓存测试"] {
        let (first, _) = cached_get(&t, path).await;
        assert_eq!(first.as_deref(), Some("miss"), "{path}");
        let (second, html) = cached_get(&t, path).await;
        assert_eq!(second.as_deref(), Some("hit"), "{path}");
        assert!(html.contains("第一篇"), "{path}"); // search marks the query words
    }
    // A publication shows at once: the cached home page is not served any more.
    t.publish(A, "关于缓存测试第二篇的通知").await;
    let (cache, html) = cached_get(&t, "/").await;
    assert_eq!(cache.as_deref(), Some("miss"));
    assert!(html.contains("缓存测试第二篇"));
    // A withdrawal too: the item page stops showing the text at once.
    let (s, v) = t
        .post(
            &format!("/api/v1/items/{id}/withdraw"),
            Some(&t.token(gongkai_app::domain::role::Role::Reviewer, A)),
            serde_json::json!({"reason": "测试撤回"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, html) = cached_get(&t, &item).await;
    assert!(
        !html.contains("做好相关工作") && html.contains("已撤回"),
        "{html}"
    );
    // The index has applied every change, so nothing moves the generation below.
    t.app.sync_search().await.expect("index");
    // Staff always get a fresh page (they see drafts and their own name).
    let staff = t
        .console_as(&crate::helpers::login_of(
            gongkai_app::domain::role::Role::Officer,
            A,
        ))
        .await;
    let r = staff.get(t.url("/")).send().await.expect("get");
    assert!(r.headers().get("x-cache").is_none());
    let staff_page = r.text().await.expect("body");
    let name = crate::helpers::login_of(gongkai_app::domain::role::Role::Officer, A);
    assert!(staff_page.contains(&name), "staff chrome names the officer");
    // …and what staff saw is never kept for the public.
    let (_, html) = cached_get(&t, "/").await;
    assert!(!html.contains(&name));
    // The large-text mode is applied per reader, outside the cache.
    let large = reqwest::Client::new()
        .get(t.url("/"))
        .header("cookie", "gk_display=large")
        .send()
        .await
        .expect("get");
    assert_eq!(
        large.headers().get("x-cache").map(|v| v.as_bytes()),
        Some(&b"hit"[..])
    );
    assert!(
        large
            .text()
            .await
            .expect("body")
            .contains("class=\"large\"")
    );
    let (_, html) = cached_get(&t, "/").await;
    assert!(!html.contains("class=\"large\""));
}

async fn home_catalog_and_item_pages(t: TestApp) {
    let v = t
        .publish(A, "关于印发《测试市政务公开工作要点》的通知")
        .await;
    let id = v["id"].as_i64().expect("id");
    let number = v["index_number"].as_str().expect("number").to_owned();
    let (s, html) = t.page("/").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("最新公开") && html.contains("关于印发《测试市政务公开工作要点》的通知"));
    assert!(html.contains("重点领域"), "key areas on the home page");
    let (s, html) = t.page(&format!("/items/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    for label in [
        "索引号",
        "主题分类",
        "发布机构",
        "成文日期",
        "文号",
        "发布日期",
        "有效性",
        "公开属性",
    ] {
        assert!(html.contains(label), "metadata table lacks {label}");
    }
    assert!(html.contains(&number));
    assert!(html.contains("测试市发展和改革委员会"));
    assert!(html.contains("测发改发〔2026〕7号"));
    assert!(html.contains("<html lang=\"zh-CN\">"));
    // Text is escaped, never interpreted.
    let v = t.publish(A, "<script>alert(1)</script>标题").await;
    let (_, html) = t.page(&format!("/items/{}", v["id"])).await;
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(html.contains("&#60;script&#62;"));
}

async fn catalog_filters_and_pages(t: TestApp) {
    for i in 0..23 {
        t.publish(A, &format!("发改委信息{i:02}")).await;
    }
    t.publish(B, "财政局预算信息").await;
    let (s, html) = t.page("/catalog").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("共 24 条"));
    assert!(html.contains("下一页"));
    // A list line: the body, the document number, the genre and the publication date (the
    // draft was written two days earlier).
    let today = gongkai_app::today().to_string();
    let line = html
        .split("发改委信息22")
        .nth(1)
        .and_then(|rest| rest.split("</li>").next())
        .unwrap_or_default();
    for part in [
        "测试市发展和改革委员会",
        "测发改发〔2026〕7号",
        "通知",
        &today,
    ] {
        assert!(line.contains(part), "{part} missing from the line: {line}");
    }
    let (_, html) = t.page("/catalog?page=2").await;
    assert!(html.contains("第 2 / 2 页"));
    let (_, html) = t.page(&format!("/catalog?body={B}")).await;
    assert!(html.contains("共 1 条") && html.contains("财政局预算信息"));
    // The whole catalog's counts are not shown beside links that give fewer.
    assert!(!html.contains("<span class=\"count\">24</span>"), "{html}");
    let (_, html) = t.page("/catalog").await;
    assert!(html.contains("<span class=\"count\">24</span>"), "{html}");
    let (_, html) = t
        .page("/catalog?topic=%E7%BB%BC%E5%90%88%E6%94%BF%E5%8A%A1")
        .await;
    assert!(html.contains("共 24 条"), "top topic matches its children");
    // A top topic stands for the topics stored under it, matched exactly: `_` is no wildcard.
    let (_, html) = t.page("/catalog?topic=%E7%BB%BC%E5%90%88_%E5%8A%A1").await;
    assert!(html.contains("共 0 条"), "综合_务 is not 综合政务");
    let (_, html) = t.page("/catalog?genre=%E5%85%AC%E5%91%8A").await;
    assert!(
        html.contains("共 0 条") && html.contains("清除筛选条件"),
        "empty result helps"
    );
    let year = gongkai_app::today().format("%Y").to_string();
    let (_, html) = t.page(&format!("/catalog?year={year}&key_area=%E6%94%BF%E7%AD%96%E6%89%A7%E8%A1%8C%E5%92%8C%E8%90%BD%E5%AE%9E")).await;
    assert!(html.contains("共 24 条"));
    let (_, html) = t.page(&format!("/catalog?year={year}")).await;
    assert!(
        html.contains("共 24 条") && html.contains("发改委信息22"),
        "a year lists its items"
    );
    let (_, html) = t
        .page(&format!(
            "/catalog?year={}",
            year.parse::<i32>().unwrap_or(0) - 1
        ))
        .await;
    assert!(
        html.contains("共 0 条") && !html.contains("发改委信息22"),
        "and no others"
    );
    let (_, list) = t
        .get(
            &format!("/api/v1/items?per_page=5&page=5&body_code={A}"),
            None,
        )
        .await;
    assert_eq!(list["total"], 23);
    assert_eq!(list["pages"], 5);
    assert_eq!(list["items"].as_array().map(Vec::len), Some(3));
    // The catalog pages read their rows without the bodies; the API's list gives them whole.
    assert!(
        list["items"][0]["body"]
            .as_str()
            .is_some_and(|b| b.contains("主要内容")),
        "{list}"
    );
}

/// Under a filter, each facet's links carry the counts they give: every facet is counted
/// under the other filters, so the other values of a chosen facet keep theirs.
async fn catalog_counts_follow_the_filters(t: TestApp) {
    for i in 0..3 {
        t.publish(A, &format!("通知{i}")).await;
    }
    let mut notice = item_json(A, "公告一");
    notice["genre"] = json!("公告");
    t.publish_json(A, notice).await;
    for i in 0..2 {
        t.publish(B, &format!("财政{i}")).await;
    }
    t.app.sync_search().await.expect("index caught up");
    let (a, b) = ("测试市发展和改革委员会", "测试市财政局");
    let (_, html) = t.page(&format!("/catalog?body={A}")).await;
    assert!(html.contains("共 4 条"), "{html}");
    assert_eq!(nav_count(&html, a), Some(4), "the chosen body");
    assert_eq!(
        nav_count(&html, b),
        Some(2),
        "the other body keeps its count"
    );
    assert_eq!(nav_count(&html, "通知"), Some(3), "genres of body A");
    assert_eq!(nav_count(&html, "公告"), Some(1));
    assert_eq!(nav_count(&html, "有效"), Some(4), "validity of body A");
    let (_, html) = t
        .page(&format!("/catalog?body={A}&genre=%E5%85%AC%E5%91%8A"))
        .await;
    assert!(
        html.contains("共 1 条") && html.contains("公告一"),
        "{html}"
    );
    assert_eq!(nav_count(&html, a), Some(1), "bodies under 公告");
    assert_eq!(nav_count(&html, b), None, "B published no 公告: no link");
    assert_eq!(
        nav_count(&html, "通知"),
        Some(3),
        "genres under body A only"
    );
    assert_eq!(nav_count(&html, "公告"), Some(1));
    // Unfiltered, the database's counts.
    let (_, html) = t.page("/catalog").await;
    assert_eq!(nav_count(&html, a), Some(4));
    assert_eq!(nav_count(&html, "通知"), Some(5));
    assert_eq!(nav_count(&html, "有效"), Some(6));
}

/// The count shown beside the catalog's navigation link labelled `label`; `None` when there
/// is no such link, `Some(0)` when it has no count.
fn nav_count(html: &str, label: &str) -> Option<u64> {
    let after = html.split(&format!(">{label}</a>")).nth(1)?;
    after
        .strip_prefix(" <span class=\"count\">")
        .and_then(|rest| rest.split('<').next())
        .map_or(Some(0), |n| n.parse().ok())
}

/// A top topic lists the items of all its sub-topics, merged newest first and paged like any
/// list (each sub-topic's newest items are read from its own index and merged).
async fn a_top_topic_merges_its_sub_topics_newest_first(t: TestApp) {
    for i in 1..=25 {
        let mut item = item_json(A, &format!("合并{i:02}"));
        let sub = if i % 2 == 0 {
            "应急管理"
        } else {
            "政务公开"
        };
        item["topic"] = json!(format!("综合政务/{sub}"));
        t.publish_json(A, item).await;
    }
    let titles = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|i| i["title"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let expected = |from: i32, to: i32| -> Vec<String> {
        (to..=from).rev().map(|i| format!("合并{i:02}")).collect()
    };
    let topic = "%E7%BB%BC%E5%90%88%E6%94%BF%E5%8A%A1"; // 综合政务
    for (page, from, to) in [(1, 25, 19), (2, 18, 12), (4, 4, 1)] {
        let (s, v) = t
            .get(
                &format!("/api/v1/items?topic={topic}&per_page=7&page={page}"),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(v["total"], 25);
        assert_eq!(titles(&v), expected(from, to), "page {page}");
    }
    let (_, v) = t
        .get(
            &format!("/api/v1/items?topic={topic}&per_page=7&page=5"),
            None,
        )
        .await;
    assert_eq!(titles(&v), Vec::<String>::new(), "past the end");
    // One sub-topic alone, and the portal's page of the top topic.
    let (_, v) = t
        .get(
            &format!(
                "/api/v1/items?topic={topic}%2F%E5%BA%94%E6%80%A5%E7%AE%A1%E7%90%86&per_page=3"
            ),
            None,
        )
        .await;
    assert_eq!(titles(&v), ["合并24", "合并22", "合并20"]);
    let (_, html) = t.page(&format!("/catalog?topic={topic}&page=2")).await;
    let at = |title: &str| html.find(title).unwrap_or(usize::MAX);
    assert!(html.contains("共 25 条") && at("合并05") < at("合并01") && at("合并01") < usize::MAX);
    assert!(!html.contains("合并06"), "page 2 starts after the first 20");
}

async fn feeds_sitemap_and_404(t: TestApp) {
    let v = t.publish(A, "订阅测试 & 特殊字符").await;
    let id = v["id"].as_i64().expect("id");
    let resp = t.http.get(t.url("/feed.xml")).send().await.expect("feed");
    assert_eq!(
        resp.headers()["content-type"],
        "application/atom+xml; charset=utf-8"
    );
    let atom = resp.text().await.expect("atom");
    assert!(atom.contains("<feed") && atom.contains("订阅测试 &#38; 特殊字符"));
    assert!(atom.contains(&format!("/items/{id}")));
    let (s, rss) = t.page("/rss.xml").await;
    assert_eq!(s, StatusCode::OK);
    assert!(rss.contains("<rss version=\"2.0\">"));
    let (_, sitemap) = t.page("/sitemap.xml").await;
    assert!(sitemap.contains(&format!("/items/{id}</loc>")));
    // The footer's site map is a page for people: every body, topic and key area.
    let (s, map) = t.page("/sitemap").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        map.contains("<a href=\"/sitemap\">网站地图</a>"),
        "footer link"
    );
    assert!(map.contains(&format!("/catalog?body={A}\">测试市发展和改革委员会</a>")));
    assert!(
        map.contains("%E7%BB%BC%E5%90%88%E6%94%BF%E5%8A%A1\">综合政务</a>"),
        "{map}"
    );
    assert!(map.contains("href=\"/sitemap.xml\""));
    let (s, html) = t.page("/no/such/page").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(
        html.contains("信息公开目录") && html.contains("首页"),
        "404 points somewhere useful"
    );
    let (s, _) = t.page("/items/999999").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

async fn bodies_and_health(t: TestApp) {
    let (s, body) = t.page("/healthz").await;
    assert_eq!((s, body.as_str()), (StatusCode::OK, "ok"));
    let (s, v) = t.get("/api/v1/bodies", None).await;
    assert_eq!(s, StatusCode::OK);
    let a = v
        .as_array()
        .expect("list")
        .iter()
        .find(|b| b["code"] == A)
        .expect("body A")
        .clone();
    assert_eq!(a["name"], "测试市发展和改革委员会");
    assert_eq!(a["short_names"], serde_json::json!(["市发改委"]));
    assert_eq!(a["parent_code"], crate::helpers::ROOT);
    let resolved = t
        .app
        .resolve_body("市发改委")
        .await
        .expect("resolve")
        .expect("found");
    assert_eq!(resolved.code, A);
}

async fn large_text_mode_is_remembered(t: TestApp) {
    let client = reader();
    let (_, html) = t.page("/catalog").await;
    assert!(html.contains("<html lang=\"zh-CN\">") && html.contains("大字版"));
    let resp = client
        .get(t.url("/display?mode=large"))
        .header("referer", t.url("/catalog?page=1"))
        .send()
        .await
        .expect("choose");
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()["location"], "/catalog?page=1");
    let html = client
        .get(t.url("/catalog"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        html.contains("<html class=\"large\" lang=\"zh-CN\">"),
        "large mode applied"
    );
    // A foreign referer never becomes the redirect target.
    let resp = client
        .get(t.url("/display?mode=normal"))
        .header("referer", "https://evil.example//x")
        .send()
        .await
        .expect("choose");
    assert_eq!(resp.headers()["location"], "/");
    let html = client
        .get(t.url("/catalog"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(html.contains("<html lang=\"zh-CN\">"));
}

/// A client that keeps cookies and does not follow redirects.
fn reader() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

async fn text_of(client: &reqwest::Client, url: String) -> (StatusCode, String) {
    let r = client.get(url).send().await.expect("get");
    (r.status(), r.text().await.expect("body"))
}

/// A reader can switch the portal to English and back: the portal's own words change, what was
/// published stays as published, and the page cache never hands one language's page to a
/// reader of the other.
async fn english_is_a_second_language(t: TestApp) {
    let v = t.publish(A, "关于英文界面测试的通知").await;
    let id = v["id"].as_i64().expect("id");
    let english = reader();
    let r = english
        .get(t.url("/lang?to=en"))
        .header("referer", t.url("/catalog?page=1"))
        .send()
        .await
        .expect("choose");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/catalog?page=1");
    // The index follows publication within a second.
    let mut search = String::new();
    for _ in 0..100 {
        search = text_of(&english, t.url("/search?q=英文界面")).await.1;
        if search.contains("1 result") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        search.contains("Most relevant") && search.contains("1 result"),
        "{search}"
    );
    // Chinese first into the cache, then English, then Chinese again: each gets its own page
    // (the index has applied the publication: the content generation stays as it is).
    let (_, zh) = cached_get(&t, "/").await;
    let (cache, _) = cached_get(&t, "/").await;
    assert_eq!(cache.as_deref(), Some("hit"));
    let (s, en) = text_of(&english, t.url("/")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(en.contains("<html lang=\"en\">"), "{en}");
    for phrase in [
        ">Disclosure catalog<",
        ">Latest<",
        ">Key areas<",
        "Skip to content",
    ] {
        assert!(en.contains(phrase), "the English home page lacks {phrase}");
    }
    for phrase in ["信息公开目录", "最新公开", "跳到正文"] {
        assert!(!en.contains(phrase), "the English home page says {phrase}");
    }
    assert!(
        en.contains("关于英文界面测试的通知"),
        "content stays as published"
    );
    assert!(
        en.contains("href=\"/lang?to=zh\""),
        "the way back to Chinese"
    );
    assert!(zh.contains("<html lang=\"zh-CN\">") && zh.contains("最新公开"));
    assert!(zh.contains("href=\"/lang?to=en\""));
    let (_, zh_again) = cached_get(&t, "/").await;
    assert!(zh_again.contains("最新公开") && !zh_again.contains("Skip to content"));
    let again = english.get(t.url("/")).send().await.expect("get");
    assert_eq!(
        again.headers()["x-cache"],
        "hit",
        "the English page is cached too"
    );
    assert_eq!(again.headers()["content-language"], "en");
    assert_eq!(
        again.headers()["vary"],
        "Cookie",
        "no shared cache mixes languages"
    );
    let chinese = reqwest::get(t.url("/")).await.expect("get");
    assert_eq!(chinese.headers()["content-language"], "zh-CN");
    assert!(
        again
            .text()
            .await
            .expect("body")
            .contains("<html lang=\"en\">")
    );
    // Large text works in English as well.
    english
        .get(t.url("/display?mode=large"))
        .send()
        .await
        .expect("large");
    let (_, large) = text_of(&english, t.url("/")).await;
    assert!(
        large.contains("<html class=\"large\" lang=\"en\">"),
        "{large}"
    );
    // The console, its error pages included, stays Chinese and offers no switch.
    let (_, login) = text_of(&english, t.url("/console/login")).await;
    assert!(login.contains("lang=\"zh-CN\"") && !login.contains("/lang?to="));
    let html = forged_login(&t, &english).await;
    assert!(
        html.contains("表单已失效") && !html.contains("/lang?to="),
        "{html}"
    );

    let (_, item) = text_of(&english, t.url(&format!("/items/{id}"))).await;
    for phrase in [
        "Index number",
        "Publisher",
        "Date published",
        "In force",
        "Proactive",
    ] {
        assert!(
            item.contains(phrase),
            "the English item page lacks {phrase}"
        );
    }
    assert!(!item.contains("索引号") && item.contains("测发改发〔2026〕7号"));
    // The catalog's terms are named in English; the links keep the stored values.
    for phrase in [
        "<td>General government affairs / Government transparency</td>",
        "<td>Notice</td>",
        ">Policy implementation</a>",
    ] {
        assert!(
            item.contains(phrase),
            "the English item page lacks {phrase}"
        );
    }
    assert!(item.contains("key_area=%E6%94%BF%E7%AD%96"), "{item}");
    let (_, catalog) = text_of(&english, t.url("/catalog?validity=effective")).await;
    assert!(catalog.contains("Validity: In force") && catalog.contains("Browse by"));
    assert!(
        catalog.contains(">Notice<") && !catalog.contains(">通知<"),
        "genres in English: {catalog}"
    );
    let (s, missing) = text_of(&english, t.url("/no/such/page")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(missing.contains("Page not found (404)") && missing.contains("测试市政府信息公开"));
    let (s, bad) = text_of(&english, t.url("/catalog?page=abc")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(bad.contains("could not be understood"), "{bad}");
    assert!(
        bad.contains("href=\"/lang?to=zh\""),
        "a public error page offers Chinese"
    );
    let (_, housing) = text_of(&english, t.url("/search?q=housing")).await;
    assert!(
        housing.contains("Documents are published in Chinese"),
        "{housing}"
    );
    let (_, apply) = text_of(&english, t.url("/apply")).await;
    assert!(apply.contains("Request government information") && apply.contains(">Individual<"));

    english
        .get(t.url("/lang?to=zh"))
        .send()
        .await
        .expect("back to Chinese");
    let (_, back) = text_of(&english, t.url("/")).await;
    assert!(back.contains(" lang=\"zh-CN\">") && back.contains("最新公开"));
}
