//! `WithBonus`: the documents of a base query, scored as the base plus every bonus query that
//! also holds the document. What a `BooleanQuery` of one `Must` and several `Should` clauses
//! does, except that a bonus is asked only about the documents the base yields and only when
//! a score is wanted.
//!
//! Why: tantivy's required-optional scorer moves its optional clauses with a full `seek`, so a
//! phrase among the boosts (a word's pieces in the title, the query's words side by side) reads
//! the positions of every document holding its terms, up to its next real match, even between
//! the documents the query finds. Profiling the multi-word class put a third of its time there.
//! Here a bonus answers one probe (`seek_danger`) per scored document, and counting never
//! touches it.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{
    DocAddress, DocId, DocSet, Score, SeekDangerResult, SegmentReader, TERMINATED, Term,
};

use crate::any_of::Arm;
use crate::top_scores::{ScoreBounds, TopScores};

/// `base`, with `bonuses` adding to the score of the documents they also hold.
#[derive(Debug)]
pub struct WithBonusQuery {
    base: Box<dyn Query>,
    bonuses: Vec<Box<dyn Query>>,
    bounds: Option<ScoreBounds>,
}

impl WithBonusQuery {
    pub fn new(base: Box<dyn Query>, bonuses: Vec<Box<dyn Query>>) -> Self {
        WithBonusQuery {
            base,
            bonuses,
            bounds: None,
        }
    }

    /// With upper bounds of the base's and each bonus's score, which let a walk for the best
    /// documents skip scoring the base's (see `top_scores`). A bound below a real score would
    /// lose documents.
    pub fn with_bounds(mut self, bounds: ScoreBounds) -> Self {
        if bounds.bonuses.len() == self.bonuses.len() {
            self.bounds = Some(bounds);
        }
        self
    }
}

impl Clone for WithBonusQuery {
    fn clone(&self) -> Self {
        WithBonusQuery {
            base: self.base.box_clone(),
            bonuses: self.bonuses.iter().map(|q| q.box_clone()).collect(),
            bounds: self.bounds.clone(),
        }
    }
}

impl Query for WithBonusQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let base = self.base.weight(scoring)?;
        // Unscored, a bonus can change nothing.
        let bonuses = if scoring.is_scoring_enabled() {
            self.bonuses
                .iter()
                .map(|q| q.weight(scoring))
                .collect::<tantivy::Result<Vec<_>>>()?
        } else {
            Vec::new()
        };
        Ok(Box::new(WithBonusWeight {
            base,
            bonuses,
            bounds: self.bounds.clone(),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.base.query_terms(visitor);
        for q in &self.bonuses {
            q.query_terms(visitor);
        }
    }
}

struct WithBonusWeight {
    base: Box<dyn Weight>,
    bonuses: Vec<Box<dyn Weight>>,
    bounds: Option<ScoreBounds>,
}

impl Weight for WithBonusWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let base = self.base.scorer(reader, boost)?;
        if self.bonuses.is_empty() || base.doc() == TERMINATED {
            return Ok(base);
        }
        let bonuses = Arm::all_probed(&self.bonuses, reader, base.doc(), boost)?;
        Ok(Box::new(WithBonusScorer {
            base,
            bonuses,
            // Bounds hold for the query as built; a boost from outside would scale them.
            bounds: self.bounds.clone().filter(|_| boost == 1.0),
        }))
    }

    fn scorer_danger(
        &self,
        reader: &SegmentReader,
        target: DocId,
        boost: Score,
    ) -> tantivy::Result<(SeekDangerResult, Box<dyn Scorer>)> {
        let (result, base) = self.base.scorer_danger(reader, target, boost)?;
        if self.bonuses.is_empty() {
            return Ok((result, base));
        }
        let bonuses = Arm::all_probed(&self.bonuses, reader, target, boost)?;
        let scorer = WithBonusScorer {
            base,
            bonuses,
            bounds: None,
        };
        Ok((result, Box::new(scorer)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let base = self.base.explain(reader, doc)?;
        let mut total = base.value();
        let mut details = vec![base];
        for weight in &self.bonuses {
            if let Ok(bonus) = weight.explain(reader, doc) {
                total += bonus.value();
                details.push(bonus);
            }
        }
        let mut explanation = Explanation::new("with bonus", total);
        for d in details {
            explanation.add_detail(d);
        }
        Ok(explanation)
    }
}

pub(crate) struct WithBonusScorer {
    base: Box<dyn Scorer>,
    bonuses: Vec<Arm>,
    bounds: Option<ScoreBounds>,
}

impl WithBonusScorer {
    pub(crate) fn bounds(&self) -> Option<&ScoreBounds> {
        self.bounds.as_ref()
    }

    /// Offers `top` every document from `from` on that the base matches and a bonus holds,
    /// unless its bound says it cannot be taken; `address` gives a live document's address,
    /// `tie_key` its tie key (see [`TopScores::push`]).
    /// Returns how many were scored. What a walk does once no document the base holds alone
    /// can enter `top`.
    pub(crate) fn offer_bonus_holders(
        &mut self,
        from: DocId,
        top: &mut TopScores,
        address: impl Fn(DocId) -> Option<DocAddress>,
        tie_key: &dyn Fn(DocId) -> i64,
    ) -> u64 {
        let Some(bounds) = self.bounds.clone() else {
            return 0;
        };
        let mut scored = 0;
        let mut next = from;
        while next < TERMINATED {
            let candidate = self
                .bonuses
                .iter_mut()
                .map(|arm| arm.settle(next))
                .min()
                .unwrap_or(TERMINATED);
            if candidate >= TERMINATED {
                break;
            }
            // The bonuses' own scores are at hand (their arms stand on the candidate): with the
            // base's bound they tell whether to move the base at all. A word in many titles
            // (工作) has thousands of candidates, most with titles too long to score high.
            let bound = bounds.base
                + self
                    .bonuses
                    .iter_mut()
                    .filter(|arm| arm.holds(candidate))
                    .map(|arm| arm.scorer.score())
                    .sum::<Score>();
            if !top.could_take(bound) {
                next = candidate + 1;
                continue;
            }
            let at = if self.base.doc() >= candidate {
                self.base.doc()
            } else {
                self.base.seek(candidate)
            };
            if at != candidate {
                next = at;
                continue;
            }
            if let Some(address) = address(candidate) {
                top.push(self.score(), address, || tie_key(candidate));
                scored += 1;
            }
            next = candidate + 1;
        }
        scored
    }
}

impl DocSet for WithBonusScorer {
    fn advance(&mut self) -> DocId {
        self.base.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.base.seek(target)
    }

    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        self.base.seek_danger(target)
    }

    fn doc(&self) -> DocId {
        self.base.doc()
    }

    fn size_hint(&self) -> u32 {
        self.base.size_hint()
    }

    fn cost(&self) -> u64 {
        self.base.cost()
    }
}

