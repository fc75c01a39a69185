//! `users` and `grants`: staff accounts and their roles scoped to a body.

use sqlx::FromRow;

use crate::{Conn, Result};

#[derive(Debug, Clone, FromRow)]
pub struct UserRow {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub password_hash: String,
    pub failed_logins: i64,
    pub locked_until_ms: Option<i64>,
    pub active: i64,
    pub email: String,
}

#[derive(Debug, Clone, FromRow)]
pub struct GrantRow {
    pub user_id: i64,
    pub body_id: i64,
    pub role: String,
}

const COLUMNS: &str =
    "id, login, display_name, password_hash, failed_logins, locked_until_ms, active, email";

pub async fn insert(
    conn: &mut Conn,
    login: &str,
    display_name: &str,
    password_hash: &str,
    email: &str,
    now_ms: i64,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO users (login, display_name, password_hash, email, created_ms) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(login)
    .bind(display_name)
    .bind(password_hash)
    .bind(email)
    .bind(now_ms)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn by_login(conn: &mut Conn, login: &str) -> Result<Option<UserRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM users WHERE login = $1"
    )))
    .bind(login)
    .fetch_optional(conn)
    .await?)
}

pub async fn by_id(conn: &mut Conn, id: i64) -> Result<Option<UserRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM users WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

pub async fn set_password(conn: &mut Conn, id: i64, password_hash: &str) -> Result<()> {
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(password_hash)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records a failed login and locks the account until `lock_until_ms` when the count reaches
/// `threshold`; returns the new count and the lock.
pub async fn record_failure(
    conn: &mut Conn,
    id: i64,
    threshold: i64,
    lock_until_ms: i64,
) -> Result<(i64, Option<i64>)> {
    Ok(sqlx::query_as(
        "UPDATE users SET failed_logins = failed_logins + 1, \
         locked_until_ms = CASE WHEN failed_logins + 1 >= $1 THEN $2 ELSE locked_until_ms END \
         WHERE id = $3 RETURNING failed_logins, locked_until_ms",
    )
    .bind(threshold)
    .bind(lock_until_ms)
    .bind(id)
    .fetch_one(conn)
    .await?)
}

pub async fn reset_failures(conn: &mut Conn, id: i64) -> Result<()> {
    sqlx::query("UPDATE users SET failed_logins = 0, locked_until_ms = NULL WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn grant(conn: &mut Conn, user_id: i64, body_id: i64, role: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO grants (user_id, body_id, role) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id, body_id, role) DO NOTHING",
    )
    .bind(user_id)
    .bind(body_id)
    .bind(role)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn grants_of(conn: &mut Conn, user_id: i64) -> Result<Vec<GrantRow>> {
    Ok(sqlx::query_as(
        "SELECT user_id, body_id, role FROM grants WHERE user_id = $1 ORDER BY body_id, role",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await?)
}

pub async fn count(conn: &mut Conn) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
        .fetch_one(conn)
        .await?;
    Ok(n)
}

/// Users holding any role in one of `body_ids` (all users when empty), with their grants.
pub async fn with_grants(
    conn: &mut Conn,
    body_ids: &[i64],
) -> Result<Vec<(UserRow, Vec<GrantRow>)>> {
    let users: Vec<UserRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM users ORDER BY login"
    )))
    .fetch_all(&mut *conn)
    .await?;
    let grants: Vec<GrantRow> =
        sqlx::query_as("SELECT user_id, body_id, role FROM grants ORDER BY body_id, role")
            .fetch_all(&mut *conn)
            .await?;
    Ok(users
        .into_iter()
        .map(|u| {
            let g: Vec<GrantRow> = grants
                .iter()
                .filter(|g| g.user_id == u.id)
                .cloned()
                .collect();
            (u, g)
        })
        .filter(|(_, g)| body_ids.is_empty() || g.iter().any(|g| body_ids.contains(&g.body_id)))
        .collect())
}

/// Active users holding `role` on `body_id` (any body when `None`).
pub async fn with_role(conn: &mut Conn, role: &str, body_id: Option<i64>) -> Result<Vec<UserRow>> {
    let cols = COLUMNS
        .split(", ")
        .map(|c| format!("u.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT DISTINCT {cols} FROM users u JOIN grants g ON g.user_id = u.id \
         WHERE g.role = $1 AND ($2 < 0 OR g.body_id = $2) AND u.active = 1 ORDER BY u.id"
    )))
    .bind(role)
    .bind(body_id.unwrap_or(-1))
    .fetch_all(conn)
    .await?)
}
