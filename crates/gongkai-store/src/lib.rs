//! Persistence of gongkai: one sqlx `Any` pool that speaks SQLite or PostgreSQL, the migrations of
//! both, one module per table, and the blob store for attachments.
//!
//! Every function that writes takes a `&mut Conn` borrowed from a [`Tx`] opened by the application
//! layer, so a use case commits its row, its audit record and its outbox event together or not at all.

pub mod applications;
pub mod attachments;
pub mod audit;
pub mod blobs;
pub mod bodies;
pub mod calendar_years;
pub mod connection_loss;
pub mod counters;
pub mod items;
pub mod notices;
pub mod notifications;
pub mod outbox;
pub mod plans;
pub mod search_dictionary;
pub mod secrets;
pub mod sessions;
pub mod tokens;
pub mod users;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions};

/// How long a pooled PostgreSQL connection may sit idle before it is pinged again when handed
/// out. It was pinged when it came back, so a connection used within this time can only have
/// died in the same moment as its server (the window every query in flight has anyway); under
/// load no connection waits that long, and the round trip is saved on every query.
pub const PG_IDLE_BEFORE_CHECK: Duration = Duration::from_secs(1);

pub use sqlx::AnyConnection as Conn;
pub use sqlx::Error as SqlxError;

/// A write transaction on either database.
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// Errors of the persistence layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("blob store error: {0}")]
    Io(#[from] std::io::Error),
    #[error("corrupt row: {0}")]
    Corrupt(String),
}

impl From<sqlx::Error> for StoreError {
    /// Every database error of the store passes here, so a lost connection is noted wherever it
    /// is found (see [`connection_loss`]).
    fn from(e: sqlx::Error) -> Self {
        if connection_loss::is_connection_lost(&e) {
            connection_loss::note_loss();
        }
        StoreError::Db(e)
    }
}

impl StoreError {
    /// Whether the database connection was lost (see [`connection_loss`]): trying again may
    /// succeed, on another connection.
    pub fn connection_lost(&self) -> bool {
        matches!(self, StoreError::Db(e) if connection_loss::is_connection_lost(e))
    }

    /// Whether the database could not be reached at all: a lost connection, or none to be had
    /// within the pool's wait (the server is down, or every connection is busy).
    pub fn unavailable(&self) -> bool {
        self.connection_lost() || matches!(self, StoreError::Db(sqlx::Error::PoolTimedOut))
    }

    /// The name of the unique/foreign-key constraint a write violated, if that is what failed.
    pub fn constraint(&self) -> Option<String> {
        match self {
            StoreError::Db(sqlx::Error::Database(e)) => e
                .constraint()
                .map(str::to_owned)
                .or_else(|| e.is_unique_violation().then(|| e.message().to_owned())),
            _ => None,
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which engine a [`Db`] talks to; the SQL is shared, only transaction start and migrations differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// The database: a pool plus the engine it speaks.
#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    engine: Engine,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// What a process does with its connections, which sets how much memory SQLite (and the
/// search index's writer, see `gongkai-app`) may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// A server: many connections reading, each with a 16 MB page cache.
    Serve,
    /// A bulk load or rebuild that exits when done (`gongkai import`, `gongkai reindex`): a
    /// batch of 2,000 items dirties about 30 MB of pages; with the 16 MB cache SQLite spills
    /// dirty pages to the WAL in the middle of each transaction and writes them again at
    /// commit. A 64 MB cache and statement journals in memory import the 100k corpus 15 %
    /// faster; 256 MB gains nothing more. The write-ahead log is copied into the database file
    /// every 8,192 pages instead of every 1,000, so an index page changed by many batches is
    /// copied once, not once per batch: 10 % faster (paired runs of 3, the final copy
    /// counted), and 32,768 pages gained nothing more.
    BulkLoad,
}

impl Workload {
    fn sqlite_cache_pragmas(self) -> &'static str {
        match self {
            Workload::Serve => "PRAGMA cache_size = -16384;",
            Workload::BulkLoad => {
                "PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY; \
                 PRAGMA wal_autocheckpoint = 8192;"
            }
        }
    }
}

impl Db {
    /// Connects to `url` (`sqlite://path` or `postgres://…`). SQLite files are created when
    /// missing and opened in WAL mode with foreign keys enforced. A new SQLite file gets
    /// 16 KiB pages instead of 4 KiB: an item row (text up to about 16 KB) then fits in one
    /// page instead of spilling to overflow pages, and a bulk import makes a quarter of the
    /// write calls (the 100k import about 12 % faster on the 2-core machine measured, 16 KiB
    /// ahead in 7 of 8 paired runs).
    pub async fn connect(url: &str) -> Result<Db> {
        Db::connect_for(url, Workload::Serve).await
    }

