//! The fast-field columns a query reads per hit (the item id, the date key), opened once per
//! segment and kept while the segment is searched.
//!
//! Why: opening a column reads its block index, which grows with the segment. Profiling the
//! 100k multi-word class put 14 % of its instructions in opening the id column once per hit; at
//! 1M items each opening costs ten times as much.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::columnar::Column;
use tantivy::index::SegmentId;
use tantivy::{DocAddress, Searcher, SegmentReader};

use crate::Result;
use crate::facets::FacetTable;

/// The columns of one segment; cloning shares them.
#[derive(Clone)]
pub(crate) struct SegmentColumns {
    pub(crate) id: Column<u64>,
    pub(crate) date_key: Column<i64>,
    /// The facet counter's table, made by the first search that counts facets in this segment
    /// (a pass over every document's facet columns); searches arriving meanwhile wait for it
    /// rather than build their own.
    facet_table: Arc<Mutex<Option<Arc<FacetTable>>>>,
}

impl SegmentColumns {
    /// This segment's [`FacetTable`] (`reader` must be the segment's).
    pub(crate) fn facet_table(&self, reader: &SegmentReader) -> tantivy::Result<Arc<FacetTable>> {
        // A panic while building leaves `None`, which the next search builds again.
        let mut slot = self
            .facet_table
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(tables) = slot.as_ref() {
            return Ok(tables.clone());
        }
        let built = Arc::new(FacetTable::build(reader)?);
        *slot = Some(built.clone());
        Ok(built)
    }

    /// Whether this segment's [`FacetTable`] has been made.
    #[cfg(test)]
    pub(crate) fn has_facet_table(&self) -> bool {
        self.facet_table
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .is_some()
    }

    /// The item id of a document of this segment (0 if it has none, which no indexed item lacks).
    pub(crate) fn item_id(&self, doc: tantivy::DocId) -> i64 {
        i64::try_from(self.id.first(doc).unwrap_or(0)).unwrap_or(0)
    }
}

/// Columns by segment, shared by every search of an index.
#[derive(Default)]
pub(crate) struct ColumnCache {
    by_segment: Mutex<HashMap<SegmentId, SegmentColumns>>,
}

impl ColumnCache {
    /// The columns of segment `ord` of `searcher`, opened on first use. Opening one forgets the
    /// segments `searcher` no longer has (merged away or deleted), so that their files, which
    /// the columns keep mapped, are not held on to.
    fn of(&self, searcher: &Searcher, ord: u32) -> Result<SegmentColumns> {
        let reader = searcher.segment_reader(ord);
        let segment = reader.segment_id();
        if let Some(found) = self.lock().get(&segment) {
            return Ok(found.clone());
        }
        let fast = reader.fast_fields();
        let columns = SegmentColumns {
            id: fast.u64("id")?,
            date_key: fast.i64("date_key")?,
            facet_table: Arc::default(),
        };
        let mut map = self.lock();
        let live: Vec<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(|r| r.segment_id())
            .collect();
        map.retain(|id, _| live.contains(id));
        // Another search may have opened them meanwhile: keep one, so their tables are one.
        Ok(map.entry(segment).or_insert(columns).clone())
    }

    /// The columns of every segment of `searcher`, in order.
    pub(crate) fn all(&self, searcher: &Searcher) -> Result<Vec<SegmentColumns>> {
        let n = u32::try_from(searcher.segment_readers().len()).unwrap_or(u32::MAX);
        (0..n).map(|ord| self.of(searcher, ord)).collect()
    }

    /// A view for one query: each segment's columns looked up once.
    pub(crate) fn for_query<'a>(&'a self, searcher: &'a Searcher) -> QueryColumns<'a> {
        QueryColumns {
            cache: self,
            searcher,
            slots: vec![None; searcher.segment_readers().len()],
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SegmentId, SegmentColumns>> {
        // A panic while holding the lock leaves a map that is still valid.
        self.by_segment
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The columns of the segments one query reads, per segment ordinal.
pub(crate) struct QueryColumns<'a> {
    cache: &'a ColumnCache,
    searcher: &'a Searcher,
    slots: Vec<Option<SegmentColumns>>,
}

impl QueryColumns<'_> {
    /// The columns of the segment holding `address`.
    pub(crate) fn at(&mut self, address: DocAddress) -> Result<&SegmentColumns> {
        let ord = address.segment_ord;
        let slot = self.slots.get_mut(ord as usize).ok_or_else(|| {
            crate::Error::Tantivy(tantivy::TantivyError::InvalidArgument(format!(
                "no segment {ord}"
            )))
        })?;
        let columns = match slot.take() {
            Some(columns) => columns,
            None => self.cache.of(self.searcher, ord)?,
        };
        Ok(slot.insert(columns))
    }
}
