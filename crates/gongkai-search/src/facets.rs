//! Facet counts (分面计数): for every document a query matches, count its body, topic, key area,
//! genre, validity and year, so the filters show how many results each choice leaves.

use std::collections::HashMap;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Cardinality, Column};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::columns::SegmentColumns;

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

/// The facets' columns: two numeric (their values are counted), four of strings (their terms).
const NUMBER_FIELDS: [&str; 2] = ["body_id", "year"];
const STR_FIELDS: [&str; 4] = ["topic", "key_area", "genre", "validity"];
const FACETS: usize = NUMBER_FIELDS.len() + STR_FIELDS.len();

/// Counts the facets of every match; `segments` are the searcher's segments' columns, in order,
/// which keep each segment's [`FacetTable`] between searches.
pub struct FacetCollector {
    pub(crate) segments: Vec<SegmentColumns>,
}

/// Every facet of every document of a segment, as small indexes into the segment's values of
/// that facet, with those values. Made once per segment and kept: reading the six columns
/// for each match (bitpacked values, optional-value ranks, a term dictionary per value shown)
/// was most of the search page of a frequent word; an index per document is one load.
pub(crate) struct FacetTable {
    indexes: [Indexes; FACETS],
    /// The values behind the indexes of the numeric facets (body ids, years)…
    numbers: [Vec<u64>; NUMBER_FIELDS.len()],
    /// …and of the string facets.
    names: [Vec<String>; STR_FIELDS.len()],
    /// The segment's documents (deleted ones included) and their counts per value: a query
    /// matching most of the segment is counted as these less the documents it does not match.
    docs: DocId,
    totals: [Vec<u64>; FACETS],
}

/// One facet of every document of a segment.
enum Indexes {
    /// At most one value per document, [`Indexes::NONE`] for none: two bytes a document.
    One(Vec<u16>),
    /// Any number per document, or more values than two bytes tell apart.
    Many(IndexLists),
}

impl Indexes {
    const NONE: u16 = u16::MAX;

    /// The compact form when every document has at most one of fewer than `NONE` values.
    fn of(lists: IndexLists, values: usize) -> Self {
        if values >= usize::from(Self::NONE) || !lists.at_most_one_each() {
            return Indexes::Many(lists);
        }
        let one = (0..lists.docs())
            .map(|doc| {
                lists
                    .for_doc(doc)
                    .first()
                    .and_then(|&i| u16::try_from(i).ok())
                    .unwrap_or(Self::NONE)
            })
            .collect();
        Indexes::One(one)
    }

    /// Adds one to `counts` at the index of every value of each of `docs`.
    fn count(&self, docs: &[DocId], counts: &mut [u64]) {
        match self {
            Indexes::One(of_doc) => {
                for &doc in docs {
                    // `NONE` is past the end of `counts`: a document without a value is skipped
                    // by the same bounds check.
                    let slot = of_doc
                        .get(doc as usize)
                        .map_or(usize::MAX, |&i| usize::from(i));
                    if let Some(n) = counts.get_mut(slot) {
                        *n += 1;
                    }
                }
            }
            Indexes::Many(lists) => {
                for &doc in docs {
                    for &i in lists.for_doc(doc) {
                        if let Some(n) = counts.get_mut(i as usize) {
                            *n += 1;
                        }
                    }
                }
            }
        }
    }
}

/// The value indexes of every document of a segment, in two flat arrays.
struct IndexLists {
    /// Where each document's indexes start in `indexes`; one more entry than documents.
    starts: Vec<u32>,
    indexes: Vec<u32>,
}

