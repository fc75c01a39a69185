//! Whether the search index may lag behind this process's own commits.
//!
//! A search's hits are checked against the database only while it may: a withdrawal committed
//! here (perhaps for personal data) is never shown, and a search while the index is known to
//! hold every local change saves that query (a sixth of an uncached search page on
//! PostgreSQL). Commits of other processes (the CLI, another node) reach the index, the cached
//! pages and the counts alike by the follower's poll; should the follower stop completing its
//! passes, every search is checked again after [`PASS_MAX_AGE`].

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How old the last complete follower pass may be before the index is taken to lag: the
/// follower passes every half second when nothing wakes it.
pub(crate) const PASS_MAX_AGE: Duration = Duration::from_secs(2);

/// Local changes made and in flight, the count the index is known to hold, and when.
#[derive(Debug)]
pub(crate) struct IndexLag {
    /// Local commits that may change what search shows; starts ahead of `held`, so that the
    /// index is checked until the follower's first pass.
    made: AtomicU64,
    /// Changes begun and not yet counted in `made` (see [`IndexLag::changing`]).
    in_flight: AtomicU64,
    /// The value of `made` that the last complete follower pass began with.
    held: AtomicU64,
    /// When that pass ended, in milliseconds after `origin`.
    held_at_ms: AtomicU64,
    origin: Instant,
}

impl Default for IndexLag {
    fn default() -> Self {
        IndexLag {
            made: AtomicU64::new(1),
            in_flight: AtomicU64::new(0),
            held: AtomicU64::new(0),
            held_at_ms: AtomicU64::new(0),
            origin: Instant::now(),
        }
    }
}

/// A change under way (see [`IndexLag::changing`]); counted as made when dropped.
pub(crate) struct Changing<'a>(&'a IndexLag);

impl Drop for Changing<'_> {
    fn drop(&mut self) {
        self.0.changed();
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

impl IndexLag {
    /// Taken before the transaction of a change that may hide an item from search (a
    /// withdrawal), kept until after its commit: from its commit to the moment it is counted,
    /// a search would otherwise find the index current without it.
    pub fn changing(&self) -> Changing<'_> {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        Changing(self)
    }

    /// After a local commit that may change what search shows (its outbox events committed),
    /// and before a rebuild replaces the index with one whose cursor may be older than what
    /// the index held: lagging until the next complete pass.
    pub fn changed(&self) {
        self.made.fetch_add(1, Ordering::AcqRel);
    }

    /// At the start of a follower pass, before it reads the outbox: what the pass will hold
    /// when it has applied every event.
    pub fn pass_begins(&self) -> u64 {
        self.made.load(Ordering::Acquire)
    }

    /// After a pass applied every event in the outbox and the index reader saw them.
    pub fn pass_done(&self, began: u64, at: Instant) {
        self.held.fetch_max(began, Ordering::AcqRel);
        self.held_at_ms.fetch_max(self.millis(at), Ordering::AcqRel);
    }

    /// Whether a search starting `now` (before it takes its searcher) may see an index without
    /// some local change, or one that has not been brought up to date for a while.
    pub fn may_lag(&self, now: Instant) -> bool {
        self.in_flight.load(Ordering::Acquire) > 0
            || self.held.load(Ordering::Acquire) < self.made.load(Ordering::Acquire)
            || self
                .millis(now)
                .saturating_sub(self.held_at_ms.load(Ordering::Acquire))
                > PASS_MAX_AGE.as_millis() as u64
    }

    fn millis(&self, at: Instant) -> u64 {
        u64::try_from(at.saturating_duration_since(self.origin).as_millis()).unwrap_or(u64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::{IndexLag, PASS_MAX_AGE};
    use std::time::{Duration, Instant};

    /// A lag whose passes all end at `t`, and `t` itself.
    fn lag() -> (IndexLag, Instant) {
        let lag = IndexLag::default();
        let t = lag.origin + Duration::from_secs(10);
        (lag, t)
    }

    #[test]
    fn lags_until_the_first_complete_pass() {
        let (lag, t) = lag();
        assert!(lag.may_lag(t));
        let began = lag.pass_begins();
        assert!(lag.may_lag(t), "a pass under way holds nothing yet");
        lag.pass_done(began, t);
        assert!(!lag.may_lag(t));
    }

    #[test]
    fn a_change_during_a_pass_lags_until_the_next() {
        let (lag, t) = lag();
        lag.pass_done(lag.pass_begins(), t);
        lag.changed();
        assert!(lag.may_lag(t));
        let began = lag.pass_begins();
        lag.changed(); // committed after the pass read the outbox
        lag.pass_done(began, t);
        assert!(lag.may_lag(t));
        lag.pass_done(lag.pass_begins(), t);
        assert!(!lag.may_lag(t));
    }

    #[test]
    fn a_change_in_flight_lags_even_past_a_complete_pass() {
        let (lag, t) = lag();
        lag.pass_done(lag.pass_begins(), t);
        let change = lag.changing();
        assert!(lag.may_lag(t));
        // A pass that read the outbox before the commit, ending after it.
        lag.pass_done(lag.pass_begins(), t);
        assert!(lag.may_lag(t), "committed, not yet counted");
        drop(change);
        assert!(lag.may_lag(t), "counted: lags until the next pass");
        lag.pass_done(lag.pass_begins(), t);
        assert!(!lag.may_lag(t));
    }

    #[test]
    fn an_older_pass_finishing_late_does_not_undo_a_newer_one() {
        let (lag, t) = lag();
        let old = lag.pass_begins();
        lag.changed();
        lag.pass_done(lag.pass_begins(), t);
        lag.pass_done(old, t - Duration::from_secs(1));
        assert!(!lag.may_lag(t));
    }

    #[test]
    fn a_follower_that_stops_passing_makes_every_search_checked() {
        let (lag, t) = lag();
        lag.pass_done(lag.pass_begins(), t);
        assert!(!lag.may_lag(t + PASS_MAX_AGE));
        assert!(lag.may_lag(t + PASS_MAX_AGE + Duration::from_millis(1)));
        lag.pass_done(lag.pass_begins(), t + PASS_MAX_AGE * 2);
        assert!(!lag.may_lag(t + PASS_MAX_AGE * 2));
    }
}
