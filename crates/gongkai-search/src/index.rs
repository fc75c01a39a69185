//! The index on disk (or in memory for tests): opening, writing changes with the follower's
//! cursor, rebuilding. The index is never the source of truth: it can always be rebuilt from the
//! database, and is rebuilt when its schema version is not ours.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use chrono::{Datelike, NaiveDate};
use tantivy::collector::Collector;
use tantivy::index::SegmentId;
use tantivy::indexer::{LogMergePolicy, NoMergePolicy};
use tantivy::query::Query;
use tantivy::schema::Schema;
use tantivy::{
    Executor, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term,
};

use crate::schema::{
    self, BIGRAM_TOKENIZER, BigramTokenizer, Fields, SCHEMA_VERSION, WORDS_TOKENIZER,
    WordsTokenizer,
};
use crate::segment::{Segmenter, normalize};
use crate::synonyms::Synonyms;
use crate::{Error, Result};

/// Blanks between the parts of the phrase field: more characters than a query holds, so that no
/// quoted phrase (whatever it holds between its words) spans two parts.
const PHRASE_FIELD_GAP: usize = crate::query::MAX_QUERY_CHARS + 1;

/// What the index holds for one published item.
#[derive(Debug, Clone, Default)]
pub struct SearchDoc {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub body_text: String,
    /// Text extracted from the attachments (PDF, Word, Excel, plain text).
    pub attachment_text: String,
    pub keywords: Vec<String>,
    pub doc_number: Option<String>,
    pub index_number: String,
    pub body_id: i64,
    pub body_name: String,
    /// Topic path, e.g. `公安、安全、司法/公安`.
    pub topic: String,
    pub key_areas: Vec<String>,
    pub genre: String,
    pub validity: String,
    pub published_on: NaiveDate,
}

/// One change for the index.
#[derive(Debug, Clone)]
pub enum Change {
    Upsert(Box<SearchDoc>),
    Delete(i64),
}

/// The reading side of the analysis: the segmenter (for query words) and the synonyms.
pub struct Analysis {
    pub segmenter: Arc<Segmenter>,
    pub synonyms: Synonyms,
}

impl Analysis {
    /// The built-in dictionary and synonyms, plus the city office's `user_words` (one per line)
    /// and `synonyms` list (replacing the built-in list when given).
    pub fn new(user_words: &str, synonyms: Option<&str>) -> Result<Self> {
        let synonyms = Synonyms::parse(synonyms.unwrap_or(crate::synonyms::BUILTIN))
            .map_err(Error::Synonyms)?;
        let segmenter = Segmenter::new(user_words.lines().chain(synonyms.terms()));
        Ok(Analysis {
            segmenter: Arc::new(segmenter),
            synonyms,
        })
    }
}

pub struct SearchIndex {
    pub(crate) index: Index,
    pub(crate) fields: Fields,
    pub(crate) reader: IndexReader,
    /// Taken on the first write, not at open: only one process may hold it, and a CLI command
    /// run beside the server only reads.
    writer: Mutex<Option<IndexWriter>>,
    analysis: RwLock<Arc<Analysis>>,
    pub(crate) pinyin: crate::query::PinyinCache,
    pub(crate) columns: crate::columns::ColumnCache,
    fresh: AtomicBool,
    /// See [`MIN_ITEMS_PER_SEARCH_SEGMENT`] (smaller in tests).
    min_items_per_search_segment: u64,
    /// The threads that walk one query's segments side by side, a thread per core, shared by
    /// every request: with several segments, a query takes every core for a shorter time.
    /// Only queries over several segments use it (see [`SearchIndex::executor_for`]).
    segment_threads: Executor,
    /// Indexing heap per thread of the writer, taken when the writer is first made.
    heap_per_thread: usize,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("fresh", &self.is_fresh())
            .finish()
    }
}

