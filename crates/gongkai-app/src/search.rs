//! Search (全文检索): the public query use case, the follower that feeds the index from the
//! outbox, the full rebuild, and the city office's search dictionary.
//!
//! The index records the id of the last outbox event it applied in the same commit as the
//! change (`SearchIndex::apply`), so the follower is at-least-once and idempotent: after a crash
//! between a database commit and indexing, the next run re-reads the events after the cursor.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use gongkai_domain::item::ItemStatus;
use gongkai_domain::role::{Action, Actor};
use gongkai_search::{Analysis, Change, SearchDoc, SearchIndex, SearchRequest, SearchResults};
use gongkai_store::items::ItemRow;
use gongkai_store::{
    attachments as store_att, audit, items as store_items, outbox, search_dictionary,
};

use crate::{App, AppError, AppResult, Origin, Workload, now_ms};

/// Events read per follower step.
const BATCH: i64 = 500;
/// Items read per rebuild step.
const REBUILD_BATCH: i64 = 1000;
/// How often the follower looks at the outbox when nothing woke it.
const POLL: Duration = Duration::from_millis(500);

/// The two texts of the search dictionary the city office may edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DictionaryPart {
    /// 自定义词: terms the segmenter keeps whole; a change rebuilds the index.
    UserWords,
    /// 同义词: replaces the built-in synonym list; applies to the next query (and, as its terms
    /// are kept whole by the segmenter, rebuilds the index).
    Synonyms,
}

impl DictionaryPart {
    fn key(self) -> &'static str {
        match self {
            DictionaryPart::UserWords => "user_words",
            DictionaryPart::Synonyms => "synonyms",
        }
    }
}

/// The dictionary as the office sees it: the saved text, or the built-in one.
#[derive(Debug, Clone)]
pub struct SearchDictionary {
    pub user_words: String,
    pub synonyms: String,
}

impl From<gongkai_search::Error> for AppError {
    fn from(e: gongkai_search::Error) -> Self {
        match e {
            gongkai_search::Error::PageTooDeep => {
                AppError::field("page", "页码过大，请缩小检索范围")
            }
            gongkai_search::Error::Synonyms(e) => AppError::field("synonyms", e.to_string()),
            other => AppError::Internal(other.to_string()),
        }
    }
}

/// Opens (or creates) the index under `dir` with the stored dictionary; a bulk process may
/// index with more memory.
pub(crate) async fn open_index(
    db: &gongkai_store::Db,
    dir: Option<std::path::PathBuf>,
    workload: Workload,
) -> AppResult<Arc<SearchIndex>> {
    let dictionary = load_dictionary(db).await?;
    let index = blocking(move || {
        let analysis = Analysis::new(&dictionary.user_words, Some(&dictionary.synonyms))?;
        let index = SearchIndex::open(dir.as_deref(), analysis)?;
        Ok(match workload {
            Workload::Serve => index,
            Workload::BulkLoad => index.for_bulk_indexing(),
        })
    })
    .await?;
    Ok(Arc::new(index))
}

async fn load_dictionary(db: &gongkai_store::Db) -> AppResult<SearchDictionary> {
    let mut c = db.read().await?;
    Ok(SearchDictionary {
        user_words: search_dictionary::get(&mut c, DictionaryPart::UserWords.key())
            .await?
            .unwrap_or_default(),
        synonyms: search_dictionary::get(&mut c, DictionaryPart::Synonyms.key())
            .await?
            .unwrap_or_else(|| gongkai_search::synonyms::BUILTIN.to_owned()),
    })
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> gongkai_search::Result<T> + Send + 'static,
) -> AppResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(format!("search task: {e}")))?
        .map_err(AppError::from)
}

