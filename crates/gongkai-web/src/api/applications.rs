//! Disclosure on application in the API: submit (public or staff registration), read with the
//! secret code or as staff, the staff queue, handling steps, and the annual figures.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::NaiveDate;
use gongkai_app::AppError;
use gongkai_app::applications::{
    Application, ApplicationFile, ApplicationFilter, ApplicationInput, StaffAction,
};
use gongkai_app::domain::application::{ReplyOutcome, RequesterType, ReviewKind, ReviewResult};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ApiJson;
use crate::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::query::ApiQuery;
use crate::session::{ApiMaybeStaff, ApiStaff, ClientOrigin};

type ApiResult<T> = Result<T, ApiError>;

/// An application (政府信息公开申请) as submitted.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ApplicationWrite {
    /// 自然人 / 商业企业 / 科研机构 / 社会公益组织 / 法律服务机构 / 其他 (or natural_person, commercial, …).
    pub requester_type: String,
    pub name: String,
    /// A phone number or an e-mail address.
    pub contact: String,
    pub id_document: String,
    pub org_code: String,
    pub contact_person: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub description: String,
    pub purpose: String,
    /// paper, email, electronic, pickup, post (or the Chinese labels).
    pub delivery: String,
    pub body_code: String,
    /// Staff registration only: the legal receipt date (第三十一条), `YYYY-MM-DD`.
    pub received_on: Option<String>,
    /// Staff registration only: online, in_person, post, fax, email.
    pub channel: Option<String>,
}

impl From<ApplicationWrite> for ApplicationInput {
    fn from(w: ApplicationWrite) -> Self {
        ApplicationInput {
            requester_type: w.requester_type,
            name: w.name,
            id_document: w.id_document,
            org_code: w.org_code,
            contact_person: w.contact_person,
            contact: w.contact,
            phone: w.phone,
            email: w.email,
            address: w.address,
            description: w.description,
            purpose: w.purpose,
            delivery: w.delivery,
            body_code: w.body_code,
            received_on: w.received_on,
            channel: w.channel,
        }
    }
}

/// What the applicant keeps after submitting.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReceiptJson {
    pub tracking_number: String,
    /// Shown once; needed to follow the application.
    pub secret_code: String,
    pub status: String,
    pub reply_due_on: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventJson {
    pub on: String,
    pub kind: String,
    pub label: String,
    pub note: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LetterJson {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub issued_on: String,
    pub body: String,
}

/// An application with its timeline and letters.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationJson {
    pub tracking_number: String,
    /// registered, supplement_requested, supplemented, assigned, in_progress, consulting_third_party,
    /// consulting_bodies, awaiting_fee, in_review, replied, closed, archived.
    pub status: String,
    pub status_label: String,
    pub body_code: String,
    pub received_on: String,
    pub channel: String,
    pub requester_type: String,
    /// The current reply deadline; null while the clock is stopped or closed.
    pub reply_due_on: Option<String>,
    pub extended: bool,
    /// overdue, due_soon, on_track, paused, closed.
    pub urgency: String,
    pub urgency_label: String,
    /// Outcome code (e.g. `refused.third_party`) once decided.
    pub outcome: Option<String>,
    pub events: Vec<EventJson>,
    pub letters: Vec<LetterJson>,
    /// Staff only: the applicant's name.
    pub name: Option<String>,
    /// Staff only: what was asked for.
    pub description: Option<String>,
}

async fn to_json(
    state: &AppState,
    file: ApplicationFile,
    staff: bool,
) -> ApiResult<ApplicationJson> {
    let a: Application = file.application;
    let body = state.app.body(a.row.body_id).await?;
    Ok(ApplicationJson {
        tracking_number: a.row.tracking_number.clone(),
        status: a.status.as_str().to_owned(),
        status_label: a.status.label_zh().to_owned(),
        body_code: body.code,
        received_on: a.row.received_on.clone(),
        channel: a.row.channel.clone(),
        requester_type: RequesterType::parse(&a.row.requester_type)
            .map_or_else(String::new, |r| r.label_zh().to_owned()),
        reply_due_on: a
            .clock
            .reply_due_on(gongkai_app::today())
            .map(|d| d.to_string()),
        extended: a.clock.extended,
        urgency: a.urgency.as_str().to_owned(),
        urgency_label: a.urgency.message_zh(),
        // A drafted outcome is not a decision until the reply goes out (staff see it).
        outcome: a
            .outcome
            .filter(|_| staff || !a.status.is_open())
            .map(|o| o.code().to_owned()),
        events: file
            .events
            .into_iter()
            .map(|e| EventJson {
                label: e.kind.clone(),
                on: e.on_date,
                kind: e.kind,
                note: e.note,
            })
            .collect(),
        letters: file
            .letters
            .into_iter()
            .map(|l| LetterJson {
                id: l.id,
                kind: l.kind,
                title: l.title,
                issued_on: l.issued_on,
                body: l.body,
            })
            .collect(),
        name: staff.then(|| a.row.name.clone()),
        description: staff.then(|| a.row.description.clone()),
    })
}

