//! Use cases of gongkai. Each public function takes the acting user (or none, for the public),
//! checks that the actor may act on the target body, applies the domain rules, and writes the
//! change, its audit record and its outbox event in one transaction. This is the only layer that
//! writes; the web layer and the CLI call it and nothing below it.

pub mod applications;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod error;
pub mod extract;
mod index_lag;
pub mod items;
pub mod notices;
pub mod orgs;
pub mod plans;
pub mod search;

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use chrono::{FixedOffset, NaiveDate, Utc};
use gongkai_domain::calendar::WorkCalendar;
use gongkai_domain::index_number::IndexNumberPattern;
use gongkai_domain::pii::MaskConfig;
use gongkai_store::Db;
use gongkai_store::blobs::BlobStore;

pub use error::{AppError, AppResult};
pub use gongkai_domain as domain;
pub use gongkai_store::{Engine, Workload};

/// Tunable policy of a deployment.
#[derive(Debug, Clone)]
pub struct AppConfig {
    pub index_pattern: IndexNumberPattern,
    pub mask: MaskConfig,
    /// Largest attachment accepted, in bytes.
    pub max_upload_bytes: usize,
    /// A session unused for this long ends (idle timeout).
    pub session_idle_ms: i64,
    /// A session ends this long after login whatever its use.
    pub session_max_ms: i64,
    /// Failed logins in a row that lock an account.
    pub lockout_threshold: i64,
    pub lockout_ms: i64,
    /// Relay for reminder e-mails; none means in-app reminders only.
    pub smtp: Option<applications::SmtpConfig>,
    /// Periods of the application clock; the UNCONFIRMED ones (whether a fee notice stops the
    /// clock, the applicant's supplement period) are set here.
    pub clock: gongkai_domain::application::ClockParams,
    /// What the process does with the database and the index (a server, or a bulk import
    /// or rebuild).
    pub workload: Workload,
    /// How long the public counts (catalog facets and totals) are served before they are
    /// counted again; older ones are still served while a background task counts anew.
    pub aggregate_ttl: std::time::Duration,
}

impl Default for AppConfig {
    fn default() -> Self {
        AppConfig {
            index_pattern: IndexNumberPattern::default(),
            mask: MaskConfig::default(),
            max_upload_bytes: 20 * 1024 * 1024,
            session_idle_ms: 30 * 60 * 1000,
            session_max_ms: 12 * 60 * 60 * 1000,
            lockout_threshold: 5,
            lockout_ms: 15 * 60 * 1000,
            smtp: None,
            clock: gongkai_domain::application::ClockParams::default(),
            workload: Workload::Serve,
            aggregate_ttl: std::time::Duration::from_secs(5),
        }
    }
}

/// Where a request came from, for the audit log ("from where").
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub ip: String,
}

impl Origin {
    pub fn cli() -> Origin {
        Origin { ip: "cli".into() }
    }
}

/// A public aggregate kept by filter for the aggregates' time-to-live.
#[derive(Debug, Clone)]
pub(crate) enum Aggregate {
    /// The catalog's total under a filter.
    Total(i64),
    /// The catalog's facet counts under a filter.
    Facets(items::Facets),
}

impl Aggregate {
    fn total(self) -> Option<i64> {
        match self {
            Aggregate::Total(n) => Some(n),
            Aggregate::Facets(_) => None,
        }
    }

    fn facets(self) -> Option<items::Facets> {
        match self {
            Aggregate::Facets(f) => Some(f),
            Aggregate::Total(_) => None,
        }
    }
}

