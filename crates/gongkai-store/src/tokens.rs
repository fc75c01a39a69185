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

/// The user a live token belongs to.
pub async fn user_of(conn: &mut Conn, token_hash: &str) -> Result<Option<i64>> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT user_id FROM api_tokens WHERE token_hash = $1 AND revoked = 0")
            .bind(token_hash)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|r| r.0))
}

pub async fn touch(conn: &mut Conn, token_hash: &str, now_ms: i64) -> Result<()> {
    sqlx::query("UPDATE api_tokens SET last_used_ms = $1 WHERE token_hash = $2")
        .bind(now_ms)
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}
