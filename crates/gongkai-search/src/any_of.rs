//! `AnyOf`: the documents matching any of several queries, scored as the sum of the scores of
//! those that match (what a `BooleanQuery` of `Should` clauses does) or as the score of the
//! first one that matches, evaluated lazily when it is one required part of a conjunction.
//!
//! Why: a word of a query matches as itself (a term) or as the phrase of its pieces (see
//! `query::word_forms`). Inside an intersection with the other words, tantivy's union answers
//! every probe with a full `seek`, so its phrase arm reads and compares positions for every
//! document holding all the pieces, up to the next real phrase match, even where the other words
//! already rule the document out. Profiling the multi-word queries with a three-character word
//! (行政区 方法) found 65 % of the time there and 20× the latency of the same query without the
//! phrase forms. `AnyOf` answers a probe (`seek_danger`) by asking each arm only whether it holds
//! that one document, so a phrase's positions are read only for documents the conjunction still
//! considers.
//!
//! [`Combine::First`] goes further for forms that mostly repeat one another: the pieces of a word
//! of three or more characters are indexed at the same offsets as the word, so wherever the
//! word's term matches, the phrase of its pieces matches too. Asking the term first and the phrase only where the term is absent scores
//! each document by the form it actually holds and reads positions only for the documents whose
//! segmentation split the word differently.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{
    COLLECT_BLOCK_BUFFER_LEN, DocId, DocSet, Score, SeekDangerResult, SegmentReader, TERMINATED,
    TantivyError, Term,
};

/// How the scores of the matching arms make the score of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combine {
    /// The sum over every arm that matches (a union of `Should` clauses).
    Sum,
    /// The score of the first arm, in the order given, that matches; once the scorer is made,
    /// later arms are not asked about a document an earlier one holds.
    First,
}

/// Any of `queries` (at least one must match), scored as `combine` says.
#[derive(Debug)]
pub struct AnyOfQuery {
    queries: Vec<Box<dyn Query>>,
    combine: Combine,
}

impl AnyOfQuery {
    /// Scored as the sum over the arms that match.
    pub fn new(queries: Vec<Box<dyn Query>>) -> Self {
        AnyOfQuery {
            queries,
            combine: Combine::Sum,
        }
    }

    /// Scored by the first arm, in order, that matches.
    pub fn first_of(queries: Vec<Box<dyn Query>>) -> Self {
        AnyOfQuery {
            queries,
            combine: Combine::First,
        }
    }
}

impl Clone for AnyOfQuery {
    fn clone(&self) -> Self {
        AnyOfQuery {
            queries: self.queries.iter().map(|q| q.box_clone()).collect(),
            combine: self.combine,
        }
    }
}

impl Query for AnyOfQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self
            .queries
            .iter()
            .map(|q| q.weight(scoring))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(AnyOfWeight {
            weights,
            // Unscored, any arm that matches will do.
            exhaustive: scoring.is_scoring_enabled() && self.combine == Combine::Sum,
            combine: self.combine,
            scored: scoring.is_scoring_enabled(),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for q in &self.queries {
            q.query_terms(visitor);
        }
    }
}

struct AnyOfWeight {
    weights: Vec<Box<dyn Weight>>,
    /// Whether a probe must ask every arm (to sum their scores); if not, it stops at the first
    /// arm that matches.
    exhaustive: bool,
    combine: Combine,
    /// Whether its scorers are asked for scores (if not, a walk of every match may read the
    /// first arm ahead: see [`AnyOfScorer::fill_buffer`]).
    scored: bool,
}