impl Scorer for WithBonusScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc();
        let mut score = self.base.score();
        // Documents are scored in increasing order, as `probe` requires; asking twice about
        // one document is answered from the arm's state.
        for arm in &mut self.bonuses {
            if arm.probe(doc) {
                score += arm.scorer.score();
            }
        }
        score
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{phrase, random_index, term};
    use std::collections::HashMap;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, BoostQuery, Occur};
    use tantivy::{DocAddress, Searcher};

    fn hits(searcher: &Searcher, q: &dyn Query) -> (usize, HashMap<DocAddress, f32>) {
        let (top, count) = searcher
            .search(q, &(TopDocs::with_limit(5000).order_by_score(), Count))
            .expect("in-memory index");
        (count, top.into_iter().map(|(s, d)| (d, s)).collect())
    }

    #[test]
    fn it_matches_the_base_and_scores_as_must_plus_should() {
        let (searcher, f) = random_index(&["a", "b", "c", "d", "e", "f"], 11, 2500);
        let bases: Vec<Box<dyn Query>> = vec![
            term(f, "a"),
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, term(f, "b")),
                (Occur::Must, phrase(f, &["c", "d"])),
            ])),
        ];
        let bonuses = || -> Vec<Box<dyn Query>> {
            vec![
                phrase(f, &["e", "a"]),
                Box::new(BoostQuery::new(term(f, "f"), 2.0)),
                phrase(f, &["b", "b", "c"]),
            ]
        };
        for base in bases {
            let lazy = WithBonusQuery::new(base.box_clone(), bonuses());
            let mut clauses = vec![(Occur::Must, base.box_clone())];
            clauses.extend(bonuses().into_iter().map(|q| (Occur::Should, q)));
            let reference = BooleanQuery::new(clauses);
            let (lazy_count, lazy_hits) = hits(&searcher, &lazy);
            let (ref_count, ref_hits) = hits(&searcher, &reference);
            assert!(lazy_count > 0);
            assert_eq!(lazy_count, ref_count);
            assert_eq!(lazy.count(&searcher).expect("count"), ref_count);
            assert_eq!(lazy_hits.len(), ref_hits.len());
            // The bonuses do change scores (else this test would prove little).
            let (_, base_hits) = hits(&searcher, base.as_ref());
            assert!(
                lazy_hits
                    .iter()
                    .any(|(d, s)| (s - base_hits[d]).abs() > 0.1)
            );
            for (d, s) in &lazy_hits {
                let r = ref_hits[d];
                assert!(
                    (s - r).abs() <= 1e-4 * r.abs().max(1.0),
                    "{d:?}: {s} vs {r}"
                );
            }
            // Inside a conjunction, built at a probe.
            let inner = BooleanQuery::new(vec![
                (Occur::Must, term(f, "c")),
                (Occur::Must, Box::new(lazy.clone()) as Box<dyn Query>),
            ]);
            let outer = BooleanQuery::new(vec![
                (Occur::Must, term(f, "c")),
                (Occur::Must, Box::new(reference.clone()) as Box<dyn Query>),
            ]);
            let ((a, ah), (b, bh)) = (hits(&searcher, &inner), hits(&searcher, &outer));
            assert_eq!(a, b);
            for (d, s) in &ah {
                assert!((s - bh[d]).abs() <= 1e-4 * bh[d].abs().max(1.0), "{d:?}");
            }
        }
    }
}
