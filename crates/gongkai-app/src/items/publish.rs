//! Publication: index-number allocation, the late-publication flag, scheduling and the bulk
//! import of an archive of already published items.

use chrono::NaiveDate;
use gongkai_domain::calendar::is_late_publication;
use gongkai_domain::item::{ItemEvent, ItemStatus};
use gongkai_domain::role::Actor;
use std::collections::BTreeMap;

use gongkai_store::items::{self as store_items, ItemRow, Publication, PublishedItem};
use gongkai_store::{Conn, Tx, audit, bodies, counters, outbox};

use super::attachments::AcceptedFile;
use super::{ItemInput, check_transition, created_version, load, snapshot, status_json};
use crate::{App, AppError, AppResult, Origin, local_date, now_ms};

/// One already published item of an archive being imported.
#[derive(Debug, Clone)]
pub struct ImportItem {
    pub body_id: i64,
    pub input: ItemInput,
    pub published_on: NaiveDate,
    /// File name and bytes.
    pub attachments: Vec<(String, Vec<u8>)>,
}

pub(super) async fn schedule(conn: &mut Conn, id: i64, at_ms: i64, now: i64) -> AppResult<()> {
    store_items::set_publication(
        conn,
        id,
        &Publication {
            status: ItemStatus::Scheduled.as_str(),
            index_number: None,
            index_year: None,
            index_serial: None,
            published_on: None,
            published_ms: None,
            scheduled_ms: Some(at_ms),
            late: false,
        },
        now,
    )
    .await?;
    Ok(())
}

/// The instant recorded for a publication on `day`: now when it is today, else 09:00 China time
/// of that day (an imported archive keeps its order by date).
fn published_ms(day: NaiveDate, now: i64) -> i64 {
    if local_date(now) == day {
        return now;
    }
    day.and_hms_opt(9, 0, 0)
        .and_then(|t| t.and_local_timezone(crate::china_offset()).single())
        .map_or(now, |t| t.timestamp_millis())
}

impl App {
    /// Publishes `row` inside the caller's transaction: the index number is allocated here, at
    /// first publication, from the body's counter for the year of publication.
    pub(super) async fn publish_now(
        &self,
        conn: &mut Conn,
        row: &ItemRow,
        actor_login: &str,
        origin: &Origin,
        now: i64,
    ) -> AppResult<()> {
        let published_on = local_date(now);
        self.publish_on(conn, row, published_on, now, actor_login, origin)
            .await
    }

    async fn publish_on(
        &self,
        conn: &mut Conn,
        row: &ItemRow,
        published_on: NaiveDate,
        now: i64,
        actor_login: &str,
        origin: &Origin,
    ) -> AppResult<()> {
        let body = bodies::by_id(conn, row.body_id)
            .await?
            .ok_or(AppError::NotFound("body"))?;
        let (index_number, year, serial) = match &row.index_number {
            Some(n) => (n.clone(), None, None),
            None => {
                use chrono::Datelike;
                let year = published_on.year();
                let serial = counters::next_serial(conn, row.body_id, year).await?;
                let n = self.render_index_number(&body.code, published_on, serial)?;
                (n, Some(i64::from(year)), Some(serial))
            }
        };
        let late = self.is_late(row.written_on.as_deref(), published_on);
        let published_on_text = published_on.to_string();
        store_items::set_publication(
            conn,
            row.id,
            &Publication {
                status: ItemStatus::Published.as_str(),
                index_number: Some(&index_number),
                index_year: year,
                index_serial: serial,
                published_on: Some(&published_on_text),
                published_ms: Some(published_ms(published_on, now)),
                scheduled_ms: None,
                late,
            },
            now,
        )
        .await
        .map_err(|e| index_conflict(e, Some(&index_number)))?;
        outbox::enqueue(conn, "item.published", row.id, now).await?;
        audit::append(
            conn,
            &audit::NewAudit {
                at_ms: now,
                actor: actor_login,
                ip: &origin.ip,
                action: "item.publish",
                entity: "item",
                entity_id: &row.id.to_string(),
                before: &status_json(&row.status),
                after: &publish_audit(&index_number, &published_on_text, late),
            },
        )
        .await?;
        Ok(())
    }

