//! The JSON API under `/api/v1`, described by the OpenAPI document at `/api/v1/openapi.json`.
//! Conventions (error envelope, pagination, naming) are in `docs/API-DESIGN.md`.

mod applications;
mod search;
mod wire;

use axum::Json;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gongkai_app::AppError;
use gongkai_app::domain::item::Validity;
use gongkai_app::domain::pagination::Page;
use gongkai_app::items::{CatalogFilter, ReviewDecision, Visibility};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::{ApiError, ErrorBody, ErrorDetail};
use crate::query::{ApiQuery, PathIds};
use crate::session::{ApiMaybeStaff, ApiStaff, ClientOrigin};
pub use wire::*;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "gongkai API",
        version = "1",
        description = "政府信息公开平台 JSON API. Public reads need no token; staff actions need \
                       `Authorization: Bearer <token>` (create one with `gongkai token create`)."
    ),
    modifiers(&BearerAuth),
    components(schemas(ErrorBody, ErrorDetail, crate::error::FieldMessage))
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

fn api_router(upload_limit: usize) -> OpenApiRouter<AppState> {
    let (schemas, paths, upload) = routes!(upload_attachment);
    let upload = upload.layer(DefaultBodyLimit::max(upload_limit));
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(list_bodies))
        .routes(routes!(search::search))
        .routes(routes!(list_items, create_item))
        .routes(routes!(get_item, update_item))
        .routes(routes!(submit_item))
        .routes(routes!(review_item))
        .routes(routes!(withdraw_item))
        .routes(routes!(set_item_validity))
        .routes(routes!(scan_item))
        .routes(routes!(mask_item))
        .routes(routes!(list_item_versions))
        .routes(routes!(delete_attachment))
        .routes(routes!(
            applications::submit_application,
            applications::list_applications
        ))
        .routes(routes!(applications::get_application))
        .routes(routes!(applications::act_on_application))
        .routes(routes!(applications::application_report))
        .routes((schemas, paths, upload))
}

pub fn router(upload_limit: usize) -> axum::Router<AppState> {
    let (router, openapi) = api_router(upload_limit).split_for_parts();
    let doc = openapi.to_pretty_json().unwrap_or_default();
    router
        .route(
            "/openapi.json",
            axum::routing::get(move || async move {
                (
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    doc,
                )
            }),
        )
        .fallback(|| async { ApiError::App(AppError::NotFound("resource")) })
}

/// The OpenAPI document as pretty JSON (locked by a snapshot test).
pub fn openapi_json() -> String {
    let (_, openapi) = api_router(0).split_for_parts();
    openapi.to_pretty_json().unwrap_or_default()
}

type ApiResult<T> = Result<T, ApiError>;

/// List bodies (机构) with their codes, names and aliases.
#[utoipa::path(get, path = "/bodies", tag = "bodies",
    responses((status = 200, body = [BodyJson])))]
async fn list_bodies(State(state): State<AppState>) -> ApiResult<Json<Vec<BodyJson>>> {
    let bodies = state.app.bodies().await?;
    let codes: std::collections::HashMap<i64, String> =
        bodies.iter().map(|b| (b.id, b.code.clone())).collect();
    Ok(Json(
        bodies
            .into_iter()
            .map(|b| BodyJson::new(b, &codes))
            .collect(),
    ))
}

/// List published items, newest first, with catalog filters.
#[utoipa::path(get, path = "/items", tag = "items", params(ItemQuery),
    responses((status = 200, body = ItemListJson), (status = 400, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn list_items(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ItemQuery>,
) -> ApiResult<Json<ItemListJson>> {
    let app = &state.app;
    let body_id = match q.body_code.as_deref().filter(|c| !c.is_empty()) {
        Some(code) => Some(app.body_by_code(code).await?.id),
        None => None,
    };
    let validity = match q.validity.as_deref().filter(|v| !v.is_empty()) {
        Some(v) => Some(
            Validity::parse(v)
                .ok_or_else(|| ApiError::bad_request("validity", format!("有效性“{v}”无效")))?,
        ),
        None => None,
    };
    let filter = CatalogFilter {
        body_id,
        topic: q.topic.filter(|s| !s.is_empty()),
        key_area: q.key_area.filter(|s| !s.is_empty()),
        genre: q.genre.filter(|s| !s.is_empty()),
        year: q.year,
        validity,
    };
    let page = app
        .catalog(&filter, Page::new(q.page, q.per_page, 100))
        .await?;
    Ok(Json(ItemListJson::new(&state, page).await?))
}

/// Create a draft item in a body (officer of that body, or city office).
#[utoipa::path(post, path = "/items", tag = "items", request_body = ItemWrite,
    security(("bearer" = [])),
    responses((status = 201, body = ItemJson), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_item(
    State(state): State<AppState>,
    ApiStaff(actor): ApiStaff,
    ClientOrigin(origin): ClientOrigin,
    ApiJson(w): ApiJson<ItemWrite>,
) -> ApiResult<(StatusCode, Json<ItemJson>)> {
    let code = w
        .body_code
        .as_deref()
        .filter(|c| !c.trim().is_empty())
        .ok_or_else(|| ApiError::bad_request("body_code", "请指明发布机构代码 body_code"))?;
    let body = state.app.body_by_code(code).await?;
    let id = state
        .app
        .create_draft(&actor, &origin, body.id, &w.input())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(load(&state, Some(&actor), id).await?),
    ))
}

async fn load(
    state: &AppState,
    actor: Option<&gongkai_app::domain::role::Actor>,
    id: i64,
) -> ApiResult<ItemJson> {
    match state.app.item(actor, id).await? {
        Visibility::Visible(item) => Ok(ItemJson::new(state, actor, *item).await?),
        Visibility::Withdrawn { .. } => Err(ApiError::App(AppError::NotFound("item"))),
    }
}

/// Get one item. Published items are public; drafts only for staff of the body. A withdrawn item
/// answers 410.
#[utoipa::path(get, path = "/items/{id}", tag = "items", params(("id" = i64, Path)),
    responses((status = 200, body = ItemJson), (status = 404, body = ErrorBody),
        (status = 410, body = ErrorBody)))]
