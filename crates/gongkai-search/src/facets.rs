//! Facet counts (分面计数): for every document a query matches, count its body, topic, key area,
//! genre, validity and year, so the filters show how many results each choice leaves.

use std::collections::HashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// Counts per value, largest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Facets {
    pub bodies: Vec<(i64, u64)>,
    pub topics: Vec<(String, u64)>,
    pub key_areas: Vec<(String, u64)>,
    pub genres: Vec<(String, u64)>,
    pub validity: Vec<(String, u64)>,
    pub years: Vec<(i32, u64)>,
}

const STR_FIELDS: [&str; 4] = ["topic", "key_area", "genre", "validity"];

pub struct FacetCollector;

#[derive(Default)]
pub struct Partial {
    bodies: HashMap<u64, u64>,
    years: HashMap<u64, u64>,
    strings: [HashMap<String, u64>; 4],
}

pub struct FacetSegment {
    body: Column<u64>,
    year: Column<u64>,
    columns: Vec<Option<StrColumn>>,
    body_counts: HashMap<u64, u64>,
    year_counts: HashMap<u64, u64>,
    /// Per string column, a count per term ordinal: a vector, since a segment's dictionary of
    /// topics, key areas, genres or validities is small and dense.
    ord_counts: Vec<Vec<u64>>,
}

impl Collector for FacetCollector {
    type Fruit = Facets;
    type Child = FacetSegment;

    fn for_segment(
        &self,
        _ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<FacetSegment> {
        let fast = reader.fast_fields();
        let columns = STR_FIELDS
            .iter()
            .map(|f| fast.str(f))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(FacetSegment {
            body: fast.u64("body_id")?,
            year: fast.u64("year")?,
            ord_counts: columns
                .iter()
                .map(|c| vec![0; c.as_ref().map_or(0, |c| c.num_terms())])
                .collect(),
            columns,
            body_counts: HashMap::new(),
            year_counts: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, parts: Vec<Partial>) -> tantivy::Result<Facets> {
        let mut total = Partial::default();
        for part in parts {
            merge(&mut total.bodies, part.bodies);
            merge(&mut total.years, part.years);
            for (into, from) in total.strings.iter_mut().zip(part.strings) {
                merge(into, from);
            }
        }
        let [topics, key_areas, genres, validity] = total.strings.map(sorted);
        Ok(Facets {
            bodies: sorted(total.bodies)
                .into_iter()
                .map(|(id, n)| (i64::try_from(id).unwrap_or(i64::MAX), n))
                .collect(),
            years: {
                let mut years: Vec<(i32, u64)> = total
                    .years
                    .into_iter()
                    .map(|(y, n)| (i32::try_from(y).unwrap_or(0), n))
                    .collect();
                years.sort_by_key(|y| std::cmp::Reverse(y.0));
                years
            },
            topics,
            key_areas,
            genres,
            validity,
        })
    }
}

fn merge<K: std::hash::Hash + Eq>(into: &mut HashMap<K, u64>, from: HashMap<K, u64>) {
    for (k, n) in from {
        *into.entry(k).or_default() += n;
    }
}

fn sorted<K: Ord>(counts: HashMap<K, u64>) -> Vec<(K, u64)> {
    let mut v: Vec<(K, u64)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

impl SegmentCollector for FacetSegment {
    type Fruit = Partial;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if let Some(body) = self.body.first(doc) {
            *self.body_counts.entry(body).or_default() += 1;
        }
        if let Some(year) = self.year.first(doc) {
            *self.year_counts.entry(year).or_default() += 1;
        }
        for (column, counts) in self.columns.iter().zip(self.ord_counts.iter_mut()) {
            if let Some(column) = column {
                for ord in column.term_ords(doc) {
                    if let Some(n) = counts.get_mut(ord as usize) {
                        *n += 1;
                    }
                }
            }
        }
    }

    fn harvest(self) -> Partial {
        let mut strings: [HashMap<String, u64>; 4] = Default::default();
        for ((column, counts), out) in self
            .columns
            .iter()
            .zip(self.ord_counts)
            .zip(strings.iter_mut())
        {
            let Some(column) = column else { continue };
            for (ord, n) in counts.into_iter().enumerate().filter(|(_, n)| *n > 0) {
                let ord = ord as u64;
                let mut value = String::new();
                if column.ord_to_str(ord, &mut value).unwrap_or(false) {
                    *out.entry(value).or_default() += n;
                }
            }
        }
        Partial {
            bodies: self.body_counts,
            years: self.year_counts,
            strings,
        }
    }
}