    /// The index number (索引号) of the `serial`-th publication of a body in the year of `day`.
    fn render_index_number(
        &self,
        body_code: &str,
        day: NaiveDate,
        serial: i64,
    ) -> AppResult<String> {
        use chrono::Datelike;
        let serial = u32::try_from(serial)
            .map_err(|_| AppError::Internal("index serial overflow".into()))?;
        Ok(self
            .config()
            .index_pattern
            .render(body_code, day.year(), day.month(), serial))
    }

    /// Whether publishing on `published_on` a document written on `written_on` is late.
    fn is_late(&self, written_on: Option<&str>, published_on: NaiveDate) -> bool {
        let written = written_on.and_then(|w| NaiveDate::parse_from_str(w, "%Y-%m-%d").ok());
        let calendar = self.calendar();
        written.is_some_and(|w| is_late_publication(&calendar, w, published_on))
    }

    /// Publishes scheduled items whose time has come; run periodically by the server. Returns how
    /// many were published.
    pub async fn publish_due(&self) -> AppResult<usize> {
        let now = now_ms();
        let due = {
            let mut c = self.db().read().await?;
            store_items::due_scheduled(&mut c, now).await?
        };
        let origin = Origin {
            ip: "scheduler".into(),
        };
        let mut n = 0;
        for id in due {
            let mut tx: Tx = self.db().begin().await?;
            let row = load(&mut tx, id).await?;
            if check_transition(&row, &ItemEvent::PublishDue).is_err() {
                continue; // withdrawn or published meanwhile
            }
            let at = row.scheduled_ms.unwrap_or(now);
            self.publish_on(&mut tx, &row, local_date(at), now, "scheduler", &origin)
                .await?;
            tx.commit().await?;
            self.wake_search();
            n += 1;
        }
        Ok(n)
    }

    /// Imports one already published item of an archive (city office only); see
    /// [`App::import_published_batch`].
    pub async fn import_published(
        &self,
        actor: &Actor,
        origin: &Origin,
        body_id: i64,
        input: &ItemInput,
        published_on: NaiveDate,
        attachments: &[(String, Vec<u8>)],
    ) -> AppResult<i64> {
        let item = ImportItem {
            body_id,
            input: input.clone(),
            published_on,
            attachments: attachments.to_vec(),
        };
        let ids = self.import_published_batch(actor, origin, &[item]).await?;
        ids.first()
            .copied()
            .ok_or(AppError::Internal("empty import".into()))
    }

    /// Imports already published items of an archive (city office only) in one transaction:
    /// each gets everything a publication does — validation, a version, its index number, the
    /// late flag, audit records and an outbox event for the index. A bad item fails the batch,
    /// naming it. The rows are written with a few multi-row statements per batch, not a dozen
    /// statements per item: that is what makes an archive of 100,000 items import in minutes.
    pub async fn import_published_batch(
        &self,
        actor: &Actor,
        origin: &Origin,
        batch: &[ImportItem],
    ) -> AppResult<Vec<i64>> {
        if !actor.is_city_office() {
            return Err(AppError::Forbidden);
        }
        if batch.is_empty() {
            return Ok(vec![]);
        }
        let files = self.accept_batch_files(batch).await?;
        let now = now_ms();
        let mut tx = self.db().begin().await?;
        let mut values = Vec::with_capacity(batch.len());
        for item in batch {
            values.push(item.input.to_values(&mut tx).await?);
        }
        let numbers = self.allocate_index_numbers(&mut tx, batch).await?;
        let rows: Vec<PublishedItem> = batch
            .iter()
            .zip(&values)
            .zip(numbers)
            .map(|((item, v), (index_number, year, serial))| PublishedItem {
                body_id: item.body_id,
                values: v,
                index_number,
                index_year: year,
                index_serial: serial,
                published_on: item.published_on.to_string(),
                published_ms: published_ms(item.published_on, now),
                late: self.is_late(v.written_on.as_deref(), item.published_on),
            })
            .collect();
        let ids = store_items::insert_published(&mut tx, &rows, actor.user_id, now)
            .await
            .map_err(|e| index_conflict(e, None))?;
        // Version 1 holds the item as it stood before publication, as when a draft is created
        // and then published; the import record names that version by its digest.
        let snapshots: Vec<(i64, String)> = ids
            .iter()
            .zip(&rows)
            .map(|(id, p)| {
                let draft = unpublished(p.stored_row(*id, actor.user_id, now));
                (*id, snapshot(&draft))
            })
            .collect();
        store_items::insert_first_versions(&mut tx, &snapshots, actor.user_id, now).await?;
        let mut attached = Vec::with_capacity(ids.len());
        for (id, files) in ids.iter().zip(&files) {
            let mut afters = Vec::with_capacity(files.len());
            for f in files {
                let att = super::attachments::insert_row(&mut tx, *id, f, now).await?;
                afters.push(super::attachments::attach_audit(att, f));
            }
            attached.push(afters);
        }
        outbox::enqueue_many(&mut tx, "item.published", &ids, now).await?;
        let trail = import_trail(&rows, &snapshots, &attached);
        let records: Vec<audit::NewAudit> = trail
            .iter()
            .map(|(action, id, before, after)| audit::NewAudit {
                at_ms: now,
                actor: &actor.login,
                ip: &origin.ip,
                action,
                entity: "item",
                entity_id: id,
                before,
                after,
            })
            .collect();
        audit::append_many(&mut tx, &records).await?;
        tx.commit().await?;
        self.wake_search();
        Ok(ids)
    }

