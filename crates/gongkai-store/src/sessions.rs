//! `sessions`: staff login sessions, kept in the database so any node can serve any request.
//! Only a hash of the cookie token is stored.

use sqlx::FromRow;

use crate::{Conn, Result};

#[derive(Debug, Clone, FromRow)]
pub struct SessionRow {
    pub token_hash: String,
    pub user_id: i64,
    pub csrf: String,
    pub created_ms: i64,
    pub last_seen_ms: i64,
}

pub async fn insert(
    conn: &mut Conn,
    token_hash: &str,
    user_id: i64,
    csrf: &str,
    ip: &str,
    now_ms: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf, ip, created_ms, last_seen_ms) \
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(csrf)
    .bind(ip)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get(conn: &mut Conn, token_hash: &str) -> Result<Option<SessionRow>> {
    Ok(sqlx::query_as(
        "SELECT token_hash, user_id, csrf, created_ms, last_seen_ms FROM sessions \
         WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(conn)
    .await?)
}

pub async fn touch(conn: &mut Conn, token_hash: &str, now_ms: i64) -> Result<()> {
    sqlx::query("UPDATE sessions SET last_seen_ms = $1 WHERE token_hash = $2")
        .bind(now_ms)
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn delete(conn: &mut Conn, token_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Removes sessions idle since before `idle_before_ms` or created before `created_before_ms`.
pub async fn purge(conn: &mut Conn, idle_before_ms: i64, created_before_ms: i64) -> Result<u64> {
    Ok(
        sqlx::query("DELETE FROM sessions WHERE last_seen_ms < $1 OR created_ms < $2")
            .bind(idle_before_ms)
            .bind(created_before_ms)
            .execute(conn)
            .await?
            .rows_affected(),
    )
}
