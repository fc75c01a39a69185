//! The best-scored documents of a query with its exact count, scoring only the documents that
//! can still enter the best ("MaxScore" pruning, for the one shape where it pays).
//!
//! Why: a very frequent word (有关, 工作: in 85–97 % of the items) matched every document through
//! the whole scorer tree, scored it and offered it to the top list, about 11 ns a match: 10–17 ms
//! at 1M items, where its count alone costs a third of that. But the best documents of such a
//! word are those holding it in the title or the keywords as well: the word's own BM25 weight
//! is small (its idf is near 0), the title bonus is three times a rarer term's. A
//! [`WithBonusQuery`](crate::with_bonus::WithBonusQuery) that knows how high its base and each
//! bonus can score ([`ScoreBounds`]) lets the walk stop scoring the base's documents once the
//! list's floor is above anything the base alone can reach: the rest of the matches are counted
//! unscored, and only the documents a bonus holds are scored. The result is what tantivy's
//! `TopDocs` gives ordered by score and then by the tie key: the same scores, best first, a tie to the newer item
//! (its [`TIE_KEY`]), so that which items are kept never depends on how the index is split into
//! segments, nor on the order the segments are walked in (side by side, see `fan_out`).

use tantivy::collector::sort_key::{Comparator, NaturalComparator};
use tantivy::collector::{Collector, SegmentCollector, TopNComputer};
use tantivy::fastfield::AliveBitSet;
use tantivy::query::{EnableScoring, Query, Scorer, Weight};
use tantivy::{
    COLLECT_BLOCK_BUFFER_LEN, DocAddress, DocId, DocSet, Executor, Score, Searcher, SegmentReader,
    TERMINATED,
};

use std::sync::Arc;

use crate::fan_out;
use crate::with_bonus::WithBonusScorer;

/// How high the parts of a [`WithBonusQuery`](crate::with_bonus::WithBonusQuery) can score:
/// upper bounds of its base's score and of each bonus's, in the order of the bonuses.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreBounds {
    pub base: Score,
    pub bonuses: Vec<Score>,
}

/// Bounds are compared with this much room, so that a bound computed in another order of
/// floating-point operations than the score it bounds never prunes a document it equals.
const SLACK: Score = 1e-3;

/// tantivy's BM25 `k1`: a term's or phrase's score stays below `boost × idf × (1 + k1)`.
const BM25_K1: Score = 1.2;

/// The upper bound of the BM25 score of a term (or a phrase of terms) whose idfs sum to
/// `idf_sum`, boosted by `boost`.
pub fn bm25_bound(idf_sum: Score, boost: Score) -> Score {
    boost * idf_sum * (1.0 + BM25_K1)
}

/// BM25's idf of a term as tantivy's scorers compute it: over every document of the segments,
/// deleted ones included (tantivy counts `max_doc`), so that a bound made from it is never below
/// the score.
pub fn scoring_idf(searcher: &Searcher, term: &tantivy::Term) -> tantivy::Result<Score> {
    let docs: u64 = searcher
        .segment_readers()
        .iter()
        .map(|r| u64::from(r.max_doc()))
        .sum();
    let df = searcher.doc_freq(term)?.min(docs);
    let x = ((docs - df) as Score + 0.5) / (df as Score + 0.5);
    Ok((1.0 + x).ln())
}

/// The fast field that breaks a tie of scores: the item's day and id, the larger (the newer
/// item) first, as the rerank breaks its ties.
pub const TIE_KEY: &str = "date_key";

/// The `limit` best documents offered so far, in tantivy's top-N buffer (the one `TopDocs` merges
/// its segments' lists with): best score first, a tie to the larger tie key, in any order of
/// offering.
pub struct TopScores {
    best: TopNComputer<(Score, i64), DocAddress, NaturalComparator>,
}

impl TopScores {
    pub fn new(limit: usize) -> Self {
        TopScores {
            best: TopNComputer::new_with_comparator(limit, NaturalComparator),
        }
    }

    /// Offers a document; its `tie_key` is read only when its score reaches the list's floor.
    pub fn push(&mut self, score: Score, address: DocAddress, tie_key: impl FnOnce() -> i64) {
        if self.best.threshold.is_none_or(|(floor, _)| score >= floor) {
            self.best.push((score, tie_key()), address);
        }
    }

