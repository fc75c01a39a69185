//! Information items (政府信息): drafting, review, publication, withdrawal, validity, attachments.

mod attachments;
mod catalog_facets;
mod input;
mod publish;
mod queries;

use chrono::NaiveDate;
use gongkai_domain::item::{ItemEvent, ItemFields, ItemStatus, transition};
use gongkai_domain::pii::{self, PiiHit};
use gongkai_domain::role::{Action, Actor};
use gongkai_store::items::{self as store_items, ItemRow};
use gongkai_store::{Conn, audit, from_json_list, outbox};
use serde::Serialize;

pub use attachments::{Attachment, AttachmentFile};
pub use gongkai_store::items::VersionRow;
pub use input::ItemInput;
pub use publish::ImportItem;
pub use queries::{CatalogFilter, Facets, ItemPage, ListedItem, Visibility};

use crate::{App, AppError, AppResult, Origin, now_ms};

/// An information item as the application sees it: typed fields plus its publication facts.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub id: i64,
    pub body_id: i64,
    pub status: ItemStatus,
    #[serde(flatten)]
    pub fields: ItemFields,
    /// The document number as typed, when it differs from the normalised form.
    pub doc_number_raw: Option<String>,
    pub index_number: Option<String>,
    pub published_on: Option<NaiveDate>,
    pub published_ms: Option<i64>,
    pub scheduled_ms: Option<i64>,
    /// Published 20 or more working days after it was written.
    pub late: bool,
    pub review_note: Option<String>,
    pub reviewer_id: Option<i64>,
    pub reviewed_ms: Option<i64>,
    pub pii_override: Option<String>,
    pub successor_id: Option<i64>,
    pub created_by: i64,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub version: i64,
}

/// A personal-data hit and the field it was found in (`title`, `summary`, `body`, `keywords`,
/// `co_issuers` or `attachment:NAME`).
#[derive(Debug, Clone, Serialize)]
pub struct PiiFinding {
    pub field: String,
    /// Names this finding in a reviewer's confirmation that it is a false positive: its field,
    /// offset, kind and a hash of its text, so a confirmation given for other text confirms
    /// nothing.
    pub key: String,
    #[serde(flatten)]
    pub hit: PiiHit,
}

/// The fewest letters or characters a false-positive reason must have (合同编号 is four).
const OVERRIDE_REASON_MIN: usize = 4;

/// Why the reviewer judges the findings harmless, once it says something: at least
/// [`OVERRIDE_REASON_MIN`] letters, digits or characters (a stray "x" or "。" is no reason).
fn override_reason(reason: Option<&str>) -> Option<&str> {
    let reason = reason.map(str::trim)?;
    (reason.chars().filter(|c| c.is_alphanumeric()).count() >= OVERRIDE_REASON_MIN)
        .then_some(reason)
}

/// The reviewer's decision on an item in review.
#[derive(Debug, Clone)]
pub enum ReviewDecision {
    Approve {
        /// Why the reviewer judges the personal-data hits harmless (recorded in the audit log).
        pii_override: Option<String>,
        /// The findings' keys the reviewer confirms one by one as false positives: every
        /// finding must be among them for the reason to count.
        pii_confirmed: Vec<String>,
        /// Publish later instead of at once (Unix ms).
        publish_at_ms: Option<i64>,
    },
    Reject,
}

impl App {
    /// Creates a draft in `body_id` (信息员起草).
    pub async fn create_draft(
        &self,
        actor: &Actor,
        origin: &Origin,
        body_id: i64,
        input: &ItemInput,
    ) -> AppResult<i64> {
        if !actor.can(Action::CreateItem, body_id) {
            return Err(AppError::Forbidden);
        }
        let now = now_ms();
        let mut tx = self.db().begin().await?;
        let values = input.to_values(&mut tx).await?;
        let id = store_items::insert(&mut tx, body_id, &values, actor.user_id, now).await?;
        let row = load(&mut tx, id).await?;
        let snapshot = snapshot(&row);
        store_items::insert_version(&mut tx, id, 1, &snapshot, actor.user_id, now).await?;
        record(
            &mut tx,
            actor,
            origin,
            "item.create",
            id,
            "",
            &created_version(1, &snapshot),
            now,
        )
        .await?;
        tx.commit().await?;
        self.wake_search();
        Ok(id)
    }

