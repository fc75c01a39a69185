//! `attachments`: files attached to an item; the bytes live in the blob store under their hash.

use sqlx::FromRow;

use crate::{Conn, Result};

#[derive(Debug, Clone, FromRow)]
pub struct AttachmentRow {
    pub id: i64,
    pub item_id: i64,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub extracted_text: String,
}

pub struct NewAttachment<'a> {
    pub item_id: i64,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a str,
    pub extracted_text: &'a str,
    pub now_ms: i64,
}

const COLUMNS: &str = "id, item_id, filename, content_type, size_bytes, sha256, extracted_text";

pub async fn insert(conn: &mut Conn, a: &NewAttachment<'_>) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO attachments (item_id, filename, content_type, size_bytes, sha256, \
         extracted_text, created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(a.item_id)
    .bind(a.filename)
    .bind(a.content_type)
    .bind(a.size_bytes)
    .bind(a.sha256)
    .bind(a.extracted_text)
    .bind(a.now_ms)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn for_item(conn: &mut Conn, item_id: i64) -> Result<Vec<AttachmentRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM attachments WHERE item_id = $1 ORDER BY id"
    )))
    .bind(item_id)
    .fetch_all(conn)
    .await?)
}

/// Attachments of several items at once (lists), ordered by item and id.
pub async fn for_items(conn: &mut Conn, item_ids: &[i64]) -> Result<Vec<AttachmentRow>> {
    if item_ids.is_empty() {
        return Ok(vec![]);
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM attachments WHERE item_id IN ({}) ORDER BY item_id, id",
        crate::placeholders(item_ids.len())
    );
    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
    for id in item_ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(conn).await?)
}

pub async fn by_id(conn: &mut Conn, id: i64) -> Result<Option<AttachmentRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM attachments WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

pub async fn delete(conn: &mut Conn, id: i64) -> Result<()> {
    sqlx::query("DELETE FROM attachments WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
