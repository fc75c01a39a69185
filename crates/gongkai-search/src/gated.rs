//! `Gated`: the documents of a costly query (a phrase) that a cheap one (the gate: postings
//! only) also holds, scored as the sum of both. What a `BooleanQuery` of two `Must` clauses
//! matches, except that the gate always leads and that a scorer made to answer a probe
//! (`scorer_danger`) asks only about that document.
//!
//! Why: tantivy builds an intersection by aligning its clauses on their first common document
//! from the start of the segment, even when it is built by `scorer_danger` to answer a probe at
//! a later document. A word's phrase of pieces behind its bigram filter (see `query`'s
//! `grams_filter`) was such an intersection, built each time a conjunction of several words made
//! the word's scorer: the alignment read the phrase's positions at every document holding the
//! bigrams until the first real match, which for the characters of a two-character word cut
//! apart is rare. Profiling the multi-word class (callgrind) found a fifth of its instructions in
//! those alignments. And tantivy's intersection leads with the clause of the lowest estimated
//! cost, which can be the phrase (see `scorer`).

use std::sync::{Arc, Mutex, PoisonError};

use rustc_hash::FxHashMap;
use tantivy::index::SegmentId;
use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SeekDangerResult, SegmentReader, TERMINATED};

use crate::any_of::{Arm, matched_score};

/// The documents of `inner` that `gate` also holds; the gate is asked first.
#[derive(Debug)]
pub struct GatedQuery {
    gate: Box<dyn Query>,
    inner: Box<dyn Query>,
    first_matches: FirstMatches,
}

/// The first document each segment's scorer found, shared by the weights of one query and its
/// clones. Why: a search page makes two scorers per segment, one scored and one counting the
/// rest, and finding the first match walks the gate's postings, reading the phrase's positions
/// at each of its documents up to the first real match: for the pieces of 规划 at 1M items,
/// 2 M instructions a scorer, a sixth of the page. A segment never changes, so what one scorer
/// found holds for every later one.
type FirstMatches = Arc<Mutex<FxHashMap<SegmentId, DocId>>>;

impl GatedQuery {
    pub fn new(gate: Box<dyn Query>, inner: Box<dyn Query>) -> Self {
        GatedQuery {
            gate,
            inner,
            first_matches: FirstMatches::default(),
        }
    }
}

impl Clone for GatedQuery {
    fn clone(&self) -> Self {
        GatedQuery {
            gate: self.gate.box_clone(),
            inner: self.inner.box_clone(),
            first_matches: self.first_matches.clone(),
        }
    }
}

impl Query for GatedQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(GatedWeight {
            gate: self.gate.weight(scoring)?,
            inner: self.inner.weight(scoring)?,
            first_matches: self.first_matches.clone(),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a tantivy::Term, bool)) {
        self.gate.query_terms(visitor);
        self.inner.query_terms(visitor);
    }
}

struct GatedWeight {
    gate: Box<dyn Weight>,
    inner: Box<dyn Weight>,
    first_matches: FirstMatches,
}

impl GatedWeight {
    fn probed_at(
        &self,
        reader: &SegmentReader,
        target: DocId,
        boost: Score,
    ) -> tantivy::Result<GatedScorer> {
        let (gate_found, gate) = self.gate.scorer_danger(reader, target, boost)?;
        let gate = Arm::probed(gate, target, gate_found);
        // The phrase is made where the gate stands, so that it reads no positions where the
        // gate already says no.
        let at = gate.next();
        let inner = if at >= TERMINATED {
            let none: Box<dyn Scorer> = Box::new(EmptyScorer);
            Arm::probed(none, target, SeekDangerResult::SeekLowerBound(TERMINATED))
        } else {
            let (inner_found, inner) = self.inner.scorer_danger(reader, at, boost)?;
            Arm::probed(inner, at, inner_found)
        };
        Ok(GatedScorer {
            gate,
            inner,
            doc: target,
        })
    }
}

