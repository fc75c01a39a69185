//! The fast-field columns a query reads per hit (the item id, the date key), opened once per
//! segment and kept while the segment lives.
//!
//! Why: opening a column reads its block index, which grows with the segment. Profiling the
//! 100k multi-word class put 14 % of its instructions in opening the id column once per hit; at
//! 1M items each opening costs ten times as much.

use std::collections::HashMap;
use std::sync::Mutex;

use tantivy::SegmentReader;
use tantivy::columnar::Column;
use tantivy::index::SegmentId;

use crate::Result;

/// More segments than an index keeps at once: past this, entries of merged-away segments are
/// dropped (all of them; the live ones are opened again on their next use).
const MAX_SEGMENTS: usize = 64;

/// The columns of one segment; cloning shares them.
#[derive(Clone)]
pub(crate) struct SegmentColumns {
    pub(crate) id: Column<u64>,
    pub(crate) date_key: Column<i64>,
}

impl SegmentColumns {
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
    /// The columns of `reader`'s segment, opened on first use.
    pub(crate) fn of(&self, reader: &SegmentReader) -> Result<SegmentColumns> {
        let segment = reader.segment_id();
        if let Some(found) = self.lock().get(&segment) {
            return Ok(found.clone());
        }
        let fast = reader.fast_fields();
        let columns = SegmentColumns {
            id: fast.u64("id")?,
            date_key: fast.i64("date_key")?,
        };
        let mut map = self.lock();
        if map.len() >= MAX_SEGMENTS {
            map.clear();
        }
        map.insert(segment, columns.clone());
        Ok(columns)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SegmentId, SegmentColumns>> {
        // A panic while holding the lock leaves a map that is still valid.
        self.by_segment
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
