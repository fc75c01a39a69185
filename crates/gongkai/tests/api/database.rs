//! The database connection pool after the server has ended its connections (a PostgreSQL
//! restart; an administrator's `pg_terminate_backend`).

use std::time::Duration;

use sqlx::Connection;

use crate::helpers::{self, Db, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_ended_by_a_restart_are_replaced() {
    helpers::run(Db::Postgres, ended_connections_are_replaced).await
}

/// Every pooled connection ended by the server, then a pause as long as a restart's: every
/// query after it is answered (a connection idle that long is checked when handed out, found
/// dead and replaced), none fails on a dead connection. A pool of its own, so that no
/// background task of the app uses (and so clears) a dead connection first.
async fn ended_connections_are_replaced(t: TestApp) {
    const POOLED: usize = 4;
    let db = gongkai_store::Db::connect(&t.db_url).await.expect("pool");
    let mut held = Vec::new();
    let mut pids = Vec::new();
    for _ in 0..POOLED {
        let mut c = db.pool().acquire().await.expect("acquire");
        let pid: i32 = sqlx::query_scalar("SELECT pg_backend_pid()")
            .fetch_one(&mut *c)
            .await
            .expect("pid");
        pids.push(pid);
        held.push(c);
    }
    drop(held);
    // Back in the pool (each is pinged on its way back, in a task of its own) before it ends.
    while db.pool().num_idle() < POOLED {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    let mut admin = sqlx::PgConnection::connect(&t.db_url)
        .await
        .expect("connect");
    for pid in pids {
        let ended: bool = sqlx::query_scalar("SELECT pg_terminate_backend($1)")
            .bind(pid)
            .fetch_one(&mut admin)
            .await
            .expect("terminate");
        assert!(ended, "connection {pid} not ended");
    }
    tokio::time::sleep(gongkai_store::PG_IDLE_BEFORE_CHECK + Duration::from_millis(300)).await;

    // One query after another, more than there were connections: each may draw a dead one.
    for n in 0..=POOLED {
        let one: i32 = sqlx::query_scalar("SELECT 1")
            .fetch_one(db.pool())
            .await
            .unwrap_or_else(|e| panic!("query {n} after the restart: {e}"));
        assert_eq!(one, 1);
    }
}
