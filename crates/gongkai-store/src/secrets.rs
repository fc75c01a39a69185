//! `app_secrets`: keys generated once and shared by every node through the database.

use crate::{Conn, Result};

/// The secret called `name`, created with `fresh` if it does not exist yet (first start).
pub async fn get_or_create(
    conn: &mut Conn,
    name: &str,
    fresh: &str,
    now_ms: i64,
) -> Result<String> {
    sqlx::query(
        "INSERT INTO app_secrets (name, value, created_ms) VALUES ($1, $2, $3) \
         ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(fresh)
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    let (value,): (String,) = sqlx::query_as("SELECT value FROM app_secrets WHERE name = $1")
        .bind(name)
        .fetch_one(conn)
        .await?;
    Ok(value)
}