async fn get_item(
    State(state): State<AppState>,
    ApiMaybeStaff(actor): ApiMaybeStaff,
    PathIds(id): PathIds<i64>,
) -> ApiResult<Response> {
    match state.app.item(actor.as_ref(), id).await? {
        Visibility::Visible(item) => {
            Ok(Json(ItemJson::new(&state, actor.as_ref(), *item).await?).into_response())
        }
        Visibility::Withdrawn { .. } => Ok((
            StatusCode::GONE,
            Json(ErrorBody {
                error: ErrorDetail {
                    code: "withdrawn".into(),
                    message: "该信息已撤回".into(),
                    fields: vec![],
                    hits: vec![],
                },
            }),
        )
            .into_response()),
    }
}

/// Replace the fields of a draft.
#[utoipa::path(put, path = "/items/{id}", tag = "items", params(("id" = i64, Path)),
    request_body = ItemWrite, security(("bearer" = [])),
    responses((status = 200, body = ItemJson), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn update_item(
    State(state): State<AppState>,
    ApiStaff(actor): ApiStaff,
    ClientOrigin(origin): ClientOrigin,
    PathIds(id): PathIds<i64>,
    ApiJson(w): ApiJson<ItemWrite>,
) -> ApiResult<Json<ItemJson>> {
    state
        .app
        .update_draft(&actor, &origin, id, &w.input())
        .await?;
    Ok(Json(load(&state, Some(&actor), id).await?))
}

/// Submit a draft for review.
#[utoipa::path(post, path = "/items/{id}/submit", tag = "workflow", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = ItemJson), (status = 409, body = ErrorBody)))]
async fn submit_item(
    State(state): State<AppState>,
    ApiStaff(actor): ApiStaff,
    ClientOrigin(origin): ClientOrigin,
    PathIds(id): PathIds<i64>,
) -> ApiResult<Json<ItemJson>> {
    state.app.submit(&actor, &origin, id).await?;
    Ok(Json(load(&state, Some(&actor), id).await?))
}

/// Review an item: approve (the recorded confidentiality review; publishes now or at
/// `publish_at`) or reject (back to draft with the note). Approval answers 422 with `hits` while
/// personal data is found, unless `pii_override` gives the reason they are false positives.
#[utoipa::path(post, path = "/items/{id}/review", tag = "workflow", params(("id" = i64, Path)),
    request_body = ReviewWrite, security(("bearer" = [])),
    responses((status = 200, body = ItemJson), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn review_item(
    State(state): State<AppState>,
    ApiStaff(actor): ApiStaff,
    ClientOrigin(origin): ClientOrigin,
    PathIds(id): PathIds<i64>,
    ApiJson(w): ApiJson<ReviewWrite>,
) -> ApiResult<Json<ItemJson>> {
    let decision = match w.decision.as_str() {
        "approve" => ReviewDecision::Approve {
            pii_override: w.pii_override.clone(),
            pii_confirmed: w.pii_confirmed.clone(),
            publish_at_ms: match w.publish_at.as_deref() {
                Some(t) => Some(
                    chrono::DateTime::parse_from_rfc3339(t)
                        .map_err(|_| {
                            ApiError::bad_request("publish_at", "定时发布时间应为 RFC 3339 格式")
                        })?
                        .timestamp_millis(),
                ),
                None => None,
            },
        },
        "reject" => ReviewDecision::Reject,
        _ => {
            return Err(ApiError::bad_request(
                "decision",
                "decision 应为 approve 或 reject",
            ));
        }
    };
    state
        .app
        .review(&actor, &origin, id, &decision, w.note.as_deref())
        .await?;
    Ok(Json(load(&state, Some(&actor), id).await?))
}

/// Withdraw a published or scheduled item; its index number is kept and never reused.
#[utoipa::path(post, path = "/items/{id}/withdraw", tag = "workflow", params(("id" = i64, Path)),
    request_body = WithdrawWrite, security(("bearer" = [])),
    responses((status = 200, body = ItemJson), (status = 409, body = ErrorBody)))]