impl App {
    /// Searches published items. Open to everyone; the index holds only published items.
    ///
    /// Searches run on blocking threads, a few at a time (a burst of public queries queues
    /// rather than taking every thread). While the index may lack a change committed here,
    /// the page's items are checked against the database: an item withdrawn a moment ago
    /// (perhaps for personal data) is never shown, even before the follower has removed it
    /// from the index. Changes committed by another process arrive by the follower's poll, as
    /// they reach the cached pages (see `index_lag`).
    pub async fn search(&self, mut req: SearchRequest) -> AppResult<SearchResults> {
        req.today = crate::today();
        let index = self.search_index();
        let (mut results, may_lag) = {
            let _permit = self
                .inner
                .search_permits
                .acquire()
                .await
                .map_err(|e| AppError::Internal(format!("search permits: {e}")))?;
            // Read before the searcher is taken: a pass done after this only makes it newer.
            let may_lag = self.inner.index_lag.may_lag(Instant::now());
            (blocking(move || index.search(&req)).await?, may_lag)
        };
        if may_lag && !results.hits.is_empty() {
            let ids: Vec<i64> = results.hits.iter().map(|h| h.id).collect();
            let published: BTreeSet<i64> = {
                let mut c = self.db().read().await?;
                store_items::published_among(&mut c, &ids)
                    .await?
                    .into_iter()
                    .collect()
            };
            results.hits.retain(|h| published.contains(&h.id));
        }
        Ok(results)
    }

    /// Makes the search index's per-segment tables before the first search needs them (at
    /// start-up); returns how many segments it warmed.
    pub async fn warm_search(&self) -> AppResult<usize> {
        let index = self.search_index();
        blocking(move || index.warm()).await
    }

    /// Applies every outbox event after the index's cursor; returns how many were applied.
    /// One caller at a time: two (the follower and a command or test) reading the same cursor
    /// applied the same events twice, and each moved the content generation, so a page cached
    /// after the first was dropped by the second for nothing.
    pub async fn sync_search(&self) -> AppResult<usize> {
        let _one = self.inner.search_sync.lock().await;
        let began = self.inner.index_lag.pass_begins();
        let index = self.search_index();
        let mut applied = 0;
        loop {
            let cursor = {
                let index = index.clone();
                blocking(move || index.cursor()).await?
            };
            let events = {
                let mut c = self.db().read().await?;
                outbox::after(&mut c, cursor, BATCH).await?
            };
            let Some(last) = events.last().map(|e| e.id) else {
                // Every event is applied, and each commit reloaded the searcher.
                self.inner.index_lag.pass_done(began, Instant::now());
                return Ok(applied);
            };
            let ids: BTreeSet<i64> = events
                .iter()
                .filter(|e| e.topic.starts_with("item."))
                .map(|e| e.entity_id)
                .collect();
            let changes = self
                .changes_for(&ids.into_iter().collect::<Vec<_>>())
                .await?;
            let applied_to = index.clone();
            blocking(move || applied_to.apply(&changes, last)).await?;
            // The new segments' facet tables, before a search has to wait for them.
            let warmed = index.clone();
            blocking(move || warmed.warm()).await?;
            // Changes committed elsewhere (another node, the CLI) arrive only here.
            self.forget_counts();
            self.public_changed();
            applied += events.len();
        }
    }

    /// Rebuilds the index from the database: every published item, in one commit; `progress`
    /// gets the count done and the total. The index is never the source of truth.
    pub async fn rebuild_search(
        &self,
        progress: impl Fn(u64, u64) + Send + Sync + 'static,
    ) -> AppResult<u64> {
        // One rebuild at a time; a second waits here without holding a thread.
        let _one = self.inner.search_rebuild.lock().await;
        // No follower pass meanwhile: one could find nothing new after the old index's cursor
        // and call the index current just before the rebuilt one, with its older cursor,
        // replaces it (the pass could not apply anything anyway: the rebuild has the writer).
        let _no_pass = self.inner.search_sync.lock().await;
        self.inner.index_lag.changed();
        let (cursor, total) = {
            let mut c = self.db().read().await?;
            let total = store_items::published_count(&mut c).await?;
            (
                outbox::last_id(&mut c).await?,
                u64::try_from(total).unwrap_or(0),
            )
        };
        // Read in batches on this task and feed the blocking writer through a channel, so a
        // million items never sit in memory at once. A read error is sent down the channel:
        // the writer then rolls back instead of committing a partial index.
        let (tx, mut rx) =
            tokio::sync::mpsc::channel::<Result<SearchDoc, String>>(REBUILD_BATCH as usize);
        let index = self.search_index();
        let writer = tokio::task::spawn_blocking(move || {
            let docs = std::iter::from_fn(move || rx.blocking_recv());
            index.rebuild_fallible(docs, cursor, &mut |n| progress(n, total))
        });
        let read = self.feed_rebuild(&tx).await;
        if let Err(e) = &read {
            let _ = tx.send(Err(e.to_string())).await;
        }
        drop(tx);
        let n = writer
            .await
            .map_err(|e| AppError::Internal(format!("search task: {e}")))??;
        read?;
        // Catch up with the events after the rebuild's cursor at once.
        self.wake_search();
        tracing::info!(items = n, "search index rebuilt");
        Ok(n)
    }

