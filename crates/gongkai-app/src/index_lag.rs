//! Whether the search index may lag behind this process's own commits.
//!
//! A search's hits are checked against the database only while it may: a withdrawal committed
//! here (perhaps for personal data) is never shown, and a search while the index is known to
//! hold every local change saves that query (a sixth of an uncached search page on
//! PostgreSQL). Commits of other processes (the CLI, another node) reach the index, the cached
//! pages and the counts alike by the follower's poll.

use std::sync::atomic::{AtomicU64, Ordering};

/// Two counters: local changes made, and the count the index is known to hold.
#[derive(Debug)]
pub(crate) struct IndexLag {
    /// Local commits that may change what search shows; starts ahead of `held`, so that the
    /// index is checked until the follower's first pass.
    made: AtomicU64,
    /// The value of `made` that the last complete follower pass began with.
    held: AtomicU64,
}

impl Default for IndexLag {
    fn default() -> Self {
        IndexLag {
            made: AtomicU64::new(1),
            held: AtomicU64::new(0),
        }
    }
}

impl IndexLag {
    /// After a local commit that may change what search shows (its outbox events committed).
    pub fn changed(&self) {
        self.made.fetch_add(1, Ordering::AcqRel);
    }

    /// At the start of a follower pass, before it reads the outbox: what the pass will hold
    /// when it has applied every event.
    pub fn pass_begins(&self) -> u64 {
        self.made.load(Ordering::Acquire)
    }

    /// After a pass applied every event in the outbox and the index reader saw them.
    pub fn pass_done(&self, began: u64) {
        self.held.fetch_max(began, Ordering::AcqRel);
    }

    /// Before the index is replaced by a rebuild, whose cursor may be older than what the
    /// index held: lagging until the next complete pass.
    pub fn replaced(&self) {
        self.held.store(0, Ordering::Release);
        self.changed();
    }

    /// Whether a search starting now (before it takes its searcher) may see an index without
    /// some local change.
    pub fn may_lag(&self) -> bool {
        self.held.load(Ordering::Acquire) < self.made.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::IndexLag;

    #[test]
    fn lags_until_the_first_complete_pass() {
        let lag = IndexLag::default();
        assert!(lag.may_lag());
        let began = lag.pass_begins();
        assert!(lag.may_lag(), "a pass under way holds nothing yet");
        lag.pass_done(began);
        assert!(!lag.may_lag());
    }

    #[test]
    fn a_change_during_a_pass_lags_until_the_next() {
        let lag = IndexLag::default();
        lag.pass_done(lag.pass_begins());
        lag.changed();
        assert!(lag.may_lag());
        let began = lag.pass_begins();
        lag.changed(); // committed after the pass read the outbox
        lag.pass_done(began);
        assert!(lag.may_lag());
        lag.pass_done(lag.pass_begins());
        assert!(!lag.may_lag());
    }

    #[test]
    fn an_older_pass_finishing_late_does_not_undo_a_newer_one() {
        let lag = IndexLag::default();
        let old = lag.pass_begins();
        lag.changed();
        lag.pass_done(lag.pass_begins());
        lag.pass_done(old);
        assert!(!lag.may_lag());
    }

    #[test]
    fn a_replaced_index_lags_until_the_next_pass() {
        let lag = IndexLag::default();
        let before = lag.pass_begins();
        lag.pass_done(before);
        lag.replaced();
        assert!(lag.may_lag());
        lag.pass_done(before);
        assert!(
            lag.may_lag(),
            "a pass begun before the rebuild holds nothing of it"
        );
        lag.pass_done(lag.pass_begins());
        assert!(!lag.may_lag());
    }
}