    /// Replaces the fields of a draft; a new version is kept.
    pub async fn update_draft(
        &self,
        actor: &Actor,
        origin: &Origin,
        id: i64,
        input: &ItemInput,
    ) -> AppResult<i64> {
        let now = now_ms();
        let mut tx = self.db().begin().await?;
        let before = self
            .authorised(&mut tx, actor, id, Action::EditItem)
            .await?;
        check_transition(&before, &ItemEvent::Edit)?;
        if status_of(&before)? != ItemStatus::Draft {
            return Err(AppError::InvalidState("只有草稿可以修改".into()));
        }
        let values = input.to_values(&mut tx).await?;
        let version = store_items::update_values(&mut tx, id, &values, now).await?;
        let after = load(&mut tx, id).await?;
        let snap = snapshot(&after);
        store_items::insert_version(&mut tx, id, version, &snap, actor.user_id, now).await?;
        record(
            &mut tx,
            actor,
            origin,
            "item.edit",
            id,
            &snapshot(&before),
            &snap,
            now,
        )
        .await?;
        tx.commit().await?;
        self.wake_search();
        Ok(version)
    }

    /// Sends a draft to review (提交审核).
    pub async fn submit(&self, actor: &Actor, origin: &Origin, id: i64) -> AppResult<()> {
        self.change_status(
            actor,
            origin,
            id,
            Action::SubmitItem,
            ItemEvent::Submit,
            None,
        )
        .await
    }

    /// The reviewer's decision: approval is the recorded confidentiality review (保密审查) and
    /// publishes the item (now or at the scheduled time); rejection returns it to draft with the
    /// reviewer's note. Approval is refused while personal data is found and not justified.
    pub async fn review(
        &self,
        actor: &Actor,
        origin: &Origin,
        id: i64,
        decision: &ReviewDecision,
        note: Option<&str>,
    ) -> AppResult<()> {
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        match decision {
            ReviewDecision::Reject => {
                let Some(note) = note else {
                    return Err(AppError::field("note", "退回时请填写审核意见"));
                };
                self.change_status(
                    actor,
                    origin,
                    id,
                    Action::ReviewItem,
                    ItemEvent::Reject,
                    Some(note),
                )
                .await
            }
            ReviewDecision::Approve {
                pii_override,
                pii_confirmed,
                publish_at_ms,
            } => {
                let pii = PiiJudgement {
                    reason: pii_override.as_deref(),
                    confirmed: pii_confirmed,
                };
                self.approve(actor, origin, id, note, pii, *publish_at_ms)
                    .await
            }
        }
    }

    async fn approve(
        &self,
        actor: &Actor,
        origin: &Origin,
        id: i64,
        note: Option<&str>,
        pii: PiiJudgement<'_>,
        publish_at_ms: Option<i64>,
    ) -> AppResult<()> {
        let now = now_ms();
        // A time in the past is a mistake, not a request to publish now: publication cannot be
        // undone, so say so instead of guessing.
        if publish_at_ms.is_some_and(|t| t <= now) {
            return Err(AppError::field("publish_at", "定时发布时间须晚于当前时间"));
        }
        let scheduled = publish_at_ms;
        let mut tx = self.db().begin().await?;
        let row = self
            .authorised(&mut tx, actor, id, Action::ReviewItem)
            .await?;
        check_transition(
            &row,
            &ItemEvent::Approve {
                scheduled: scheduled.is_some(),
            },
        )?;
        if row.created_by == actor.user_id {
            return Err(AppError::InvalidState("不能审核本人起草的信息".into()));
        }
        let findings = self.scan_row(&mut tx, &row).await?;
        let pii_override = override_reason(pii.reason);
        if !findings.is_empty() {
            pii.check(&findings)?;
        }
        // Attachments whose text cannot be read (images, scanned PDFs) are checked by the reviewer's
        // eye; the reviewer says so in writing, like for a false positive.
        let unscanned: Vec<String> = gongkai_store::attachments::for_item(&mut tx, id)
            .await?
            .into_iter()
            .filter(|a| !crate::extract::scanned(&a.content_type, &a.extracted_text))
            .map(|a| a.filename)
            .collect();
        if !unscanned.is_empty() && pii_override.is_none() {
            if pii.reason.is_some_and(|r| !r.trim().is_empty()) {
                return Err(too_short_reason());
            }
            return Err(AppError::UnscannedAttachments(unscanned));
        }
        let pii_override = if findings.is_empty() && unscanned.is_empty() {
            None
        } else {
            pii_override
        };
        store_items::record_review(&mut tx, id, actor.user_id, note, pii_override, now).await?;
        let after = serde_json::json!({
            "status": if scheduled.is_some() { "scheduled" } else { "published" },
            "confidentiality_review": {"reviewer": actor.login, "note": note},
            "pii_hits": findings.len(),
            "pii_override": pii_override,
            // What the reviewer confirmed as false positives, masked as the reviewer saw them.
            "pii_confirmed": findings
                .iter()
                .map(|f| serde_json::json!({"key": f.key, "masked": f.hit.masked}))
                .collect::<Vec<_>>(),
            "scheduled_ms": scheduled,
        });
        record(
            &mut tx,
            actor,
            origin,
            "item.approve",
            id,
            &status_json(&row.status),
            &after.to_string(),
            now,
        )
        .await?;
        match scheduled {
            Some(at) => publish::schedule(&mut tx, id, at, now).await?,
            None => {
                self.publish_now(&mut tx, &row, &actor.login, origin, now)
                    .await?
            }
        }
        tx.commit().await?;
        self.wake_search();
        Ok(())
    }