/// Heap each indexing thread may fill before it writes a segment (tantivy needs at least 15 MB
/// per thread), in a server: it indexes a few hundred items at a time, and when it rebuilds in
/// its own process (first start, a changed dictionary) the memory a larger heap took may stay
/// with the process.
const SERVE_HEAP_PER_THREAD: usize = 48 * 1024 * 1024;

/// The same in a process that rebuilds and exits (`gongkai reindex`, the benchmark): larger
/// segments mean fewer, cheaper merges (256 MB instead of 48 MB indexed 17 % more items/s at
/// 30k items, 10 % more at 100k). The heap is taken as documents arrive.
const BULK_HEAP_PER_THREAD: usize = 256 * 1024 * 1024;

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Threads that index, and segments a rebuilt index is split into: every core, up to four.
fn threads() -> usize {
    cores().min(4)
}

/// A rebuilt index is split into one segment per core only while each holds at least this many
/// items: below it, a query is over in well under a millisecond on one thread, and handing a
/// segment to another thread would cost more than it saves.
const MIN_ITEMS_PER_SEARCH_SEGMENT: u64 = 40_000;

impl SearchIndex {
    /// Opens the index in `dir` (created if missing, rebuilt empty if it is of another schema
    /// version or unreadable), or an index in memory when `dir` is `None`.
    pub fn open(dir: Option<&Path>, analysis: Analysis) -> Result<Self> {
        let (schema, fields) = schema::build();
        let (index, fresh) = match dir {
            None => (Index::create_in_ram(schema), true),
            Some(dir) => open_dir(dir, schema)?,
        };
        let segment_threads = if cores() > 1 {
            Executor::multi_thread(cores(), "gongkai-segment-")?
        } else {
            Executor::single_thread()
        };
        let analysis = Arc::new(analysis);
        register_tokenizers(&index, &analysis);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            fields,
            reader,
            writer: Mutex::new(None),
            analysis: RwLock::new(analysis),
            pinyin: Default::default(),
            columns: Default::default(),
            fresh: AtomicBool::new(fresh),
            min_items_per_search_segment: MIN_ITEMS_PER_SEARCH_SEGMENT,
            segment_threads,
            heap_per_thread: SERVE_HEAP_PER_THREAD,
        })
    }

    /// The index for a process that rebuilds it and exits: indexing may take several hundred
    /// MB (see `BULK_HEAP_PER_THREAD`).
    pub fn for_bulk_indexing(mut self) -> Self {
        self.heap_per_thread = BULK_HEAP_PER_THREAD;
        self
    }

    /// Where a query over `searcher` runs: on the segment threads when it has several segments,
    /// else on the calling thread (no hand-over for one segment).
    pub(crate) fn executor_for(&self, searcher: &Searcher) -> Executor {
        if searcher.segment_readers().len() > 1 {
            self.segment_threads.clone()
        } else {
            Executor::single_thread()
        }
    }

    /// Makes what the first faceted search of each segment would otherwise make and wait for
    /// (its facet table: a pass over every document, a few hundred milliseconds for a segment of
    /// a million), so that the first searches after a start answer at once. Returns how many
    /// segments it warmed.
    pub fn warm(&self) -> Result<usize> {
        let searcher = self.reader.searcher();
        let segments = self.columns.all(&searcher)?;
        for (columns, reader) in segments.iter().zip(searcher.segment_readers()) {
            columns.facet_table(reader)?;
        }
        Ok(segments.len())
    }

    /// `searcher.search`, on [`SearchIndex::executor_for`].
    pub(crate) fn collect<C: Collector>(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        collector: &C,
    ) -> tantivy::Result<C::Fruit> {
        let scoring = crate::fan_out::scoring_of(searcher, collector.requires_scoring());
        searcher.search_with_executor(query, collector, &self.executor_for(searcher), scoring)
    }

    /// True when the index was just created (or reset for another schema version) and has not
    /// been rebuilt yet: it must be filled from the database before it answers correctly.
    pub fn is_fresh(&self) -> bool {
        self.fresh.load(Ordering::Relaxed)
    }

    pub fn analysis(&self) -> Arc<Analysis> {
        match self.analysis.read() {
            Ok(a) => a.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Replaces the dictionary and synonyms. Synonyms apply to the next query; a changed user
    /// dictionary applies to documents indexed from now on, so callers rebuild after it.
    pub fn set_analysis(&self, analysis: Analysis) {
        let analysis = Arc::new(analysis);
        register_tokenizers(&self.index, &analysis);
        match self.analysis.write() {
            Ok(mut a) => *a = analysis,
            Err(poisoned) => *poisoned.into_inner() = analysis,
        }
        self.pinyin.clear();
    }

    /// The last outbox event the index has applied (0 for none).
    pub fn cursor(&self) -> Result<i64> {
        let meta = self.index.load_metas()?;
        Ok(meta
            .payload
            .as_deref()
            .and_then(parse_payload)
            .map_or(0, |p| p.1))
    }

    /// Applies `changes` and records `cursor` in the same commit, so a crash leaves either both
    /// or neither; then makes them visible to searches.
    pub fn apply(&self, changes: &[Change], cursor: i64) -> Result<()> {
        let mut guard = self.writer()?;
        let writer = guard_writer(&mut guard)?;
        let result = (|| {
            for change in changes {
                match change {
                    Change::Upsert(doc) => {
                        writer.delete_term(self.id_term(doc.id));
                        writer.add_document(self.document(doc))?;
                    }
                    Change::Delete(id) => {
                        writer.delete_term(self.id_term(*id));
                    }
                }
            }
            self.commit(writer, cursor)
        })();
        rollback_on_error(writer, result)
    }

    /// Replaces everything with `docs` in one commit at `cursor`; `progress` is called with the
    /// number of documents added so far.
    pub fn rebuild(
        &self,
        docs: impl IntoIterator<Item = SearchDoc>,
        cursor: i64,
        progress: &mut dyn FnMut(u64),
    ) -> Result<u64> {
        self.rebuild_fallible(docs.into_iter().map(Ok), cursor, progress)
    }

    /// Like `rebuild`, for a source that can fail (the database): an error item abandons the
    /// rebuild and rolls the writer back, so a half-read database never replaces a whole index.
    pub fn rebuild_fallible(
        &self,
        docs: impl IntoIterator<Item = std::result::Result<SearchDoc, String>>,
        cursor: i64,
        progress: &mut dyn FnMut(u64),
    ) -> Result<u64> {
        let mut guard = self.writer()?;
        let writer = guard_writer(&mut guard)?;
        // The rebuild's own segments are merged once at the end; a background merge started
        // by the commit would race it for the same segments.
        writer.set_merge_policy(Box::new(NoMergePolicy));
        let result = (|| {
            writer.delete_all_documents()?;
            let mut n = 0u64;
            for doc in docs {
                let doc = doc.map_err(Error::Aborted)?;
                writer.add_document(self.document(&doc))?;
                n += 1;
                if n.is_multiple_of(256) {
                    progress(n);
                }
            }
            progress(n);
            self.commit(writer, cursor)?;
            Ok(n)
        })();
        let rebuilt = rollback_on_error(writer, result);
        if rebuilt.is_ok() {
            // Committed: a failed merge leaves a correct index of several segments.
            if let Err(e) = self.merge_all(writer) {
                tracing::warn!(error = %e, "merging the rebuilt index failed; it stays in segments");
            }
        }
        writer.set_merge_policy(Box::new(LogMergePolicy::default()));
        let n = rebuilt?;
        self.fresh.store(false, Ordering::Relaxed);
        Ok(n)
    }

    /// Number of documents searchable now.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Number of segments searched now (each query works once per segment).
    pub fn num_segments(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }

    fn writer(&self) -> Result<MutexGuard<'_, Option<IndexWriter>>> {
        let mut guard = self.writer.lock().map_err(|_| Error::Poisoned)?;
        if guard.is_none() {
            *guard = Some(
                self.index
                    .writer_with_num_threads(threads(), threads() * self.heap_per_thread)
                    .map_err(|e| match e {
                        tantivy::TantivyError::LockFailure(..) => Error::Busy,
                        e => Error::Tantivy(e),
                    })?,
            );
        }
        Ok(guard)
    }

    fn commit(&self, writer: &mut IndexWriter, cursor: i64) -> Result<()> {
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&payload(cursor));
        prepared.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Merges the segments of a rebuild into one per core (see [`search_segment_groups`]), the
    /// merges running at once. A query builds its scorers and looks up its terms once per
    /// segment: the handful of small segments a bulk load leaves behind cost as much per query
    /// as the large ones; a few segments of equal size are walked side by side, one per core
    /// (the merges keep the commit's cursor). Every merge is waited for, and the searcher
    /// reloaded, even when one fails: the first error is returned.
    fn merge_all(&self, writer: &mut IndexWriter) -> Result<()> {
        // Only the ids are kept: a segment's meta held here would keep its files from the
        // garbage collection at the end of a merge (tantivy keeps every tracked segment's).
        let groups: Vec<Vec<SegmentId>> = {
            let metas = self.index.searchable_segment_metas()?;
            let sizes: Vec<u64> = metas.iter().map(|m| u64::from(m.num_docs())).collect();
            search_segment_groups(&sizes, threads(), self.min_items_per_search_segment)
                .into_iter()
                .filter(|group| group.len() > 1)
                .map(|group| group.into_iter().map(|i| metas[i].id()).collect())
                .collect()
        };
        if groups.is_empty() {
            return Ok(());
        }
        let merges: Vec<_> = groups.iter().map(|ids| writer.merge(ids)).collect();
        let mut first_error = None;
        for merge in merges {
            if let Err(e) = merge.wait() {
                first_error.get_or_insert(e);
            }
        }
        self.reader.reload()?;
        first_error.map_or(Ok(()), |e| Err(e.into()))
    }

    fn id_term(&self, id: i64) -> Term {
        Term::from_field_u64(self.fields.id, u64::try_from(id).unwrap_or(0))
    }

    fn document(&self, d: &SearchDoc) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_u64(f.id, u64::try_from(d.id).unwrap_or(0));
        doc.add_text(f.title, &d.title);
        for k in &d.keywords {
            doc.add_text(f.keywords, k);
        }
        let content = if d.summary.is_empty() {
            d.body_text.clone()
        } else {
            format!("{}\n{}", d.summary, d.body_text)
        };
        doc.add_text(f.content, &d.title);
        for k in &d.keywords {
            doc.add_text(f.content, k);
        }
        doc.add_text(f.content, &content);
        doc.add_text(f.body_store, &content);
        if !d.attachment_text.is_empty() {
            doc.add_text(f.content, &d.attachment_text);
            doc.add_text(f.attach_store, &d.attachment_text);
        }
        // One value, the parts far apart: as separate values, tantivy would put them one
        // position apart, and a quoted phrase could match across two of them (the end of the
        // title and the start of the body).
        let number = d.doc_number.as_deref().filter(|n| !n.trim().is_empty());
        // Every text of `content` is here too (the bigrams filter a word's phrase forms, see
        // `grams_filter` in `query`), and the document number.
        let parts = [
            d.title.as_str(),
            d.summary.as_str(),
            d.body_text.as_str(),
            d.attachment_text.as_str(),
            // A quoted part of the number (海政发〔2026〕524号 in 望海政发〔2026〕524号) is a
            // phrase of the item like any other: the 1M benchmark's needles missed it.
            number.unwrap_or_default(),
        ]
        .into_iter()
        .chain(d.keywords.iter().map(String::as_str));
        let parts: Vec<&str> = parts.collect();
        let mut phrases = String::with_capacity(
            parts.iter().map(|p| p.len()).sum::<usize>() + parts.len() * PHRASE_FIELD_GAP,
        );
        for part in parts {
            phrases.push_str(part);
            phrases.extend(std::iter::repeat_n(' ', PHRASE_FIELD_GAP));
        }
        doc.add_text(f.ngram, &phrases);
        if let Some(num) = number {
            doc.add_text(f.doc_number, num);
            doc.add_text(f.exact, exact_document_number(num));
        }
        if !d.index_number.is_empty() {
            doc.add_text(f.index_number, &d.index_number);
            doc.add_text(f.exact, normalize(d.index_number.trim()));
        }
        doc.add_u64(f.body_id, u64::try_from(d.body_id).unwrap_or(0));
        doc.add_text(f.body_name, &d.body_name);
        if !d.topic.is_empty() {
            doc.add_text(f.topic, &d.topic);
            if let Some((top, _)) = d.topic.split_once('/') {
                doc.add_text(f.topic, top);
            }
        }
        for area in &d.key_areas {
            doc.add_text(f.key_area, area);
        }
        doc.add_text(f.genre, &d.genre);
        doc.add_text(f.validity, &d.validity);
        doc.add_u64(f.year, u64::try_from(d.published_on.year()).unwrap_or(0));
        doc.add_i64(f.published, day_number(d.published_on));
        doc.add_i64(
            f.date_key,
            (day_number(d.published_on) << 32) | (d.id & 0xFFFF_FFFF),
        );
        doc
    }
}

