//! `notices`: short announcements on the portal home page (通知公告).

use sqlx::FromRow;

use crate::{Conn, Result};

#[derive(Debug, Clone, FromRow)]
pub struct NoticeRow {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub notice_date: String,
}

pub async fn insert(
    conn: &mut Conn,
    title: &str,
    body: &str,
    notice_date: &str,
    now_ms: i64,
) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO notices (title, body, notice_date, created_ms) VALUES ($1, $2, $3, $4) \
         RETURNING id",
    )
    .bind(title)
    .bind(body)
    .bind(notice_date)
    .bind(now_ms)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn latest(conn: &mut Conn, limit: i64) -> Result<Vec<NoticeRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT id, title, body, notice_date FROM notices ORDER BY notice_date DESC, id DESC{}",
        crate::limit(limit)
    )))
    .fetch_all(conn)
    .await?)
}

pub async fn by_id(conn: &mut Conn, id: i64) -> Result<Option<NoticeRow>> {
    Ok(
        sqlx::query_as("SELECT id, title, body, notice_date FROM notices WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?,
    )
}