/// The application: database, blob store, calendar and policy. Cheap to clone.
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    blobs: BlobStore,
    config: AppConfig,
    /// Swapped as a whole when the city office loads a year, so readers never see half a change.
    calendar: RwLock<Arc<WorkCalendar>>,
    /// Catalog counts, recomputed at most every few seconds: every portal page shows them, and
    /// they change only when something is published or withdrawn. A short time-to-live (not an
    /// invalidation) keeps several nodes consistent without talking to each other.
    facets: std::sync::Mutex<Option<(std::time::Instant, items::Facets)>>,
    /// Held while one request recomputes the facets or a catalog total: the others serve the
    /// previous value meanwhile, or wait for this one when there is none (a cold server under
    /// load must not run the same aggregate once per request).
    aggregates: tokio::sync::Mutex<()>,
    /// Key of the HMAC that stores applicants' secret codes: a leaked database alone does not
    /// allow guessing the codes offline.
    code_key: String,
    /// The organisation registry, read on every page; same time-to-live, cleared on local writes.
    bodies: std::sync::Mutex<BodyCache>,
    /// Public catalog totals by filter, with the same time-to-live as the facets,
    /// and the facet counts under a filter (see `items::catalog_facets`).
    counts: std::sync::Mutex<std::collections::HashMap<String, (std::time::Instant, Aggregate)>>,
    /// Bumped whenever the totals are forgotten, so that a count begun before is not kept.
    counts_generation: std::sync::atomic::AtomicU64,
    /// The search index (under the data folder), fed from the outbox by the follower.
    search: Arc<gongkai_search::SearchIndex>,
    /// Wakes the search follower after a local commit.
    search_wake: tokio::sync::Notify,
    /// Searches running at once (see `App::search`).
    search_permits: tokio::sync::Semaphore,
    /// Held by a rebuild of the index, so rebuilds run one after the other.
    search_rebuild: tokio::sync::Mutex<()>,
    /// Held while outbox events are applied to the index (see `App::sync_search`), and by a
    /// rebuild.
    search_sync: tokio::sync::Mutex<()>,
    /// Whether the index may lack a local change (see `App::search`).
    index_lag: index_lag::IndexLag,
    /// Held while the search dictionary is saved.
    search_dictionary_save: tokio::sync::Mutex<()>,
    /// Grows whenever what the public sees may have changed (see [`App::content_generation`]).
    content_generation: std::sync::atomic::AtomicU64,
}

/// How many times its time to live an expired public count may still be served while it is
/// recounted (see `App::aggregate`).
const STALE_TTLS: u32 = 4;

/// The registry as last read, and how many times it has changed here since the process began.
#[derive(Default)]
struct BodyCache {
    list: Option<(std::time::Instant, Arc<[orgs::Body]>)>,
    generation: u64,
}

impl BodyCache {
    /// The list if younger than `ttl`, else the generation a list read now belongs to.
    fn get(&self, ttl: std::time::Duration) -> Result<Arc<[orgs::Body]>, u64> {
        match &self.list {
            Some((at, list)) if at.elapsed() < ttl => Ok(list.clone()),
            _ => Err(self.generation),
        }
    }

    /// Keeps a list read at `generation`, unless the registry changed since.
    fn keep(&mut self, list: Arc<[orgs::Body]>, generation: u64) {
        if self.generation == generation {
            self.list = Some((std::time::Instant::now(), list));
        }
    }

    fn forget(&mut self) {
        self.list = None;
        self.generation = self.generation.wrapping_add(1);
    }
}

impl App {
    /// Opens the database at `database_url`, applies migrations and keeps blobs under `data_dir`.
    pub async fn open(database_url: &str, data_dir: PathBuf, config: AppConfig) -> AppResult<App> {
        let db = Db::connect_for(database_url, config.workload).await?;
        db.migrate().await?;
        let code_key = {
            let mut c = db.read().await?;
            gongkai_store::secrets::get_or_create(
                &mut c,
                "application_code_key",
                &auth::random_token(),
                now_ms(),
            )
            .await?
        };
        let search = search::open_index(&db, Some(data_dir.join("index")), config.workload).await?;
        let app = App {
            inner: Arc::new(Inner {
                db,
                blobs: BlobStore::new(data_dir.join("blobs")),
                config,
                calendar: RwLock::new(Arc::new(gongkai_domain::calendar::builtin())),
                facets: std::sync::Mutex::new(None),
                aggregates: tokio::sync::Mutex::new(()),
                code_key,
                bodies: std::sync::Mutex::new(BodyCache::default()),
                counts: std::sync::Mutex::new(std::collections::HashMap::new()),
                counts_generation: std::sync::atomic::AtomicU64::new(0),
                search,
                search_wake: tokio::sync::Notify::new(),
                search_permits: tokio::sync::Semaphore::new(
                    4 * std::thread::available_parallelism().map_or(1, |n| n.get()),
                ),
                search_rebuild: tokio::sync::Mutex::new(()),
                search_sync: tokio::sync::Mutex::new(()),
                index_lag: index_lag::IndexLag::default(),
                search_dictionary_save: tokio::sync::Mutex::new(()),
                content_generation: std::sync::atomic::AtomicU64::new(0),
            }),
        };
        app.load_calendar_years().await?;
        Ok(app)
    }

    pub(crate) fn db(&self) -> &Db {
        &self.inner.db
    }

    pub(crate) fn blobs(&self) -> &BlobStore {
        &self.inner.blobs
    }

    pub fn config(&self) -> &AppConfig {
        &self.inner.config
    }

