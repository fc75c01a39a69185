//! The test harness: a real server on a random port against a real database (a fresh SQLite file,
//! or a fresh PostgreSQL database when `GONGKAI_TEST_POSTGRES_URL` is set), seeded with three
//! bodies and one user per role, each with an API token.

use std::collections::HashMap;
use std::future::Future;

use gongkai_app::auth::{NewUser, SecretString};
use gongkai_app::domain::org::BodyKind;
use gongkai_app::domain::role::Role;
use gongkai_app::orgs::NewBody;
use gongkai_app::{App, AppConfig, Origin};
use gongkai_web::{AppState, SiteConfig};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::Connection;

/// How long the test apps serve their public counts before recounting (short, so that a test
/// can see a recount happen).
pub const AGGREGATE_TTL: std::time::Duration = std::time::Duration::from_millis(400);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

pub const ROOT: &str = "100000001";
/// Body A (测试市发展和改革委员会) and body B (测试市财政局).
pub const A: &str = "100000002";
pub const B: &str = "100000003";
pub const PASSWORD: &str = "correct-horse-battery";

pub struct TestApp {
    pub base: String,
    pub app: App,
    pub http: reqwest::Client,
    pub data: tempfile::TempDir,
    pub db_url: String,
    pub db: Db,
    tokens: HashMap<String, String>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Where a test's PostgreSQL database lives, to drop it afterwards.
struct PgCleanup {
    admin_url: String,
    name: String,
}

impl PgCleanup {
    async fn run(self) {
        if let Ok(mut c) = sqlx::PgConnection::connect(&self.admin_url).await {
            let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
            let _ = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut c).await;
        }
    }
}

fn pg_admin_url() -> Option<String> {
    std::env::var("GONGKAI_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// Runs `test` against a fresh app on `db`; on PostgreSQL without a URL it says so loudly and
/// returns. The test's database is dropped afterwards even when the test panics.
pub async fn run<F, Fut>(db: Db, test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let (url, cleanup) = match db {
        Db::Sqlite => (None, None),
        Db::Postgres => {
            let Some(admin) = pg_admin_url() else {
                eprintln!(
                    "\n*** SKIPPED on PostgreSQL: GONGKAI_TEST_POSTGRES_URL is not set \
                     (.ci/run sets it; e.g. postgres://postgres@127.0.0.1:5432/postgres) ***\n"
                );
                return;
            };
            let name = format!("gk_test_{}", &gongkai_app::auth::random_token()[..16]);
            let mut c = sqlx::PgConnection::connect(&admin)
                .await
                .expect("connect to PostgreSQL");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut c)
                .await
                .expect("create test database");
            let (base, _) = admin.rsplit_once('/').expect("URL with a database name");
            (
                Some(format!("{base}/{name}")),
                Some(PgCleanup {
                    admin_url: admin,
                    name,
                }),
            )
        }
    };
    let app = spawn_app(db, url).await;
    let result = tokio::spawn(test(app)).await;
    if let Some(c) = cleanup {
        c.run().await;
    }
    if let Err(e) = result {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// Declares each test once per database: `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! db_tests {
    ($($name:ident),* $(,)?) => { $(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::helpers::run($crate::helpers::Db::Sqlite, super::$name).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::helpers::run($crate::helpers::Db::Postgres, super::$name).await
            }
        }
    )* };
}

/// Logs stay silent unless `TEST_LOG` is set.
fn init_logs() {
    if std::env::var("TEST_LOG").is_ok() {
        let _ = tracing_subscriber::fmt().with_env_filter("info").try_init();
    }
}