/// Submit an application. Anyone may, without an account (online, received today); staff with
/// a token register applications received by other channels with `received_on` and `channel`.
#[utoipa::path(post, path = "/applications", tag = "applications", request_body = ApplicationWrite,
    responses((status = 201, body = ReceiptJson), (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody)))]
pub(super) async fn submit_application(
    State(state): State<AppState>,
    ApiMaybeStaff(actor): ApiMaybeStaff,
    ClientOrigin(origin): ClientOrigin,
    ApiJson(w): ApiJson<ApplicationWrite>,
) -> ApiResult<(StatusCode, Json<ReceiptJson>)> {
    if actor.is_none() && !state.public_limit.allow(&origin.ip) {
        return Err(ApiError::App(AppError::RateLimited));
    }
    let staff = actor.is_some();
    let mut input: ApplicationInput = w.into();
    if !staff {
        input.received_on = None;
        input.channel = None;
    }
    let r = state
        .app
        .submit_application(actor.as_ref(), &origin, input, &[])
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ReceiptJson {
            tracking_number: r.tracking_number,
            secret_code: r.secret_code,
            status: "registered".into(),
            reply_due_on: r.reply_due_on.map(|d| d.to_string()),
        }),
    ))
}

/// Read an application: the applicant with the secret code in the `X-Secret-Code` header (never
/// in the URL, where it would end up in logs), or staff of its body.
#[utoipa::path(get, path = "/applications/{tracking}", tag = "applications",
    params(("tracking" = String, Path), ("X-Secret-Code" = Option<String>, Header)),
    responses((status = 200, body = ApplicationJson), (status = 404, body = ErrorBody)))]
pub(super) async fn get_application(
    State(state): State<AppState>,
    ApiMaybeStaff(actor): ApiMaybeStaff,
    ClientOrigin(origin): ClientOrigin,
    headers: HeaderMap,
    Path(tracking): Path<String>,
) -> ApiResult<Json<ApplicationJson>> {
    if let Some(a) = &actor {
        let file = state.app.application_by_tracking(a, &tracking).await?;
        return Ok(Json(to_json(&state, file, true).await?));
    }
    if !state.public_limit.allow(&origin.ip) {
        return Err(ApiError::App(AppError::RateLimited));
    }
    let code = headers
        .get("x-secret-code")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .unwrap_or_default();
    let file = state
        .app
        .application_for_applicant(&tracking, &code)
        .await?;
    Ok(Json(to_json(&state, file, false).await?))
}

/// The staff queue: open applications of the caller's bodies, most urgent first.
#[utoipa::path(get, path = "/applications", tag = "applications", security(("bearer" = [])),
    responses((status = 200, body = [ApplicationJson])))]
pub(super) async fn list_applications(
    State(state): State<AppState>,
    ApiStaff(actor): ApiStaff,
) -> ApiResult<Json<Vec<ApplicationJson>>> {
    let (apps, _) = state
        .app
        .application_queue(&actor, &ApplicationFilter::default(), 500, 0)
        .await?;
    let mut out = Vec::with_capacity(apps.len());
    for a in apps {
        let file = ApplicationFile {
            application: a,
            events: vec![],
            letters: vec![],
            cases: vec![],
            files: vec![],
        };
        out.push(to_json(&state, file, true).await?);
    }
    Ok(Json(out))
}

/// A handling step.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ActionWrite {
    /// request_supplement, receive_supplement, supplement_overdue, assign, accept,
    /// consult_third_party, consult_bodies, end_consultation, send_fee_notice, pay_fee,
    /// fee_overdue, extend, submit_draft, approve, reject, withdraw, archive, record_case,
    /// decide_case.
    pub action: String,
    /// Supplement items, consulted party, extension reason, rejection note, reply text…
    pub note: String,
    /// The day it happened (`YYYY-MM-DD`, default today) for receive_supplement,
    /// consult_*, end_consultation, pay_fee.
    pub on: Option<String>,
    pub body_code: Option<String>,
    pub officer: Option<String>,
    /// submit_draft: the outcome code, e.g. `disclosed`, `refused.third_party`.
    pub outcome: Option<String>,
    /// send_fee_notice: pages (按量); omit for 按件.
    pub pages: Option<u32>,
    /// record_case: reconsideration, litigation_direct, litigation_after_reconsideration.
    pub kind: Option<String>,
    /// record_case: upheld, corrected, other, pending.
    pub result: Option<String>,
    pub filed_on: Option<String>,
    pub decided_on: Option<String>,
    /// decide_case: the case recorded earlier.
    pub case_id: Option<i64>,
}

fn day(s: &Option<String>, field: &'static str) -> ApiResult<Option<NaiveDate>> {
    match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(t) => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| ApiError::bad_request(field, "日期格式应为 YYYY-MM-DD")),
    }
}