async fn withdraw_item(
    State(state): State<AppState>,
    ApiStaff(actor): ApiStaff,
    ClientOrigin(origin): ClientOrigin,
    PathIds(id): PathIds<i64>,
    ApiJson(w): ApiJson<WithdrawWrite>,
) -> ApiResult<Json<ItemJson>> {
    state.app.withdraw(&actor, &origin, id, &w.reason).await?;
    Ok(Json(load(&state, Some(&actor), id).await?))
}

/// Change the validity of a published item (`revised` needs `successor_id`).
#[utoipa::path(post, path = "/items/{id}/validity", tag = "workflow", params(("id" = i64, Path)),
    request_body = ValidityWrite, security(("bearer" = [])),
    responses((status = 200, body = ItemJson), (status = 422, body = ErrorBody)))]
async fn set_item_validity(
    State(state): State<AppState>,
    ApiStaff(actor): ApiStaff,
    ClientOrigin(origin): ClientOrigin,
    PathIds(id): PathIds<i64>,
    ApiJson(w): ApiJson<ValidityWrite>,
) -> ApiResult<Json<ItemJson>> {
    let v = Validity::parse(&w.validity).ok_or_else(|| {
        ApiError::bad_request(
            "validity",
            "有效性应为 effective、expired、repealed 或 revised",
        )
    })?;
    state
        .app
        .set_validity(&actor, &origin, id, v, w.successor_id)
        .await?;
    Ok(Json(load(&state, Some(&actor), id).await?))
}

/// Scan an item (title, summary, body, attachment text) for personal data.
#[utoipa::path(get, path = "/items/{id}/personal-data", tag = "workflow",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = [PiiFindingJson])))]
async fn scan_item(
    State(state): State<AppState>,
    ApiStaff(actor): ApiStaff,
    PathIds(id): PathIds<i64>,
) -> ApiResult<Json<Vec<PiiFindingJson>>> {
    let findings = state.app.scan_item(&actor, id).await?;
    Ok(Json(
        findings.into_iter().map(PiiFindingJson::from).collect(),
    ))
}

/// Mask every personal-data hit in the title, summary and body (一键脱敏).
#[utoipa::path(post, path = "/items/{id}/personal-data/mask", tag = "workflow",
    params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = MaskResultJson)))]
async fn mask_item(
    State(state): State<AppState>,
    ApiStaff(actor): ApiStaff,
    ClientOrigin(origin): ClientOrigin,
    PathIds(id): PathIds<i64>,
) -> ApiResult<Json<MaskResultJson>> {
    let masked = state.app.mask_personal_data(&actor, &origin, id).await?;
    Ok(Json(MaskResultJson { masked }))
}

/// The version history of an item.
#[utoipa::path(get, path = "/items/{id}/versions", tag = "items", params(("id" = i64, Path)),
    security(("bearer" = [])), responses((status = 200, body = [VersionJson])))]
async fn list_item_versions(
    State(state): State<AppState>,
    ApiStaff(actor): ApiStaff,
    PathIds(id): PathIds<i64>,
) -> ApiResult<Json<Vec<VersionJson>>> {
    let versions = state.app.versions(&actor, id).await?;
    Ok(Json(versions.into_iter().map(VersionJson::from).collect()))
}

/// Attach a file to a draft (multipart field `file`). Size-limited; the type is checked by
/// content and must match the extension.
#[utoipa::path(post, path = "/items/{id}/attachments", tag = "items", params(("id" = i64, Path)),
    security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", content = Object),
    responses((status = 201, body = AttachmentJson), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody)))]
async fn upload_attachment(
    State(state): State<AppState>,
    ApiStaff(actor): ApiStaff,
    ClientOrigin(origin): ClientOrigin,
    PathIds(id): PathIds<i64>,
    mut form: Multipart,
) -> ApiResult<(StatusCode, Json<AttachmentJson>)> {
    let limit = state.app.config().max_upload_bytes;
    let too_large = || ApiError::App(AppError::TooLarge { limit });
    let mut file = None;
    while let Some(field) = form.next_field().await.map_err(|_| too_large())? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or_default().to_owned();
            let bytes = field.bytes().await.map_err(|_| too_large())?;
            file = Some((name, bytes));
        }
    }
    let (name, bytes) = file.ok_or_else(|| ApiError::bad_request("file", "缺少文件字段 file"))?;
    let att_id = state
        .app
        .add_attachment(&actor, &origin, id, &name, &bytes)
        .await?;
    let att = state
        .app
        .attachments(Some(&actor), id)
        .await?
        .into_iter()
        .find(|a| a.id == att_id)
        .ok_or(ApiError::App(AppError::NotFound("attachment")))?;
    Ok((StatusCode::CREATED, Json(AttachmentJson::from(att))))
}

/// Remove an attachment from a draft.
#[utoipa::path(delete, path = "/attachments/{id}", tag = "items", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn delete_attachment(
    State(state): State<AppState>,
    ApiStaff(actor): ApiStaff,
    ClientOrigin(origin): ClientOrigin,
    PathIds(id): PathIds<i64>,
) -> ApiResult<StatusCode> {
    state.app.remove_attachment(&actor, &origin, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