async fn spawn_app(db: Db, url: Option<String>) -> TestApp {
    init_logs();
    let data = tempfile::tempdir().expect("temp dir");
    let db_url = url.unwrap_or_else(|| gongkai::database_url(data.path(), None));
    let app = App::open(
        &db_url,
        data.path().to_path_buf(),
        AppConfig {
            max_upload_bytes: 1024 * 1024,
            aggregate_ttl: AGGREGATE_TTL,
            ..AppConfig::default()
        },
    )
    .await
    .expect("open app");
    let tokens = seed(&app).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let state = AppState::new(
        app.clone(),
        SiteConfig {
            name: "测试市政府信息公开".into(),
            base_url: format!("http://{addr}"),
            secure_cookies: false,
            trust_forwarded_for: false,
            page_cache: true,
        },
    );
    let server = tokio::spawn(async move {
        let _ = gongkai_web::serve(listener, state, std::future::pending()).await;
    });
    TestApp {
        base: format!("http://{addr}"),
        app,
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        data,
        db_url,
        db,
        tokens,
        server,
    }
}

/// Logins of the seeded users: `{role}_a`, `{role}_b` for body roles; `office`, `auditor`.
pub fn login_of(role: Role, body: &str) -> String {
    match role {
        Role::CityOffice => "office".into(),
        Role::Auditor => "auditor".into(),
        _ => format!("{}_{}", role.as_str(), if body == A { "a" } else { "b" }),
    }
}

async fn seed(app: &App) -> HashMap<String, String> {
    let o = Origin { ip: "test".into() };
    for (code, name, short, kind, parent) in [
        (ROOT, "测试市人民政府", "市政府", BodyKind::City, None),
        (
            A,
            "测试市发展和改革委员会",
            "市发改委",
            BodyKind::Department,
            Some(ROOT),
        ),
        (
            B,
            "测试市财政局",
            "市财政局",
            BodyKind::Department,
            Some(ROOT),
        ),
    ] {
        app.add_body(
            None,
            &o,
            &NewBody {
                code: code.into(),
                name: name.into(),
                short_names: vec![short.into()],
                kind,
                parent_code: parent.map(str::to_owned),
            },
        )
        .await
        .expect("seed body");
    }
    let mut users = vec![
        ("office".to_owned(), ROOT, Role::CityOffice),
        ("auditor".to_owned(), ROOT, Role::Auditor),
    ];
    for body in [A, B] {
        for role in [Role::Officer, Role::Reviewer, Role::BodyAdmin] {
            users.push((login_of(role, body), body, role));
        }
    }
    let mut tokens = HashMap::new();
    for (login, body, role) in users {
        let user = NewUser {
            login: login.clone(),
            display_name: login.clone(),
            body_code: body.to_owned(),
            role,
            password: SecretString::from(PASSWORD),
            email: format!("{login}@test.example"),
        };
        app.add_user(None, &o, user).await.expect("seed user");
        let token = app.create_token(&o, &login, "test").await.expect("token");
        tokens.insert(login, token);
    }
    tokens
}

/// A complete, valid item for the API.
pub fn item_json(body_code: &str, title: &str) -> Value {
    json!({
        "body_code": body_code,
        "title": title,
        "body": "一、总体要求\n按照有关规定，做好相关工作。\n二、主要内容\n联系电话：0580-2281234。",
        "summary": "测试用的政府信息",
        "doc_number": "测发改发[2026]7号",
        "written_on": (gongkai_app::today() - chrono::Duration::days(2)).to_string(),
        "genre": "通知",
        "topic": "综合政务/政务公开",
        "key_areas": ["政策执行和落实"],
        "keywords": ["政务公开"],
    })
}

