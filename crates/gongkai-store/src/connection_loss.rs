//! What happens when PostgreSQL ends the connections of the pool (a restart, a failover, an
//! administrator's `pg_terminate_backend`).
//!
//! A pooled connection used in the last second is handed out without a ping (see
//! [`PG_IDLE_BEFORE_CHECK`](crate::PG_IDLE_BEFORE_CHECK)), so after a restart each such
//! connection would fail the one request that draws it: up to the size of the pool. Instead, the
//! first query that finds its connection gone makes every pool of the process check each
//! connection it hands out for a few seconds ([`CHECK_ALL_FOR`]): a dead one is then dropped and
//! replaced before use, and the callers that lost theirs can try once more ([`crate::Db::begin`]
//! does so itself; the web layer repeats a read).

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long every connection handed out is checked after one was found lost: longer than a
/// request that drew a connection just before the loss takes to find it out.
pub const CHECK_ALL_FOR: Duration = Duration::from_secs(5);

/// Until when (milliseconds since the Unix epoch) every connection is checked. Process-wide:
/// the error that tells of the loss does not know its pool, and a server has one pool anyway.
static CHECK_ALL_UNTIL_MS: AtomicI64 = AtomicI64::new(0);

/// Whether `e` says the connection itself is gone, not that a statement failed: the socket
/// broke (an I/O error), or PostgreSQL ended the session, which it reports with severity FATAL
/// or PANIC (a shutdown or restart, 57P01–57P03; an administrator's `pg_terminate_backend`; an
/// idle-session timeout). An ERROR, whatever its code, leaves the session open.
pub fn is_connection_lost(e: &sqlx::Error) -> bool {
    use sqlx::postgres::{PgDatabaseError, PgSeverity};
    match e {
        sqlx::Error::Io(_) => true,
        sqlx::Error::Database(db) => db
            .try_downcast_ref::<PgDatabaseError>()
            .is_some_and(|pg| matches!(pg.severity(), PgSeverity::Fatal | PgSeverity::Panic)),
        _ => false,
    }
}

/// Notes that a connection was found lost: every connection handed out in the next
/// [`CHECK_ALL_FOR`] is checked first.
pub(crate) fn note_loss() {
    let until =
        now_ms().saturating_add(i64::try_from(CHECK_ALL_FOR.as_millis()).unwrap_or(i64::MAX));
    CHECK_ALL_UNTIL_MS.fetch_max(until, Ordering::Relaxed);
}

/// Whether a connection was found lost a moment ago, so that every connection handed out is
/// checked.
pub fn checking_all() -> bool {
    now_ms() < CHECK_ALL_UNTIL_MS.load(Ordering::Relaxed)
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_are_losses_and_statement_errors_are_not() {
        let io = sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
        assert!(is_connection_lost(&io));
        assert!(!is_connection_lost(&sqlx::Error::RowNotFound));
        assert!(!is_connection_lost(&sqlx::Error::PoolTimedOut));
        assert!(!is_connection_lost(&sqlx::Error::Protocol("bad".into())));
    }

    #[test]
    fn a_loss_makes_every_connection_checked_for_a_while() {
        note_loss();
        assert!(checking_all());
        let until = CHECK_ALL_UNTIL_MS.load(Ordering::Relaxed);
        let ahead = until - now_ms();
        assert!(
            ahead > 0 && ahead <= CHECK_ALL_FOR.as_millis() as i64,
            "{ahead} ms"
        );
    }
}
