//! `notifications`: in-app reminders for staff (deadlines coming, overdue), each sent once.

use sqlx::FromRow;

use crate::{Conn, Result};

#[derive(Debug, Clone, FromRow, serde::Serialize)]
pub struct NotificationRow {
    pub id: i64,
    pub user_id: i64,
    pub kind: String,
    pub entity: String,
    pub entity_id: i64,
    pub message: String,
    pub created_ms: i64,
    pub read_ms: Option<i64>,
    pub emailed_ms: Option<i64>,
}

/// Inserts a reminder unless one with the same `dedupe_key` exists; returns whether it was new.
#[allow(clippy::too_many_arguments)]
pub async fn insert_once(
    conn: &mut Conn,
    user_id: i64,
    kind: &str,
    entity: &str,
    entity_id: i64,
    message: &str,
    dedupe_key: &str,
    now_ms: i64,
) -> Result<bool> {
    let n = sqlx::query(
        "INSERT INTO notifications (user_id, kind, entity, entity_id, message, created_ms, \
         dedupe_key) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(user_id)
    .bind(kind)
    .bind(entity)
    .bind(entity_id)
    .bind(message)
    .bind(now_ms)
    .bind(dedupe_key)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n > 0)
}

pub async fn for_user(conn: &mut Conn, user_id: i64, limit: i64) -> Result<Vec<NotificationRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT id, user_id, kind, entity, entity_id, message, created_ms, read_ms, emailed_ms \
         FROM notifications WHERE user_id = $1 ORDER BY id DESC{}",
        crate::limit(limit)
    )))
    .bind(user_id)
    .fetch_all(conn)
    .await?)
}

pub async fn unread_count(conn: &mut Conn, user_id: i64) -> Result<i64> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_ms IS NULL")
            .bind(user_id)
            .fetch_one(conn)
            .await?;
    Ok(n)
}

pub async fn mark_read(conn: &mut Conn, user_id: i64, now_ms: i64) -> Result<()> {
    sqlx::query("UPDATE notifications SET read_ms = $1 WHERE user_id = $2 AND read_ms IS NULL")
        .bind(now_ms)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Reminders not yet e-mailed, oldest first.
pub async fn unsent(conn: &mut Conn, limit: i64) -> Result<Vec<NotificationRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT id, user_id, kind, entity, entity_id, message, created_ms, read_ms, emailed_ms \
         FROM notifications WHERE emailed_ms IS NULL ORDER BY id{}",
        crate::limit(limit)
    )))
    .fetch_all(conn)
    .await?)
}

pub async fn mark_emailed(conn: &mut Conn, id: i64, now_ms: i64) -> Result<()> {
    sqlx::query("UPDATE notifications SET emailed_ms = $1 WHERE id = $2")
        .bind(now_ms)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