impl Weight for AnyOfWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let arms = self
            .weights
            .iter()
            .map(|w| w.scorer(reader, boost))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let mut scorer = AnyOfScorer::new(arms, self.exhaustive, self.combine);
        scorer.scored = self.scored;
        Ok(Box::new(scorer))
    }

    /// Each arm is only asked about `target` (a phrase is not made to find its first match in
    /// the segment, which `scorer` must do): what an intersection asks of its clauses as it
    /// builds them.
    fn scorer_danger(
        &self,
        reader: &SegmentReader,
        target: DocId,
        boost: Score,
    ) -> tantivy::Result<(SeekDangerResult, Box<dyn Scorer>)> {
        let arms = Arm::all_probed(&self.weights, reader, target, boost)?;
        let result = if arms.iter().any(|a| a.holds(target)) {
            SeekDangerResult::Found
        } else {
            let bound = arms.iter().map(|a| a.next).min().unwrap_or(TERMINATED);
            SeekDangerResult::SeekLowerBound(bound)
        };
        let scorer = AnyOfScorer {
            arms,
            doc: target,
            exhaustive: self.exhaustive,
            combine: self.combine,
            scored: self.scored,
        };
        Ok((result, Box::new(scorer)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let score = matched_score(self, reader, doc)?;
        let mut explanation = Explanation::new("any of", score);
        for weight in &self.weights {
            if let Ok(arm) = weight.explain(reader, doc) {
                explanation.add_detail(arm);
                // `First` scores by the first arm holding the document alone.
                if self.combine == Combine::First {
                    break;
                }
            }
        }
        Ok(explanation)
    }
}

/// The score `weight` gives `doc`, or an error when it does not match it (for `explain`).
pub(crate) fn matched_score(
    weight: &dyn Weight,
    reader: &SegmentReader,
    doc: DocId,
) -> tantivy::Result<Score> {
    let mut scorer = weight.scorer(reader, 1.0)?;
    if scorer.seek(doc) != doc {
        return Err(TantivyError::InvalidArgument(format!(
            "document {doc} does not match"
        )));
    }
    Ok(scorer.score())
}

/// One arm and what is known of where it stands.
pub(crate) struct Arm {
    pub(crate) scorer: Box<dyn Scorer>,
    /// The arm's document when `settled`; otherwise only a lower bound of its next document
    /// (after a `seek_danger` miss the scorer may be in tantivy's invalid state and must only
    /// be probed with `seek_danger` until it is positioned again).
    next: DocId,
    settled: bool,
    /// Set when the arm is read ahead (see [`Ahead`]): its scorer then stands past `next` and
    /// must not be asked for a score.
    ahead: Option<Box<Ahead>>,
}

/// The next documents of an arm that is walked to the end and never scored, read from its
/// scorer a block at a time: a walk counting every match of a word then steps through an array
/// instead of calling through the scorer's layers (boost, term) for each document.
struct Ahead {
    docs: [DocId; COLLECT_BLOCK_BUFFER_LEN],
    /// The arm's `next` is `docs[at]` while `at < len`.
    at: usize,
    len: usize,
}

impl Ahead {
    /// The first document at or after `target`, reading further blocks from `scorer` (which
    /// stands on the first document not yet read) as needed.
    fn seek(&mut self, target: DocId, scorer: &mut dyn Scorer) -> DocId {
        loop {
            while let Some(&doc) = self.docs[..self.len].get(self.at) {
                if doc >= target {
                    return doc;
                }
                self.at += 1;
            }
            // Every document read is behind: skip to the target, then read the next block.
            if scorer.doc() < target {
                scorer.seek(target);
            }
            self.len = scorer.fill_buffer(&mut self.docs);
            self.at = 0;
            if self.len == 0 {
                return TERMINATED;
            }
        }
    }
}

impl Arm {
    fn new(scorer: Box<dyn Scorer>) -> Self {
        Arm {
            next: scorer.doc(),
            scorer,
            settled: true,
            ahead: None,
        }
    }

    /// The arm's document after its current one (which it must stand on): one step through
    /// its block when read ahead.
    fn step(&mut self) -> DocId {
        let after = self.next.saturating_add(1);
        match &mut self.ahead {
            Some(ahead) => {
                ahead.at += 1;
                self.next = match ahead.docs[..ahead.len].get(ahead.at) {
                    Some(&doc) => doc,
                    None => ahead.seek(after, self.scorer.as_mut()),
                };
                self.next
            }
            None => self.settle(after),
        }
    }

    /// `settle` of an arm read ahead (always settled). Out of line, so that the walks that
    /// never read ahead keep their arms' steps inlined.
    #[inline(never)]
    fn seek_ahead(&mut self, target: DocId) -> DocId {
        if let Some(ahead) = &mut self.ahead
            && self.next < target
        {
            self.next = ahead.seek(target, self.scorer.as_mut());
        }
        self.next
    }

    /// Reads the arm ahead from now on, when it stands on a document (settled).
    fn read_ahead(&mut self) {
        if self.ahead.is_some() || !self.settled || self.next >= TERMINATED {
            return;
        }
        let mut ahead = Box::new(Ahead {
            docs: [0; COLLECT_BLOCK_BUFFER_LEN],
            at: 0,
            len: 0,
        });
        // The scorer stands on `next`, the first document the block reads.
        self.next = ahead.seek(self.next, self.scorer.as_mut());
        self.ahead = Some(ahead);
    }

    /// An arm whose scorer was made by `scorer_danger` at `target`, with its answer.
    pub(crate) fn probed(scorer: Box<dyn Scorer>, target: DocId, probed: SeekDangerResult) -> Self {
        let next = match probed {
            SeekDangerResult::Found => target,
            SeekDangerResult::SeekLowerBound(bound) => bound.min(TERMINATED),
        };
        Arm {
            scorer,
            next,
            settled: next == target || next == TERMINATED,
            ahead: None,
        }
    }

    /// One arm per weight, each made by `scorer_danger` at `target`.
    pub(crate) fn all_probed(
        weights: &[Box<dyn Weight>],
        reader: &SegmentReader,
        target: DocId,
        boost: Score,
    ) -> tantivy::Result<Vec<Arm>> {
        let mut arms = Vec::with_capacity(weights.len());
        for weight in weights {
            let (probed, scorer) = weight.scorer_danger(reader, target, boost)?;
            arms.push(Arm::probed(scorer, target, probed));
        }
        Ok(arms)
    }

    /// The arm's document when settled, else a lower bound of it.
    pub(crate) fn next(&self) -> DocId {
        self.next
    }

    pub(crate) fn holds(&self, doc: DocId) -> bool {
        self.settled && self.next == doc
    }

    /// Whether the arm holds `target`, moving it no further than needed to tell. Targets
    /// strictly increase between probes, as `seek_danger` requires.
    #[inline]
    pub(crate) fn probe(&mut self, target: DocId) -> bool {
        if self.next > target {
            return false;
        }
        if self.holds(target) {
            return true;
        }
        if self.ahead.is_some() {
            return self.seek_ahead(target) == target;
        }
        match self.scorer.seek_danger(target) {
            SeekDangerResult::Found => {
                self.next = target;
                self.settled = true;
                true
            }
            SeekDangerResult::SeekLowerBound(bound) => {
                self.next = bound.min(TERMINATED);
                self.settled = self.next == TERMINATED;
                false
            }
        }
    }

    /// Positions the arm on its first document in `target..limit` and returns it, if it has
    /// one; otherwise returns a lower bound of its next document, at least `limit`, having asked
    /// only about documents below `limit` (a phrase reads no positions at or after it).
    fn first_below(&mut self, target: DocId, limit: DocId) -> DocId {
        if limit >= TERMINATED {
            return self.settle(target);
        }
        if self.next >= limit || (self.settled && self.next >= target) {
            return self.next;
        }
        if self.ahead.is_some() {
            // Its next document costs no more than asking below `limit`.
            return self.seek_ahead(target);
        }
        let mut probe = target.max(self.next);
        while probe < limit {
            match self.scorer.seek_danger(probe) {
                SeekDangerResult::Found => {
                    self.next = probe;
                    self.settled = true;
                    return probe;
                }
                SeekDangerResult::SeekLowerBound(bound) => probe = bound,
            }
        }
        self.next = probe.min(TERMINATED);
        self.settled = self.next == TERMINATED;
        self.next
    }

    /// Positions the arm on its first document at or after `target` and returns it.
    #[inline]
    pub(crate) fn settle(&mut self, target: DocId) -> DocId {
        if self.ahead.is_some() {
            return self.seek_ahead(target);
        }
        if self.settled {
            if self.next < target {
                // The next document is what `advance` gives, without the skip search of `seek`:
                // the common step of a union walked document by document.
                self.next = if target == self.next + 1 {
                    self.scorer.advance()
                } else {
                    self.scorer.seek(target)
                };
            }
            return self.next;
        }
        // Only probes are allowed until one finds a document.
        let mut probe = target.max(self.next);
        while probe < TERMINATED {
            match self.scorer.seek_danger(probe) {
                SeekDangerResult::Found => break,
                SeekDangerResult::SeekLowerBound(bound) => probe = bound,
            }
        }
        self.next = probe.min(TERMINATED);
        self.settled = true;
        self.next
    }
}

struct AnyOfScorer {
    arms: Vec<Arm>,
    doc: DocId,
    exhaustive: bool,
    combine: Combine,
    /// Whether it may be asked for scores (see [`AnyOfWeight::scored`]).
    scored: bool,
}

impl AnyOfScorer {
    fn new(scorers: Vec<Box<dyn Scorer>>, exhaustive: bool, combine: Combine) -> Self {
        let arms: Vec<Arm> = scorers.into_iter().map(Arm::new).collect();
        let doc = arms.iter().map(|a| a.next).min().unwrap_or(TERMINATED);
        AnyOfScorer {
            arms,
            doc,
            exhaustive,
            combine,
            scored: true,
        }
    }
}

impl AnyOfScorer {
    /// [`DocSet::fill_buffer`] with the first arm read ahead: its documents are copied from its
    /// block, and the other arms are asked only about the gaps between them that reach their
    /// next document (exact or a lower bound). A frequent word's term leaves few such gaps.
    fn fill_ahead(&mut self, buffer: &mut [DocId; COLLECT_BLOCK_BUFFER_LEN]) -> usize {
        let mut filled = 0;
        while filled < buffer.len() && self.doc < TERMINATED {
            let Some((lead, rest)) = self.arms.split_first_mut() else {
                break;
            };
            if !lead.holds(self.doc) {
                // Another arm's document, in a gap of the lead's.
                buffer[filled] = self.doc;
                filled += 1;
                self.advance();
                continue;
            }
            // No other arm holds a document before `floor`.
            let floor = rest.iter().map(Arm::next).min().unwrap_or(TERMINATED);
            let mut last = self.doc;
            let gap_after = loop {
                buffer[filled] = last;
                filled += 1;
                let doc = lead.step();
                if doc > last + 1 && doc > floor {
                    break Some(last);
                }
                if filled == buffer.len() || doc >= TERMINATED {
                    break None;
                }
                last = doc;
            };
            self.doc = match gap_after {
                // The other arms are asked about the gap (the lead stands after it).
                Some(last) => self.seek_lazily(last + 1),
                None => lead.next(),
            };
        }
        filled
    }

    /// The first document at or after `target` that any arm holds, when one arm holding it is
    /// enough (`First`, or no scores): each arm is asked only about the documents before the
    /// nearest one an earlier arm holds. For a frequent word, whose term holds most documents,
    /// the phrase of its pieces is then hardly asked at all, where a full `seek` of every arm
    /// would read its positions on every document holding all its pieces.
    // Always inlined: called once per document of a scored walk, as a call it added 6 % to the
    // search page of a frequent word.
    #[inline(always)]
    fn seek_lazily(&mut self, target: DocId) -> DocId {
        let mut nearest = TERMINATED;
        for arm in &mut self.arms {
            nearest = nearest.min(arm.first_below(target, nearest));
        }
        nearest
    }
}

impl DocSet for AnyOfScorer {
    fn advance(&mut self) -> DocId {
        if self.doc >= TERMINATED {
            return TERMINATED;
        }
        self.seek(self.doc + 1)
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if target <= self.doc && self.arms.iter().any(|a| a.holds(self.doc)) {
            return self.doc;
        }
        self.doc = if self.exhaustive {
            self.arms
                .iter_mut()
                .map(|a| a.settle(target))
                .min()
                .unwrap_or(TERMINATED)
        } else {
            self.seek_lazily(target)
        };
        self.doc
    }

    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        if target >= TERMINATED {
            return SeekDangerResult::SeekLowerBound(TERMINATED);
        }
        // When summing scores, every arm is probed, so that the score counts each arm holding
        // the document; otherwise the probe stops at the first arm that holds it (the one
        // `First` scores by: the arms before it were probed and missed). An arm left unprobed
        // keeps its lower bound and is probed on a later call.
        let mut found = false;
        let mut bound = TERMINATED;
        for arm in &mut self.arms {
            if arm.probe(target) {
                found = true;
                if !self.exhaustive {
                    break;
                }
            } else {
                bound = bound.min(arm.next);
            }
        }
        // On a miss this scorer is "invalid" in tantivy's sense: `doc` is the probe, which no
        // arm holds, so a later `seek` re-positions every arm.
        self.doc = target;
        if found {
            SeekDangerResult::Found
        } else {
            SeekDangerResult::SeekLowerBound(bound)
        }
    }

    /// Unscored and lazy (a walk counting every match), the first arm, a word's own term, is
    /// read ahead a block at a time: for a frequent word, stepping through its scorer's layers
    /// for each match was half the cost of counting it.
    fn fill_buffer(&mut self, buffer: &mut [DocId; COLLECT_BLOCK_BUFFER_LEN]) -> usize {
        if !self.scored
            && !self.exhaustive
            && let Some(first) = self.arms.first_mut()
        {
            first.read_ahead();
            return self.fill_ahead(buffer);
        }
        let mut filled = 0;
        for slot in buffer.iter_mut() {
            if self.doc >= TERMINATED {
                break;
            }
            *slot = self.doc;
            filled += 1;
            self.advance();
        }
        filled
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.arms
            .iter()
            .map(|a| a.scorer.size_hint())
            .fold(0u32, u32::saturating_add)
    }

    fn cost(&self) -> u64 {
        self.arms
            .iter()
            .map(|a| a.scorer.cost())
            .fold(0u64, u64::saturating_add)
    }
}

