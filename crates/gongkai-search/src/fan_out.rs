//! Running one query's segments side by side, the calling thread taking its share.
//!
//! Why not tantivy's `Executor::map`: it hands every segment to the pool and the caller waits.
//! Each query then needs a pool thread woken, and the second segment a second one; on this
//! 2-core machine a walk of 2 ms sometimes ran both segments on one pool thread, one after the
//! other, because the other thread had not woken before the first finished (measured: 2 % of
//! the deep-page queries, the rest of their p95), and a 0.1 ms query spent a third of its time
//! waiting for the hand-over. Here the caller takes the first segment at once; the pool's
//! threads take the others as they wake; and whatever is still untaken when the caller is free
//! it does itself. It waits only for segments a pool thread has already started.
//!
//! A caller takes a share only while its search is the only one under way (see [`searching`]).
//! Under load the pool already keeps every core busy: when each of 32 concurrent requests also
//! walked on its own thread, the 1M benchmark's uncached search page held 411 MiB instead of
//! 273 (a heap for every thread that walks) and its p99 went from 95 to 166 ms; letting one
//! caller at a time walk, or a caller whose walk was the only one running, still held 300-370
//! MiB (a search spends most of its time outside its walk). Concurrent callers leave their
//! segments to the pool and wait, as tantivy's executor has them do: 203 MiB, p99 75 ms.

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{EnableScoring, Query, Weight};
use tantivy::{Executor, Searcher, SegmentReader};

/// One segment's work, owning what it reads (a pool thread may start it after the caller
/// has moved on to another).
pub trait SegmentJob<R>: FnOnce() -> R + Send + 'static {}
impl<R, F: FnOnce() -> R + Send + 'static> SegmentJob<R> for F {}

type Outcome<R> = (usize, std::thread::Result<R>);

/// `searcher.search(query, collector)` with the segments walked by [`run_all`]: each segment's
/// live matches go to its collector as tantivy's default `collect_segment` hands them (so a
/// collector overriding that, as `Count` alone does, is better served by tantivy's search).
pub fn collect<C: Collector + 'static>(
    searcher: &Searcher,
    executor: &Executor,
    query: &dyn Query,
    collector: Arc<C>,
) -> tantivy::Result<C::Fruit> {
    collector.check_schema(searcher.schema())?;
    let scoring = collector.requires_scoring();
    let weight: Arc<dyn Weight> = query.weight(scoring_of(searcher, scoring))?.into();
    let jobs: Vec<_> = searcher
        .segment_readers()
        .iter()
        .enumerate()
        .map(|(ord, reader)| {
            let segment = u32::try_from(ord).unwrap_or(u32::MAX);
            let (collector, weight, reader) =
                (Arc::clone(&collector), Arc::clone(&weight), reader.clone());
            move || {
                let mut child = collector.for_segment(segment, &reader)?;
                collect_segment(weight.as_ref(), &reader, scoring, &mut child)?;
                Ok(child.harvest())
            }
        })
        .collect();
    let fruits = run_all(executor, jobs)
        .into_iter()
        .collect::<tantivy::Result<Vec<_>>>()?;
    collector.merge_fruits(fruits)
}

/// Scoring on or off for a query over `searcher`.
pub fn scoring_of(searcher: &Searcher, enabled: bool) -> EnableScoring<'_> {
    if enabled {
        EnableScoring::enabled_from_searcher(searcher)
    } else {
        EnableScoring::disabled_from_searcher(searcher)
    }
}

/// Every live match of `weight` in `reader` handed to `child`, as tantivy's default
/// `collect_segment` hands them (`default_collect_segment_impl` of tantivy 0.27, not public:
/// check it again when tantivy is upgraded).
fn collect_segment(
    weight: &dyn Weight,
    reader: &SegmentReader,
    scoring: bool,
    child: &mut impl SegmentCollector,
) -> tantivy::Result<()> {
    match (reader.alive_bitset(), scoring) {
        (Some(alive), true) => weight.for_each(reader, &mut |doc, score| {
            if alive.is_alive(doc) {
                child.collect(doc, score);
            }
        }),
        (Some(alive), false) => weight.for_each_no_score(reader, &mut |docs| {
            for &doc in docs {
                if alive.is_alive(doc) {
                    child.collect(doc, 0.0);
                }
            }
        }),
        (None, true) => weight.for_each(reader, &mut |doc, score| child.collect(doc, score)),
        (None, false) => weight.for_each_no_score(reader, &mut |docs| child.collect_block(docs)),
    }
}

/// The results of `jobs`, in their order: run on the calling thread and, when `executor` has
/// a pool and there are several jobs, on its threads too. A job's panic is raised again here.
pub fn run_all<R: Send + 'static>(executor: &Executor, jobs: Vec<impl SegmentJob<R>>) -> Vec<R> {
    run_all_sharing(executor, &SEARCHES, jobs)
}

/// Searches under way (see [`searching`]).
static SEARCHES: AtomicUsize = AtomicUsize::new(0);

/// A search under way, counted while this lives: hold one for the whole of a search, so that
/// [`run_all`] knows whether it is alone.
#[must_use]
pub struct Searching(());

/// Counts a search in until the returned value is dropped.
pub fn searching() -> Searching {
    SEARCHES.fetch_add(1, Ordering::AcqRel);
    Searching(())
}

impl Drop for Searching {
    fn drop(&mut self) {
        SEARCHES.fetch_sub(1, Ordering::AcqRel);
    }
}