impl IndexLists {
    /// `index_of` gives the index of each value of `column`; `None` when the segment holds more
    /// values than the lists can address.
    fn of(
        max_doc: DocId,
        column: &Column<u64>,
        mut index_of: impl FnMut(u64) -> Option<u32>,
    ) -> Option<Self> {
        let mut starts = Vec::with_capacity(max_doc as usize + 1);
        let mut indexes = Vec::with_capacity(max_doc as usize);
        if column.get_cardinality() == Cardinality::Multivalued {
            for doc in 0..max_doc {
                starts.push(u32::try_from(indexes.len()).ok()?);
                for value in column.values_for_doc(doc) {
                    indexes.push(index_of(value)?);
                }
            }
        } else {
            // At most one value each: read a block of documents at a time, a fraction of the
            // cost of asking document by document.
            let mut docs = Vec::with_capacity(BLOCK);
            let mut values = Vec::with_capacity(BLOCK);
            for first in (0..max_doc).step_by(BLOCK) {
                docs.clear();
                docs.extend(first..max_doc.min(first.saturating_add(BLOCK as DocId)));
                values.clear();
                values.resize(docs.len(), None);
                column.first_vals(&docs, &mut values);
                for value in &values {
                    starts.push(u32::try_from(indexes.len()).ok()?);
                    if let Some(value) = value {
                        indexes.push(index_of(*value)?);
                    }
                }
            }
        }
        starts.push(u32::try_from(indexes.len()).ok()?);
        Some(IndexLists { starts, indexes })
    }

    fn docs(&self) -> DocId {
        DocId::try_from(self.starts.len().saturating_sub(1)).unwrap_or(DocId::MAX)
    }

    fn at_most_one_each(&self) -> bool {
        self.starts.windows(2).all(|w| w[1] - w[0] <= 1)
    }

    fn for_doc(&self, doc: DocId) -> &[u32] {
        let doc = doc as usize;
        match self.starts.get(doc..doc + 2) {
            Some(&[from, to]) => self
                .indexes
                .get(from as usize..to as usize)
                .unwrap_or_default(),
            _ => &[],
        }
    }
}

impl FacetTable {
    /// How many values facet number `facet` has in the segment (numeric facets first).
    fn value_count(&self, facet: usize) -> usize {
        match facet.checked_sub(NUMBER_FIELDS.len()) {
            None => self.numbers.get(facet).map_or(0, Vec::len),
            Some(string) => self.names.get(string).map_or(0, Vec::len),
        }
    }

    pub(crate) fn build(reader: &SegmentReader) -> tantivy::Result<Self> {
        let fast = reader.fast_fields();
        let max_doc = reader.max_doc();
        let too_many = || tantivy::TantivyError::InternalError("too many facet values".into());
        let mut indexes = Vec::with_capacity(FACETS);
        let mut numbers: [Vec<u64>; NUMBER_FIELDS.len()] = Default::default();
        for (field, values) in NUMBER_FIELDS.iter().zip(numbers.iter_mut()) {
            let column = fast.u64(field)?;
            let mut index_of: FxHashMap<u64, u32> = FxHashMap::default();
            let lists = IndexLists::of(max_doc, &column, |value| {
                let next = u32::try_from(index_of.len()).ok()?;
                Some(*index_of.entry(value).or_insert(next))
            })
            .ok_or_else(too_many)?;
            let mut by_index: Vec<(u32, u64)> = index_of.into_iter().map(|(v, i)| (i, v)).collect();
            by_index.sort_unstable();
            *values = by_index.into_iter().map(|(_, value)| value).collect();
            indexes.push(Indexes::of(lists, values.len()));
        }
        let mut names: [Vec<String>; STR_FIELDS.len()] = Default::default();
        for (field, terms) in STR_FIELDS.iter().zip(names.iter_mut()) {
            let Some(column) = fast.str(field)? else {
                indexes.push(Indexes::One(Vec::new()));
                continue;
            };
            let lists = IndexLists::of(max_doc, column.ords(), |ord| u32::try_from(ord).ok())
                .ok_or_else(too_many)?;
            let mut stream = column.dictionary().stream()?;
            while stream.advance() {
                terms.push(String::from_utf8_lossy(stream.key()).into_owned());
            }
            indexes.push(Indexes::of(lists, terms.len()));
        }
        let indexes = indexes.try_into().map_err(|_| {
            tantivy::TantivyError::InternalError("a facet table has one entry per facet".into())
        })?;
        let mut table = FacetTable {
            indexes,
            numbers,
            names,
            docs: max_doc,
            totals: Default::default(),
        };
        let every: Vec<DocId> = (0..max_doc).collect();
        table.totals = table.count(&every);
        Ok(table)
    }

