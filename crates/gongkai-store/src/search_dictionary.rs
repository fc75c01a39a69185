//! `search_dictionary`: the city office's user dictionary and synonym list for search.

use crate::{Conn, Result};

/// The stored text of `name` (`user_words` or `synonyms`), if the office has saved one.
pub async fn get(conn: &mut Conn, name: &str) -> Result<Option<String>> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT content FROM search_dictionary WHERE name = $1")
            .bind(name)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|r| r.0))
}

pub async fn put(conn: &mut Conn, name: &str, content: &str, by: i64, now_ms: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO search_dictionary (name, content, updated_by, updated_ms) \
         VALUES ($1, $2, $3, $4) \
         ON CONFLICT (name) DO UPDATE SET content = $2, updated_by = $3, updated_ms = $4",
    )
    .bind(name)
    .bind(content)
    .bind(by)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}