    /// Withdraws a published or scheduled item (撤回); its index number is never reused.
    pub async fn withdraw(
        &self,
        actor: &Actor,
        origin: &Origin,
        id: i64,
        reason: &str,
    ) -> AppResult<()> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(AppError::field("reason", "请填写撤回原因"));
        }
        self.change_status(
            actor,
            origin,
            id,
            Action::WithdrawItem,
            ItemEvent::Withdraw,
            Some(reason),
        )
        .await
    }

    async fn change_status(
        &self,
        actor: &Actor,
        origin: &Origin,
        id: i64,
        action: Action,
        event: ItemEvent,
        note: Option<&str>,
    ) -> AppResult<()> {
        let now = now_ms();
        // A withdrawal hides the item from search: searches check hits against the database
        // from before it commits until the index has it (see `index_lag`).
        let _changing = self.inner.index_lag.changing();
        let mut tx = self.db().begin().await?;
        let row = self.authorised(&mut tx, actor, id, action).await?;
        let to = check_transition(&row, &event)?;
        store_items::set_status(&mut tx, id, to.as_str(), note, now).await?;
        if to == ItemStatus::Withdrawn {
            outbox::enqueue(&mut tx, "item.withdrawn", id, now).await?;
        }
        let after = serde_json::json!({"status": to.as_str(), "note": note});
        let name = format!("item.{}", event_name(&event));
        record(
            &mut tx,
            actor,
            origin,
            &name,
            id,
            &status_json(&row.status),
            &after.to_string(),
            now,
        )
        .await?;
        tx.commit().await?;
        self.wake_search();
        Ok(())
    }

    /// Loads an item for `actor` and checks `action` on its body. An item the actor may not
    /// see at all is reported as not found, so ids of other bodies' drafts do not leak.
    async fn authorised(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        id: i64,
        action: Action,
    ) -> AppResult<ItemRow> {
        self.authorised_any(conn, actor, id, &[action]).await
    }

    /// Loads an item and checks that the actor may do one of `actions` on its body. An item the
    /// actor may not see at all is reported as not found, so ids of other bodies' drafts do not
    /// leak.
    pub(crate) async fn authorised_any(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        id: i64,
        actions: &[Action],
    ) -> AppResult<ItemRow> {
        let row = store_items::by_id(conn, id)
            .await?
            .ok_or(AppError::NotFound("item"))?;
        if actions.iter().any(|a| actor.can(*a, row.body_id)) {
            return Ok(row);
        }
        let visible = row.status == "published" || actor.can(Action::ViewDrafts, row.body_id);
        Err(if visible {
            AppError::Forbidden
        } else {
            AppError::NotFound("item")
        })
    }

    /// Scans title, summary, body and attachment text for personal data.
    pub async fn scan_item(&self, actor: &Actor, id: i64) -> AppResult<Vec<PiiFinding>> {
        let mut c = self.db().read().await?;
        let row = self
            .authorised(&mut c, actor, id, Action::ViewDrafts)
            .await?;
        self.scan_row(&mut c, &row).await
    }

    async fn scan_row(&self, conn: &mut Conn, row: &ItemRow) -> AppResult<Vec<PiiFinding>> {
        let cfg = &self.config().mask;
        let mut findings = Vec::new();
        let mut scan = |field: String, text: &str| {
            for hit in pii::scan(text, cfg) {
                findings.push(PiiFinding {
                    // The text's hash too: a confirmation given in a stale tab for another
                    // number at the same place confirms nothing.
                    key: format!(
                        "{field}:{}:{}:{}",
                        hit.start,
                        hit.kind.as_str(),
                        &crate::auth::sha256_hex(&hit.text)[..8]
                    ),
                    field: field.clone(),
                    hit,
                });
            }
        };
        scan("title".into(), &row.title);
        scan("summary".into(), &row.summary);
        scan("body".into(), &row.body);
        scan("keywords".into(), &listed(&row.keywords)?);
        scan("co_issuers".into(), &listed(&row.co_issuers)?);
        for a in gongkai_store::attachments::for_item(conn, row.id).await? {
            scan(format!("attachment:{}", a.filename), &a.extracted_text);
        }
        Ok(findings)
    }

    /// One-click masking (一键脱敏) of every hit in the title, summary and body of an item not
    /// yet published. Attachment hits cannot be masked in place: the file must be replaced.
    pub async fn mask_personal_data(
        &self,
        actor: &Actor,
        origin: &Origin,
        id: i64,
    ) -> AppResult<usize> {
        let now = now_ms();
        let mut tx = self.db().begin().await?;
        let row = self
            .authorised_any(&mut tx, actor, id, &[Action::EditItem, Action::ReviewItem])
            .await?;
        let status = status_of(&row)?;
        if !matches!(status, ItemStatus::Draft | ItemStatus::InReview) {
            return Err(AppError::InvalidState(
                "已发布的信息不能在此脱敏，请撤回后修改".into(),
            ));
        }
        let cfg = &self.config().mask;
        let count = pii::scan(&row.title, cfg).len()
            + pii::scan(&row.summary, cfg).len()
            + pii::scan(&row.body, cfg).len()
            + pii::scan(&listed(&row.keywords)?, cfg).len()
            + pii::scan(&listed(&row.co_issuers)?, cfg).len();
        if count == 0 {
            return Ok(0);
        }
        let mut values = input::values_of(&row)?;
        values.title = pii::mask(&row.title, cfg);
        values.summary = pii::mask(&row.summary, cfg);
        values.body = pii::mask(&row.body, cfg);
        // Each entry alone: an entry ends a number or an address like the 、 joining them.
        for list in [&mut values.keywords, &mut values.co_issuers] {
            for entry in list.iter_mut() {
                *entry = pii::mask(entry, cfg);
            }
        }
        let version = store_items::update_values(&mut tx, id, &values, now).await?;
        let after = load(&mut tx, id).await?;
        let snap = snapshot(&after);
        store_items::insert_version(&mut tx, id, version, &snap, actor.user_id, now).await?;
        record(
            &mut tx,
            actor,
            origin,
            "item.mask_pii",
            id,
            &snapshot(&row),
            &snap,
            now,
        )
        .await?;
        tx.commit().await?;
        self.wake_search();
        Ok(count)
    }

    /// Changes the validity (有效性) of a published item; `已修订` needs the successor that
    /// replaced it, which is then linked from the item's page.
    pub async fn set_validity(
        &self,
        actor: &Actor,
        origin: &Origin,
        id: i64,
        validity: gongkai_domain::item::Validity,
        successor_id: Option<i64>,
    ) -> AppResult<()> {
        use gongkai_domain::item::Validity;
        let now = now_ms();
        let mut tx = self.db().begin().await?;
        let row = self
            .authorised(&mut tx, actor, id, Action::ReviewItem)
            .await?;
        if status_of(&row)? != ItemStatus::Published {
            return Err(AppError::InvalidState(
                "只有已发布的信息可以变更有效性".into(),
            ));
        }
        let successor_id = match (validity, successor_id) {
            (Validity::Revised, None) => {
                return Err(AppError::field(
                    "successor_id",
                    "已修订的文件须指明修订后的文件",
                ));
            }
            (Validity::Revised, Some(s)) => {
                let succ = store_items::by_id(&mut tx, s).await?;
                if s == id || succ.is_none_or(|r| r.status != "published") {
                    return Err(AppError::field(
                        "successor_id",
                        "修订后的文件须是另一条已发布的信息",
                    ));
                }
                Some(s)
            }
            (_, s) => s,
        };
        let mut values = input::values_of(&row)?;
        values.validity = validity.as_str().to_owned();
        values.successor_id = successor_id;
        let version = store_items::update_values(&mut tx, id, &values, now).await?;
        let after = load(&mut tx, id).await?;
        let snap = snapshot(&after);
        store_items::insert_version(&mut tx, id, version, &snap, actor.user_id, now).await?;
        outbox::enqueue(&mut tx, "item.changed", id, now).await?;
        let before =
            serde_json::json!({"validity": row.validity, "successor_id": row.successor_id});
        let after =
            serde_json::json!({"validity": validity.as_str(), "successor_id": successor_id});
        record(
            &mut tx,
            actor,
            origin,
            "item.validity",
            id,
            &before.to_string(),
            &after.to_string(),
            now,
        )
        .await?;
        tx.commit().await?;
        self.wake_search();
        Ok(())
    }
}

