//! The whole journey in a real browser (headless Chromium through chromedriver): an officer logs
//! in, drafts and submits; the reviewer approves; the public page shows the item with its index
//! number. Runs when `CHROMEDRIVER` names the chromedriver binary (.ci/run sets it).

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::helpers::{A, Db, PASSWORD, TestApp};

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn start_browser() -> Option<(Driver, Client)> {
    let Ok(path) = std::env::var("CHROMEDRIVER") else {
        eprintln!(
            "\n*** SKIPPED browser test: CHROMEDRIVER is not set (.ci/run sets it to /usr/bin/chromedriver) ***\n"
        );
        return None;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .ok()?
        .local_addr()
        .ok()?
        .port();
    let child = Command::new(path)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let driver = Driver(child);
    let caps = json!({
        "goog:chromeOptions": {
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--no-first-run", "--window-size=1280,1000"],
            "binary": std::env::var("CHROME_BIN").unwrap_or_else(|_| "/usr/bin/chromium".into()),
        }
    });
    let caps = caps.as_object().cloned().expect("object");
    let url = format!("http://127.0.0.1:{port}");
    // chromedriver needs a moment to listen: retry the connection, bounded.
    for _ in 0..50 {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(c) => return Some((driver, c)),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    panic!("chromedriver did not accept a session");
}

async fn login(c: &Client, t: &TestApp, login: &str) {
    c.goto(&t.url("/console/login")).await.expect("login page");
    // Wait for the form: a navigation started just before (logout) may still be finishing.
    c.wait()
        .for_element(Locator::Id("login"))
        .await
        .expect("login field")
        .send_keys(login)
        .await
        .expect("type");
    c.find(Locator::Id("password"))
        .await
        .expect("password")
        .send_keys(PASSWORD)
        .await
        .expect("type");
    c.find(Locator::Css("form.stack button[type=submit]"))
        .await
        .expect("button")
        .click()
        .await
        .expect("click");
    c.wait()
        .for_element(Locator::Css("form[action='/console/logout']"))
        .await
        .expect("dashboard");
}

async fn logout(c: &Client) {
    c.find(Locator::Css("form[action='/console/logout'] button"))
        .await
        .expect("logout")
        .click()
        .await
        .expect("click");
    // Logged out when the header offers the login link again.
    c.wait()
        .for_element(Locator::Css("a[href='/console/login']"))
        .await
        .expect("logged out");
}

async fn journey(t: TestApp) {
    let Some((_driver, c)) = start_browser().await else {
        return;
    };
    login(&c, &t, "officer_a").await;
    c.goto(&t.url("/console/items/new")).await.expect("editor");
    c.find(Locator::Id("title"))
        .await
        .expect("title")
        .send_keys("关于开展2026年政务公开培训的通知")
        .await
        .expect("type");
    c.find(Locator::Id("doc_number"))
        .await
        .expect("docnum")
        .send_keys("测发改发[2026]15号")
        .await
        .expect("type");
    c.find(Locator::Css("#topic option[value='综合政务/政务公开']"))
        .await
        .expect("topic")
        .click()
        .await
        .expect("pick");
    c.find(Locator::Css("#genre option[value='通知']"))
        .await
        .expect("genre")
        .click()
        .await
        .expect("pick");
    c.find(Locator::Id("body"))
        .await
        .expect("body")
        .send_keys("各有关单位：\n现将培训安排通知如下。")
        .await
        .expect("type");
    c.find(Locator::Css("form.stack button[type=submit]"))
        .await
        .expect("save")
        .click()
        .await
        .expect("click");
    c.wait()
        .for_element(Locator::Css("form[action$='/submit'] button"))
        .await
        .expect("item page")
        .click()
        .await
        .expect("submit");
    let banner = c
        .wait()
        .for_element(Locator::Css(".banner.ok"))
        .await
        .expect("banner")
        .text()
        .await
        .expect("text");
    assert!(banner.contains("已提交审核"), "{banner}");
    logout(&c).await;

    login(&c, &t, "reviewer_a").await;
    c.goto(&t.url("/console/review")).await.expect("queue");
    c.find(Locator::LinkText("关于开展2026年政务公开培训的通知"))
        .await
        .expect("queued item")
        .click()
        .await
        .expect("open");
    c.wait()
        .for_element(Locator::Css("button[value=approve]"))
        .await
        .expect("approve")
        .click()
        .await
        .expect("click");
    let banner = c
        .wait()
        .for_element(Locator::Css(".banner.ok"))
        .await
        .expect("banner")
        .text()
        .await
        .expect("text");
    assert!(banner.contains("已审核通过"), "{banner}");
    c.find(Locator::LinkText("查看公开页面"))
        .await
        .expect("public link")
        .click()
        .await
        .expect("open");
    let table = c
        .wait()
        .for_element(Locator::Css("table.metadata"))
        .await
        .expect("metadata")
        .text()
        .await
        .expect("text");
    let year = gongkai_app::today().format("%Y").to_string();
    assert!(table.contains(&format!("{A}/{year}-00001")), "{table}");
    assert!(table.contains("测发改发〔2026〕15号"), "{table}");
    c.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn officer_drafts_reviewer_approves_public_reads() {
    crate::helpers::run(Db::Sqlite, journey).await;
}

async fn citizen(t: TestApp) {
    let Some((_driver, c)) = start_browser().await else {
        return;
    };
    c.goto(&t.url("/apply")).await.expect("form");
    c.find(Locator::Css(
        "#requester_type option[value='natural_person']",
    ))
    .await
    .expect("type")
    .click()
    .await
    .expect("pick");
    c.find(Locator::Id("name"))
        .await
        .expect("name")
        .send_keys("张三")
        .await
        .expect("type");
    c.find(Locator::Id("id_document"))
        .await
        .expect("id")
        .send_keys("330902198001010011")
        .await
        .expect("type");
    c.find(Locator::Id("phone"))
        .await
        .expect("phone")
        .send_keys("13800000000")
        .await
        .expect("type");
    c.find(Locator::Css(&format!("#body_code option[value='{A}']")))
        .await
        .expect("body")
        .click()
        .await
        .expect("pick");
    c.find(Locator::Css("#delivery option[value='email']"))
        .await
        .expect("delivery")
        .click()
        .await
        .expect("pick");
    c.find(Locator::Id("email"))
        .await
        .expect("email")
        .send_keys("zhangsan@example.org")
        .await
        .expect("type");
    // First submit without a description: the error names the field and nothing typed is lost.
    c.find(Locator::Css("form.stack button[type=submit]"))
        .await
        .expect("submit")
        .click()
        .await
        .expect("click");
    let err = c
        .wait()
        .for_element(Locator::Css(".banner.error"))
        .await
        .expect("error banner")
        .text()
        .await
        .expect("text");
    assert!(err.contains("需要修改"), "{err}");
    let kept = c
        .find(Locator::Id("name"))
        .await
        .expect("name")
        .prop("value")
        .await
        .expect("value");
    assert_eq!(kept.as_deref(), Some("张三"));
    c.find(Locator::Id("description"))
        .await
        .expect("desc")
        .send_keys("2026年海州市城乡居民最低生活保障资金发放情况")
        .await
        .expect("type");
    c.find(Locator::Css("form.stack button[type=submit]"))
        .await
        .expect("submit")
        .click()
        .await
        .expect("click");
    let tracking = c
        .wait()
        .for_element(Locator::Id("tracking"))
        .await
        .expect("tracking")
        .text()
        .await
        .expect("text");
    let code = c
        .find(Locator::Id("secret"))
        .await
        .expect("code")
        .text()
        .await
        .expect("text");
    assert!(tracking.starts_with("YSQ-"), "{tracking}");
    c.find(Locator::LinkText("查询办理进度"))
        .await
        .expect("track link")
        .click()
        .await
        .expect("open");
    c.wait()
        .for_element(Locator::Id("tracking"))
        .await
        .expect("form")
        .send_keys(&tracking)
        .await
        .expect("type");
    c.find(Locator::Id("code"))
        .await
        .expect("code field")
        .send_keys(&code)
        .await
        .expect("type");
    c.find(Locator::Css("form.stack button[type=submit]"))
        .await
        .expect("query")
        .click()
        .await
        .expect("click");
    let table = c
        .wait()
        .for_element(Locator::Css("table.metadata"))
        .await
        .expect("status")
        .text()
        .await
        .expect("text");
    assert!(
        table.contains(&tracking) && table.contains("已登记"),
        "{table}"
    );
    let timeline = c
        .find(Locator::Css("ol.timeline"))
        .await
        .expect("timeline")
        .text()
        .await
        .expect("text");
    assert!(timeline.contains("收到申请"), "{timeline}");
    // The header's language link switches the page the citizen is on, and back.
    for (link, lang, heading) in [
        ("English", "en", "Follow a request"),
        ("中文", "zh-CN", "申请查询"),
    ] {
        c.find(Locator::LinkText(link))
            .await
            .expect("language link")
            .click()
            .await
            .expect("switch");
        let h1 = c
            .wait()
            .for_element(Locator::Css(&format!("html[lang='{lang}'] main h1")))
            .await
            .expect("page in the chosen language")
            .text()
            .await
            .expect("text");
        assert_eq!(h1, heading);
    }
    c.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn citizen_applies_and_follows_the_status() {
    crate::helpers::run(Db::Sqlite, citizen).await;
}

async fn board(t: TestApp) {
    let Some((_driver, c)) = start_browser().await else {
        return;
    };
    let office = t.app.actor_for_login("office").await.expect("office");
    let plan = t
        .app
        .import_plan(
            &office,
            &gongkai_app::Origin::cli(),
            crate::plans::PLAN,
            &Default::default(),
        )
        .await
        .expect("import");
    login(&c, &t, "officer_a").await;
    c.goto(&t.url(&format!("/console/plans/{plan}")))
        .await
        .expect("board");
    let heading = c
        .find(Locator::Css("h1"))
        .await
        .expect("h1")
        .text()
        .await
        .expect("text");
    assert!(heading.contains("挂图作战"), "{heading}");
    assert!(
        c.find(Locator::Css("svg.chart rect")).await.is_ok(),
        "charts drawn on the server"
    );
    c.find(Locator::XPath("//a[contains(., '出台重要政策文件')]"))
        .await
        .expect("task link")
        .click()
        .await
        .expect("open");
    c.wait()
        .for_element(Locator::Id("text"))
        .await
        .expect("report form")
        .send_keys("解读材料已同步发布")
        .await
        .expect("type");
    let percent = c.find(Locator::Id("percent")).await.expect("percent");
    percent.clear().await.expect("clear");
    percent.send_keys("70").await.expect("type");
    c.find(Locator::Css("form[action$='/report'] button"))
        .await
        .expect("submit")
        .click()
        .await
        .expect("click");
    let reports = c
        .wait()
        .for_element(Locator::XPath("//ol/li[contains(., '解读材料已同步发布')]"))
        .await
        .expect("reports")
        .text()
        .await
        .expect("text");
    assert!(
        reports.contains("解读材料已同步发布") && reports.contains("70%"),
        "{reports}"
    );
    c.goto(&t.url(&format!("/console/plans/{plan}")))
        .await
        .expect("board");
    let row = c
        .find(Locator::Css("tr.st-in_progress"))
        .await
        .expect("row now in progress")
        .text()
        .await
        .expect("text");
    assert!(row.contains("70%"), "{row}");
    c.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn officer_reports_progress_on_the_board() {
    crate::helpers::run(Db::Sqlite, board).await;
}