    /// Whether a document scoring at most `bound` could still be kept. The buffer's threshold
    /// trails the true floor of the best, so this may say yes for nothing, never no for a keeper.
    pub fn could_take(&self, bound: Score) -> bool {
        self.best
            .threshold
            .is_none_or(|(floor, _)| bound * (1.0 + SLACK) + SLACK > floor)
    }

    /// Best first, with their tie keys.
    fn into_keyed(self) -> Vec<Keyed> {
        self.best
            .into_sorted_vec()
            .into_iter()
            .map(|d| (d.sort_key.0, d.sort_key.1, d.doc))
            .collect()
    }

    /// Best first.
    #[cfg(test)]
    pub fn into_sorted(self) -> Vec<(Score, DocAddress)> {
        unkeyed(self.into_keyed())
    }
}

/// A document offered to the best, with its score and tie key.
type Keyed = (Score, i64, DocAddress);

fn unkeyed(list: Vec<Keyed>) -> Vec<(Score, DocAddress)> {
    list.into_iter()
        .map(|(score, _, address)| (score, address))
        .collect()
}

/// Whether `a` ranks before `b` by score and tie key, as [`TopScores`] compares them. Where
/// the two are equal (a missing key, a day and id equal in their low bits), neither does: the
/// merge then keeps the earlier list's first, the lower address, as tantivy's buffer does.
fn ranks_before(a: &Keyed, b: &Keyed) -> bool {
    NaturalComparator.compare(&(a.0, a.1), &(b.0, b.1)) == std::cmp::Ordering::Greater
}

/// The `limit` best of lists each sorted best first, best first. Why not one [`TopScores`] for
/// them all: its buffer is cut and sorted again, on the calling thread after every segment has
/// been walked; that took a third of the time of a deep page (offset 4,990), which a merge of
/// lists the walks have sorted does not.
fn merge_best(lists: Vec<Vec<Keyed>>, limit: usize) -> Vec<Keyed> {
    merge_lists(lists, limit, ranks_before)
}

/// The first `limit` of lists each sorted best first, best first; `before(x, y)` says whether
/// `x` ranks before `y` (where neither does, the earlier list's comes first).
pub(crate) fn merge_lists<T>(
    lists: Vec<Vec<T>>,
    limit: usize,
    before: impl Fn(&T, &T) -> bool + Copy,
) -> Vec<T> {
    lists
        .into_iter()
        .reduce(|a, b| merge_sorted(a, b, limit, before))
        .map(|mut only| {
            only.truncate(limit);
            only
        })
        .unwrap_or_default()
}

/// The first `limit` of two lists each sorted best first, best first (see [`merge_lists`]).
fn merge_sorted<T>(a: Vec<T>, b: Vec<T>, limit: usize, before: impl Fn(&T, &T) -> bool) -> Vec<T> {
    let mut merged = Vec::with_capacity(limit.min(a.len() + b.len()));
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    while merged.len() < limit {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if before(y, x) => b.next(),
            (Some(_), _) => a.next(),
            (None, _) => b.next(),
        };
        match next {
            Some(d) => merged.push(d),
            None => break,
        }
    }
    merged
}

/// What one walk found: the matches (the exact total) and how many of them it scored.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Walked {
    pub matches: u64,
    pub scored: u64,
}

/// What [`top_by_score`] found: the best, what the walk saw, and the tally's fruit.
pub type TopByScore<F> = (Vec<(Score, DocAddress)>, Walked, F);

