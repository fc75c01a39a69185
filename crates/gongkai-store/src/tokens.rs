//! `api_tokens`: bearer tokens for staff API clients. Only a hash is stored.

use crate::{Conn, Result};

pub async fn insert(
    conn: &mut Conn,
    token_hash: &str,
    user_id: i64,
    label: &str,
    now_ms: i64,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO api_tokens (token_hash, user_id, label, created_ms) \
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(label)
    .bind(now_ms)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// The user a live token belongs to, and when it was last used.
pub async fn user_of(conn: &mut Conn, token_hash: &str) -> Result<Option<(i64, Option<i64>)>> {
    Ok(sqlx::query_as(
        "SELECT user_id, last_used_ms FROM api_tokens WHERE token_hash = $1 AND revoked = 0",
    )
    .bind(token_hash)
    .fetch_optional(conn)
    .await?)
}

/// A token as `gongkai token list` shows it (never the secret).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenRow {
    pub id: i64,
    pub label: String,
    pub created_ms: i64,
    pub last_used_ms: Option<i64>,
    pub revoked: i64,
}

pub async fn of_user(conn: &mut Conn, user_id: i64) -> Result<Vec<TokenRow>> {
    Ok(sqlx::query_as(
        "SELECT id, label, created_ms, last_used_ms, revoked FROM api_tokens WHERE user_id = $1 \
         ORDER BY id",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await?)
}

/// Revokes a token; returns whether one was live.
pub async fn revoke(conn: &mut Conn, id: i64) -> Result<bool> {
    Ok(
        sqlx::query("UPDATE api_tokens SET revoked = 1 WHERE id = $1 AND revoked = 0")
            .bind(id)
            .execute(conn)
            .await?
            .rows_affected()
            > 0,
    )
}

pub async fn touch(conn: &mut Conn, token_hash: &str, now_ms: i64) -> Result<()> {
    sqlx::query("UPDATE api_tokens SET last_used_ms = $1 WHERE token_hash = $2")
        .bind(now_ms)
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}