/// Which segments (by position in `sizes`, their numbers of items) to merge together: as many
/// groups as `threads` but none of fewer than `min_items` items (one group for a small index),
/// of sizes as equal as they can be: each next largest segment joins the smallest group.
pub(crate) fn search_segment_groups(
    sizes: &[u64],
    threads: usize,
    min_items: u64,
) -> Vec<Vec<usize>> {
    let total: u64 = sizes.iter().sum();
    let wanted = usize::try_from(total / min_items.max(1)).unwrap_or(usize::MAX);
    let mut count = wanted.clamp(1, threads.max(1)).min(sizes.len().max(1));
    loop {
        let groups = balanced_groups(sizes, count);
        // A segment too large to share leaves the others a group below the minimum: fewer.
        if count == 1 || groups.iter().all(|(items, _)| *items >= min_items) {
            return groups
                .into_iter()
                .map(|(_, g)| g)
                .filter(|g| !g.is_empty())
                .collect();
        }
        count -= 1;
    }
}

/// `count` groups of the segments of `sizes`, each next largest joining the smallest group.
fn balanced_groups(sizes: &[u64], count: usize) -> Vec<(u64, Vec<usize>)> {
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(sizes[i]));
    let mut groups: Vec<(u64, Vec<usize>)> = vec![(0, Vec::new()); count];
    for i in order {
        if let Some(smallest) = groups.iter_mut().min_by_key(|(items, _)| *items) {
            smallest.0 += sizes[i];
            smallest.1.push(i);
        }
    }
    groups
}