    /// [`Db::connect`] tuned for `workload`.
    pub async fn connect_for(url: &str, workload: Workload) -> Result<Db> {
        sqlx::any::install_default_drivers();
        let engine = if url.starts_with("postgres") {
            Engine::Postgres
        } else {
            Engine::Sqlite
        };
        let url = match engine {
            Engine::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url)?.disable_statement_logging();
        // One connection first, on its own: the pool retries a failed connect until its
        // acquire timeout and then reports only that it timed out, so a server that is down, a
        // wrong password or a missing database took 30 s to say "pool timed out". This says
        // what is wrong at once.
        {
            use sqlx::Connection;
            sqlx::AnyConnection::connect_with(&options)
                .await?
                .close()
                .await?;
        }
        let pool = AnyPoolOptions::new()
            .max_connections(match engine {
                Engine::Sqlite => 8,
                Engine::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(30))
            // sqlx pings every connection it hands out, and again when it takes one back. A
            // pooled SQLite connection lives in this process and cannot go stale: the first
            // ping is one more round trip to its worker thread for nothing (an item page: 23
            // context switches a request with it, 17 without). A PostgreSQL connection can
            // die with its server, but one just taken back was pinged then: only one idle
            // for a while is checked again (see [`PG_IDLE_BEFORE_CHECK`]), and every one for
            // a few seconds after a query found its connection gone (see [`connection_loss`]).
            .test_before_acquire(false)
            .before_acquire(move |conn, meta| {
                Box::pin(async move {
                    if engine == Engine::Postgres
                        && (meta.idle_for >= PG_IDLE_BEFORE_CHECK
                            || connection_loss::checking_all())
                    {
                        use sqlx::Connection;
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            })
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if engine == Engine::Sqlite {
                        use sqlx::Executor;
                        // The page size comes before `journal_mode = WAL`, whose header write
                        // fixes the page size of a new file; an older file keeps its own.
                        conn.execute(
                            "PRAGMA page_size = 16384; PRAGMA journal_mode = WAL; \
                             PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
                             PRAGMA busy_timeout = 10000;",
                        )
                        .await?;
                        conn.execute(workload.sqlite_cache_pragmas()).await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Db { pool, engine })
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Applies pending migrations; an applied migration is never edited.
    pub async fn migrate(&self) -> Result<()> {
        match self.engine {
            Engine::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Engine::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }

    /// Opens a write transaction, serialised with every other write transaction.
    ///
    /// On SQLite the write lock is taken at once (`BEGIN IMMEDIATE`), so two writers queue on the
    /// busy timeout instead of failing when a read lock is upgraded. On PostgreSQL the audit
    /// head row is locked first: every write appends to the one audit chain anyway, and taking
    /// that lock before anything else gives all writers one lock order (no deadlocks) and makes
    /// each transaction read the state its predecessor committed (no double transitions).
    ///
    /// A PostgreSQL transaction whose connection turns out to be gone (the server restarted) is
    /// begun once more: by then the pool checks every connection it hands out (see
    /// [`connection_loss`]), and nothing was written on the lost one.
    pub async fn begin(&self) -> Result<Tx> {
        match self.engine {
            Engine::Sqlite => Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?),
            Engine::Postgres => match self.begin_postgres().await {
                Err(e) if e.connection_lost() => self.begin_postgres().await,
                begun => begun,
            },
        }
    }

    async fn begin_postgres(&self) -> Result<Tx> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE")
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }

    /// Settles the database after a bulk change such as an import.
    ///
    /// PostgreSQL refreshes its planner statistics: with the statistics of a small table it
    /// intersects a whole status index into every look-up by successor (8 ms instead of 0.1 ms
    /// per item page at 100,000 items). SQLite is left without statistics on purpose: without
    /// them it walks the catalog's order indexes, with them (`ANALYZE`) it picks the
    /// status-and-genre index and sorts every match, 90 ms instead of 1 ms per catalog page at
    /// 100,000 items. SQLite copies its write-ahead log into the database file instead, so
    /// that the import's time includes all of its writes and no log of a hundred MB is left for
    /// the next process to apply. The copy is passive: it neither waits for nor blocks a server
    /// using the same file, and what a reader still needs is copied later.
    pub async fn after_bulk_change(&self) -> Result<()> {
        match self.engine {
            Engine::Postgres => {
                sqlx::query("ANALYZE").execute(&self.pool).await?;
            }
            Engine::Sqlite => {
                let (busy, log, copied): (i64, i64, i64) =
                    sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)")
                        .fetch_one(&self.pool)
                        .await?;
                if busy != 0 || copied < log {
                    tracing::warn!(
                        log,
                        copied,
                        "part of the write-ahead log is still read; it is copied later"
                    );
                }
            }
        }
        Ok(())
    }

    /// A connection for reads outside a transaction.
    pub async fn read(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>> {
        Ok(self.pool.acquire().await?)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// ` LIMIT n`, written into the statement, never bound. SQLite reads a bound LIMIT's value while
/// it plans, and then prepares the statement again each time that parameter is bound, which
/// sqlx does on every execution: 13 % of a catalog page's CPU at 100,000 items went to parsing
/// the same SQL again. A limit is an integer the program computed (a page size, a batch), so
/// writing it out is safe; each distinct text is prepared once per connection and kept in its
/// statement cache (an API client choosing `per_page` 1–100 can make more texts than it holds,
/// which costs a prepare, as every call did before).
pub(crate) fn limit(n: i64) -> String {
    format!(" LIMIT {n}")
}

/// `$1, $2, …, $n`: the placeholders of an `IN (…)` list of `n` values.
pub(crate) fn placeholders(n: usize) -> String {
    placeholders_from(1, n)
}

/// `$first, …`: the placeholders of `n` values after `first - 1` others.
pub(crate) fn placeholders_from(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Bound values per multi-row statement: below SQLite's limit (32,766) and PostgreSQL's (65,535).
const MAX_BINDS: usize = 16_000;

/// How many rows of `cols` values one multi-row `INSERT` may carry.
pub(crate) fn rows_per_statement(cols: usize) -> usize {
    (MAX_BINDS / cols.max(1)).max(1)
}

/// The `VALUES` list of a multi-row `INSERT`: `($1, …, $cols), ($cols+1, …), …` on PostgreSQL,
/// anonymous `(?, …)` on SQLite, which looks every numbered parameter up by name in a linear
/// list (quadratic in the parameters of a statement: 80 % of a bulk import's time).
/// `n` placeholders for an `IN (…)` list whose first value is bind number `first`: anonymous
/// on SQLite (see [`row_placeholders`]), numbered on PostgreSQL.
pub(crate) fn list_placeholders(conn: &Conn, first: usize, n: usize) -> String {
    if conn.backend_name() == "SQLite" {
        vec!["?"; n].join(", ")
    } else {
        (first..first + n)
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

pub(crate) fn row_placeholders(conn: &Conn, rows: usize, cols: usize) -> String {
    values_list(conn.backend_name() == "SQLite", rows, cols)
}

fn values_list(anonymous: bool, rows: usize, cols: usize) -> String {
    let mut out = String::with_capacity(rows * cols * 7);
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for c in 0..cols {
            if c > 0 {
                out.push_str(", ");
            }
            if anonymous {
                out.push('?');
            } else {
                out.push('$');
                out.push_str(&(r * cols + c + 1).to_string());
            }
        }
        out.push(')');
    }
    out
}

/// Encodes a list as the JSON text stored in list columns.
pub fn to_json_list(values: &[String]) -> String {
    serde_json::to_string(values).unwrap_or_else(|_| "[]".to_owned())
}

/// Decodes a list column; a malformed value is a corrupt row.
pub fn from_json_list(text: &str) -> Result<Vec<String>> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("list column: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_placeholders_number_every_value_once() {
        assert_eq!(values_list(false, 2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(values_list(true, 2, 2), "(?, ?), (?, ?)");
        assert_eq!(values_list(false, 1, 1), "($1)");
        assert!(rows_per_statement(28) * 28 <= MAX_BINDS);
        assert_eq!(rows_per_statement(0), MAX_BINDS);
    }

    /// The page size as a pooled connection sees it.
    async fn page_size(db: &Db) -> i64 {
        sqlx::query_scalar("PRAGMA page_size")
            .fetch_one(db.pool())
            .await
            .expect("page size")
    }

    #[tokio::test]
    async fn a_new_sqlite_file_gets_large_pages_and_an_old_one_keeps_its_own() {
        let dir = tempfile::tempdir().expect("temp dir");
        let fresh = format!("sqlite://{}", dir.path().join("new.db").display());
        let db = Db::connect(&fresh).await.expect("connect");
        db.migrate().await.expect("migrate");
        db.close().await;
        // What is on disk, read by a plain connection that asks for nothing.
        assert_eq!(plain_page_size(&fresh).await, 16_384);

        // A file made by an older version (4 KiB pages, WAL, tables in it) is migrated and
        // read as it is.
        let old = format!("sqlite://{}", dir.path().join("old.db").display());
        let mut conn =
            <sqlx::SqliteConnection as sqlx::Connection>::connect(&format!("{old}?mode=rwc"))
                .await
                .expect("plain connection");
        sqlx::raw_sql(
            "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; \
             CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (7);",
        )
        .execute(&mut conn)
        .await
        .expect("old file");
        sqlx::Connection::close(conn).await.expect("close");
        let db = Db::connect(&old).await.expect("connect");
        db.migrate().await.expect("migrate");
        assert_eq!(page_size(&db).await, 4_096);
        let n: i64 = sqlx::query_scalar("SELECT x FROM t")
            .fetch_one(db.pool())
            .await
            .expect("its row");
        assert_eq!(n, 7);
        db.close().await;
        assert_eq!(plain_page_size(&old).await, 4_096);
    }

    async fn plain_page_size(url: &str) -> i64 {
        let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(url)
            .await
            .expect("plain connection");
        let size: i64 = sqlx::query_scalar("PRAGMA page_size")
            .fetch_one(&mut conn)
            .await
            .expect("page size");
        sqlx::Connection::close(conn).await.expect("close");
        size
    }
}
