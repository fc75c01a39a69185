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
    /// Every facet's set of values of every document, side by side.
    rows: Rows,
    /// The facets whose sets did not fit in the rows (tens of thousands of distinct sets in a
    /// segment), as lists of values per document, each with its facet number.
    lists: Vec<(usize, IndexLists)>,
    /// The values behind the indexes of the numeric facets (body ids, years)…
    numbers: [Vec<u64>; NUMBER_FIELDS.len()],
    /// …and of the string facets.
    names: [Vec<String>; STR_FIELDS.len()],
    /// The segment's documents (deleted ones included) and their counts per value: a query
    /// matching most of the segment is counted as these less the documents it does not match.
    docs: DocId,
    totals: [Vec<u64>; FACETS],
}

/// Every facet of every document in one row per document. Each entry is the slot, in one flat
/// array of counts, of the document's set of values of that facet: one value or none, or for a
/// multi-valued facet one of the combinations of values the segment's documents have (a few
/// hundred key-area combinations among 50,000 documents). A match costs one increment per
/// facet; the slots' counts become counts of values once per search. Why: counted one facet
/// after another, from a list of values per document for the multi-valued ones, the facets of
/// a match cost ~110 instructions, as much as finding it.
#[derive(Default)]
struct Rows {
    /// The facet numbers of the columns of a row.
    facets: Vec<usize>,
    /// Where each column's slots start in the flat counts; one more entry than columns.
    starts: Vec<usize>,
    /// For each column, the value indexes each of its slots stands for.
    sets: Vec<IndexLists>,
    /// `slots[doc * facets.len() + column]`.
    slots: Vec<u16>,
}

impl Rows {
    /// The facets of `candidates` (facet number, indexes, value count) whose sets of values fit,
    /// with those of the facets before them, in two-byte slots; returns the others.
    fn of(
        docs: DocId,
        candidates: Vec<(usize, IndexLists, usize)>,
    ) -> (Self, Vec<(usize, IndexLists)>) {
        let mut rows = Rows {
            starts: vec![0],
            ..Rows::default()
        };
        let mut columns = Vec::new();
        let mut others = Vec::new();
        for (facet, lists, values) in candidates {
            let start = rows.slot_count();
            let room = usize::from(u16::MAX) - start;
            let Some((of_doc, sets)) = value_sets(&lists, values, room) else {
                others.push((facet, lists));
                continue;
            };
            rows.facets.push(facet);
            rows.starts.push(start + sets.docs());
            rows.sets.push(sets);
            columns.push((start, of_doc));
        }
        rows.slots.reserve(docs as usize * columns.len());
        for doc in 0..docs as usize {
            for (start, of_doc) in &columns {
                let set = of_doc.get(doc).map_or(0, |&s| usize::from(s));
                rows.slots
                    .push(u16::try_from(start + set).unwrap_or(u16::MAX));
            }
        }
        (rows, others)
    }

    fn slot_count(&self) -> usize {
        self.starts.last().copied().unwrap_or(0)
    }

    /// Adds one to `flat` at every slot of the rows of `docs`.
    fn count(&self, docs: &[DocId], flat: &mut [u64]) {
        // Rows as wide as every facet (the usual case) are counted by a loop the compiler
        // unrolls: a third fewer instructions than one over a width it does not know.
        match self.facets.len() {
            0 => {}
            FACETS => count_rows::<FACETS>(&self.slots, docs, flat),
            width => {
                for &doc in docs {
                    let from = doc as usize * width;
                    if let Some(row) = self.slots.get(from..from + width) {
                        count_row(row, flat);
                    }
                }
            }
        }
    }

    /// Adds the counts of the slots in `flat` to the counts of the values they stand for, by
    /// facet number.
    fn split(&self, flat: &[u64], counts: &mut [Vec<u64>; FACETS]) {
        let columns = self.facets.iter().zip(&self.sets).zip(&self.starts);
        for ((facet, sets), &start) in columns {
            let Some(out) = counts.get_mut(*facet) else {
                continue;
            };
            let counted = flat.get(start..start + sets.docs()).unwrap_or_default();
            for (set, &n) in counted.iter().enumerate().filter(|(_, n)| **n > 0) {
                for &value in sets.for_doc(set) {
                    if let Some(total) = out.get_mut(value as usize) {
                        *total += n;
                    }
                }
            }
        }
    }
}