/// Undoes everything since the last commit when `result` is an error (a failed rebuild must not
/// leave its `delete_all_documents` for the next commit to publish).
fn rollback_on_error<T>(writer: &mut IndexWriter, result: Result<T>) -> Result<T> {
    if result.is_err()
        && let Err(e) = writer.rollback()
    {
        tracing::error!(error = %e, "search index rollback failed");
    }
    result
}

fn guard_writer<'g>(
    guard: &'g mut MutexGuard<'_, Option<IndexWriter>>,
) -> Result<&'g mut IndexWriter> {
    guard.as_mut().ok_or(Error::Poisoned)
}

/// A document number as the `exact` field keeps it: normalised to 〔〕 when it is a standard one
/// (so 舟政办发[2016]88号 and 舟政办发2016-88 meet 舟政办发〔2016〕88号), else as typed.
pub fn exact_document_number(raw: &str) -> String {
    match gongkai_domain::docnum::DocumentNumber::parse(raw) {
        Ok(num) => normalize(&num.to_string()),
        Err(_) => normalize(raw.trim()),
    }
}

/// Days since 1970-01-01.
pub fn day_number(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - 719_163
}

pub fn from_day_number(days: i64) -> NaiveDate {
    i32::try_from(days + 719_163)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .unwrap_or_default()
}

