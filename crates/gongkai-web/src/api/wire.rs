//! Wire types: what the API accepts and returns. Kept apart from rows and domain types so the
//! API changes only on purpose (the OpenAPI snapshot shows every change).

use std::collections::HashMap;

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use gongkai_app::AppError;
use gongkai_app::domain::role::Actor;
use gongkai_app::items::{Attachment, Item, ItemInput, ItemPage, PiiFinding};
use gongkai_app::orgs::Body;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::ApiError;

/// A JSON body whose syntax or shape errors come back in the API's error envelope.
pub struct ApiJson<T>(pub T);

impl<T: serde::de::DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(r) => Err(json_error(&r)),
        }
    }
}

fn json_error(r: &JsonRejection) -> ApiError {
    let text = r.body_text();
    let malformed = |message: String| ApiError::Malformed {
        field: "body".into(),
        message,
    };
    match r {
        JsonRejection::MissingJsonContentType(_) => {
            return malformed("请求头 Content-Type 应为 application/json".to_owned());
        }
        JsonRejection::JsonSyntaxError(_) => return malformed("请求体不是有效的 JSON".to_owned()),
        _ => {}
    }
    let field = text
        .split('`')
        .nth(1)
        .filter(|_| text.contains("field"))
        .unwrap_or("body");
    let field: &'static str = match field {
        "title" => "title",
        "body" => "body",
        "decision" => "decision",
        "reason" => "reason",
        "validity" => "validity",
        _ => "body",
    };
    ApiError::bad_request(field, format!("请求体格式不符合要求：{text}"))
}

/// A body (机构).
#[derive(Debug, Serialize, ToSchema)]
pub struct BodyJson {
    /// Organisation code: the prefix of the body's index numbers.
    pub code: String,
    pub name: String,
    pub short_names: Vec<String>,
    /// `city`, `district`, `zone`, `town` or `department`.
    pub kind: String,
    pub parent_code: Option<String>,
}

impl BodyJson {
    pub fn new(b: Body, codes: &HashMap<i64, String>) -> BodyJson {
        BodyJson {
            parent_code: b.parent_id.and_then(|p| codes.get(&p).cloned()),
            kind: b.kind.as_str().to_owned(),
            code: b.code,
            name: b.name,
            short_names: b.short_names,
        }
    }
}

/// Filters of the item list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ItemQuery {
    pub body_code: Option<String>,
    /// A top topic (`综合政务`) or a path (`综合政务/政务公开`).
    pub topic: Option<String>,
    pub key_area: Option<String>,
    pub genre: Option<String>,
    /// Year of publication.
    pub year: Option<i32>,
    /// `effective`, `expired`, `repealed`, `revised` (or 有效/失效/废止/已修订).
    pub validity: Option<String>,
    /// 1-based page number.
    pub page: Option<u32>,
    /// Items per page (default 20, at most 100).
    pub per_page: Option<u32>,
}

/// The fields of an item to create or replace. Missing text fields are reported together.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ItemWrite {
    /// Code of the body the draft belongs to (create only).
    pub body_code: Option<String>,
    pub title: String,
    pub body: String,
    pub summary: String,
    /// 文号, normalised to 〔〕 when it has the standard form.
    pub doc_number: Option<String>,
    /// 成文日期, `YYYY-MM-DD`.
    pub written_on: Option<String>,
    pub genre: String,
    pub topic: String,
    pub key_areas: Vec<String>,
    pub keywords: Vec<String>,
    pub validity: Option<String>,
    pub successor_id: Option<i64>,
    pub disclosure: Option<String>,
    pub time_limit: Option<String>,
    pub scope: Option<String>,
    pub channel: Option<String>,
    pub co_issuers: Vec<String>,
}

impl ItemWrite {
    pub fn input(&self) -> ItemInput {
        ItemInput {
            title: self.title.clone(),
            body: self.body.clone(),
            summary: self.summary.clone(),
            doc_number: self.doc_number.clone(),
            written_on: self.written_on.clone(),
            genre: self.genre.clone(),
            topic: self.topic.clone(),
            key_areas: self.key_areas.clone(),
            keywords: self.keywords.clone(),
            validity: self.validity.clone(),
            successor_id: self.successor_id,
            disclosure: self.disclosure.clone(),
            time_limit: self.time_limit.clone(),
            scope: self.scope.clone(),
            channel: self.channel.clone(),
            co_issuers: self.co_issuers.clone(),
        }
    }
}

/// An attachment.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentJson {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    /// Download path.
    pub url: String,
}

impl From<Attachment> for AttachmentJson {
    fn from(a: Attachment) -> Self {
        AttachmentJson {
            url: format!("/attachments/{}", a.id),
            id: a.id,
            filename: a.filename,
            content_type: a.content_type,
            size_bytes: a.size_bytes,
            sha256: a.sha256,
        }
    }
}

/// An information item (政府信息).
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemJson {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub summary: String,
    pub doc_number: Option<String>,
    pub written_on: Option<String>,
    pub published_on: Option<String>,
    pub genre: String,
    pub topic: String,
    pub key_areas: Vec<String>,
    pub keywords: Vec<String>,
    /// `effective`, `expired`, `repealed` or `revised`.
    pub validity: String,
    /// 有效 / 失效 / 废止 / 已修订.
    pub validity_label: String,
    pub successor_id: Option<i64>,
    /// 索引号, allocated at first publication.
    pub index_number: Option<String>,
    /// `draft`, `in_review`, `scheduled`, `published` or `withdrawn`.
    pub status: String,
    pub body_code: String,
    pub body_name: String,
    pub co_issuers: Vec<String>,
    pub disclosure: String,
    pub time_limit: String,
    pub scope: String,
    pub channel: String,
    /// Published 20 or more working days after it was written.
    pub late: bool,
    /// The reviewer's note (staff only).
    pub review_note: Option<String>,
    pub scheduled_at: Option<String>,
    pub version: i64,
    pub attachments: Vec<AttachmentJson>,
    pub url: String,
}

fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .with_timezone(&gongkai_app::china_offset())
        .to_rfc3339()
}

impl ItemJson {
    pub async fn new(
        state: &AppState,
        actor: Option<&Actor>,
        item: Item,
    ) -> Result<ItemJson, AppError> {
        let body = state.app.body(item.body_id).await?;
        let attachments = state
            .app
            .attachments(actor, item.id)
            .await?
            .into_iter()
            .map(AttachmentJson::from)
            .collect();
        let staff = actor
            .is_some_and(|a| a.can(gongkai_app::domain::role::Action::ViewDrafts, item.body_id));
        Ok(Self::with_body(item, &body, attachments, staff))
    }

    fn with_body(
        item: Item,
        body: &Body,
        attachments: Vec<AttachmentJson>,
        staff: bool,
    ) -> ItemJson {
        let f = item.fields;
        ItemJson {
            url: format!("/items/{}", item.id),
            id: item.id,
            title: f.title,
            body: f.body,
            summary: f.summary,
            doc_number: f.doc_number,
            written_on: f.written_on.map(|d| d.to_string()),
            published_on: item.published_on.map(|d| d.to_string()),
            genre: f.genre,
            topic: f.topic,
            key_areas: f.key_areas,
            keywords: f.keywords,
            validity: f.validity.as_str().to_owned(),
            validity_label: f.validity.label_zh().to_owned(),
            successor_id: item.successor_id,
            index_number: item.index_number,
            status: item.status.as_str().to_owned(),
            body_code: body.code.clone(),
            body_name: body.name.clone(),
            co_issuers: f.co_issuers,
            disclosure: f.disclosure.label_zh().to_owned(),
            time_limit: f.time_limit.label_zh().to_owned(),
            scope: f.scope.label_zh().to_owned(),
            channel: f.channel,
            late: item.late,
            review_note: if staff { item.review_note } else { None },
            scheduled_at: item.scheduled_ms.map(rfc3339),
            version: item.version,
            attachments,
        }
    }
}

/// A page of items.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemListJson {
    pub items: Vec<ItemJson>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
    pub pages: u32,
}

impl ItemListJson {
    pub async fn new(state: &AppState, page: ItemPage) -> Result<ItemListJson, AppError> {
        let bodies = crate::views::body_map(state.app.bodies().await?);
        let mut files = state.app.attachments_of_published(&page.items).await?;
        let mut items = Vec::with_capacity(page.items.len());
        for item in page.items {
            let body = bodies
                .get(&item.body_id)
                .ok_or(AppError::NotFound("body"))?;
            let attachments = files
                .remove(&item.id)
                .unwrap_or_default()
                .into_iter()
                .map(AttachmentJson::from)
                .collect();
            items.push(ItemJson::with_body(item, body, attachments, false));
        }
        Ok(ItemListJson {
            items,
            total: page.total,
            page: page.page,
            per_page: page.per_page,
            pages: page.pages,
        })
    }
}

/// A review decision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewWrite {
    /// `approve` or `reject`.
    pub decision: String,
    /// The reviewer's note; required to reject.
    pub note: Option<String>,
    /// Why the personal-data hits are false positives (approve only; at least 4 characters).
    pub pii_override: Option<String>,
    /// The `key` of every hit the reviewer confirms as a false positive (approve only): with
    /// hits, each must be listed, as the refusal's `hits` give them.
    #[serde(default)]
    pub pii_confirmed: Vec<String>,
    /// Publish later, RFC 3339 (approve only).
    pub publish_at: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawWrite {
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValidityWrite {
    pub validity: String,
    pub successor_id: Option<i64>,
}

/// A personal-data hit: kind, field, position and the masked text.
#[derive(Debug, Serialize, ToSchema)]
pub struct PiiFindingJson {
    /// `id_number`, `mobile`, `bank_card` or `address`.
    pub kind: String,
    /// `title`, `summary`, `body` or `attachment:NAME`.
    pub field: String,
    pub line: usize,
    pub column: usize,
    /// Character offsets in the field.
    pub start: usize,
    pub end: usize,
    pub masked: String,
}

impl From<PiiFinding> for PiiFindingJson {
    fn from(f: PiiFinding) -> Self {
        PiiFindingJson {
            kind: f.hit.kind.as_str().to_owned(),
            field: f.field,
            line: f.hit.line,
            column: f.hit.column,
            start: f.hit.start,
            end: f.hit.end,
            masked: f.hit.masked,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MaskResultJson {
    /// How many hits were masked.
    pub masked: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VersionJson {
    pub version: i64,
    pub editor_id: i64,
    pub at: String,
    /// The full item as stored at that version (JSON text).
    pub snapshot: String,
}

impl From<gongkai_app::items::VersionRow> for VersionJson {
    fn from(v: gongkai_app::items::VersionRow) -> Self {
        VersionJson {
            version: v.version,
            editor_id: v.editor_id,
            at: rfc3339(v.at_ms),
            snapshot: v.snapshot,
        }
    }
}