/// [`run_all`] with the searches under way counted in `running` (the caller's own among them
/// when it counted itself in).
fn run_all_sharing<R: Send + 'static>(
    executor: &Executor,
    running: &AtomicUsize,
    jobs: Vec<impl SegmentJob<R>>,
) -> Vec<R> {
    let pool = match executor {
        Executor::ThreadPool(pool) if jobs.len() > 1 => pool,
        _ => return jobs.into_iter().map(|job| job()).collect(),
    };
    let n = jobs.len();
    let queue = Arc::new(Mutex::new(
        jobs.into_iter().enumerate().collect::<VecDeque<_>>(),
    ));
    let (done, results) = mpsc::channel();
    let alone = running.load(Ordering::Acquire) <= 1;
    // The caller's own first job, taken before any helper can take it.
    let first = if alone { pop(&queue) } else { None };
    // Every pool thread is asked to help, even for two jobs: the thread woken first may be
    // queued on the caller's own core (the kernel wakes a thread near its waker), where it
    // starts only once the caller is done; asking only one, 10 % of the two-segment deep
    // pages ran their segments one after the other, 2 % asking both.
    for _ in 0..pool.current_num_threads().min(n) {
        let (queue, done) = (Arc::clone(&queue), done.clone());
        pool.spawn(move || take_until_empty(None, &queue, &done));
    }
    if first.is_some() {
        take_until_empty(first, &queue, &done);
    }
    drop(done);
    let mut slots: Vec<Option<R>> = (0..n).map(|_| None).collect();
    // The helpers send the outcome of every job the caller did not do; a helper that wakes
    // once the queue is empty only drops its sender.
    for (i, outcome) in results.iter().take(n) {
        match outcome {
            Ok(r) => slots[i] = Some(r),
            Err(panic) => resume_unwind(panic),
        }
    }
    slots
        .into_iter()
        .map(|r| r.unwrap_or_else(|| unreachable!("every job sends its outcome")))
        .collect()
}

/// Runs `first`, then jobs from `queue` until it is empty, sending each outcome (a panic too, so that the
/// caller raises it and a pool thread never aborts the process).
fn take_until_empty<R, J: SegmentJob<R>>(
    first: Option<(usize, J)>,
    queue: &Mutex<VecDeque<(usize, J)>>,
    done: &mpsc::Sender<Outcome<R>>,
) {
    for (i, job) in first.into_iter().chain(std::iter::from_fn(|| pop(queue))) {
        let outcome = catch_unwind(AssertUnwindSafe(job));
        if done.send((i, outcome)).is_err() {
            return;
        }
    }
}

fn pop<J>(queue: &Mutex<VecDeque<(usize, J)>>) -> Option<(usize, J)> {
    match queue.lock() {
        Ok(mut q) => q.pop_front(),
        // Nothing that can panic runs while the queue is held; taken anyway.
        Err(poisoned) => poisoned.into_inner().pop_front(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    fn pool(threads: usize) -> Executor {
        Executor::multi_thread(threads, "fan-out-test-").expect("pool")
    }

    #[test]
    fn results_come_back_in_the_order_of_the_jobs() {
        for executor in [Executor::single_thread(), pool(1), pool(2), pool(3)] {
            for n in 0..7 {
                let jobs: Vec<_> = (0..n)
                    .map(|i| {
                        move || {
                            // Later jobs finish first.
                            std::thread::sleep(Duration::from_millis((n - i) as u64));
                            i * 10
                        }
                    })
                    .collect();
                let got = run_all(&executor, jobs);
                assert_eq!(got, (0..n).map(|i| i * 10).collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn the_caller_does_a_share_and_the_pool_the_rest() {
        let caller = std::thread::current().id();
        let on_caller = Arc::new(AtomicUsize::new(0));
        let jobs: Vec<_> = (0..4)
            .map(|_| {
                let on_caller = Arc::clone(&on_caller);
                move || {
                    if std::thread::current().id() == caller {
                        on_caller.fetch_add(1, Ordering::SeqCst);
                    }
                    // Long enough for a pool thread to wake on a loaded machine.
                    std::thread::sleep(Duration::from_millis(100));
                }
            })
            .collect();
        let walking = AtomicUsize::new(0);
        run_all_sharing(&pool(2), &walking, jobs);

        let mine = on_caller.load(Ordering::SeqCst);
        assert!((1..4).contains(&mine), "caller ran {mine} of 4");
    }

    #[test]
    fn the_caller_does_every_job_a_busy_pool_has_not_taken() {
        let executor = pool(1);
        let Executor::ThreadPool(threads) = &executor else {
            unreachable!("a pool")
        };
        // The pool's only thread is held until every job is done.
        let (release, held) = mpsc::channel::<()>();
        threads.spawn(move || {
            let _ = held.recv();
        });
        let caller = std::thread::current().id();
        let jobs: Vec<_> = (0..3)
            .map(|i| move || (i, std::thread::current().id() == caller))
            .collect();
        let got = run_all_sharing(&executor, &AtomicUsize::new(0), jobs);
        assert_eq!(got, vec![(0, true), (1, true), (2, true)]);
        release.send(()).expect("release");
    }

    #[test]
    fn a_caller_beside_another_leaves_its_jobs_to_the_pool() {
        // As if another request's search were under way beside this one's.
        let walking = AtomicUsize::new(2);
        let caller = std::thread::current().id();
        let jobs: Vec<_> = (0..4)
            .map(|i| move || (i, std::thread::current().id() != caller))
            .collect();
        let got = run_all_sharing(&pool(2), &walking, jobs);
        assert_eq!(got, (0..4).map(|i| (i, true)).collect::<Vec<_>>());
    }

    #[test]
    #[should_panic(expected = "segment 2 failed")]
    fn a_jobs_panic_reaches_the_caller() {
        let jobs: Vec<_> = (0..4)
            .map(|i| {
                move || {
                    if i == 2 {
                        panic!("segment 2 failed");
                    }
                    i
                }
            })
            .collect();
        run_all(&pool(2), jobs);
    }
}