impl Weight for GatedWeight {
    /// The gate always leads, as in a probe: tantivy's intersection would lead with the phrase
    /// whenever its estimated cost is lower (the pieces of 社区 cut apart are rare tokens, so the
    /// estimate is small), and walk the phrase reading positions at every document holding its
    /// pieces: 社区 newest first at 1M took twice as long.
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let segment = reader.segment_id();
        let first_matches = || {
            self.first_matches
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
        };
        let from = first_matches().get(&segment).copied().unwrap_or(0);
        let mut scorer = self.probed_at(reader, from, boost)?;
        scorer.doc = scorer.settle(from);
        first_matches().insert(segment, scorer.doc);
        Ok(Box::new(scorer))
    }

    fn scorer_danger(
        &self,
        reader: &SegmentReader,
        target: DocId,
        boost: Score,
    ) -> tantivy::Result<(SeekDangerResult, Box<dyn Scorer>)> {
        let scorer = self.probed_at(reader, target, boost)?;
        let result = if scorer.holds(target) {
            SeekDangerResult::Found
        } else {
            SeekDangerResult::SeekLowerBound(scorer.lower_bound())
        };
        Ok((result, Box::new(scorer)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut explanation = Explanation::new("gated", matched_score(self, reader, doc)?);
        explanation.add_detail(self.inner.explain(reader, doc)?);
        Ok(explanation)
    }
}

struct GatedScorer {
    gate: Arm,
    inner: Arm,
    /// The document both hold, or after a missed probe the probe itself (tantivy's "invalid"
    /// state, after which tantivy only calls `seek_danger`; `seek` and `advance` work too).
    doc: DocId,
}

impl GatedScorer {
    fn holds(&self, doc: DocId) -> bool {
        self.gate.holds(doc) && self.inner.holds(doc)
    }

    /// Where the next document both hold can be at the earliest.
    fn lower_bound(&self) -> DocId {
        self.gate.next().max(self.inner.next())
    }

    /// Whether both hold `target`; the inner query is asked only where the gate holds it.
    fn probe(&mut self, target: DocId) -> bool {
        self.doc = target;
        self.gate.probe(target) && self.inner.probe(target)
    }

    /// The first document at or after `target` that both hold.
    fn settle(&mut self, target: DocId) -> DocId {
        let mut candidate = target;
        while candidate < TERMINATED {
            if self.probe(candidate) {
                return candidate;
            }
            candidate = self.lower_bound();
        }
        TERMINATED
    }
}

impl DocSet for GatedScorer {
    fn advance(&mut self) -> DocId {
        self.seek(self.doc.saturating_add(1))
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if target <= self.doc && self.holds(self.doc) {
            return self.doc;
        }
        self.doc = self.settle(target);
        self.doc
    }

    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        if target >= TERMINATED {
            self.doc = TERMINATED;
            return SeekDangerResult::SeekLowerBound(TERMINATED);
        }
        if self.probe(target) {
            SeekDangerResult::Found
        } else {
            SeekDangerResult::SeekLowerBound(self.lower_bound())
        }
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.gate
            .scorer
            .size_hint()
            .min(self.inner.scorer.size_hint())
    }

    fn cost(&self) -> u64 {
        self.gate.scorer.cost()
    }
}

impl Scorer for GatedScorer {
    fn score(&mut self) -> Score {
        self.gate.scorer.score() + self.inner.scorer.score()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::any_of::AnyOfQuery;
    use crate::test_support::{phrase, random_index, term};
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, Occur};
    use tantivy::{DocAddress, Searcher};

    fn results(searcher: &Searcher, q: &dyn Query) -> (usize, Vec<(f32, DocAddress)>) {
        let (mut top, count) = searcher
            .search(q, &(TopDocs::with_limit(5000).order_by_score(), Count))
            .expect("in-memory index");
        top.sort_by_key(|(_, d)| *d);
        (count, top)
    }

    fn conjunction(a: Box<dyn Query>, b: Box<dyn Query>) -> Box<dyn Query> {
        Box::new(BooleanQuery::new(vec![(Occur::Must, a), (Occur::Must, b)]))
    }