pub(crate) async fn load(conn: &mut Conn, id: i64) -> AppResult<ItemRow> {
    store_items::by_id(conn, id)
        .await?
        .ok_or(AppError::NotFound("item"))
}

fn status_of(row: &ItemRow) -> AppResult<ItemStatus> {
    ItemStatus::parse(&row.status)
        .ok_or_else(|| AppError::Internal(format!("item {} has status {}", row.id, row.status)))
}

fn check_transition(row: &ItemRow, event: &ItemEvent) -> AppResult<ItemStatus> {
    transition(status_of(row)?, event).map_err(|e| AppError::InvalidState(e.message_zh()))
}

fn event_name(event: &ItemEvent) -> &'static str {
    match event {
        ItemEvent::Edit => "edit",
        ItemEvent::Submit => "submit",
        ItemEvent::Approve { .. } => "approve",
        ItemEvent::Reject => "reject",
        ItemEvent::PublishDue => "publish",
        ItemEvent::Withdraw => "withdraw",
    }
}

fn status_json(status: &str) -> String {
    serde_json::json!({ "status": status }).to_string()
}

/// The full row as JSON: what version history and edit audit records keep.
fn snapshot(row: &ItemRow) -> String {
    serde_json::to_string(row).unwrap_or_default()
}

/// The audit record of an item's creation: which version it created and the SHA-256 of that
/// version's snapshot. The snapshot itself is the version row; the digest binds the hash chain
/// to it, so the record proves what was created without a second copy of every body (a bulk
/// import otherwise writes each item's text three times).
fn created_version(version: i64, snapshot: &str) -> String {
    serde_json::json!({
        "version": version,
        "snapshot_sha256": crate::auth::sha256_hex(snapshot),
    })
    .to_string()
}