    /// Sends every published item, in id order, to a rebuild.
    async fn feed_rebuild(
        &self,
        tx: &tokio::sync::mpsc::Sender<Result<SearchDoc, String>>,
    ) -> AppResult<()> {
        let mut after = 0;
        loop {
            let rows = {
                let mut c = self.db().read().await?;
                store_items::after_id(&mut c, after, REBUILD_BATCH).await?
            };
            let Some(last) = rows.last().map(|r| r.id) else {
                return Ok(());
            };
            after = last;
            let published: Vec<_> = rows
                .into_iter()
                .filter(|r| r.status == ItemStatus::Published.as_str())
                .collect();
            for doc in self.search_docs(published).await? {
                if tx.send(Ok(doc)).await.is_err() {
                    // The writer stopped (its error is reported by the caller).
                    return Ok(());
                }
            }
        }
    }

    /// Keeps the index following the outbox until the process ends: rebuilds it first when it
    /// is new, then applies events when woken after a local commit or every half second (for
    /// commits made by other nodes or the CLI).
    pub fn start_search_follower(&self) -> tokio::task::JoinHandle<()> {
        let app = self.clone();
        tokio::spawn(async move {
            // A new index must be filled before following; retry until it is.
            let mut wait = Duration::from_secs(1);
            while app.search_index().is_fresh() {
                match app.rebuild_search(|_, _| {}).await {
                    Ok(_) => break,
                    Err(e) => {
                        tracing::error!(error = %e, "search index rebuild failed; retrying");
                        tokio::time::sleep(wait).await;
                        wait = (wait * 2).min(Duration::from_secs(60));
                    }
                }
            }
            loop {
                if let Err(e) = app.sync_search().await {
                    tracing::warn!(error = %e, "search follower step failed; retrying");
                }
                let wake = app.inner.search_wake.notified();
                let _ = tokio::time::timeout(POLL, wake).await;
            }
        })
    }

    /// Tells the follower something was committed.
    pub(crate) fn wake_search(&self) {
        self.inner.index_lag.changed();
        self.forget_counts();
        self.public_changed();
        self.inner.search_wake.notify_one();
    }

    fn search_index(&self) -> Arc<SearchIndex> {
        self.inner.search.clone()
    }

    /// What the index must do for these items: add the published ones, drop the others.
    async fn changes_for(&self, ids: &[i64]) -> AppResult<Vec<Change>> {
        let rows = {
            let mut c = self.db().read().await?;
            store_items::by_ids(&mut c, ids).await?
        };
        let published: Vec<ItemRow> = rows
            .into_iter()
            .filter(|r| r.status == "published")
            .collect();
        let keep: BTreeSet<i64> = published.iter().map(|r| r.id).collect();
        let mut changes: Vec<Change> = ids
            .iter()
            .filter(|id| !keep.contains(id))
            .map(|id| Change::Delete(*id))
            .collect();
        for doc in self.search_docs(published).await? {
            changes.push(Change::Upsert(Box::new(doc)));
        }
        Ok(changes)
    }