fn payload(cursor: i64) -> String {
    format!("gongkai-search v{SCHEMA_VERSION} cursor {cursor}")
}

fn parse_payload(p: &str) -> Option<(u32, i64)> {
    let rest = p.strip_prefix("gongkai-search v")?;
    let (version, cursor) = rest.split_once(" cursor ")?;
    Some((version.parse().ok()?, cursor.parse().ok()?))
}

fn register_tokenizers(index: &Index, analysis: &Arc<Analysis>) {
    let tokenizers = index.tokenizers();
    tokenizers.register(
        WORDS_TOKENIZER,
        WordsTokenizer::new(analysis.segmenter.clone()),
    );
    tokenizers.register(BIGRAM_TOKENIZER, BigramTokenizer::default());
}

fn open_dir(dir: &Path, schema: Schema) -> Result<(Index, bool)> {
    std::fs::create_dir_all(dir).map_err(|e| Error::Io(dir.display().to_string(), e))?;
    if dir.join("meta.json").exists() {
        match Index::open_in_dir(dir) {
            Ok(index) => {
                let version = index
                    .load_metas()
                    .ok()
                    .and_then(|m| m.payload)
                    .as_deref()
                    .and_then(parse_payload)
                    .map(|p| p.0);
                if version == Some(SCHEMA_VERSION) && index.schema() == schema {
                    return Ok((index, false));
                }
                // Another process (a server of the previous version) may still be writing it:
                // then leave it alone; this process will not write to it either.
                if let Err(tantivy::TantivyError::LockFailure(..)) =
                    index.writer_with_num_threads::<TantivyDocument>(1, 15_000_000)
                {
                    tracing::warn!(dir = %dir.display(), "search index of another version in use by another process; left alone");
                    return Ok((index, false));
                }
                tracing::warn!(dir = %dir.display(), "search index of another version; rebuilding");
            }
            Err(e) => {
                tracing::warn!(dir = %dir.display(), error = %e, "search index unreadable; rebuilding")
            }
        }
        clear_dir(dir)?;
    }
    let index = Index::create_in_dir(dir, schema)?;
    Ok((index, true))
}