    /// The counts per value of each facet over `docs`, a block of documents at a time, one
    /// facet after another (which keeps each facet's indexes in the cache while it is read).
    fn count(&self, docs: &[DocId]) -> [Vec<u64>; FACETS] {
        let mut counts = std::array::from_fn(|facet| vec![0; self.value_count(facet)]);
        for block in docs.chunks(BLOCK) {
            for (indexes, counts) in self.indexes.iter().zip(counts.iter_mut()) {
                indexes.count(block, counts);
            }
        }
        counts
    }
}

#[derive(Default)]
pub struct Partial {
    bodies: HashMap<u64, u64>,
    years: HashMap<u64, u64>,
    strings: [HashMap<String, u64>; 4],
}

pub struct FacetSegment {
    table: Arc<FacetTable>,
    /// The matches, in order, counted when the segment is done: directly, or when they are
    /// most of it (a frequent word) as the segment's totals less the documents not matched,
    /// which are fewer.
    matched: Vec<DocId>,
}

/// Documents counted at once.
const BLOCK: usize = 256;

impl Collector for FacetCollector {
    type Fruit = Facets;
    type Child = FacetSegment;

    fn for_segment(
        &self,
        ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<FacetSegment> {
        let columns = self.segments.get(ord as usize).ok_or_else(|| {
            tantivy::TantivyError::InternalError(format!("no columns for segment {ord}"))
        })?;
        let table = columns.facet_table(reader)?;
        Ok(FacetSegment {
            matched: Vec::new(),
            table,
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
        self.matched.push(doc);
    }

    fn harvest(self) -> Partial {
        let table = &self.table;
        let counts = if self.matched.len() > table.docs as usize / 2 {
            let mut counts = table.totals.clone();
            let unmatched = table.count(&unmatched(&self.matched, table.docs));
            for (total, unmatched) in counts.iter_mut().zip(unmatched) {
                for (n, u) in total.iter_mut().zip(unmatched) {
                    *n = n.saturating_sub(u);
                }
            }
            counts
        } else {
            table.count(&self.matched)
        };
        let [body_counts, year_counts, string_counts @ ..] = counts;
        let counted = |values: &[u64], counts: Vec<u64>| -> HashMap<u64, u64> {
            nonzero(counts)
                .filter_map(|(i, n)| Some((*values.get(i)?, n)))
                .collect()
        };
        let [bodies, years] = &self.table.numbers;
        let mut strings: [HashMap<String, u64>; 4] = Default::default();
        for ((names, counts), out) in self.table.names.iter().zip(string_counts).zip(&mut strings) {
            for (i, n) in nonzero(counts) {
                if let Some(name) = names.get(i) {
                    *out.entry(name.clone()).or_default() += n;
                }
            }
        }
        Partial {
            bodies: counted(bodies, body_counts),
            years: counted(years, year_counts),
            strings,
        }
    }
}

/// The indexes counted at least once, with their counts.
fn nonzero(counts: Vec<u64>) -> impl Iterator<Item = (usize, u64)> {
    counts.into_iter().enumerate().filter(|(_, n)| *n > 0)
}

/// The documents below `docs` not in `matched` (ascending, as a walk hands them over).
fn unmatched(matched: &[DocId], docs: DocId) -> Vec<DocId> {
    let mut out = Vec::with_capacity((docs as usize).saturating_sub(matched.len()));
    let mut next = 0;
    for &doc in matched.iter().chain(std::iter::once(&docs)) {
        out.extend(next..doc.min(docs));
        next = next.max(doc.saturating_add(1));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unmatched_are_every_other_document_below_the_end() {
        assert_eq!(unmatched(&[0, 2, 3, 7], 9), vec![1, 4, 5, 6, 8]);
        assert_eq!(unmatched(&[], 3), vec![0, 1, 2]);
        assert_eq!(unmatched(&[0, 1, 2], 3), Vec::<DocId>::new());
        assert_eq!(unmatched(&[1, 5], 4), vec![0, 2, 3]);
    }
}
