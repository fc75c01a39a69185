//! HTTP for gongkai: the public portal (`/`), the staff console (`/console`) and the JSON API
//! (`/api/v1`). Handlers are thin: they turn a request into a use-case call on [`App`] and its
//! result into HTML or JSON. Authorisation is decided by the application layer, not here.

mod api;
mod applications;
mod console;
mod display;
mod error;
mod error_pages;
mod feeds;
mod locale;
mod page_cache;
mod plans;
mod portal;
mod query;
mod retry;
mod search;
mod session;
mod texts;
mod views;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use gongkai_app::App;
use tower_http::set_header::SetResponseHeaderLayer;

pub use api::openapi_json;

/// Deployment facts the pages show.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// The portal's name, e.g. 海州市人民政府信息公开.
    pub name: String,
    /// The public base URL used in feeds and the sitemap, without a trailing slash.
    pub base_url: String,
    /// Mark the session cookie `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a reverse proxy that sets it).
    pub trust_forwarded_for: bool,
    /// Keep rendered public pages for anonymous readers (see `page_cache`).
    pub page_cache: bool,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            name: "政府信息公开平台".into(),
            base_url: "http://127.0.0.1:8080".into(),
            secure_cookies: false,
            trust_forwarded_for: false,
            page_cache: true,
        }
    }
}

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub site: Arc<SiteConfig>,
    /// Rate limit of the public forms (applications, status look-ups) per client address.
    pub public_limit: Arc<PublicLimit>,
    /// Rendered public pages for anonymous readers.
    pub pages: Arc<page_cache::PageCache>,
}

impl AppState {
    pub fn new(app: App, site: SiteConfig) -> AppState {
        AppState {
            app,
            site: Arc::new(site),
            public_limit: Arc::new(PublicLimit::default()),
            pages: Arc::new(page_cache::PageCache::default()),
        }
    }
}

/// A per-address limit on public writes and look-ups: a burst of 10, then one every 6 seconds
/// (600 an hour), enough for a family sharing an address and too few for a script.
pub struct PublicLimit(governor::DefaultKeyedRateLimiter<String>);

/// One public submission or lookup per this many seconds per address…
pub const PUBLIC_PERIOD_SECS: u64 = 6;
/// …after a burst of this many.
pub const PUBLIC_BURST: u32 = 10;

impl Default for PublicLimit {
    fn default() -> Self {
        use std::num::NonZeroU32;
        let burst = NonZeroU32::new(PUBLIC_BURST).unwrap_or(NonZeroU32::MIN);
        let quota = governor::Quota::with_period(Duration::from_secs(PUBLIC_PERIOD_SECS))
            .unwrap_or_else(|| governor::Quota::per_minute(NonZeroU32::MIN))
            .allow_burst(burst);
        PublicLimit(governor::RateLimiter::keyed(quota))
    }
}

impl PublicLimit {
    /// Forgets addresses whose quota has refilled, so the table does not grow without bound.
    pub fn shrink(&self) {
        self.0.retain_recent();
    }

    /// Whether `client` may make one more request now.
    pub fn allow(&self, client: &str) -> bool {
        self.wait(client).is_none()
    }

    /// Takes one request of `client`'s quota, or says how long until the next is allowed.
    pub fn wait(&self, client: &str) -> Option<Duration> {
        use governor::clock::{Clock, DefaultClock};
        self.0
            .check_key(&client.to_owned())
            .err()
            .map(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

/// The whole HTTP surface, with security headers on every response.
pub fn router(state: AppState) -> Router {
    let upload_limit = state.app.config().max_upload_bytes + 1024 * 1024;
    let pages = axum::middleware::from_fn_with_state(state.clone(), page_cache::serve);
    let router = Router::new()
        .merge(portal::router())
        .merge(search::router())
        .merge(applications::router())
        .merge(plans::router())
        .merge(feeds::router())
        .nest("/console", console::router(upload_limit))
        .nest("/api/v1", api::router(upload_limit))
        .route("/display", axum::routing::get(display::choose))
        .route("/lang", axum::routing::get(locale::choose))
        .fallback(portal::not_found);
    // Only PostgreSQL connections can be lost (a SQLite one lives in this process), and copying
    // each request for a second run costs an uncached page 5 % of its instructions. Inside the
    // page cache: a page served from it needs no database.
    let router = if state.app.engine() == gongkai_app::Engine::Postgres {
        router.layer(axum::middleware::from_fn(retry::repeat_lost_reads))
    } else {
        router
    };
    // Inside the page cache, which keeps these headers with the page.
    let router = router.layer(axum::middleware::from_fn(locale::mark_pages));
    // Inside the page cache too: it keeps no error page.
    let router = router.layer(axum::middleware::from_fn_with_state(
        state.clone(),
        error_pages::with_site_name,
    ));
    let router = if state.site.page_cache {
        router.layer(pages)
    } else {
        router
    };
    router
        .layer(axum::middleware::from_fn(display::apply))
        .layer(axum::extract::DefaultBodyLimit::max(8 * 1024 * 1024))
        .layer(security_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(security_header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(security_header(header::REFERRER_POLICY, "same-origin"))
        .layer(security_header(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

fn security_header(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// Starts the periodic jobs every 30 s: deadline reminders (every ten minutes and at start-up),
/// publication of scheduled items, shrinking the rate limiter and purging expired sessions.
/// Kept apart from [`serve`] so tests can drive each job by hand without a timer racing them.
pub fn spawn_scheduled_jobs(state: &AppState) -> tokio::task::JoinHandle<()> {
    let app = state.app.clone();
    let limit = state.public_limit.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(30));
        let mut ticks: u64 = 0;
        loop {
            every.tick().await;
            if ticks.is_multiple_of(20) {
                match app.send_reminders().await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(reminders = n, "deadline reminders created"),
                    Err(e) => tracing::warn!(error = %e, "deadline reminders failed"),
                }
            }
            ticks += 1;
            match app.publish_due().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(published = n, "scheduled items published"),
                Err(e) => tracing::warn!(error = %e, "scheduled publication failed"),
            }
            limit.shrink();
            if let Err(e) = app.purge_sessions().await {
                tracing::warn!(error = %e, "session purge failed");
            }
        }
    })
}

/// Serves `router` on `listener` until `shutdown` resolves, with the search index following the
/// outbox. The periodic jobs are started separately ([`spawn_scheduled_jobs`]).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Stopped with the server, also when this future is dropped (a task aborted): left running,
    // it went on querying a database that may be gone.
    let _follower = AbortOnDrop(state.app.start_search_follower());
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// A task that ends when this is dropped (a `JoinHandle` dropped lets its task run on).
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    /// The security policy's `style-src 'self'` forbids inline styles: a `style` attribute in a
    /// template would be dropped by the browser without a word (sizes live in style.css).
    #[test]
    fn no_template_styles_inline() {
        let mut dirs = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/templates"
        ))];
        let mut read = 0;
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("templates") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).expect("template");
                read += 1;
                assert!(
                    !text.contains(" style="),
                    "{} styles an element inline",
                    path.display()
                );
            }
        }
        assert!(read > 20, "only {read} templates read");
    }
}