fn clear_dir(dir: &Path) -> Result<()> {
    let io = |e| Error::Io(dir.display().to_string(), e);
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_dir() {
            std::fs::remove_dir_all(&path).map_err(io)?;
        } else {
            std::fs::remove_file(&path).map_err(io)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rebuild_is_merged_into_equal_segments_one_per_search_thread() {
        let items = |groups: &[Vec<usize>], sizes: &[u64]| -> Vec<u64> {
            groups
                .iter()
                .map(|g| g.iter().map(|&i| sizes[i]).sum())
                .collect()
        };
        // A 1M rebuild leaves segments of uneven sizes: two threads get two halves.
        let sizes = [300_000, 250_000, 150_000, 120_000, 100_000, 60_000, 20_000];
        let groups = search_segment_groups(&sizes, 2, 40_000);
        assert_eq!(items(&groups, &sizes), vec![500_000, 500_000]);
        let mut all: Vec<usize> = groups.concat();
        all.sort_unstable();
        assert_eq!(
            all,
            (0..sizes.len()).collect::<Vec<_>>(),
            "each segment once"
        );
        // Four threads, but only enough items for three segments of the minimum.
        let sizes = [40_000, 40_000, 30_000, 10_000];
        let groups = search_segment_groups(&sizes, 4, 40_000);
        assert_eq!(items(&groups, &sizes), vec![40_000, 40_000, 40_000]);
        // A small index, one segment too large to share, or one thread: one group.
        assert_eq!(
            search_segment_groups(&[30_000, 20_000, 29_000], 2, 40_000).len(),
            1
        );
        assert_eq!(
            search_segment_groups(&[70_000, 10_000], 2, 40_000),
            vec![vec![0, 1]]
        );
        let uneven = [90_000, 20_000, 20_000, 10_000];
        let groups = search_segment_groups(&uneven, 4, 40_000);
        assert_eq!(items(&groups, &uneven), vec![90_000, 50_000]);
        let groups = search_segment_groups(&sizes, 1, 40_000);
        assert_eq!(items(&groups, &sizes), vec![120_000]);
        assert!(search_segment_groups(&[], 2, 40_000).is_empty());
    }

    /// Six segments of one item each, merged for search: each group's merge runs at once (one
    /// per core), and every item and the cursor survive.
    #[test]
    fn the_groups_are_merged_at_once_and_keep_every_item() {
        let analysis = Analysis::new("", None).expect("built-in analysis");
        let mut index = SearchIndex::open(None, analysis).expect("in-memory index");
        index.min_items_per_search_segment = 1;
        for id in 1..=6 {
            let doc = SearchDoc {
                id,
                title: format!("关于第{id}批政务公开事项的通知"),
                published_on: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
                ..SearchDoc::default()
            };
            index
                .apply(&[Change::Upsert(Box::new(doc))], id)
                .expect("apply");
        }
        assert_eq!(index.num_segments(), 6);
        {
            let mut guard = index.writer().expect("writer");
            let writer = guard_writer(&mut guard).expect("writer");
            index.merge_all(writer).expect("merges");
        }
        assert_eq!(index.num_segments(), threads().min(6));
        assert_eq!(index.num_docs(), 6);
        assert_eq!(index.cursor().expect("cursor"), 6);
    }

    /// Warming makes the facet table of every segment, which the searches then share.
    #[test]
    fn warming_makes_every_segments_facet_table() {
        let analysis = Analysis::new("", None).expect("built-in analysis");
        let index = SearchIndex::open(None, analysis).expect("in-memory index");
        for id in 1..=3 {
            let doc = SearchDoc {
                id,
                title: format!("关于第{id}批政务公开事项的通知"),
                ..SearchDoc::default()
            };
            index
                .apply(&[Change::Upsert(Box::new(doc))], id)
                .expect("apply");
        }
        let searcher = index.reader.searcher();
        let built = |index: &SearchIndex| -> Vec<bool> {
            let columns = index.columns.all(&searcher).expect("columns");
            columns.iter().map(|c| c.has_facet_table()).collect()
        };
        assert_eq!(built(&index), vec![false; 3]);
        assert_eq!(index.warm().expect("warm"), 3);
        assert_eq!(built(&index), vec![true; 3]);
    }

    #[test]
    fn payload_round_trips() {
        assert_eq!(parse_payload(&payload(42)), Some((SCHEMA_VERSION, 42)));
        assert_eq!(parse_payload("something else"), None);
    }

    #[test]
    fn day_numbers_round_trip() {
        let d = NaiveDate::from_ymd_opt(2016, 3, 7).unwrap_or_default();
        assert_eq!(from_day_number(day_number(d)), d);
        assert_eq!(
            day_number(NaiveDate::from_ymd_opt(1970, 1, 2).unwrap_or_default()),
            1
        );
    }

    #[test]
    fn document_numbers_are_normalised_for_exact_match() {
        let want = exact_document_number("舟政办发〔2016〕88号");
        assert_eq!(exact_document_number("舟政办发[2016]88号"), want);
        assert_eq!(exact_document_number("舟政办发2016-88"), want);
        assert_eq!(exact_document_number("ＡＢ令第3号"), "ab令第3号");
    }
}