/// The `limit` best documents of `query` by score (best first, a tie to the larger tie key) and
/// the number of documents it matches. Every match, scored or only counted, is also handed to
/// `tally`, a collector that needs no scores (the facet counts: they then cost no second walk,
/// and the pruning still spares the scoring). The segments are walked at once by
/// [`fan_out::run_all`] (the calling thread and `executor`'s pool: one query then uses every
/// core), each keeping its own best, which are merged at the end.
pub fn top_by_score<T: Collector + 'static>(
    searcher: &Searcher,
    executor: &Executor,
    query: &dyn Query,
    limit: usize,
    tally: Arc<T>,
) -> tantivy::Result<TopByScore<T::Fruit>> {
    debug_assert!(
        !tally.requires_scoring(),
        "counted matches are tallied unscored"
    );
    let weight: Arc<dyn Weight> = query
        .weight(EnableScoring::enabled_from_searcher(searcher))?
        .into();
    let query: Arc<dyn Query> = query.box_clone().into();
    // Each walk owns what it reads: it may run on a pool thread after this one has moved on.
    // Its tally is made there too (a segment's first facet count builds its facet table).
    let walks: Vec<_> = searcher
        .segment_readers()
        .iter()
        .enumerate()
        .map(|(ord, reader)| {
            let walk = Walk {
                searcher: searcher.clone(),
                query: Arc::clone(&query),
                segment: u32::try_from(ord).unwrap_or(u32::MAX),
                reader: reader.clone(),
            };
            let (weight, tally) = (Arc::clone(&weight), Arc::clone(&tally));
            move || {
                let segment_tally = tally.for_segment(walk.segment, &walk.reader)?;
                walk.run(weight.as_ref(), limit, segment_tally)
            }
        })
        .collect();
    let walks = fan_out::run_all(executor, walks)
        .into_iter()
        .collect::<tantivy::Result<Vec<_>>>()?;
    let mut walked = Walked::default();
    let mut lists = Vec::with_capacity(walks.len());
    let mut fruits = Vec::with_capacity(walks.len());
    for (segment_best, segment_walked, fruit) in walks {
        walked.matches += segment_walked.matches;
        walked.scored += segment_walked.scored;
        lists.push(segment_best);
        fruits.push(fruit);
    }
    let fruit = tally.merge_fruits(fruits)?;
    Ok((unkeyed(merge_best(lists, limit)), walked, fruit))
}

/// The walk of one segment.
struct Walk {
    searcher: Searcher,
    query: Arc<dyn Query>,
    segment: u32,
    reader: SegmentReader,
}

type SegmentWalk<F> = (Vec<Keyed>, Walked, F);

impl Walk {
    /// One segment's best `limit` documents (sorted here, on the segment's thread), its matches and
    /// its tally.
    fn run<T: SegmentCollector>(
        &self,
        weight: &dyn Weight,
        limit: usize,
        mut tally: T,
    ) -> tantivy::Result<SegmentWalk<T::Fruit>> {
        let (searcher, query, segment, reader) =
            (&self.searcher, &self.query, self.segment, &self.reader);
        let mut top = TopScores::new(limit);
        let mut walked = Walked::default();
        let mut scorer = weight.scorer(reader, 1.0)?;
        let alive = reader.alive_bitset();
        let keys = reader.fast_fields().i64(TIE_KEY)?;
        let tie_key = |doc: DocId| keys.first(doc).unwrap_or(i64::MIN);
        let base_bound = scorer
            .downcast_ref::<WithBonusScorer>()
            .and_then(|s| s.bounds())
            .map(|b| b.base);
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if is_alive(alive, doc) {
                walked.matches += 1;
                walked.scored += 1;
                let score = scorer.score();
                tally.collect(doc, score);
                top.push(score, DocAddress::new(segment, doc), || tie_key(doc));
            }
            if base_bound.is_some_and(|b| !top.could_take(b)) {
                // Nothing the base holds alone can enter now: count the rest, score only what a
                // bonus also holds.
                let counter = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
                walked.matches += count_from(counter.as_ref(), reader, doc + 1, alive, &mut tally)?;
                if let Some(with_bonus) = scorer.downcast_mut::<WithBonusScorer>() {
                    let address = |d| is_alive(alive, d).then_some(DocAddress::new(segment, d));
                    walked.scored +=
                        with_bonus.offer_bonus_holders(doc + 1, &mut top, address, &tie_key);
                }
                break;
            }
            doc = scorer.advance();
        }
        Ok((top.into_keyed(), walked, tally.harvest()))
    }
}

fn is_alive(alive: Option<&AliveBitSet>, doc: DocId) -> bool {
    alive.is_none_or(|a| a.is_alive(doc))
}