impl Scorer for AnyOfScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        let mut holding = self.arms.iter_mut().filter(|a| a.holds(doc));
        match self.combine {
            Combine::Sum => holding.map(|a| a.scorer.score()).sum(),
            Combine::First => holding.next().map_or(0.0, |a| a.scorer.score()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{index_of, phrase, random_index, term};
    use std::collections::HashMap;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, BoostQuery, Occur};
    use tantivy::{DocAddress, Searcher};

    fn index() -> (Searcher, tantivy::schema::Field) {
        random_index(&["a", "b", "c", "d", "e"], 7, 3000)
    }

    /// The arms of one "word": a term, two phrases and a boosted conjunction.
    fn arms(field: tantivy::schema::Field, w: &str, p: &[&str], q: &[&str]) -> Vec<Box<dyn Query>> {
        vec![
            term(field, w),
            phrase(field, p),
            Box::new(BoostQuery::new(phrase(field, q), 0.5)),
        ]
    }

    fn should(arms: Vec<Box<dyn Query>>) -> Box<dyn Query> {
        Box::new(BooleanQuery::new(
            arms.into_iter().map(|q| (Occur::Should, q)).collect(),
        ))
    }

    fn results(searcher: &Searcher, q: &dyn Query) -> (usize, Vec<(f32, DocAddress)>) {
        let (top, count) = searcher
            .search(q, &(TopDocs::with_limit(5000).order_by_score(), Count))
            .expect("in-memory index");
        (count, top)
    }

    /// Same documents with the same scores (up to float rounding: the sums may be taken in
    /// another order).
    fn same(a: (usize, Vec<(f32, DocAddress)>), b: (usize, Vec<(f32, DocAddress)>)) {
        assert_eq!(a.0, b.0, "counts differ");
        let sorted = |mut v: Vec<(f32, DocAddress)>| {
            v.sort_by_key(|(_, d)| *d);
            v
        };
        let (a, b) = (sorted(a.1), sorted(b.1));
        assert_eq!(a.len(), b.len(), "hits differ");
        for ((sa, da), (sb, db)) in a.iter().zip(&b) {
            assert_eq!(da, db, "documents differ");
            assert!(
                (sa - sb).abs() <= 1e-4 * sa.abs().max(1.0),
                "{da:?}: {sa} vs {sb}"
            );
        }
    }

    #[test]
    fn alone_it_matches_and_scores_as_a_union() {
        let (searcher, f) = index();
        let lazy = AnyOfQuery::new(arms(f, "a", &["b", "c"], &["d", "e", "a"]));
        let union = should(arms(f, "a", &["b", "c"], &["d", "e", "a"]));
        same(
            results(&searcher, &lazy),
            results(&searcher, union.as_ref()),
        );
        assert!(results(&searcher, &lazy).0 > 0);
    }

    #[test]
    fn inside_conjunctions_it_matches_and_scores_as_a_union() {
        let (searcher, f) = index();
        let cases: [(&str, [&str; 2], [&str; 3]); 4] = [
            ("a", ["b", "c"], ["c", "d", "e"]),
            ("e", ["a", "a"], ["b", "b", "b"]),
            ("zzz", ["d", "c"], ["e", "a", "d"]),
            ("c", ["e", "d"], ["a", "b", "a"]),
        ];
        for (w, p, q) in cases {
            for other in [
                vec![term(f, "z")],
                vec![term(f, "d")],
                vec![phrase(f, &["a", "e"])],
                vec![term(f, "b"), phrase(f, &["c", "c"])],
            ] {
                let build = |lazy: bool| -> Box<dyn Query> {
                    let word: Box<dyn Query> = if lazy {
                        Box::new(AnyOfQuery::new(arms(f, w, &p, &q)))
                    } else {
                        should(arms(f, w, &p, &q))
                    };
                    let mut clauses = vec![(Occur::Must, word)];
                    for o in &other {
                        clauses.push((Occur::Must, o.box_clone()));
                    }
                    // A second lazy word, so that one AnyOf can lead and one follow.
                    let second: Box<dyn Query> = if lazy {
                        Box::new(AnyOfQuery::new(vec![term(f, "a"), phrase(f, &["e", "b"])]))
                    } else {
                        should(vec![term(f, "a"), phrase(f, &["e", "b"])])
                    };
                    clauses.push((Occur::Must, second));
                    Box::new(BooleanQuery::new(clauses))
                };
                let (lazy, union) = (build(true), build(false));
                same(
                    results(&searcher, lazy.as_ref()),
                    results(&searcher, union.as_ref()),
                );
                assert_eq!(
                    lazy.count(&searcher).expect("in-memory index"),
                    union.count(&searcher).expect("in-memory index")
                );
            }
        }
    }

    /// Scores by document of `q`'s hits.
    fn scores(searcher: &Searcher, q: &dyn Query) -> HashMap<DocAddress, f32> {
        results(searcher, q)
            .1
            .into_iter()
            .map(|(s, d)| (d, s))
            .collect()
    }

    /// What `First` computes, from each arm searched alone: for every document of the union,
    /// the score of the first arm holding it, plus the score of `rest` (the other required
    /// clauses; BM25 scores of a conjunction's clauses add up). Tantivy cannot express it
    /// directly: excluding a phrase (`MustNot`) trips an assertion of its phrase scorer.
    fn first_reference(
        searcher: &Searcher,
        arms: &[Box<dyn Query>],
        rest: Option<&dyn Query>,
    ) -> (usize, Vec<(f32, DocAddress)>) {
        let per_arm: Vec<_> = arms.iter().map(|a| scores(searcher, a.as_ref())).collect();
        let rest = rest.map(|r| scores(searcher, r));
        let mut docs: Vec<DocAddress> = per_arm.iter().flat_map(|m| m.keys().copied()).collect();
        docs.sort();
        docs.dedup();
        let hits: Vec<(f32, DocAddress)> = docs
            .into_iter()
            .filter_map(|d| {
                let first = per_arm.iter().find_map(|m| m.get(&d))?;
                match &rest {
                    None => Some((*first, d)),
                    Some(r) => r.get(&d).map(|s| (first + s, d)),
                }
            })
            .collect();
        (hits.len(), hits)
    }

    #[test]
    fn first_scores_by_the_first_arm_that_matches() {
        let (searcher, f) = index();
        for (w, p, q) in [
            ("a", ["a", "b"], ["c", "d", "e"]),
            ("e", ["b", "c"], ["e", "a", "d"]),
        ] {
            let lazy = AnyOfQuery::first_of(arms(f, w, &p, &q));
            let reference = first_reference(&searcher, &arms(f, w, &p, &q), None);
            same(results(&searcher, &lazy), reference.clone());
            // Unscored, either combination walks the arms lazily (each asked only below the
            // nearest document an earlier arm holds) and must still find every document.
            assert_eq!(lazy.count(&searcher).expect("in-memory index"), reference.0);
            let union = AnyOfQuery::new(arms(f, w, &p, &q));
            assert_eq!(
                union.count(&searcher).expect("in-memory index"),
                reference.0
            );
            // Some documents hold more than one arm: the sum scores them differently.
            let summed = results(&searcher, &AnyOfQuery::new(arms(f, w, &p, &q)));
            assert!(
                summed.1.iter().map(|h| h.0).sum::<f32>()
                    > results(&searcher, &lazy).1.iter().map(|h| h.0).sum::<f32>() + 1.0
            );
            for other in [term(f, "z"), phrase(f, &["d", "b"])] {
                let lazy = BooleanQuery::new(vec![
                    (
                        Occur::Must,
                        Box::new(AnyOfQuery::first_of(arms(f, w, &p, &q))) as Box<dyn Query>,
                    ),
                    (Occur::Must, other.box_clone()),
                ]);
                let expected =
                    first_reference(&searcher, &arms(f, w, &p, &q), Some(other.as_ref()));
                assert!(expected.0 > 0);
                same(results(&searcher, &lazy), expected.clone());
                assert_eq!(lazy.count(&searcher).expect("in-memory index"), expected.0);
            }
        }
    }

    #[test]
    fn a_phrase_arm_made_at_a_probe_is_not_taken_to_match_its_lower_bound() {
        // Document 1 holds both words of the phrase, apart: the phrase's first probe answers
        // with it as a lower bound, which must not count as a match.
        let (searcher, text) = index_of(["x", "b a x", "a b x", "b x a", "x a b"], 100);
        for any in [
            AnyOfQuery::new(vec![phrase(text, &["a", "b"])]),
            AnyOfQuery::first_of(vec![phrase(text, &["a", "b"]), term(text, "zzz")]),
        ] {
            let q = BooleanQuery::new(vec![
                (Occur::Must, term(text, "x")),
                (Occur::Must, Box::new(any) as Box<dyn Query>),
            ]);
            let docs: Vec<u32> = results(&searcher, &q)
                .1
                .into_iter()
                .map(|(_, d)| d.doc_id)
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            assert_eq!(docs, vec![2, 4]);
            assert_eq!(q.count(&searcher).expect("in-memory index"), 2);
        }
    }

    #[test]
    fn no_arms_match_nothing() {
        let (searcher, _) = index();
        assert_eq!(results(&searcher, &AnyOfQuery::new(vec![])).0, 0);
    }

    /// Every document of `scorer` from `from` on, one `advance` at a time or a block at a time.
    fn walk_from(mut scorer: Box<dyn Scorer>, from: DocId, blocks: bool) -> Vec<DocId> {
        if scorer.doc() < from {
            scorer.seek(from);
        }
        let mut docs = Vec::new();
        if blocks {
            let mut block = [0; COLLECT_BLOCK_BUFFER_LEN];
            loop {
                let filled = scorer.fill_buffer(&mut block);
                docs.extend_from_slice(&block[..filled]);
                if filled < block.len() {
                    return docs;
                }
            }
        }
        while scorer.doc() != TERMINATED {
            docs.push(scorer.doc());
            scorer.advance();
        }
        docs
    }

    /// Unscored, block by block (the first arm read ahead, the others asked only where the
    /// first leaves room), any of several arms gives the documents of a walk one `advance` at a
    /// time: a frequent or a rare first arm, phrases after it, summed arms, nested, from the
    /// start of a segment or from a later `seek`.
    #[test]
    fn unscored_blocks_give_the_documents_of_a_walk() {
        let (searcher, f) = index();
        let nested: Box<dyn Query> = Box::new(AnyOfQuery::first_of(vec![
            term(f, "d"),
            phrase(f, &["e", "a"]),
        ]));
        let cases: Vec<Box<dyn Query>> = vec![
            Box::new(AnyOfQuery::first_of(vec![
                term(f, "a"),
                phrase(f, &["b", "c"]),
            ])),
            Box::new(AnyOfQuery::first_of(vec![
                term(f, "z"),
                phrase(f, &["a", "b"]),
                term(f, "e"),
            ])),
            Box::new(AnyOfQuery::new(vec![phrase(f, &["c", "d"]), term(f, "b")])),
            Box::new(AnyOfQuery::first_of(vec![nested, term(f, "z")])),
        ];
        let mut documents = 0;
        for q in &cases {
            let weight = q
                .weight(EnableScoring::disabled_from_searcher(&searcher))
                .expect("weight");
            for reader in searcher.segment_readers() {
                for from in [0, 1, 333, 700, 2000] {
                    let scorer = || weight.scorer(reader, 1.0).expect("scorer");
                    let walked = walk_from(scorer(), from, false);
                    assert_eq!(walk_from(scorer(), from, true), walked, "{q:?} from {from}");
                    documents += walked.len();
                }
            }
        }
        assert!(documents > 10_000, "the cases match many documents");
    }
}
