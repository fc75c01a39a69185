//! `bodies`: the organisation tree (机构).

use sqlx::FromRow;

use crate::{Conn, Result, from_json_list, to_json_list};

#[derive(Debug, Clone, FromRow)]
pub struct BodyRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub short_names: String,
    pub kind: String,
    pub parent_id: Option<i64>,
    pub sort_order: i64,
}

impl BodyRow {
    pub fn short_names(&self) -> Result<Vec<String>> {
        from_json_list(&self.short_names)
    }
}

pub struct NewBody<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub short_names: &'a [String],
    pub kind: &'a str,
    pub parent_id: Option<i64>,
    pub sort_order: i64,
    pub now_ms: i64,
}

const COLUMNS: &str = "id, code, name, short_names, kind, parent_id, sort_order";

pub async fn insert(conn: &mut Conn, b: &NewBody<'_>) -> Result<i64> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO bodies (code, name, short_names, kind, parent_id, sort_order, created_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(b.code)
    .bind(b.name)
    .bind(to_json_list(b.short_names))
    .bind(b.kind)
    .bind(b.parent_id)
    .bind(b.sort_order)
    .bind(b.now_ms)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn list(conn: &mut Conn) -> Result<Vec<BodyRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM bodies ORDER BY sort_order, id"
    )))
    .fetch_all(conn)
    .await?)
}

pub async fn by_id(conn: &mut Conn, id: i64) -> Result<Option<BodyRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM bodies WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

pub async fn by_code(conn: &mut Conn, code: &str) -> Result<Option<BodyRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM bodies WHERE code = $1"
    )))
    .bind(code)
    .fetch_optional(conn)
    .await?)
}

pub async fn count(conn: &mut Conn) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM bodies")
        .fetch_one(conn)
        .await?;
    Ok(n)
}
