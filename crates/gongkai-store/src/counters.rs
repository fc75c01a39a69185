//! `index_counters`: the last index-number serial per body and year.

use crate::{Conn, Result};

/// Takes the next serial for `(body_id, year)` inside the caller's transaction. The upsert locks the
/// counter row until commit, so concurrent publications of one body queue here and a rolled-back
/// publication gives its serial back: serials are unique and gap-free.
pub async fn next_serial(conn: &mut Conn, body_id: i64, year: i32) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "INSERT INTO index_counters (body_id, year, last_serial) VALUES ($1, $2, 1) \
         ON CONFLICT (body_id, year) DO UPDATE SET last_serial = index_counters.last_serial + 1 \
         RETURNING last_serial",
    )
    .bind(body_id)
    .bind(i64::from(year))
    .fetch_one(conn)
    .await?;
    Ok(n)
}

/// Takes `n` consecutive serials for `(body_id, year)` at once (bulk imports) and returns the
/// first; same locking and gap-free guarantee as [`next_serial`].
pub async fn take_serials(conn: &mut Conn, body_id: i64, year: i32, n: i64) -> Result<i64> {
    let (last,): (i64,) = sqlx::query_as(
        "INSERT INTO index_counters (body_id, year, last_serial) VALUES ($1, $2, $3) \
         ON CONFLICT (body_id, year) DO UPDATE SET last_serial = index_counters.last_serial + $3 \
         RETURNING last_serial",
    )
    .bind(body_id)
    .bind(i64::from(year))
    .bind(n)
    .fetch_one(conn)
    .await?;
    Ok(last - n + 1)
}