/// The live documents of `weight` in `reader` from `from` on, each handed to `tally` unscored.
fn count_from(
    weight: &dyn Weight,
    reader: &SegmentReader,
    from: DocId,
    alive: Option<&AliveBitSet>,
    tally: &mut impl SegmentCollector,
) -> tantivy::Result<u64> {
    let mut scorer: Box<dyn Scorer> = weight.scorer(reader, 1.0)?;
    if scorer.doc() < from {
        scorer.seek(from);
    }
    // A block at a time: the scorer's layers are called once a block, not once a match.
    let mut block = [0; COLLECT_BLOCK_BUFFER_LEN];
    let mut live = Vec::with_capacity(COLLECT_BLOCK_BUFFER_LEN);
    let mut n = 0;
    loop {
        let filled = scorer.fill_buffer(&mut block);
        let docs = &block[..filled];
        let docs = match alive {
            None => docs,
            Some(alive) => {
                live.clear();
                live.extend(docs.iter().copied().filter(|&d| alive.is_alive(d)));
                &live[..]
            }
        };
        n += docs.len() as u64;
        tally.collect_block(docs);
        if filled < block.len() {
            return Ok(n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{index_keyed, phrase, random_index, term};
    use crate::with_bonus::WithBonusQuery;
    use tantivy::Order;
    use tantivy::collector::sort_key::{SortBySimilarityScore, SortByStaticFastValue};
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::BoostQuery;

    /// The collector of the `limit` best documents by score, ties to the larger [`TIE_KEY`], as
    /// tantivy's `TopDocs` keeps them: what the walks must give.
    fn best_by_score(
        limit: usize,
    ) -> impl Collector<Fruit = Vec<((Score, Option<i64>), DocAddress)>> {
        TopDocs::with_limit(limit).order_by((
            SortBySimilarityScore,
            (
                SortByStaticFastValue::<i64>::for_field(TIE_KEY),
                Order::Desc,
            ),
        ))
    }

    /// The highest score `q` gives any document: a tight and valid bound.
    fn max_score(searcher: &Searcher, q: &dyn Query) -> Score {
        searcher
            .search(q, &TopDocs::with_limit(1).order_by_score())
            .expect("in-memory index")
            .first()
            .map_or(0.0, |(s, _)| *s)
    }

    /// The best `limit` of `q` by the page path's collector, and its count.
    fn expected(
        searcher: &Searcher,
        q: &dyn Query,
        limit: usize,
    ) -> (Vec<(Score, DocAddress)>, usize) {
        let (best, count) = searcher
            .search(q, &(best_by_score(limit), Count))
            .expect("in-memory index");
        (best.into_iter().map(|((s, _), a)| (s, a)).collect(), count)
    }

    #[test]
    fn pruned_walks_give_what_top_docs_gives() {
        let (searcher, f) = random_index(&["a", "b", "c", "d", "e", "f", "g"], 5, 4000);
        // A frequent base with rare bonuses (the shape that prunes), and a rare base.
        type Case = (Box<dyn Query>, Vec<Box<dyn Query>>);
        let cases: Vec<Case> = vec![
            (
                term(f, "a"),
                vec![
                    Box::new(BoostQuery::new(term(f, "z"), 30.0)),
                    Box::new(BoostQuery::new(phrase(f, &["b", "c", "d"]), 8.0)),
                ],
            ),
            (
                term(f, "z"),
                vec![Box::new(BoostQuery::new(term(f, "a"), 2.0))],
            ),
        ];
        let mut pruned_somewhere = false;
        for (base, bonuses) in cases {
            let bounds = ScoreBounds {
                base: max_score(&searcher, base.as_ref()),
                bonuses: bonuses
                    .iter()
                    .map(|b| max_score(&searcher, b.as_ref()))
                    .collect(),
            };
            let q = WithBonusQuery::new(base, bonuses).with_bounds(bounds);
            for limit in [1, 10, 37, 200] {
                let (expected, count) = expected(&searcher, &q, limit);
                let (got, walked, tallied) = top_by_score(
                    &searcher,
                    searcher.index().search_executor(),
                    &q,
                    limit,
                    Arc::new(Count),
                )
                .expect("walk");
                assert_eq!(walked.matches, count as u64, "limit {limit}");
                assert_eq!(tallied, count, "every match is tallied, limit {limit}");
                assert_eq!(got.len(), expected.len());
                for (g, e) in got.iter().zip(&expected) {
                    assert_eq!(g.1, e.1, "limit {limit}");
                    assert_eq!(g.0.to_bits(), e.0.to_bits(), "limit {limit}");
                }
                pruned_somewhere |= walked.scored < walked.matches / 2;
            }
        }
        assert!(pruned_somewhere, "the frequent base must be pruned");
    }

    #[test]
    fn ties_across_segments_walked_side_by_side_go_to_the_newer() {
        // Fifty equal documents in five segments: every one scores the same. The newest are
        // in the segments written last, then (keys reversed) in those written first.
        for newest_last in [true, false] {
            let key_of = |n: usize| if newest_last { n as i64 } else { 50 - n as i64 };
            let (searcher, f) = index_keyed(["a b"; 50], 10, key_of);
            assert_eq!(searcher.segment_readers().len(), 5);
            let executor = searcher.index().search_executor();
            for limit in [1, 7, 10, 23] {
                let (expected, _) = expected(&searcher, term(f, "a").as_ref(), limit);
                let (got, walked, _) = top_by_score(
                    &searcher,
                    executor,
                    term(f, "a").as_ref(),
                    limit,
                    Arc::new(Count),
                )
                .expect("walk");
                assert_eq!(walked.matches, 50);
                let addresses =
                    |v: &[(Score, DocAddress)]| v.iter().map(|d| d.1).collect::<Vec<_>>();
                assert_eq!(addresses(&got), addresses(&expected), "limit {limit}");
                let key = |a: DocAddress| {
                    let keys = searcher
                        .segment_reader(a.segment_ord)
                        .fast_fields()
                        .i64(TIE_KEY);
                    keys.expect("a tie key").first(a.doc_id)
                };
                let keys: Vec<_> = got.iter().map(|d| key(d.1)).collect();
                let top_key = key_of(if newest_last { 49 } else { 0 });
                let newest: Vec<_> = (0..limit as i64).map(|k| Some(top_key - k)).collect();
                assert_eq!(keys, newest, "limit {limit}, newest last {newest_last}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn merged_lists_are_what_one_list_of_all_keeps(
            segments in proptest::collection::vec(
                proptest::collection::vec((0u8..6, 0i64..5), 0..40), 0..5),
            limit in 1usize..60,
        ) {
            // Few distinct scores and keys: ties of both across segments are frequent.
            let offered = |segment: usize, list: &[(u8, i64)], top: &mut TopScores| {
                for (doc, (score, key)) in list.iter().enumerate() {
                    let address = DocAddress::new(segment as u32, doc as u32);
                    top.push(Score::from(*score), address, || *key);
                }
            };
            let mut all = TopScores::new(limit);
            let mut lists = Vec::new();
            for (segment, list) in segments.iter().enumerate() {
                let mut own = TopScores::new(limit);
                offered(segment, list, &mut own);
                lists.push(own.into_keyed());
                offered(segment, list, &mut all);
            }
            proptest::prop_assert_eq!(merge_best(lists, limit), all.into_keyed());
        }
    }

    #[test]
    fn the_list_keeps_the_best_and_breaks_ties_by_key() {
        let mut top = TopScores::new(2);
        let at = |d| DocAddress::new(0, d);
        assert!(top.could_take(0.0));
        for (score, doc) in [(1.0, 1), (2.0, 2), (1.0, 3), (3.0, 4), (0.5, 5)] {
            top.push(score, at(doc), || i64::from(doc));
        }
        // Its floor is known once the buffer has been cut to the best two.
        assert!(!top.could_take(0.5) && top.could_take(2.0));
        assert_eq!(top.into_sorted(), vec![(3.0, at(4)), (2.0, at(2))]);
        // A tie goes to the larger key whatever the order of offering; a key is read only for
        // a document that reaches the floor.
        let mut tied = TopScores::new(1);
        for doc in [5, 9, 2, 3] {
            tied.push(1.0, at(doc), || i64::from(doc));
        }
        tied.push(0.5, at(7), || unreachable!("below the floor"));
        assert_eq!(tied.into_sorted(), vec![(1.0, at(9))]);
    }
}
