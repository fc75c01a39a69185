//! `audit_log` and `audit_head`: the append-only, hash-chained audit trail.

use gongkai_domain::audit::{AuditFields, StoredAudit, entry_hash};
use sqlx::FromRow;

use crate::{Conn, Result};

/// What a use case records about one state change.
#[derive(Debug, Clone)]
pub struct NewAudit<'a> {
    pub at_ms: i64,
    pub actor: &'a str,
    pub ip: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub before: &'a str,
    pub after: &'a str,
}

#[derive(Debug, Clone, FromRow)]
pub struct AuditRow {
    pub seq: i64,
    pub at_ms: i64,
    pub actor: String,
    pub ip: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before_state: String,
    pub after_state: String,
    pub prev_hash: String,
    pub hash: String,
}

impl From<AuditRow> for StoredAudit {
    fn from(r: AuditRow) -> Self {
        StoredAudit {
            seq: r.seq,
            at_ms: r.at_ms,
            actor: r.actor,
            ip: r.ip,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            before: r.before_state,
            after: r.after_state,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

/// Appends one record to the chain. The single `audit_head` row is updated first, which locks it
/// until commit: concurrent writers take consecutive sequence numbers in commit order.
pub async fn append(conn: &mut Conn, a: &NewAudit<'_>) -> Result<i64> {
    append_many(conn, std::slice::from_ref(a)).await
}

/// Appends records to the chain with a handful of statements, however many (bulk imports): the
/// head is advanced once by `records.len()`, the hashes are chained in memory and the rows go in
/// multi-row inserts. Returns the sequence number of the last record (0 when there is none).
pub async fn append_many(conn: &mut Conn, records: &[NewAudit<'_>]) -> Result<i64> {
    if records.is_empty() {
        return Ok(0);
    }
    let n = i64::try_from(records.len()).unwrap_or(i64::MAX);
    let (last, mut prev): (i64, String) =
        sqlx::query_as("UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash")
            .bind(n)
            .fetch_one(&mut *conn)
            .await?;
    let first = last - n + 1;
    let mut chained = Vec::with_capacity(records.len());
    for (seq, a) in (first..).zip(records) {
        let hash = entry_hash(&prev, &fields(seq, a));
        chained.push((seq, a, std::mem::replace(&mut prev, hash.clone()), hash));
    }
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&prev)
        .execute(&mut *conn)
        .await?;
    const COLS: usize = 11;
    for chunk in chained.chunks(crate::rows_per_statement(COLS)) {
        let sql = format!(
            "INSERT INTO audit_log ({COLUMNS}) VALUES {}",
            crate::row_placeholders(conn, chunk.len(), COLS)
        );
        // A single record (the everyday case) is one statement text worth preparing once.
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(chunk.len() == 1);
        for (seq, a, prev_hash, hash) in chunk {
            q = q
                .bind(*seq)
                .bind(a.at_ms)
                .bind(a.actor)
                .bind(a.ip)
                .bind(a.action)
                .bind(a.entity)
                .bind(a.entity_id)
                .bind(a.before)
                .bind(a.after)
                .bind(prev_hash.as_str())
                .bind(hash.as_str());
        }
        q.execute(&mut *conn).await?;
    }
    Ok(last)
}

fn fields<'a>(seq: i64, a: &NewAudit<'a>) -> AuditFields<'a> {
    AuditFields {
        seq,
        at_ms: a.at_ms,
        actor: a.actor,
        ip: a.ip,
        action: a.action,
        entity: a.entity,
        entity_id: a.entity_id,
        before: a.before,
        after: a.after,
    }
}

const COLUMNS: &str = "seq, at_ms, actor, ip, action, entity, entity_id, before_state, after_state, \
                       prev_hash, hash";

/// A page of the log in sequence order, starting after `after_seq`.
pub async fn page(conn: &mut Conn, after_seq: i64, limit: i64) -> Result<Vec<AuditRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq{}",
        crate::limit(limit)
    )))
    .bind(after_seq)
    .fetch_all(conn)
    .await?)
}

/// Which records the auditor's log shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct AuditFilter<'a> {
    /// Only records older than this sequence number (the next page).
    pub before_seq: Option<i64>,
    /// Only what this login (or `applicant`, `system`) did.
    pub actor: Option<&'a str>,
    /// Only records about this kind of record, and this one of them.
    pub entity: Option<&'a str>,
    pub entity_id: Option<&'a str>,
}

/// Up to `limit` records `filter` selects, newest first.
pub async fn newest(
    conn: &mut Conn,
    filter: &AuditFilter<'_>,
    limit: i64,
) -> Result<Vec<AuditRow>> {
    let mut cond = String::from(" WHERE seq < $1");
    let mut texts = Vec::new();
    for (column, value) in [
        ("actor", filter.actor),
        ("entity", filter.entity),
        ("entity_id", filter.entity_id),
    ] {
        if let Some(v) = value {
            texts.push(v);
            cond.push_str(&format!(" AND {column} = ${}", texts.len() + 1));
        }
    }
    let mut q = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM audit_log{cond} ORDER BY seq DESC{}",
        crate::limit(limit)
    )))
    .bind(filter.before_seq.unwrap_or(i64::MAX));
    for t in texts {
        q = q.bind(t);
    }
    Ok(q.fetch_all(conn).await?)
}

/// The records about one entity, newest first.
pub async fn for_entity(conn: &mut Conn, entity: &str, entity_id: &str) -> Result<Vec<AuditRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM audit_log WHERE entity = $1 AND entity_id = $2 ORDER BY seq DESC"
    )))
    .bind(entity)
    .bind(entity_id)
    .fetch_all(conn)
    .await?)
}

/// The head the chain must end at (sequence and hash), to detect deletion of the last records.
pub async fn head(conn: &mut Conn) -> Result<(i64, String)> {
    Ok(
        sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(conn)
            .await?,
    )
}