/// [`Rows::count`] of rows `WIDTH` slots wide.
fn count_rows<const WIDTH: usize>(slots: &[u16], docs: &[DocId], flat: &mut [u64]) {
    for &doc in docs {
        let from = doc as usize * WIDTH;
        if let Some(row) = slots.get(from..from + WIDTH)
            && let Ok(row) = <&[u16; WIDTH]>::try_from(row)
        {
            count_row(row, flat);
        }
    }
}

fn count_row(row: &[u16], flat: &mut [u64]) {
    for &slot in row {
        if let Some(n) = flat.get_mut(usize::from(slot)) {
            *n += 1;
        }
    }
}

/// Each document's set of values of a facet, as an index into the distinct sets, and those
/// sets; `None` when there are more than `room`. A single-valued facet's sets are its values,
/// in order, then the empty set.
fn value_sets(lists: &IndexLists, values: usize, room: usize) -> Option<(Vec<u16>, IndexLists)> {
    let docs = lists.docs();
    if lists.at_most_one_each() {
        if values + 1 > room {
            return None;
        }
        let of_doc = (0..docs)
            .map(|doc| lists.for_doc(doc).first().map_or(values, |&i| i as usize))
            .map(|set| u16::try_from(set).ok())
            .collect::<Option<_>>()?;
        let singles = (0..values).map(|v| vec![u32::try_from(v).unwrap_or(u32::MAX)]);
        let sets = IndexLists::from_lists(singles.chain([Vec::new()]))?;
        return Some((of_doc, sets));
    }
    let mut id_of: FxHashMap<&[u32], u16> = FxHashMap::default();
    let mut distinct: Vec<&[u32]> = Vec::new();
    let mut of_doc = Vec::with_capacity(docs);
    for doc in 0..docs {
        let set = lists.for_doc(doc);
        let id = match id_of.get(set) {
            Some(&id) => id,
            None => {
                if distinct.len() >= room {
                    return None;
                }
                let id = u16::try_from(distinct.len()).ok()?;
                id_of.insert(set, id);
                distinct.push(set);
                id
            }
        };
        of_doc.push(id);
    }
    let sets = IndexLists::from_lists(distinct.into_iter().map(<[u32]>::to_vec))?;
    Some((of_doc, sets))
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

    fn at_most_one_each(&self) -> bool {
        self.starts.windows(2).all(|w| w[1] - w[0] <= 1)
    }

    /// Adds one to `counts` at the index of every value of each of `docs`.
    fn count(&self, docs: &[DocId], counts: &mut [u64]) {
        for &doc in docs {
            for &i in self.for_doc(doc as usize) {
                if let Some(n) = counts.get_mut(i as usize) {
                    *n += 1;
                }
            }
        }
    }

    /// Lists given in order (a document's, or a set's, values).
    fn from_lists(lists: impl IntoIterator<Item = Vec<u32>>) -> Option<Self> {
        let mut out = IndexLists {
            starts: vec![0],
            indexes: Vec::new(),
        };
        for list in lists {
            out.indexes.extend(list);
            out.starts.push(u32::try_from(out.indexes.len()).ok()?);
        }
        Some(out)
    }

    /// How many lists there are (documents, or sets).
    fn docs(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    fn for_doc(&self, doc: usize) -> &[u32] {
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
        // (facet number, value indexes, value count) of every facet the segment has.
        let mut facets = Vec::with_capacity(FACETS);
        let mut numbers: [Vec<u64>; NUMBER_FIELDS.len()] = Default::default();
        for (facet, (field, values)) in NUMBER_FIELDS.iter().zip(numbers.iter_mut()).enumerate() {
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
            facets.push((facet, lists, values.len()));
        }
        let mut names: [Vec<String>; STR_FIELDS.len()] = Default::default();
        for (string, (field, terms)) in STR_FIELDS.iter().zip(names.iter_mut()).enumerate() {
            // A segment without the column has no values to count.
            let Some(column) = fast.str(field)? else {
                continue;
            };
            let lists = IndexLists::of(max_doc, column.ords(), |ord| u32::try_from(ord).ok())
                .ok_or_else(too_many)?;
            let mut stream = column.dictionary().stream()?;
            while stream.advance() {
                terms.push(String::from_utf8_lossy(stream.key()).into_owned());
            }
            facets.push((NUMBER_FIELDS.len() + string, lists, terms.len()));
        }
        let (rows, lists) = Rows::of(max_doc, facets);
        let mut table = FacetTable {
            rows,
            lists,
            numbers,
            names,
            docs: max_doc,
            totals: Default::default(),
        };
        let every: Vec<DocId> = (0..max_doc).collect();
        table.totals = table.count(&every);
        Ok(table)
    }

    /// The counts per value of each facet over `docs`, a block of documents at a time: the
    /// rows, then each multi-valued facet (which keeps its indexes in the cache while read).
    fn count(&self, docs: &[DocId]) -> [Vec<u64>; FACETS] {
        let mut counts = std::array::from_fn(|facet| vec![0; self.value_count(facet)]);
        let mut flat = vec![0; self.rows.slot_count()];
        for block in docs.chunks(BLOCK) {
            self.rows.count(block, &mut flat);
            for (facet, lists) in &self.lists {
                if let Some(counts) = counts.get_mut(*facet) {
                    lists.count(block, counts);
                }
            }
        }
        self.rows.split(&flat, &mut counts);
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

    fn collect_block(&mut self, docs: &[DocId]) {
        self.matched.extend_from_slice(docs);
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

    /// Counts of `docs` per value through the rows (and the lists of the facets left out of
    /// them), against counting each document's values directly.
    #[test]
    fn rows_count_what_the_lists_of_values_hold() {
        // Facet 0: one of 3 values or none; facet 1: any subset of 4 values; facet 2: one of
        // 70,000 values (too many for two-byte slots: left to its lists).
        let docs: DocId = 600;
        let single = |d: usize| (d % 4 < 3).then_some((d * 7 % 3) as u32);
        let subset = |d: usize| (0..4u32).filter(|v| (d * 5 + 1) >> v & 1 == 1).collect();
        let wide = |d: usize| vec![(d * 113 % 70_000) as u32];
        let lists = |f: &dyn Fn(usize) -> Vec<u32>| {
            IndexLists::from_lists((0..docs as usize).map(f)).expect("small lists")
        };
        let candidates = vec![
            (0, lists(&|d| single(d).into_iter().collect()), 3),
            (1, lists(&subset), 4),
            (2, lists(&wide), 70_000),
        ];
        let (rows, others) = Rows::of(docs, candidates);
        assert_eq!(rows.facets, vec![0, 1]);
        assert_eq!(others.iter().map(|(f, _)| *f).collect::<Vec<_>>(), vec![2]);
        assert_eq!(
            rows.sets[1].docs(),
            16,
            "every subset of four values occurs"
        );

        let picked: Vec<DocId> = (0..docs).filter(|d| d % 3 != 1).collect();
        let mut flat = vec![0; rows.slot_count()];
        rows.count(&picked[..100], &mut flat);
        rows.count(&picked[100..], &mut flat);
        let mut counts: [Vec<u64>; FACETS] = Default::default();
        counts[0] = vec![0; 3];
        counts[1] = vec![0; 4];
        rows.split(&flat, &mut counts);
        let mut direct: [Vec<u64>; FACETS] = Default::default();
        direct[0] = vec![0; 3];
        direct[1] = vec![0; 4];
        for &d in &picked {
            if let Some(v) = single(d as usize) {
                direct[0][v as usize] += 1;
            }
            for v in subset(d as usize) {
                direct[1][v as usize] += 1;
            }
        }
        assert_eq!(counts, direct);
    }

    #[test]
    fn the_unmatched_are_every_other_document_below_the_end() {
        assert_eq!(unmatched(&[0, 2, 3, 7], 9), vec![1, 4, 5, 6, 8]);
        assert_eq!(unmatched(&[], 3), vec![0, 1, 2]);
        assert_eq!(unmatched(&[0, 1, 2], 3), Vec::<DocId>::new());
        assert_eq!(unmatched(&[1, 5], 4), vec![0, 2, 3]);
    }
}