impl TestApp {
    pub fn token(&self, role: Role, body: &str) -> String {
        self.tokens[&login_of(role, body)].clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.http.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status();
        let text = resp.text().await.expect("body");
        let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, value)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        self.send(reqwest::Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::POST, path, token, Some(body))
            .await
    }

    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let resp = self.http.get(self.url(path)).send().await.expect("request");
        (resp.status(), resp.text().await.expect("body"))
    }

    /// The HTML of `path` as `client` (a console session, say) sees it.
    pub async fn html_as(&self, client: &reqwest::Client, path: &str) -> String {
        client
            .get(self.url(path))
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("html")
    }

    /// A browser without an account that has opened the public form at `path`: the client
    /// (with its cookies) and the form's CSRF token.
    pub async fn public_form(&self, path: &str) -> (reqwest::Client, String) {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .expect("client");
        let html = self.html_as(&client, path).await;
        let csrf = hidden_value(&html, "csrf").expect("csrf on the form");
        (client, csrf)
    }

    /// Creates a draft as the officer of `body` and returns its id.
    pub async fn draft(&self, body: &str, title: &str) -> i64 {
        self.draft_json(body, item_json(body, title)).await
    }

    /// Creates a draft of `body` from the API's JSON of an item; returns its id.
    pub async fn draft_json(&self, body: &str, item: Value) -> i64 {
        let (status, v) = self
            .post(
                "/api/v1/items",
                Some(&self.token(Role::Officer, body)),
                item,
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        v["id"].as_i64().expect("id")
    }

    /// Drafts, submits and approves an item of `body`; returns the published item.
    pub async fn publish(&self, body: &str, title: &str) -> Value {
        self.publish_json(body, item_json(body, title)).await
    }

    /// Drafts, submits and approves an item of `body` given as the API's JSON.
    pub async fn publish_json(&self, body: &str, item: Value) -> Value {
        let id = self.draft_json(body, item).await;
        let (s, v) = self
            .post(
                &format!("/api/v1/items/{id}/submit"),
                Some(&self.token(Role::Officer, body)),
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, v) = self
            .post(
                &format!("/api/v1/items/{id}/review"),
                Some(&self.token(Role::Reviewer, body)),
                json!({"decision": "approve", "note": "同意公开"}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v
    }

    /// A browser-like client with a cookie store, logged in to the console as `login`.
    pub async fn console_as(&self, login: &str) -> reqwest::Client {
        self.console_with(login, PASSWORD).await
    }

    /// A browser-like client logged in with `login` and `password`.
    pub async fn console_with(&self, login: &str, password: &str) -> reqwest::Client {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let page = client
            .get(self.url("/console/login"))
            .send()
            .await
            .expect("login page");
        let html = page.text().await.expect("html");
        let csrf = hidden_value(&html, "csrf").expect("csrf field on login form");
        let resp = client
            .post(self.url("/console/login"))
            .form(&[
                ("login", login),
                ("password", password),
                ("csrf", &csrf),
                ("next", "/console"),
            ])
            .send()
            .await
            .expect("login");
        assert_eq!(
            resp.status(),
            StatusCode::SEE_OTHER,
            "login of {login} failed"
        );
        client
    }

    /// A direct connection to the test database, for tampering in tests.
    pub async fn raw_db(&self) -> sqlx::AnyConnection {
        sqlx::any::install_default_drivers();
        let url = if self.db == Db::Sqlite {
            format!("{}?mode=rw", self.db_url)
        } else {
            self.db_url.clone()
        };
        sqlx::AnyConnection::connect(&url)
            .await
            .expect("raw connection")
    }

    /// Counts rows of a table.
    pub async fn count(&self, table: &str) -> i64 {
        let mut c = self.raw_db().await;
        let (n,): (i64,) =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
                .fetch_one(&mut c)
                .await
                .expect("count");
        n
    }

    /// Runs the real `gongkai` binary against this test's data folder and database.
    pub fn cli(&self, args: &[&str], stdin: Option<&str>) -> std::process::Output {
        use std::io::Write;
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_gongkai"));
        cmd.arg("--data").arg(self.data.path()).args(args);
        cmd.env("GONGKAI_DATABASE_URL", &self.db_url);
        cmd.stdin(std::process::Stdio::piped());
        cmd.stdout(std::process::Stdio::piped());
        cmd.stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().expect("spawn gongkai");
        if let (Some(mut s), Some(input)) = (child.stdin.take(), stdin) {
            s.write_all(input.as_bytes()).expect("write stdin");
        }
        child.wait_with_output().expect("gongkai output")
    }
}

/// The value of a hidden input `name` in an HTML page.
pub fn hidden_value(html: &str, name: &str) -> Option<String> {
    let needle = format!("name=\"{name}\" value=\"");
    let start = html.find(&needle)? + needle.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_owned())
}
