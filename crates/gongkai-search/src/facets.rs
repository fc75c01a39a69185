//! Facet counts (分面计数): for every document a query matches, count its body, topic, key area,
//! genre, validity and year, so the filters show how many results each choice leaves.

use std::collections::HashMap;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{BytesColumn, Cardinality, Column, StrColumn};
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

const STR_FIELDS: [&str; 4] = ["topic", "key_area", "genre", "validity"];

/// Counts the facets of every match; `segments` are the searcher's segments' columns, in order,
/// which keep each segment's [`OrdTables`] between searches.
pub struct FacetCollector {
    pub(crate) segments: Vec<SegmentColumns>,
}

/// The term ordinals of a multi-valued string column for every document of a segment, in two
/// flat arrays. Reading a document's values from the column (`values_for_doc`) cost about 160
/// instructions, for topics and key areas alike: most of the search page of a frequent word.
pub(crate) struct OrdTable {
    /// Where each document's ordinals start in `ords`; one more entry than documents.
    starts: Vec<u32>,
    ords: Vec<u32>,
}

impl OrdTable {
    /// `None` when the column holds more values than the table can address.
    fn of(column: &Column<u64>, max_doc: DocId) -> Option<Self> {
        let mut starts = Vec::with_capacity(max_doc as usize + 1);
        let mut ords = Vec::new();
        for doc in 0..max_doc {
            starts.push(u32::try_from(ords.len()).ok()?);
            for ord in column.values_for_doc(doc) {
                ords.push(u32::try_from(ord).ok()?);
            }
        }
        starts.push(u32::try_from(ords.len()).ok()?);
        Some(OrdTable { starts, ords })
    }

    fn for_doc(&self, doc: DocId) -> &[u32] {
        let at = |i: usize| self.starts.get(i).map_or(0, |&s| s as usize);
        let doc = doc as usize;
        self.ords.get(at(doc)..at(doc + 1)).unwrap_or_default()
    }
}

/// A segment's [`OrdTable`] for each multi-valued string facet (in `STR_FIELDS` order; `None`
/// for the single-valued ones, whose columns are read directly).
pub(crate) struct OrdTables(Vec<Option<OrdTable>>);

impl OrdTables {
    pub(crate) fn build(reader: &SegmentReader) -> tantivy::Result<Self> {
        let fast = reader.fast_fields();
        let mut tables = Vec::with_capacity(STR_FIELDS.len());
        for field in STR_FIELDS {
            let table = fast.str(field)?.and_then(|column| {
                let ords = column.ords();
                (ords.get_cardinality() == Cardinality::Multivalued)
                    .then(|| OrdTable::of(ords, reader.max_doc()))
                    .flatten()
            });
            tables.push(table);
        }
        Ok(OrdTables(tables))
    }
}

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
    tables: Option<Arc<OrdTables>>,
    body_counts: ValueCounts,
    year_counts: ValueCounts,
    /// Per string column, a count per term ordinal: a vector, since a segment's dictionary of
    /// topics, key areas, genres or validities is small and dense.
    ord_counts: Vec<Vec<u64>>,
    /// Matches not counted yet: columns are read for a block of documents at once, which
    /// costs a fraction of reading them document by document (a frequent word matches most of
    /// the index, and counting was then most of the search page's time).
    pending: Vec<DocId>,
    values: Vec<Option<u64>>,
}

/// Documents counted per column read.
const BLOCK: usize = 256;

/// Counts per value of a numeric column: by offset from the column's minimum when its values
/// span a small range (body ids, years), else by hashing.
struct ValueCounts {
    min: u64,
    dense: Vec<u64>,
    /// Hashed with Fx: SipHash's resistance to chosen keys is not needed for index values, and
    /// it cost more than reading the columns.
    sparse: FxHashMap<u64, u64>,
}

impl ValueCounts {
    const MAX_DENSE: u64 = 1 << 16;