    async fn search_docs(&self, rows: Vec<ItemRow>) -> AppResult<Vec<SearchDoc>> {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let attachments = {
            let mut c = self.db().read().await?;
            store_att::for_items(&mut c, &ids).await?
        };
        let mut texts: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
        for a in attachments {
            let text = texts.entry(a.item_id).or_default();
            text.push_str(&a.filename);
            text.push('\n');
            text.push_str(&a.extracted_text);
            text.push('\n');
        }
        let bodies = self.bodies().await?;
        let mut docs = Vec::with_capacity(rows.len());
        for row in rows {
            let attachment_text = texts.remove(&row.id).unwrap_or_default();
            let body_name = bodies
                .iter()
                .find(|b| b.id == row.body_id)
                .map(|b| b.name.clone())
                .unwrap_or_default();
            docs.push(SearchDoc {
                id: row.id,
                published_on: row
                    .published_on
                    .as_deref()
                    .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                    .unwrap_or_default(),
                // A damaged list must not hold up the whole batch: index the item without it.
                keywords: json_list_or_empty(row.id, &row.keywords),
                key_areas: json_list_or_empty(row.id, &row.key_areas),
                title: row.title,
                summary: row.summary,
                body_text: row.body,
                attachment_text,
                doc_number: row.doc_number_raw.or(row.doc_number),
                index_number: row.index_number.unwrap_or_default(),
                body_id: row.body_id,
                body_name,
                topic: row.topic,
                genre: row.genre,
                validity: row.validity,
            });
        }
        Ok(docs)
    }

    /// The search dictionary as saved (or built in).
    pub async fn search_dictionary(&self, actor: &Actor) -> AppResult<SearchDictionary> {
        if !actor.can_everywhere(Action::ManageTaxonomy) {
            return Err(AppError::Forbidden);
        }
        load_dictionary(self.db()).await
    }

    /// Saves one part of the search dictionary (city office only) and applies it: to the next
    /// query at once, and to the documents by rebuilding the index in the background.
    pub async fn save_search_dictionary(
        &self,
        actor: &Actor,
        origin: &Origin,
        part: DictionaryPart,
        content: &str,
    ) -> AppResult<()> {
        if !actor.can_everywhere(Action::ManageTaxonomy) {
            return Err(AppError::Forbidden);
        }
        // Saves one at a time, so the analysis in force is always the one last committed.
        let _one = self.inner.search_dictionary_save.lock().await;
        let mut dictionary = load_dictionary(self.db()).await?;
        let before = match part {
            DictionaryPart::UserWords => {
                std::mem::replace(&mut dictionary.user_words, content.to_owned())
            }
            DictionaryPart::Synonyms => {
                std::mem::replace(&mut dictionary.synonyms, content.to_owned())
            }
        };
        // Check before writing: a list that does not read is refused with its line number.
        let analysis = {
            let d = dictionary.clone();
            blocking(move || Analysis::new(&d.user_words, Some(&d.synonyms))).await?
        };
        let now = now_ms();
        let mut tx = self.db().begin().await?;
        search_dictionary::put(&mut tx, part.key(), content, actor.user_id, now).await?;
        audit::append(
            &mut tx,
            &audit::NewAudit {
                at_ms: now,
                actor: &actor.login,
                ip: &origin.ip,
                action: "search_dictionary.save",
                entity: "search_dictionary",
                entity_id: part.key(),
                before: &before,
                after: content,
            },
        )
        .await?;
        tx.commit().await?;
        // Queries use the new lists at once. Every term of both lists is also a word of the
        // segmenter, so documents are cut anew by a rebuild in the background.
        self.search_index().set_analysis(analysis);
        self.public_changed();
        let app = self.clone();
        tokio::spawn(async move {
            if let Err(e) = app.rebuild_search(|_, _| {}).await {
                tracing::error!(error = %e, "search index rebuild after dictionary change failed");
            }
        });
        Ok(())
    }
}

fn json_list_or_empty(id: i64, text: &str) -> Vec<String> {
    gongkai_store::from_json_list(text).unwrap_or_else(|e| {
        tracing::warn!(item = id, error = %e, "unreadable list column; indexed without it");
        Vec::new()
    })
}
