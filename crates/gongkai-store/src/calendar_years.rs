//! `calendar_years`: holiday calendars (节假日安排) loaded by the city office, one TOML per year.

use crate::{Conn, Result};

pub async fn upsert(conn: &mut Conn, year: i32, source: &str, now_ms: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO calendar_years (year, source, updated_ms) VALUES ($1, $2, $3) \
         ON CONFLICT (year) DO UPDATE SET source = $2, updated_ms = $3",
    )
    .bind(i64::from(year))
    .bind(source)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

/// Every stored year's TOML source, oldest first.
pub async fn all(conn: &mut Conn) -> Result<Vec<(i64, String)>> {
    Ok(
        sqlx::query_as("SELECT year, source FROM calendar_years ORDER BY year")
            .fetch_all(conn)
            .await?,
    )
}
