//! Publication: index-number allocation, the late-publication flag, scheduling and the bulk
//! import of an archive of already published items.

use chrono::NaiveDate;
use gongkai_domain::calendar::is_late_publication;
use gongkai_domain::item::{ItemEvent, ItemStatus};
use gongkai_domain::role::Actor;
use gongkai_store::items::{self as store_items, ItemRow, Publication};
use gongkai_store::{Conn, Tx, audit, bodies, counters, outbox};

use super::{ItemInput, check_transition, load, snapshot, status_json};
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
                let serial_u32 = u32::try_from(serial)
                    .map_err(|_| AppError::Internal("index serial overflow".into()))?;
                let n = self.config().index_pattern.render(
                    &body.code,
                    year,
                    published_on.month(),
                    serial_u32,
                );
                (n, Some(i64::from(year)), Some(serial))
            }
        };
        let written = row
            .written_on
            .as_deref()
            .and_then(|w| NaiveDate::parse_from_str(w, "%Y-%m-%d").ok());
        let calendar = self.calendar();
        let late = written.is_some_and(|w| is_late_publication(&calendar, w, published_on));
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
        .map_err(|e| match e.constraint() {
            Some(c) if c.contains("index_number") => {
                AppError::Conflict(format!("索引号 {index_number} 已被占用"))
            }
            _ => AppError::Store(e),
        })?;
        outbox::enqueue(conn, "item.published", row.id, now).await?;
        let after = serde_json::json!({
            "status": "published", "index_number": index_number,
            "published_on": published_on_text, "late": late,
        });
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
                after: &after.to_string(),
            },
        )
        .await?;
        Ok(())
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
    /// naming it.
    pub async fn import_published_batch(
        &self,
        actor: &Actor,
        origin: &Origin,
        batch: &[ImportItem],
    ) -> AppResult<Vec<i64>> {
        if !actor.is_city_office() {
            return Err(AppError::Forbidden);
        }
        let mut files = Vec::with_capacity(batch.len());
        for item in batch {
            let mut accepted = Vec::with_capacity(item.attachments.len());
            for (name, bytes) in &item.attachments {
                accepted.push(self.accept_file(name, bytes).await?);
            }
            files.push(accepted);
        }
        let now = now_ms();
        let mut tx = self.db().begin().await?;
        let mut ids = Vec::with_capacity(batch.len());
        for (item, files) in batch.iter().zip(&files) {
            let values = item.input.to_values(&mut tx).await?;
            let id =
                store_items::insert(&mut tx, item.body_id, &values, actor.user_id, now).await?;
            let row = load(&mut tx, id).await?;
            let snap = snapshot(&row);
            store_items::insert_version(&mut tx, id, 1, &snap, actor.user_id, now).await?;
            audit::append(
                &mut tx,
                &audit::NewAudit {
                    at_ms: now,
                    actor: &actor.login,
                    ip: &origin.ip,
                    action: "item.import",
                    entity: "item",
                    entity_id: &id.to_string(),
                    before: "",
                    after: &snap,
                },
            )
            .await?;
            for f in files {
                super::attachments::insert_accepted(&mut tx, actor, origin, id, f, now).await?;
            }
            self.publish_on(&mut tx, &row, item.published_on, now, &actor.login, origin)
                .await?;
            ids.push(id);
        }
        tx.commit().await?;
        self.wake_search();
        Ok(ids)
    }
}
