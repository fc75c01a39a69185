//! The database connection pool after the server has ended its connections (a PostgreSQL
//! restart; an administrator's `pg_terminate_backend`).

use std::time::Duration;

use sqlx::Connection;

use gongkai_app::domain::role::Role;
use gongkai_store::StoreError;
use gongkai_store::connection_loss::checking_all;
use reqwest::StatusCode;

use crate::helpers::{self, A, Db, TestApp};

/// A database server that cannot be reached is reported at once, and as what it is, not after
/// the pool's 30 s wait as a pool that timed out. Nothing listens on port 1.
#[tokio::test]
async fn an_unreachable_server_is_reported_at_once() {
    let opened = tokio::time::timeout(
        Duration::from_secs(10),
        gongkai_store::Db::connect("postgres://postgres@127.0.0.1:1/gongkai"),
    )
    .await
    .expect("an answer before the pool's wait is over");
    let e = opened.expect_err("nothing listens there").to_string();
    assert!(e.contains("refused"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_ended_by_a_restart_are_replaced() {
    let _alone = alone().await;
    helpers::run(Db::Postgres, ended_connections_are_replaced).await
}

/// Every pooled connection ended by the server, then a pause as long as a restart's: every
/// query after it is answered (a connection idle that long is checked when handed out, found
/// dead and replaced), none fails on a dead connection. A pool of its own, so that no
/// background task of the app uses (and so clears) a dead connection first.
async fn ended_connections_are_replaced(t: TestApp) {
    const POOLED: usize = 4;
    let db = pool_of_ended_connections(&t, POOLED).await;
    tokio::time::sleep(gongkai_store::PG_IDLE_BEFORE_CHECK + Duration::from_millis(300)).await;

    // One query after another, more than there were connections: each may draw a dead one.
    all_answered(&db, POOLED + 1, "after the restart").await;
    assert!(!checking_all(), "a query drew a dead connection");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_one_lost_connection_every_pooled_one_is_checked() {
    let _alone = alone().await;
    helpers::run(Db::Postgres, lost_connection_checks_the_rest).await
}

/// Every pooled connection ended by the server and no pause after it: the first query draws a
/// dead connection and fails, as a lost connection, which makes the pool check each one it
/// hands out, so every later query is answered.
async fn lost_connection_checks_the_rest(t: TestApp) {
    const POOLED: usize = 4;
    let db = pool_of_ended_connections(&t, POOLED).await;
    let first = sqlx::query_scalar::<_, i32>("SELECT 1")
        .fetch_one(db.pool())
        .await
        .expect_err("a connection used a moment ago is handed out unchecked");
    // What the store's own queries do with every error.
    let first = StoreError::from(first);
    assert!(
        first.connection_lost(),
        "not told as a lost connection: {first}"
    );
    assert!(checking_all());
    all_answered(&db, POOLED, "after the first").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_begun_on_a_lost_connection_is_begun_again() {
    let _alone = alone().await;
    helpers::run(Db::Postgres, write_on_lost_connection).await
}

async fn write_on_lost_connection(t: TestApp) {
    let db = pool_of_ended_connections(&t, 4).await;
    let tx = db
        .begin()
        .await
        .expect("a transaction on a live connection");
    assert!(
        checking_all(),
        "the first connection drawn was not a dead one"
    );
    tx.commit().await.expect("commit");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_are_answered_through_a_restart() {
    let _alone = alone().await;
    helpers::run(Db::Postgres, reads_through_restart).await
}

/// The server's own pool, every connection ended at once (as by a restart), then reads at once:
/// each is answered, the ones that drew a dead connection by being run again.
async fn reads_through_restart(t: TestApp) {
    let officer = t.token(Role::Officer, A);
    t.publish(A, "关于重启期间仍可查询的通知").await;
    for _ in 0..8 {
        let (status, _) = t.get("/api/v1/items", Some(&officer)).await;
        assert_eq!(status, StatusCode::OK);
    }
    let mut admin = sqlx::PgConnection::connect(&t.db_url)
        .await
        .expect("connect");
    let pids: Vec<i32> = sqlx::query_scalar(
        "SELECT pid FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .fetch_all(&mut admin)
    .await
    .expect("pids");
    assert!(!pids.is_empty(), "the server holds no connection");
    end_connections(&mut admin, &pids).await;
    for n in 0..8 {
        let (status, body) = t.get("/api/v1/items", Some(&officer)).await;
        assert_eq!(status, StatusCode::OK, "read {n} after the restart: {body}");
        assert_eq!(
            body["items"][0]["title"], "关于重启期间仍可查询的通知",
            "{body}"
        );
    }
    assert!(checking_all(), "no request drew a dead connection");
}

/// `n` queries one after another, each of which must be answered.
async fn all_answered(db: &gongkai_store::Db, n: usize, when: &str) {
    for k in 0..n {
        let one: i32 = sqlx::query_scalar("SELECT 1")
            .fetch_one(db.pool())
            .await
            .unwrap_or_else(|e| panic!("query {k} {when}: {e}"));
        assert_eq!(one, 1);
    }
}

/// Held by each test here, from before its app starts until after its database is dropped,
/// while it ends connections and looks at what follows: the pools' check after a loss is
/// process-wide, and one test's loss would change what another sees.
static ENDING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// [`ENDING`], once no loss noted by an earlier test is still being checked for.
async fn alone() -> tokio::sync::MutexGuard<'static, ()> {
    let guard = ENDING.lock().await;
    while checking_all() {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    guard
}

/// A pool of its own (so that no background task of the app uses, and so clears, a dead
/// connection first) whose `pooled` idle connections the server has ended.
async fn pool_of_ended_connections(t: &TestApp, pooled: usize) -> gongkai_store::Db {
    // Connected first: the connections must still count as just used (idle under
    // `PG_IDLE_BEFORE_CHECK`) when the test draws them.
    let mut admin = sqlx::PgConnection::connect(&t.db_url)
        .await
        .expect("connect");
    let db = gongkai_store::Db::connect(&t.db_url).await.expect("pool");
    let mut held = Vec::new();
    let mut pids = Vec::new();
    for _ in 0..pooled {
        let mut c = db.pool().acquire().await.expect("acquire");
        let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
            .fetch_one(&mut *c)
            .await
            .expect("pid");
        pids.push(pid);
        held.push(c);
    }
    drop(held);
    while db.pool().num_idle() < pooled {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    end_connections(&mut admin, &pids).await;
    db
}

/// Ends the server processes `pids` and waits until they are gone.
async fn end_connections(admin: &mut sqlx::PgConnection, pids: &[i32]) {
    for &pid in pids {
        let _: bool = sqlx::query_scalar("SELECT pg_terminate_backend($1)")
            .bind(pid)
            .fetch_one(&mut *admin)
            .await
            .expect("terminate");
    }
    loop {
        let left: i64 =
            sqlx::query_scalar("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY($1)")
                .bind(pids)
                .fetch_one(&mut *admin)
                .await
                .expect("count");
        if left == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