/// What an audit record written by [`created_version`] claims: (item id, version, digest).
/// Records written before digests (which hold the snapshot itself) claim nothing.
pub(crate) fn created_version_claim(
    action: &str,
    entity_id: &str,
    after: &str,
) -> Option<(i64, i64, String)> {
    if !matches!(action, "item.create" | "item.import") {
        return None;
    }
    let value: serde_json::Value = serde_json::from_str(after).ok()?;
    Some((
        entity_id.parse().ok()?,
        value.get("version")?.as_i64()?,
        value.get("snapshot_sha256")?.as_str()?.to_owned(),
    ))
}

#[allow(clippy::too_many_arguments)]
async fn record(
    conn: &mut Conn,
    actor: &Actor,
    origin: &Origin,
    action: &str,
    id: i64,
    before: &str,
    after: &str,
    now: i64,
) -> AppResult<()> {
    audit::append(
        conn,
        &audit::NewAudit {
            at_ms: now,
            actor: &actor.login,
            ip: &origin.ip,
            action,
            entity: "item",
            entity_id: &id.to_string(),
            before,
            after,
        },
    )
    .await?;
    Ok(())
}

/// A stored list (主题词, 联合发文机构) as one text to scan, its entries joined by 、.
fn listed(json: &str) -> AppResult<String> {
    Ok(from_json_list(json)?.join("、"))
}

/// What a reviewer says of the personal-data findings when approving.
#[derive(Debug, Clone, Copy)]
struct PiiJudgement<'a> {
    reason: Option<&'a str>,
    confirmed: &'a [String],
}

impl PiiJudgement<'_> {
    /// Approval over `findings` (not empty) needs a reason and each finding confirmed.
    fn check(&self, findings: &[PiiFinding]) -> AppResult<()> {
        if self.reason.is_none_or(|r| r.trim().is_empty()) {
            return Err(AppError::PiiBlocked(findings.to_vec()));
        }
        if override_reason(self.reason).is_none() {
            return Err(too_short_reason());
        }
        let unconfirmed = findings
            .iter()
            .filter(|f| !self.confirmed.contains(&f.key))
            .count();
        if unconfirmed > 0 {
            return Err(AppError::field(
                "pii_confirmed",
                format!(
                    "请逐条勾选确认上列命中均不是个人信息（还有 {unconfirmed} 处未确认；内容改动后须重新确认）"
                ),
            ));
        }
        Ok(())
    }
}

fn too_short_reason() -> AppError {
    AppError::field(
        "pii_override",
        format!(
            "误报说明须写明理由，至少 {OVERRIDE_REASON_MIN} 个字，例如“合同编号，不是银行卡号”"
        ),
    )
}