    /// The working-day calendar in force.
    pub fn calendar(&self) -> Arc<WorkCalendar> {
        match self.inner.calendar.read() {
            Ok(c) => Arc::clone(&c),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// The cached facets if younger than `ttl`.
    pub(crate) fn cached_facets(&self, ttl: std::time::Duration) -> Option<items::Facets> {
        let guard = self.inner.facets.lock().ok()?;
        guard
            .as_ref()
            .filter(|(at, _)| at.elapsed() < ttl)
            .map(|(_, f)| f.clone())
    }

    /// HMAC-SHA256 of an applicant's secret code under the deployment's key, hex.
    pub(crate) fn code_hash(&self, code: &str) -> String {
        use hmac::{KeyInit, Mac};
        match hmac::Hmac::<sha2::Sha256>::new_from_slice(self.inner.code_key.as_bytes()) {
            Ok(mut mac) => {
                mac.update(code.as_bytes());
                hex::encode(mac.finalize().into_bytes())
            }
            // Any key length is valid for HMAC; this arm is unreachable in practice.
            Err(_) => auth::sha256_hex(code),
        }
    }

    /// The cached registry if it is younger than `ttl`, else the generation to hand back to
    /// [`App::keep_bodies`] with the list read from the database.
    pub(crate) fn cached_bodies(&self, ttl: std::time::Duration) -> Result<Arc<[orgs::Body]>, u64> {
        match self.inner.bodies.lock() {
            Ok(cache) => cache.get(ttl),
            // Never kept: a list read now is not cached.
            Err(_) => Err(u64::MAX),
        }
    }

    /// Remembers the registry read at `generation`, unless it changed since (a list read
    /// before a body was added here must not hide that body until the cache expires).
    pub(crate) fn keep_bodies(&self, list: Arc<[orgs::Body]>, generation: u64) {
        if let Ok(mut cache) = self.inner.bodies.lock() {
            cache.keep(list, generation);
        }
    }

    /// Forgets the registry after a change made here.
    pub(crate) fn forget_bodies(&self) {
        if let Ok(mut cache) = self.inner.bodies.lock() {
            cache.forget();
        }
    }

    pub(crate) fn cached_aggregate(
        &self,
        key: &str,
        ttl: std::time::Duration,
    ) -> Option<Aggregate> {
        let guard = self.inner.counts.lock().ok()?;
        guard
            .get(key)
            .filter(|(at, _)| at.elapsed() < ttl)
            .map(|(_, a)| a.clone())
    }

    /// A number that grows whenever public pages may have changed: after a local commit that
    /// publishes, withdraws or edits public content, and after the search index applies changes
    /// (which is how commits of other nodes arrive). Caches of rendered pages compare it.
    pub fn content_generation(&self) -> u64 {
        self.inner
            .content_generation
            .load(std::sync::atomic::Ordering::Acquire)
    }

    pub(crate) fn public_changed(&self) {
        self.inner
            .content_generation
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    }

    /// Forgets the catalog totals after a local publication or withdrawal.
    pub(crate) fn forget_counts(&self) {
        if let Ok(mut guard) = self.inner.counts.lock() {
            guard.clear();
            self.inner
                .counts_generation
                .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        }
    }

    /// What [`App::cache_aggregate`] is given with a count begun now.
    pub(crate) fn counts_generation(&self) -> u64 {
        self.inner
            .counts_generation
            .load(std::sync::atomic::Ordering::Acquire)
    }

    /// Keeps a total counted from `generation` on, unless the totals were forgotten since:
    /// a count that began before a publication must not be kept as fresh after it.
    pub(crate) fn cache_aggregate(&self, key: String, value: Aggregate, generation: u64) {
        if let Ok(mut guard) = self.inner.counts.lock() {
            if self.counts_generation() != generation {
                return;
            }
            // Filters come from the public: bound the map rather than trust them.
            if guard.len() >= 4096 {
                guard.clear();
            }
            guard.insert(key, (std::time::Instant::now(), value));
        }
    }
    /// [`App::aggregate`] of a value kept by filter under `key`: `pick` reads it from the
    /// cache, `keep` stores it; a count begun before the totals were forgotten is not kept.
    pub(crate) async fn keyed_aggregate<T, F, Fut>(
        &self,
        key: String,
        pick: fn(Aggregate) -> Option<T>,
        keep: fn(T) -> Aggregate,
        count: F,
    ) -> AppResult<T>
    where
        T: Clone + Send + 'static,
        F: Fn(App) -> Fut + Clone + Send + Sync + 'static,
        Fut: std::future::Future<Output = AppResult<T>> + Send,
    {
        let cached_key = key.clone();
        self.aggregate(
            move |app, ttl| app.cached_aggregate(&cached_key, ttl).and_then(pick),
            move |app| {
                let (key, count) = (key.clone(), count.clone());
                async move {
                    let generation = app.counts_generation();
                    let value = count(app.clone()).await?;
                    app.cache_aggregate(key, keep(value.clone()), generation);
                    Ok(value)
                }
            },
        )
        .await
    }

    /// A public count: aggregates over the whole archive (five GROUP BYs for the facets take
    /// about 0.4 s at 1M items). `cached` reads it if younger than the given age; `count`
    /// counts and stores it. One younger than `AppConfig::aggregate_ttl` is served as is; one
    /// up to `STALE_TTLS` times older is still served while one background task counts anew,
    /// so that under steady traffic no request waits on a count (recounting on the request made
    /// each expiry a 0.4 s page: the p99 of cached catalog pages at 1M). An older one, after a
    /// quiet spell, or nothing cached: the request counts, one at a time. Applied changes (local
    /// or from other nodes) drop the cached totals, so their pages count afresh.
    pub(crate) async fn aggregate<T, C, F, Fut>(&self, cached: C, count: F) -> AppResult<T>
    where
        C: Fn(&App, std::time::Duration) -> Option<T> + Send + 'static,
        F: Fn(App) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = AppResult<T>> + Send,
    {
        let ttl = self.inner.config.aggregate_ttl;
        if let Some(value) = cached(self, ttl) {
            return Ok(value);
        }
        if let Some(stale) = cached(self, ttl.saturating_mul(STALE_TTLS)) {
            let app = self.clone();
            tokio::spawn(async move {
                // A recount already running (or just done) makes this one unnecessary.
                let Ok(_one) = app.inner.aggregates.try_lock() else {
                    return;
                };
                if cached(&app, ttl).is_none()
                    && let Err(e) = count(app.clone()).await
                {
                    tracing::warn!(error = %e, "recounting the public totals failed");
                }
            });
            return Ok(stale);
        }
        let _one = self.inner.aggregates.lock().await;
        if let Some(value) = cached(self, ttl) {
            return Ok(value); // counted while this request waited
        }
        count(self.clone()).await
    }

    pub(crate) fn cache_facets(&self, facets: &items::Facets) {
        if let Ok(mut guard) = self.inner.facets.lock() {
            *guard = Some((std::time::Instant::now(), facets.clone()));
        }
    }

    pub(crate) fn set_calendar(&self, calendar: WorkCalendar) {
        let mut guard = match self.inner.calendar.write() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        *guard = Arc::new(calendar);
    }

    pub fn engine(&self) -> Engine {
        self.inner.db.engine()
    }

    /// True once the database answers.
    pub async fn ready(&self) -> bool {
        match self.db().read().await {
            Ok(mut c) => sqlx_ping(&mut c).await,
            Err(_) => false,
        }
    }

    pub async fn close(&self) {
        self.inner.db.close().await;
    }
}

async fn sqlx_ping(conn: &mut gongkai_store::Conn) -> bool {
    gongkai_store::bodies::count(conn).await.is_ok()
}

/// The current instant in Unix milliseconds.
pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// China Standard Time (UTC+8): publication dates and index-number years follow the local day.
pub fn china_offset() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix())
}