    /// The same documents with the same scores, and something found.
    fn same(got: (usize, Vec<(f32, DocAddress)>), expected: (usize, Vec<(f32, DocAddress)>)) {
        assert!(expected.0 > 0, "the case matches nothing");
        assert_eq!(got.0, expected.0, "counts differ");
        assert_eq!(got.1.len(), expected.1.len());
        for ((sg, dg), (se, de)) in got.1.iter().zip(&expected.1) {
            assert_eq!(dg, de);
            assert!((sg - se).abs() <= 1e-4 * se.abs().max(1.0), "{dg:?}");
        }
    }

    #[test]
    fn matches_and_scores_as_a_conjunction() {
        let (searcher, f) = random_index(&["a", "b", "c", "d", "e", "f"], 11, 4000);
        let cases: Vec<(Box<dyn Query>, Box<dyn Query>)> = vec![
            (term(f, "a"), phrase(f, &["a", "b"])),
            (term(f, "z"), phrase(f, &["c", "d"])),
            (term(f, "e"), phrase(f, &["a", "z"])),
            (phrase(f, &["b", "c"]), term(f, "f")),
        ];
        for (gate, inner) in cases {
            let gated = GatedQuery::new(gate.box_clone(), inner.box_clone());
            same(
                results(&searcher, &gated),
                results(&searcher, conjunction(gate, inner).as_ref()),
            );
        }
        // A piece the index lacks: the phrase has no scorer at all.
        let absent = GatedQuery::new(term(f, "a"), phrase(f, &["a", "y"]));
        assert_eq!(results(&searcher, &absent).0, 0);
    }

    /// A second search with the same query, or a clone, starts each segment's scorer at the
    /// first match the first search found, and finds all the same.
    #[test]
    fn later_scorers_start_at_the_first_match_found_before() {
        let (searcher, f) = random_index(&["a", "b", "c", "d", "e", "f"], 11, 4000);
        for (gate, inner) in [("z", &["c", "d"][..]), ("a", &["b", "e", "f"][..])] {
            let gated = GatedQuery::new(term(f, gate), phrase(f, inner));
            let expected = results(
                &searcher,
                conjunction(term(f, gate), phrase(f, inner)).as_ref(),
            );
            same(results(&searcher, &gated), expected.clone());
            let known = gated
                .first_matches
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone();
            assert_eq!(known.len(), searcher.segment_readers().len());
            assert!(known.values().any(|&doc| doc > 0 && doc < TERMINATED));
            same(results(&searcher, &gated), expected.clone());
            same(results(&searcher, &gated.clone()), expected);
        }
    }

    #[test]
    fn probes_in_a_conjunction_find_what_the_conjunction_finds() {
        // Inside an intersection the gated query is built by `scorer_danger` and probed with
        // `seek_danger` at the other clause's documents; as the later arm of a word's forms
        // (`AnyOf` first-of) it is asked only where the term misses.
        let (searcher, f) = random_index(&["a", "b", "c", "d", "e", "f", "g"], 5, 4000);
        for (lead, gate, inner) in [
            ("z", "a", &["a", "b"][..]),
            ("g", "c", &["c", "d"][..]),
            ("b", "e", &["e", "f", "g"][..]),
        ] {
            let gated: Box<dyn Query> = Box::new(GatedQuery::new(term(f, gate), phrase(f, inner)));
            let plain = conjunction(term(f, gate), phrase(f, inner));
            same(
                results(
                    &searcher,
                    conjunction(term(f, lead), gated.box_clone()).as_ref(),
                ),
                results(
                    &searcher,
                    conjunction(term(f, lead), plain.box_clone()).as_ref(),
                ),
            );
            let forms = AnyOfQuery::first_of(vec![term(f, "d"), gated]);
            let either =
                BooleanQuery::new(vec![(Occur::Should, term(f, "d")), (Occur::Should, plain)]);
            let docs = |r: (usize, Vec<(f32, DocAddress)>)| {
                (r.0, r.1.into_iter().map(|(_, d)| d).collect::<Vec<_>>())
            };
            assert_eq!(
                docs(results(
                    &searcher,
                    conjunction(term(f, lead), Box::new(forms)).as_ref()
                )),
                docs(results(
                    &searcher,
                    conjunction(term(f, lead), Box::new(either)).as_ref()
                )),
                "{lead} {gate}"
            );
        }
    }
}
