//! `outbox`: events written in the same transaction as the change they announce, for the search
//! indexer and other followers (at-least-once delivery; consumers are idempotent).

use sqlx::FromRow;

use crate::{Conn, Result};

#[derive(Debug, Clone, FromRow)]
pub struct OutboxRow {
    pub id: i64,
    pub topic: String,
    pub entity_id: i64,
    pub created_ms: i64,
    pub attempts: i64,
}

pub async fn enqueue(conn: &mut Conn, topic: &str, entity_id: i64, now_ms: i64) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO outbox (topic, entity_id, created_ms) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(topic)
    .bind(entity_id)
    .bind(now_ms)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn pending(conn: &mut Conn, limit: i64) -> Result<Vec<OutboxRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT id, topic, entity_id, created_ms, attempts FROM outbox \
         WHERE processed_ms IS NULL ORDER BY id{}",
        crate::limit(limit)
    )))
    .fetch_all(conn)
    .await?)
}

pub async fn mark_processed(conn: &mut Conn, id: i64, now_ms: i64) -> Result<()> {
    sqlx::query("UPDATE outbox SET processed_ms = $1, attempts = attempts + 1 WHERE id = $2")
        .bind(now_ms)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Events after `cursor` (the last id a follower applied), oldest first. Ids grow in commit
/// order: every write transaction takes the audit-head lock first (PostgreSQL) or the database
/// write lock (SQLite), so a follower never skips an event committed late with a smaller id.
pub async fn after(conn: &mut Conn, cursor: i64, limit: i64) -> Result<Vec<OutboxRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT id, topic, entity_id, created_ms, attempts FROM outbox \
         WHERE id > $1 ORDER BY id{}",
        crate::limit(limit)
    )))
    .bind(cursor)
    .fetch_all(conn)
    .await?)
}

/// The id of the newest event (0 when there is none).
pub async fn last_id(conn: &mut Conn) -> Result<i64> {
    let (id,): (Option<i64>,) = sqlx::query_as("SELECT MAX(id) FROM outbox")
        .fetch_one(conn)
        .await?;
    Ok(id.unwrap_or(0))
}

/// Enqueues one `topic` event for each of `entity_ids`, in that order (bulk imports).
pub async fn enqueue_many(
    conn: &mut Conn,
    topic: &str,
    entity_ids: &[i64],
    now_ms: i64,
) -> Result<()> {
    const COLS: usize = 3;
    for chunk in entity_ids.chunks(crate::rows_per_statement(COLS)) {
        let sql = format!(
            "INSERT INTO outbox (topic, entity_id, created_ms) VALUES {}",
            crate::row_placeholders(conn, chunk.len(), COLS)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(false);
        for id in chunk {
            q = q.bind(topic).bind(*id).bind(now_ms);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}