    fn for_column(column: &Column<u64>) -> Self {
        let (min, max) = (column.min_value(), column.max_value());
        let span = max.saturating_sub(min);
        let dense = if span < Self::MAX_DENSE {
            vec![0; usize::try_from(span).unwrap_or(0) + 1]
        } else {
            Vec::new()
        };
        ValueCounts {
            min,
            dense,
            sparse: FxHashMap::default(),
        }
    }

    fn add(&mut self, value: u64) {
        let slot = usize::try_from(value.wrapping_sub(self.min)).unwrap_or(usize::MAX);
        match self.dense.get_mut(slot) {
            Some(n) => *n += 1,
            None => *self.sparse.entry(value).or_default() += 1,
        }
    }

    fn into_map(self) -> HashMap<u64, u64> {
        let mut map: HashMap<u64, u64> = self.sparse.into_iter().collect();
        for (offset, n) in self.dense.into_iter().enumerate() {
            if n > 0 {
                *map.entry(self.min + offset as u64).or_default() += n;
            }
        }
        map
    }
}

impl Collector for FacetCollector {
    type Fruit = Facets;
    type Child = FacetSegment;

    fn for_segment(
        &self,
        ord: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<FacetSegment> {
        let tables = match self.segments.get(ord as usize) {
            Some(columns) => Some(columns.ord_tables(reader)?),
            None => None,
        };
        let fast = reader.fast_fields();
        let columns = STR_FIELDS
            .iter()
            .map(|f| fast.str(f))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let body = fast.u64("body_id")?;
        let year = fast.u64("year")?;
        Ok(FacetSegment {
            body_counts: ValueCounts::for_column(&body),
            year_counts: ValueCounts::for_column(&year),
            body,
            year,
            ord_counts: columns
                .iter()
                .map(|c| vec![0; c.as_ref().map_or(0, |c| c.num_terms())])
                .collect(),
            columns,
            tables,
            pending: Vec::with_capacity(BLOCK),
            values: Vec::with_capacity(BLOCK),
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
        self.pending.push(doc);
        if self.pending.len() >= BLOCK {
            self.count_pending();
        }
    }

    fn harvest(mut self) -> Partial {
        self.count_pending();
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
            bodies: self.body_counts.into_map(),
            years: self.year_counts.into_map(),
            strings,
        }
    }
}

impl FacetSegment {
    /// Counts the pending documents, one column at a time.
    fn count_pending(&mut self) {
        let docs = &self.pending;
        for (column, counts) in [
            (&self.body, &mut self.body_counts),
            (&self.year, &mut self.year_counts),
        ] {
            first_values(column, docs, &mut self.values);
            for value in self.values.iter().flatten() {
                counts.add(*value);
            }
        }
        for (i, (column, counts)) in self
            .columns
            .iter()
            .zip(self.ord_counts.iter_mut())
            .enumerate()
        {
            let Some(ords) = column.as_deref().map(BytesColumn::ords) else {
                continue;
            };
            let mut count = |ord: u64| {
                if let Some(n) = usize::try_from(ord).ok().and_then(|o| counts.get_mut(o)) {
                    *n += 1;
                }
            };
            let table = self.tables.as_ref().and_then(|t| t.0.get(i)?.as_ref());
            if let Some(table) = table {
                for &doc in docs {
                    for &ord in table.for_doc(doc) {
                        count(u64::from(ord));
                    }
                }
            } else if ords.get_cardinality() == Cardinality::Multivalued {
                for &doc in docs {
                    ords.values_for_doc(doc).for_each(&mut count);
                }
            } else {
                first_values(ords, docs, &mut self.values);
                self.values.iter().flatten().for_each(|&ord| count(ord));
            }
        }
        self.pending.clear();
    }
}

/// The first value of `column` for each of `docs`, into `out` (`None` where a document has none).
fn first_values(column: &Column<u64>, docs: &[DocId], out: &mut Vec<Option<u64>>) {
    out.clear();
    out.resize(docs.len(), None);
    column.first_vals(docs, out);
}
