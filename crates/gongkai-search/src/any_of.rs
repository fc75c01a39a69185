//! `AnyOf`: the documents matching any of several queries, scored as the sum of the scores of
//! those that match: what a `BooleanQuery` of `Should` clauses does, evaluated lazily when it is
//! one required part of a conjunction.
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

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{
    DocId, DocSet, Score, SeekDangerResult, SegmentReader, TERMINATED, TantivyError, Term,
};

/// Any of `queries` (at least one must match); the score is the sum over those that match.
#[derive(Debug)]
pub struct AnyOfQuery {
    queries: Vec<Box<dyn Query>>,
}

impl AnyOfQuery {
    pub fn new(queries: Vec<Box<dyn Query>>) -> Self {
        AnyOfQuery { queries }
    }
}

impl Clone for AnyOfQuery {
    fn clone(&self) -> Self {
        AnyOfQuery {
            queries: self.queries.iter().map(|q| q.box_clone()).collect(),
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
    /// Whether scores are asked for: if not, a probe stops at the first arm that matches.
    scored: bool,
}

impl Weight for AnyOfWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let arms = self
            .weights
            .iter()
            .map(|w| w.scorer(reader, boost))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(AnyOfScorer::new(arms, self.scored)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        let mut explanation = Explanation::new("any of", scorer.score());
        for weight in &self.weights {
            if let Ok(arm) = weight.explain(reader, doc) {
                explanation.add_detail(arm);
            }
        }
        Ok(explanation)
    }
}

/// One arm and what is known of where it stands.
struct Arm {
    scorer: Box<dyn Scorer>,
    /// The arm's document when `settled`; otherwise only a lower bound of its next document
    /// (after a `seek_danger` miss the scorer may be in tantivy's invalid state and must only
    /// be probed with `seek_danger` until it is positioned again).
    next: DocId,
    settled: bool,
}

impl Arm {
    fn new(scorer: Box<dyn Scorer>) -> Self {
        Arm {
            next: scorer.doc(),
            scorer,
            settled: true,
        }
    }

    fn holds(&self, doc: DocId) -> bool {
        self.settled && self.next == doc
    }

    /// Whether the arm holds `target`, moving it no further than needed to tell. Targets
    /// strictly increase between probes, as `seek_danger` requires.
    fn probe(&mut self, target: DocId) -> bool {
        if self.next > target {
            return false;
        }
        if self.holds(target) {
            return true;
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

    /// Positions the arm on its first document at or after `target` and returns it.
    fn settle(&mut self, target: DocId) -> DocId {
        if self.settled {
            if self.next < target {
                self.next = self.scorer.seek(target);
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
    scored: bool,
}

impl AnyOfScorer {
    fn new(scorers: Vec<Box<dyn Scorer>>, scored: bool) -> Self {
        let arms: Vec<Arm> = scorers.into_iter().map(Arm::new).collect();
        let doc = arms.iter().map(|a| a.next).min().unwrap_or(TERMINATED);
        AnyOfScorer { arms, doc, scored }
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
        self.doc = self
            .arms
            .iter_mut()
            .map(|a| a.settle(target))
            .min()
            .unwrap_or(TERMINATED);
        self.doc
    }

    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        if target >= TERMINATED {
            return SeekDangerResult::SeekLowerBound(TERMINATED);
        }
        // When scoring, every arm is probed, so that the score counts each arm holding the
        // document; an arm left unprobed keeps its lower bound and is probed on a later call.
        let mut found = false;
        let mut bound = TERMINATED;
        for arm in &mut self.arms {
            if arm.probe(target) {
                found = true;
                if !self.scored {
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
        self.arms
            .iter_mut()
            .filter(|a| a.holds(doc))
            .map(|a| a.scorer.score())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{DocAddress, Index, Searcher, doc};

    /// A small index whose documents are words drawn from a tiny vocabulary, so that phrases,
    /// terms and conjunctions of them overlap in every way; several segments.
    fn index() -> (Searcher, tantivy::schema::Field) {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index
            .writer_with_num_threads(1, 15_000_000)
            .expect("in-memory index");
        let words = ["a", "b", "c", "d", "e"];
        let mut state: u64 = 7;
        for n in 0..3000 {
            let mut body = Vec::new();
            for _ in 0..(3 + n % 9) {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                body.push(words[(state >> 33) as usize % words.len()]);
            }
            // A rare word: a conjunction led by it counts sparsely, probing the others.
            if n % 97 == 0 {
                body.push("z");
            }
            writer
                .add_document(doc!(text => body.join(" ")))
                .expect("in-memory index");
            if n % 1000 == 999 {
                writer.commit().expect("in-memory index");
            }
        }
        writer.commit().expect("in-memory index");
        (index.reader().expect("in-memory index").searcher(), text)
    }

    fn term(field: tantivy::schema::Field, w: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, w),
            IndexRecordOption::WithFreqsAndPositions,
        ))
    }

    fn phrase(field: tantivy::schema::Field, ws: &[&str]) -> Box<dyn Query> {
        Box::new(PhraseQuery::new(
            ws.iter().map(|w| Term::from_field_text(field, w)).collect(),
        ))
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

    #[test]
    fn no_arms_match_nothing() {
        let (searcher, _) = index();
        assert_eq!(results(&searcher, &AnyOfQuery::new(vec![])).0, 0);
    }
}