fn action_of(w: ActionWrite) -> ApiResult<StaffAction> {
    let on = day(&w.on, "on")?;
    let note = w.note.clone();
    Ok(match w.action.as_str() {
        "request_supplement" => StaffAction::RequestSupplement { items: note },
        "receive_supplement" => StaffAction::ReceiveSupplement { on },
        "supplement_overdue" => StaffAction::SupplementOverdue,
        "assign" => StaffAction::Assign {
            body_code: w.body_code.unwrap_or_default(),
            officer_login: w.officer,
        },
        "accept" => StaffAction::Accept,
        "consult_third_party" => StaffAction::ConsultThirdParty { party: note, on },
        "consult_bodies" => StaffAction::ConsultBodies { bodies: note, on },
        "end_consultation" => StaffAction::EndConsultation { on, note },
        "send_fee_notice" => StaffAction::SendFeeNotice { pages: w.pages },
        "pay_fee" => StaffAction::PayFee { on },
        "fee_overdue" => StaffAction::FeeOverdue,
        "extend" => StaffAction::Extend { reason: note },
        "submit_draft" => StaffAction::SubmitDraft {
            outcome: w
                .outcome
                .as_deref()
                .and_then(ReplyOutcome::parse)
                .ok_or_else(|| ApiError::bad_request("outcome", "处理结果代码无效"))?,
            reply_text: note,
        },
        "approve" => StaffAction::Approve,
        "reject" => StaffAction::Reject { note },
        "withdraw" => StaffAction::Withdraw { note },
        "archive" => StaffAction::Archive,
        "record_case" => StaffAction::RecordCase {
            kind: w
                .kind
                .as_deref()
                .and_then(ReviewKind::parse)
                .ok_or_else(|| ApiError::bad_request("kind", "复议或诉讼类型无效"))?,
            result: w
                .result
                .as_deref()
                .and_then(ReviewResult::parse)
                .ok_or_else(|| ApiError::bad_request("result", "结果无效"))?,
            filed_on: day(&w.filed_on, "filed_on")?
                .ok_or_else(|| ApiError::bad_request("filed_on", "请填写提起日期"))?,
            decided_on: day(&w.decided_on, "decided_on")?,
            note,
        },
        "decide_case" => StaffAction::DecideCase {
            case_id: w
                .case_id
                .ok_or_else(|| ApiError::bad_request("case_id", "请指明案件 case_id"))?,
            result: w
                .result
                .as_deref()
                .and_then(ReviewResult::parse)
                .ok_or_else(|| ApiError::bad_request("result", "结果无效"))?,
            decided_on: day(&w.decided_on, "decided_on")?
                .ok_or_else(|| ApiError::bad_request("decided_on", "请填写审结日期"))?,
        },
        _ => return Err(ApiError::bad_request("action", "未知的办理操作")),
    })
}

/// Perform a handling step on an application (staff of its body).
#[utoipa::path(post, path = "/applications/{tracking}/actions", tag = "applications",
    params(("tracking" = String, Path)), request_body = ActionWrite, security(("bearer" = [])),
    responses((status = 200, body = ApplicationJson), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn act_on_application(
    State(state): State<AppState>,
    ApiStaff(actor): ApiStaff,
    ClientOrigin(origin): ClientOrigin,
    Path(tracking): Path<String>,
    ApiJson(w): ApiJson<ActionWrite>,
) -> ApiResult<Json<ApplicationJson>> {
    let file = state.app.application_by_tracking(&actor, &tracking).await?;
    let id = file.application.row.id;
    state
        .app
        .act_on_application(&actor, &origin, id, action_of(w)?)
        .await?;
    let file = state.app.application_by_tracking(&actor, &tracking).await?;
    Ok(Json(to_json(&state, file, true).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    pub body_code: String,
    pub year: i32,
}

/// Tables 三 and 四 of the annual report for a body and year.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnnualFiguresJson {
    pub body_code: String,
    pub year: i32,
    /// Rows of table 三: label and 7 cells (自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计).
    pub table3: Vec<(String, Vec<i64>)>,
    /// The 15 cells of table 四.
    pub table4: Vec<i64>,
    /// Failed cross-checks (empty when the tables add up).
    pub problems: Vec<String>,
}

/// The annual report's figures on applications.
#[utoipa::path(get, path = "/reports/applications", tag = "applications", params(ReportQuery),
    security(("bearer" = [])), responses((status = 200, body = AnnualFiguresJson)))]
pub(super) async fn application_report(
    State(state): State<AppState>,
    ApiStaff(actor): ApiStaff,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> ApiResult<Json<AnnualFiguresJson>> {
    let f = state
        .app
        .annual_figures(&actor, &q.body_code, q.year)
        .await?;
    Ok(Json(AnnualFiguresJson {
        body_code: f.body_code,
        year: f.year,
        table3: f
            .table3
            .rows()
            .into_iter()
            .map(|(l, c)| (l, c.to_vec()))
            .collect(),
        table4: f.table4.row().to_vec(),
        problems: f.problems,
    }))
}