    /// Settles the database after a bulk import (see `Db::after_bulk_change`).
    pub async fn after_import(&self, actor: &Actor) -> AppResult<()> {
        if !actor.is_city_office() {
            return Err(AppError::Forbidden);
        }
        self.db().after_bulk_change().await?;
        Ok(())
    }

    /// Checks and stores the attachments of a batch in waves of up to 64 files and 64 MiB (each
    /// file waits on its own write and sync; the file system commits syncs that wait together
    /// in one journal write: 8 at a time, the 5 % of a 100,000-item archive with an attachment
    /// took 40 % of its import); per item, in the order given. Every started file is finished
    /// before an error is returned (no half-written blobs), and the error is the first in batch
    /// order.
    async fn accept_batch_files(&self, batch: &[ImportItem]) -> AppResult<Vec<Vec<AcceptedFile>>> {
        const FILES_AT_ONCE: usize = 64;
        // Each file is copied for its task: this bounds the copies a wave holds.
        const BYTES_AT_ONCE: usize = 64 << 20;
        let wanted: Vec<(usize, &(String, Vec<u8>))> = batch
            .iter()
            .enumerate()
            .flat_map(|(i, item)| item.attachments.iter().map(move |a| (i, a)))
            .collect();
        let sizes = wanted.iter().map(|(_, (_, bytes))| bytes.len());
        let mut files: Vec<Vec<AcceptedFile>> = batch.iter().map(|_| Vec::new()).collect();
        for range in waves(sizes, FILES_AT_ONCE, BYTES_AT_ONCE) {
            let wave = &wanted[range];
            let mut tasks = tokio::task::JoinSet::new();
            for (k, (_, (name, bytes))) in wave.iter().enumerate() {
                let (app, name, bytes) = (self.clone(), name.clone(), bytes.clone());
                tasks.spawn(async move { (k, app.accept_file(&name, &bytes).await) });
            }
            let mut done: Vec<(usize, AppResult<AcceptedFile>)> = Vec::with_capacity(wave.len());
            while let Some(joined) = tasks.join_next().await {
                done.push(joined.map_err(|e| AppError::Internal(format!("attachment task: {e}")))?);
            }
            done.sort_by_key(|(k, _)| *k);
            for ((item, _), (_, file)) in wave.iter().zip(done) {
                if let Some(list) = files.get_mut(*item) {
                    list.push(file?);
                }
            }
        }
        Ok(files)
    }

    /// Index numbers for a batch in its order: one counter bump per body and year.
    async fn allocate_index_numbers(
        &self,
        conn: &mut Conn,
        batch: &[ImportItem],
    ) -> AppResult<Vec<(String, i64, i64)>> {
        use chrono::Datelike;
        let mut wanted: BTreeMap<(i64, i32), i64> = BTreeMap::new();
        for item in batch {
            *wanted
                .entry((item.body_id, item.published_on.year()))
                .or_default() += 1;
        }
        let mut next: BTreeMap<(i64, i32), i64> = BTreeMap::new();
        let mut codes: BTreeMap<i64, String> = BTreeMap::new();
        for (&(body_id, year), &n) in &wanted {
            next.insert(
                (body_id, year),
                counters::take_serials(conn, body_id, year, n).await?,
            );
            if let std::collections::btree_map::Entry::Vacant(e) = codes.entry(body_id) {
                let body = bodies::by_id(conn, body_id)
                    .await?
                    .ok_or(AppError::NotFound("body"))?;
                e.insert(body.code);
            }
        }
        let mut out = Vec::with_capacity(batch.len());
        for item in batch {
            let year = item.published_on.year();
            let serial = next
                .get_mut(&(item.body_id, year))
                .ok_or(AppError::Internal("no serial allocated".into()))?;
            let code = codes.get(&item.body_id).map_or("", String::as_str);
            let number = self.render_index_number(code, item.published_on, *serial)?;
            out.push((number, i64::from(year), *serial));
            *serial += 1;
        }
        Ok(out)
    }
}