use chrono::Offset;

/// Today's date in China.
pub fn today() -> NaiveDate {
    Utc::now().with_timezone(&china_offset()).date_naive()
}

/// The local date of an instant.
pub fn local_date(ms: i64) -> NaiveDate {
    chrono::DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .with_timezone(&china_offset())
        .date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn registry(codes: &[&str]) -> Arc<[orgs::Body]> {
        codes
            .iter()
            .enumerate()
            .map(|(i, code)| orgs::Body {
                id: i as i64 + 1,
                code: (*code).to_owned(),
                name: format!("机构{code}"),
                short_names: Vec::new(),
                kind: gongkai_domain::org::BodyKind::Department,
                parent_id: None,
            })
            .collect()
    }

    #[test]
    fn a_registry_read_before_a_change_here_is_not_kept() {
        let ttl = Duration::from_secs(5);
        let mut cache = BodyCache::default();
        let read_at = cache.get(ttl).expect_err("empty");
        // A body is added (and the cache forgotten) while that read was under way.
        cache.forget();
        cache.keep(registry(&["a"]), read_at);
        let now = cache.get(ttl).expect_err("the stale list was not kept");
        cache.keep(registry(&["a", "b"]), now);
        assert_eq!(cache.get(ttl).expect("kept").len(), 2);
        cache.forget();
        assert!(cache.get(ttl).is_err(), "forgotten after a change");
        assert!(BodyCache::default().get(Duration::ZERO).is_err());
    }
}