/// Consecutive ranges of files of these sizes, each of at most `files` files and `bytes` bytes
/// (a larger file makes a wave of its own).
fn waves(
    sizes: impl IntoIterator<Item = usize>,
    files: usize,
    bytes: usize,
) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let (mut start, mut held, mut end) = (0, 0, 0);
    for (i, size) in sizes.into_iter().enumerate() {
        if i > start && (i - start >= files || held + size > bytes) {
            out.push(start..i);
            (start, held) = (i, 0);
        }
        held += size;
        end = i + 1;
    }
    if end > start {
        out.push(start..end);
    }
    out
}

/// The row of an item before its first publication: a draft without publication facts.
fn unpublished(mut row: ItemRow) -> ItemRow {
    row.status = ItemStatus::Draft.as_str().to_owned();
    row.index_number = None;
    row.published_on = None;
    row.published_ms = None;
    row.late = 0;
    row
}

/// The audit records of an imported batch, per item in order: its import (the item before
/// publication), its attachments, its publication. `(action, entity id, before, after)`.
fn import_trail(
    rows: &[PublishedItem],
    snapshots: &[(i64, String)],
    attached: &[Vec<String>],
) -> Vec<(&'static str, String, String, String)> {
    let mut trail = Vec::with_capacity(rows.len() * 2);
    for ((row, (id, snap)), afters) in rows.iter().zip(snapshots).zip(attached) {
        let entity_id = id.to_string();
        trail.push((
            "item.import",
            entity_id.clone(),
            String::new(),
            created_version(1, snap),
        ));
        for after in afters {
            trail.push((
                "item.attach",
                entity_id.clone(),
                String::new(),
                after.clone(),
            ));
        }
        trail.push((
            "item.publish",
            entity_id,
            status_json(ItemStatus::Draft.as_str()),
            publish_audit(&row.index_number, &row.published_on, row.late),
        ));
    }
    trail
}

/// The "after" state of an `item.publish` audit record.
fn publish_audit(index_number: &str, published_on: &str, late: bool) -> String {
    serde_json::json!({
        "status": "published", "index_number": index_number,
        "published_on": published_on, "late": late,
    })
    .to_string()
}

/// A clash on the unique index number is a conflict the user can act on.
fn index_conflict(e: gongkai_store::StoreError, index_number: Option<&str>) -> AppError {
    match (e.constraint(), index_number) {
        (Some(c), Some(n)) if c.contains("index_number") => {
            AppError::Conflict(format!("索引号 {n} 已被占用"))
        }
        (Some(c), None) if c.contains("index_number") => {
            AppError::Conflict("本批信息的索引号与已发布的信息重复".into())
        }
        _ => AppError::Store(e),
    }
}

#[cfg(test)]
mod tests {
    use super::waves;

    #[test]
    fn waves_hold_at_most_so_many_files_and_bytes_in_order() {
        assert!(waves([], 3, 10).is_empty());
        assert_eq!(waves([1; 7], 3, 100), vec![0..3, 3..6, 6..7]);
        // Bytes close a wave before it is full; a file larger than the bound goes alone.
        assert_eq!(
            waves([4, 4, 4, 50, 1, 1], 3, 10),
            vec![0..2, 2..3, 3..4, 4..6]
        );
        assert_eq!(waves([50], 3, 10), vec![0..1]);
        // Every file is in exactly one wave, whatever the bounds.
        for (files, bytes) in [(1, 1), (2, 5), (64, 1 << 20), (0, 0)] {
            let sizes = [3, 0, 9, 2, 2, 7, 1];
            let got = waves(sizes, files, bytes);
            let covered: Vec<usize> = got.iter().flat_map(|r| r.clone()).collect();
            assert_eq!(covered, (0..sizes.len()).collect::<Vec<_>>());
            assert!(got.iter().all(|r| r.len() <= files.max(1)));
        }
    }
}
