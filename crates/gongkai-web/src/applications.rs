//! Disclosure on application over HTTP: the public form and status page on the portal, and the
//! officers' queue, registration, handling steps, letters and annual figures in the console.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::{CookieJar, Form};
use chrono::NaiveDate;
use gongkai_app::AppError;
use gongkai_app::applications::{
    Application, ApplicationFile, ApplicationFilter, ApplicationInput, ApplicationList, StaffAction,
};
use gongkai_app::auth::SessionActor;
use gongkai_app::domain::application::{
    Channel, DeliveryForm, OutcomeGroup, ReplyOutcome, RequesterType, ReviewKind, ReviewResult,
    Table3,
};
use gongkai_app::domain::pagination::Page;
use gongkai_app::domain::role::Action;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::console::chrome_of as staff_chrome;
use crate::error::PageError;
use crate::locale::{Label, Locale};
use crate::portal::chrome as public_chrome;
use crate::query::{PageQuery, PathIds};
use crate::session::{ANON_CSRF_COOKIE, ClientOrigin, MaybeStaff, Staff, anon_csrf, check_csrf};
use crate::views::{Chrome, Pager, XLSX, field_errors, private_download};

/// A reply outcome in the officer's form: its code, its label, whether it is chosen.
type OutcomeOption = (&'static str, &'static str, bool);

/// The most one application form may send, attachments included, in MB: the form's hint
/// names it. A public form without an account is not a file store.
const APPLY_LIMIT_MB: usize = 25;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/apply",
            get(apply_form)
                .post(apply)
                // All attachments of one application together (the form says so).
                .layer(axum::extract::DefaultBodyLimit::max(APPLY_LIMIT_MB << 20)),
        )
        .route("/console/applications/{id}/files/{file}", get(attachment))
        .route("/track", get(track_form).post(track))
        .route("/track/letter.docx", post(track_letter_docx))
        .route("/console/applications", get(queue))
        .route(
            "/console/applications/new",
            get(register_form).post(register),
        )
        .route("/console/applications/report", get(report))
        .route("/console/applications/report.xlsx", get(report_xlsx))
        .route("/console/applications/{id}", get(detail))
        .route("/console/applications/{id}/act", post(act))
        .route(
            "/console/applications/{id}/letters/{letter}",
            get(letter_page),
        )
        .route(
            "/console/applications/{id}/letters/{letter}/docx",
            get(letter_docx),
        )
}

type Choice = (&'static str, &'static str, bool);

fn choices<T: Copy + PartialEq>(
    all: &[T],
    current: Option<T>,
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<Choice> {
    all.iter()
        .map(|v| (code(*v), label(*v), Some(*v) == current))
        .collect()
}

/// The page for a client over its quota: how long to wait, in words and in `Retry-After`.
fn too_many(wait: std::time::Duration) -> Response {
    let seconds = wait.as_secs() + 1;
    let mut page = crate::error_pages::page(
        StatusCode::TOO_MANY_REQUESTS,
        format!(
            "提交或查询过于频繁：为防止查询码被猜测，同一网络地址每 {} 秒只能提交或查询一次（可连续 {} 次）。请 {seconds} 秒后再试。",
            crate::PUBLIC_PERIOD_SECS,
            crate::PUBLIC_BURST
        ),
    );
    if let Ok(value) = axum::http::HeaderValue::from_str(&seconds.to_string()) {
        page.headers_mut()
            .insert(axum::http::header::RETRY_AFTER, value);
    }
    page
}

// ---- the public form ----

#[derive(Template, WebTemplate)]
#[template(path = "apply.html")]
struct ApplyPage {
    chrome: Chrome,
    csrf: String,
    input: ApplicationInput,
    bodies: Vec<(String, String, bool)>,
    requester_types: Vec<Choice>,
    deliveries: Vec<Choice>,
    errors: HashMap<&'static str, String>,
}

impl ApplyPage {
    fn error(&self, field: &str) -> String {
        self.errors.get(field).cloned().unwrap_or_default()
    }
}

async fn apply_page(
    state: &AppState,
    staff: &MaybeStaff,
    locale: Locale,
    csrf: String,
    input: ApplicationInput,
    errors: HashMap<&'static str, String>,
) -> Result<ApplyPage, PageError> {
    let bodies = state
        .app
        .bodies()
        .await?
        .into_iter()
        .map(|b| {
            let sel = b.code == input.body_code;
            (b.code, b.name, sel)
        })
        .collect();
    Ok(ApplyPage {
        chrome: public_chrome(state, staff, locale),
        csrf,
        requester_types: choices(
            &RequesterType::ALL,
            RequesterType::parse(&input.requester_type),
            RequesterType::as_str,
            match locale {
                Locale::Zh => RequesterType::label_zh,
                Locale::En => RequesterType::label_en,
            },
        ),
        deliveries: choices(
            &DeliveryForm::ALL,
            DeliveryForm::parse(&input.delivery),
            DeliveryForm::as_str,
            match locale {
                Locale::Zh => DeliveryForm::label_zh,
                Locale::En => DeliveryForm::label_en,
            },
        ),
        input,
        bodies,
        errors,
    })
}

#[derive(Deserialize, Default)]
struct BodyQuery {
    body: Option<String>,
}

async fn apply_form(
    State(state): State<AppState>,
    staff: MaybeStaff,
    locale: Locale,
    jar: CookieJar,
    PageQuery(q): PageQuery<BodyQuery>,
) -> Response {
    let (jar, csrf) = anon_csrf(jar, state.site.secure_cookies);
    let input = ApplicationInput {
        body_code: q.body.unwrap_or_default(),
        ..ApplicationInput::default()
    };
    match apply_page(&state, &staff, locale, csrf, input, HashMap::new()).await {
        Ok(p) => (jar, p).into_response(),
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RegisterForm {
    csrf: String,
    #[serde(flatten)]
    input: ApplicationInputForm,
}

/// The form fields (all text; the application layer validates).
#[derive(Deserialize, Serialize, Default, Clone)]
#[serde(default)]
struct ApplicationInputForm {
    requester_type: String,
    name: String,
    id_document: String,
    org_code: String,
    contact_person: String,
    phone: String,
    email: String,
    address: String,
    description: String,
    purpose: String,
    delivery: String,
    body_code: String,
    received_on: String,
    channel: String,
}

impl From<ApplicationInputForm> for ApplicationInput {
    fn from(f: ApplicationInputForm) -> Self {
        ApplicationInput {
            requester_type: f.requester_type,
            name: f.name,
            id_document: f.id_document,
            org_code: f.org_code,
            contact_person: f.contact_person,
            contact: String::new(),
            phone: f.phone,
            email: f.email,
            address: f.address,
            description: f.description,
            purpose: f.purpose,
            delivery: f.delivery,
            body_code: f.body_code,
            received_on: Some(f.received_on).filter(|s| !s.is_empty()),
            channel: Some(f.channel).filter(|s| !s.is_empty()),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "apply_done.html")]
struct ApplyDonePage {
    chrome: Chrome,
    repeated: bool,
    tracking: String,
    secret: String,
    due: String,
}

async fn apply(
    State(state): State<AppState>,
    staff: MaybeStaff,
    locale: Locale,
    ClientOrigin(origin): ClientOrigin,
    jar: CookieJar,
    mut form: Multipart,
) -> Response {
    let expected = jar
        .get(ANON_CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    // The rate limit before reading anything: a flood must not be buffered first.
    if let Some(wait) = state.public_limit.wait(&origin.ip) {
        return too_many(wait);
    }
    // Text fields by name, files in order.
    let mut fields: HashMap<String, String> = HashMap::new();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    // The text fields come before the files: when the files are too large, what was typed is
    // read already and shown again.
    let mut too_large = false;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                let filename = field.file_name().map(str::to_owned);
                let Ok(bytes) = field.bytes().await else {
                    too_large = true;
                    break;
                };
                match filename {
                    Some(f) if name == "file" && !bytes.is_empty() => {
                        files.push((f, bytes.to_vec()))
                    }
                    Some(_) => {}
                    None => {
                        fields.insert(name, String::from_utf8_lossy(&bytes).into_owned());
                    }
                }
            }
            Ok(None) => break,
            Err(_) => {
                too_large = true;
                break;
            }
        }
    }
    let csrf = fields.remove("csrf").unwrap_or_default();
    if let Err(r) = check_csrf(&expected, &csrf) {
        return r.into_response();
    }
    let form: ApplicationInputForm = serde_json::to_value(&fields)
        .and_then(serde_json::from_value)
        .unwrap_or_default();
    let mut input: ApplicationInput = form.into();
    input.received_on = None;
    input.channel = None;
    if too_large {
        let message = match locale {
            Locale::Zh => format!(
                "附件合计超过 {APPLY_LIMIT_MB} MB（单个不超过 20 MB）：请减少或压缩后重新选择，已填写的内容已保留"
            ),
            Locale::En => format!(
                "The attachments exceed {APPLY_LIMIT_MB} MB together (20 MB each): choose fewer \
                 or smaller files; what you typed is kept"
            ),
        };
        let errors = HashMap::from([("file", message)]);
        return match apply_page(&state, &staff, locale, expected, input, errors).await {
            Ok(p) => (StatusCode::PAYLOAD_TOO_LARGE, p).into_response(),
            Err(e) => e.into_response(),
        };
    }
    match state
        .app
        .submit_application(None, &origin, input.clone(), &files)
        .await
    {
        Ok(receipt) => ApplyDonePage {
            chrome: public_chrome(&state, &staff, locale),
            repeated: receipt.repeated,
            tracking: receipt.tracking_number,
            secret: receipt.secret_code,
            due: receipt
                .reply_due_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
        }
        .into_response(),
        Err(e) => {
            let errors = match &e {
                AppError::TooLarge { .. } | AppError::UnsupportedType => {
                    let (status, _, message) = crate::error::classify(&e);
                    let message = match locale.texts().error_meaning(status.as_u16()) {
                        Some(en) => en.to_owned(),
                        None => message,
                    };
                    Some(HashMap::from([("file", message)]))
                }
                other => field_errors(other, locale),
            };
            match errors {
                Some(errors) => {
                    match apply_page(&state, &staff, locale, expected, input, errors).await {
                        Ok(p) => (StatusCode::UNPROCESSABLE_ENTITY, p).into_response(),
                        Err(e) => e.into_response(),
                    }
                }
                None => PageError(e).into_response(),
            }
        }
    }
}

// ---- the applicant's status page ----

#[derive(Template, WebTemplate)]
#[template(path = "track.html")]
struct TrackPage {
    chrome: Chrome,
    csrf: String,
    tracking: String,
    error: Option<String>,
    file: Option<FileView>,
}

/// What the status page and the console show of one application.
struct FileView {
    tracking: String,
    code: String,
    status: String,
    received_on: String,
    body_name: String,
    due: String,
    urgency: String,
    urgency_class: &'static str,
    outcome: String,
    /// (date, label, note)
    events: Vec<(String, String, String)>,
    /// (id, title, issued, body paragraphs)
    letters: Vec<(i64, String, String, Vec<String>)>,
}

fn event_label(kind: &str, locale: Locale) -> &'static str {
    use gongkai_app::domain::application::process::{event_label_en, event_label_zh};
    match kind {
        "received" => locale.pick("收到申请", "Request received"),
        "record_case" => locale.pick("记录复议/诉讼", "Review or lawsuit recorded"),
        k => locale.pick(event_label_zh(k), event_label_en(k)),
    }
}

fn urgency_class(a: &Application) -> &'static str {
    a.urgency.as_str()
}

/// The deadline as the applicant and the officer read it.
fn due_text(a: &Application, locale: Locale) -> String {
    let en = locale == Locale::En;
    if !a.status.is_open() {
        let on = a.row.closed_on.clone().unwrap_or_default();
        return if en {
            format!("Completed ({on})")
        } else {
            format!("已办结（{on}）")
        };
    }
    if let Some(d) = a.clock.reply_due_on(gongkai_app::today()) {
        return d.to_string();
    }
    match (a.clock.supplement_due, a.clock.stop_due, en) {
        (Some(d), _, false) => format!("等待补正，补正期限 {d}"),
        (Some(d), _, true) => format!("Waiting for more information from you, due {d}"),
        (None, Some(d), false) => format!("暂停计时（征求意见期限 {d}）"),
        (None, Some(d), true) => format!("On hold (consultation due {d})"),
        (None, None, _) => locale.pick("暂停计时", "On hold").to_owned(),
    }
}

fn view(file: &ApplicationFile, body_name: String, code: String, locale: Locale) -> FileView {
    let a = &file.application;
    FileView {
        tracking: a.row.tracking_number.clone(),
        code,
        status: a.status.label(locale).to_owned(),
        received_on: a.row.received_on.clone(),
        body_name,
        due: due_text(a, locale),
        urgency: match locale {
            Locale::Zh => a.urgency.message_zh(),
            Locale::En => a.urgency.message_en(),
        },
        urgency_class: urgency_class(a),
        // A drafted outcome is not a decision until the reply goes out.
        outcome: a
            .outcome
            .filter(|_| !a.status.is_open())
            .map(|o| match locale {
                Locale::Zh => o.display_zh(),
                Locale::En => o.display_en(),
            })
            .unwrap_or_default(),
        events: file
            .events
            .iter()
            .map(|e| {
                let label = event_label(&e.kind, locale).to_owned();
                // A receipt's note is the channel it came by, in Chinese as stored.
                let note = match Channel::parse(&e.note) {
                    Some(c) if e.kind == "received" => c.label(locale).to_owned(),
                    _ => e.note.clone(),
                };
                (e.on_date.clone(), label, note)
            })
            .collect(),
        letters: file
            .letters
            .iter()
            .map(|l| {
                (
                    l.id,
                    l.title.clone(),
                    l.issued_on.clone(),
                    crate::views::paragraphs(&l.body),
                )
            })
            .collect(),
    }
}

async fn track_form(
    State(state): State<AppState>,
    staff: MaybeStaff,
    locale: Locale,
    jar: CookieJar,
) -> Response {
    let (jar, csrf) = anon_csrf(jar, state.site.secure_cookies);
    let page = TrackPage {
        chrome: public_chrome(&state, &staff, locale),
        csrf,
        tracking: String::new(),
        error: None,
        file: None,
    };
    (jar, page).into_response()
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TrackForm {
    csrf: String,
    tracking: String,
    code: String,
    letter: Option<i64>,
}

async fn track(
    State(state): State<AppState>,
    staff: MaybeStaff,
    locale: Locale,
    ClientOrigin(origin): ClientOrigin,
    jar: CookieJar,
    Form(f): Form<TrackForm>,
) -> Response {
    let expected = jar
        .get(ANON_CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    if let Err(r) = check_csrf(&expected, &f.csrf) {
        return r.into_response();
    }
    if let Some(wait) = state.public_limit.wait(&origin.ip) {
        return too_many(wait);
    }
    let mut page = TrackPage {
        chrome: public_chrome(&state, &staff, locale),
        csrf: expected,
        tracking: f.tracking.clone(),
        error: None,
        file: None,
    };
    match state
        .app
        .application_for_applicant(&f.tracking, &f.code)
        .await
    {
        Ok(file) => {
            let body = state
                .app
                .body(file.application.row.body_id)
                .await
                .map(|b| b.name)
                .unwrap_or_default();
            page.file = Some(view(&file, body, f.code.clone(), locale));
            page.into_response()
        }
        Err(AppError::NotFound(_)) => {
            page.error = Some(locale.texts().track.not_found.to_owned());
            (StatusCode::NOT_FOUND, page).into_response()
        }
        Err(e) => PageError(e).into_response(),
    }
}

pub(crate) fn docx_response(title: &str, body: &str) -> Response {
    match gongkai_app::applications::letters::to_docx(title, body) {
        Ok(bytes) => private_download(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "letter.docx",
            &format!("{title}.docx"),
            bytes,
        ),
        Err(e) => PageError(e).into_response(),
    }
}

async fn track_letter_docx(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    jar: CookieJar,
    Form(f): Form<TrackForm>,
) -> Response {
    let expected = jar
        .get(ANON_CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    if let Err(r) = check_csrf(&expected, &f.csrf) {
        return r.into_response();
    }
    if let Some(wait) = state.public_limit.wait(&origin.ip) {
        return too_many(wait);
    }
    let letter = match state
        .app
        .application_for_applicant(&f.tracking, &f.code)
        .await
    {
        Ok(file) => {
            state
                .app
                .application_letter(&file, f.letter.unwrap_or_default())
                .await
        }
        Err(e) => Err(e),
    };
    match letter {
        Ok(l) => docx_response(&l.title, &l.body),
        Err(e) => PageError(e).into_response(),
    }
}

async fn attachment(
    State(state): State<AppState>,
    Staff(s): Staff,
    PathIds((id, file)): PathIds<(i64, i64)>,
) -> Result<Response, PageError> {
    let (name, content_type, bytes) = state.app.application_attachment(&s.actor, id, file).await?;
    Ok(private_download(content_type, "file", &name, bytes))
}

// ---- console ----

/// One line of the queue.
struct QueueLine {
    id: i64,
    tracking: String,
    name: String,
    body: String,
    status: String,
    received: String,
    due: String,
    urgency: String,
    class: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "console/applications.html")]
struct QueuePage {
    chrome: Chrome,
    rows: Vec<QueueLine>,
    total: i64,
    overdue: usize,
    due_soon: usize,
    can_register: bool,
    /// Years reached by deadlines whose holidays are not loaded.
    calendar_gaps: Vec<i32>,
    /// Filter links: (label, href, selected).
    filters: Vec<(String, String, bool)>,
    /// The list is of replied and closed applications.
    done: bool,
    /// More open applications than listed.
    truncated: bool,
    /// Pages of the closed list.
    pager: Pager,
    /// The search box's text, and the list and body it searches in.
    text: String,
    status: String,
    body_code: String,
}

impl QueuePage {
    /// The same list without the search text.
    fn clear_search_href(&self) -> String {
        let mut href = String::from("/console/applications?");
        crate::portal::push_param(&mut href, "status", &self.status);
        crate::portal::push_param(&mut href, "body", &self.body_code);
        href.trim_end_matches('?').to_owned()
    }
}

#[derive(Deserialize, Default)]
struct QueueQuery {
    urgency: Option<String>,
    body: Option<String>,
    /// A status of the open queue, or `done` for the replied and closed applications.
    status: Option<String>,
    /// Part of a tracking number, a name or the description asked for.
    q: Option<String>,
    /// Page of the closed list.
    page: Option<u32>,
}

/// The statuses the queue can be narrowed to, with `done` for the closed list.
const QUEUE_STATUSES: [(&str, &str); 4] = [
    ("in_review", "待审核"),
    ("supplement_requested", "待补正"),
    ("awaiting_fee", "待缴费"),
    ("done", "已办结"),
];

/// Open applications listed at most (sorted by today's urgency, so read in one go).
const OPEN_LIMIT: i64 = 500;
/// Closed applications per page.
const CLOSED_PER_PAGE: u32 = 50;

async fn queue(
    State(state): State<AppState>,
    Staff(s): Staff,
    PageQuery(q): PageQuery<QueueQuery>,
) -> Result<QueuePage, PageError> {
    let status = q.status.clone().unwrap_or_default();
    let done = status == "done";
    let list = if done {
        ApplicationList::Closed
    } else {
        ApplicationList::Open
    };
    let all_bodies = state.app.bodies().await?;
    let body_code = q.body.clone().unwrap_or_default();
    let body_id = match body_code.as_str() {
        "" => None,
        code => Some(
            all_bodies
                .iter()
                .find(|b| b.code == code)
                .ok_or(AppError::NotFound("body"))?
                .id,
        ),
    };
    let text = q.q.clone().unwrap_or_default().trim().to_owned();
    let filter = ApplicationFilter {
        body_id,
        status: (!done && !status.is_empty()).then(|| status.clone()),
        text: (!text.is_empty()).then(|| text.clone()),
    };
    let page = Page::new(q.page, Some(CLOSED_PER_PAGE), CLOSED_PER_PAGE);
    let (mut apps, total) = if done {
        state
            .app
            .closed_applications(&s.actor, &filter, page.limit(), page.offset())
            .await?
    } else {
        state
            .app
            .application_queue(&s.actor, &filter, OPEN_LIMIT, 0)
            .await?
    };
    let per_body = state
        .app
        .application_counts_by_body(&s.actor, list, &filter)
        .await?;
    let bodies = crate::views::body_map(all_bodies);
    let overdue = apps
        .iter()
        .filter(|a| a.urgency.as_str() == "overdue")
        .count();
    let due_soon = apps
        .iter()
        .filter(|a| a.urgency.as_str() == "due_soon")
        .count();
    let gaps = state.app.calendar_gaps(
        &apps
            .iter()
            .filter_map(|a| a.clock.reply_due_at_latest)
            .collect::<Vec<_>>(),
    );
    let urgency = q.urgency.clone().unwrap_or_default();
    let mut filters = vec![(
        "全部待办".to_owned(),
        "/console/applications".to_owned(),
        urgency.is_empty() && body_code.is_empty() && status.is_empty(),
    )];
    for (code, label) in [
        ("overdue", "已逾期"),
        ("due_soon", "即将到期"),
        ("paused", "暂停计时"),
    ] {
        filters.push((
            label.to_owned(),
            format!("/console/applications?urgency={code}"),
            urgency == code,
        ));
    }
    for (code, label) in QUEUE_STATUSES {
        filters.push((
            label.to_owned(),
            format!("/console/applications?status={code}"),
            status == code && body_code.is_empty(),
        ));
    }
    for (id, count) in per_body {
        if let Some(b) = bodies.get(&id) {
            // A body's link keeps the list (open or done) it is chosen from.
            let list = if done { "&status=done" } else { "" };
            filters.push((
                format!("{}（{count}）", b.name),
                format!("/console/applications?body={}{list}", b.code),
                body_code == b.code,
            ));
        }
    }
    if !urgency.is_empty() {
        apps.retain(|a| a.urgency.as_str() == urgency);
    }
    let mut base = String::from("/console/applications?");
    for (key, value) in [("status", &status), ("body", &body_code), ("q", &text)] {
        crate::portal::push_param(&mut base, key, value);
    }
    let pages = gongkai_app::domain::pagination::page_count(total, page.size);
    let pager = Pager::new(base.trim_end_matches('?'), page.number, pages, total);
    let rows = apps
        .iter()
        .map(|a| QueueLine {
            id: a.row.id,
            tracking: a.row.tracking_number.clone(),
            name: a.row.name.clone(),
            body: bodies
                .get(&a.row.body_id)
                .map(|b| b.name.clone())
                .unwrap_or_default(),
            status: a.status.label_zh().to_owned(),
            received: a.row.received_on.clone(),
            // A closed one shows the deadline it had and whether the reply kept it.
            due: if done {
                a.clock.reply_due
            } else {
                a.clock.reply_due_on(gongkai_app::today())
            }
            .map(|d| d.to_string())
            .unwrap_or_default(),
            urgency: match (done, a.clock.closed_late()) {
                (true, true) => "逾期办结".to_owned(),
                (true, false) => "已办结".to_owned(),
                (false, _) => a.urgency.message_zh(),
            },
            class: if done && a.clock.closed_late() {
                "overdue"
            } else {
                urgency_class(a)
            },
        })
        .collect();
    Ok(QueuePage {
        done,
        truncated: !done && total > OPEN_LIMIT,
        pager,
        text,
        status,
        body_code,
        chrome: staff_chrome(&state, &s),
        rows,
        total,
        overdue,
        due_soon,
        can_register: !s.actor.bodies_with(Action::HandleApplication).is_empty()
            || s.actor.is_city_office(),
        calendar_gaps: gaps,
        filters,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "console/application_new.html")]
struct RegisterPage {
    chrome: Chrome,
    input: ApplicationInput,
    bodies: Vec<(String, String, bool)>,
    requester_types: Vec<Choice>,
    deliveries: Vec<Choice>,
    channels: Vec<Choice>,
    errors: HashMap<&'static str, String>,
}

impl RegisterPage {
    fn error(&self, field: &str) -> String {
        self.errors.get(field).cloned().unwrap_or_default()
    }
}

async fn register_page(
    state: &AppState,
    s: &SessionActor,
    input: ApplicationInput,
    errors: HashMap<&'static str, String>,
) -> Result<RegisterPage, PageError> {
    let allowed = s.actor.bodies_with(Action::HandleApplication);
    let bodies = state
        .app
        .bodies()
        .await?
        .into_iter()
        .filter(|b| s.actor.is_city_office() || allowed.contains(&b.id))
        .map(|b| {
            let sel = b.code == input.body_code;
            (b.code, b.name, sel)
        })
        .collect();
    Ok(RegisterPage {
        chrome: staff_chrome(state, s),
        requester_types: choices(
            &RequesterType::ALL,
            RequesterType::parse(&input.requester_type),
            RequesterType::as_str,
            RequesterType::label_zh,
        ),
        deliveries: choices(
            &DeliveryForm::ALL,
            DeliveryForm::parse(&input.delivery),
            DeliveryForm::as_str,
            DeliveryForm::label_zh,
        ),
        channels: choices(
            &Channel::ALL,
            input.channel.as_deref().and_then(Channel::parse),
            Channel::as_str,
            Channel::label_zh,
        ),
        input,
        bodies,
        errors,
    })
}

async fn register_form(
    State(state): State<AppState>,
    Staff(s): Staff,
) -> Result<RegisterPage, PageError> {
    register_page(&state, &s, ApplicationInput::default(), HashMap::new()).await
}

async fn register(
    State(state): State<AppState>,
    Staff(s): Staff,
    ClientOrigin(origin): ClientOrigin,
    Form(f): Form<RegisterForm>,
) -> Response {
    if let Err(r) = check_csrf(&s.csrf, &f.csrf) {
        return r.into_response();
    }
    let input: ApplicationInput = f.input.into();
    match state
        .app
        .submit_application(Some(&s.actor), &origin, input.clone(), &[])
        .await
    {
        // The code is shown in this response only, never put in a URL.
        Ok(receipt) => match detail_page(
            &state,
            &s,
            receipt.id,
            Some(receipt.secret_code),
            receipt.repeated.then(|| {
                format!(
                    "相同的申请 10 分钟内已登记为 {}，未重复登记。查询码已重新生成，此前告知的查询码作废。",
                    receipt.tracking_number
                )
            }),
            None,
        )
        .await
        {
            Ok(p) => p.into_response(),
            Err(e) => e.into_response(),
        },
        Err(e) => match field_errors(&e, Locale::Zh) {
            Some(errors) => match register_page(&state, &s, input, errors).await {
                Ok(p) => (StatusCode::UNPROCESSABLE_ENTITY, p).into_response(),
                Err(e) => e.into_response(),
            },
            None => PageError(e).into_response(),
        },
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "console/application.html")]
struct DetailPage {
    chrome: Chrome,
    id: i64,
    file: FileView,
    /// The applicant's details (staff only).
    applicant: Vec<(&'static str, String)>,
    description: String,
    reply_text: String,
    status_code: &'static str,
    can_handle: bool,
    can_approve: bool,
    /// An extension can be approved today (in progress, once, before the deadline, while the
    /// clock runs).
    can_extend: bool,
    /// Why the extension form is not shown, for an application in progress.
    extend_note: Option<String>,
    /// Whether waiting for a fee stops the reply clock here (a deployment setting).
    fee_clock_note: &'static str,
    /// Not yet replied or closed: the applicant may still withdraw it.
    is_open: bool,
    outcomes: Vec<(&'static str, Vec<OutcomeOption>)>,
    case_kinds: Vec<(&'static str, &'static str)>,
    case_results: Vec<(&'static str, &'static str)>,
    new_code: Option<String>,
    message: Option<String>,
    error: Option<String>,
    /// (id, name) of the applicant's attachments.
    files: Vec<(i64, String)>,
    /// Reconsideration and litigation cases: (id, kind label, result label, filed, decided, pending).
    cases: Vec<(i64, String, String, String, String, bool)>,
    /// Bodies an application can be assigned to: (code, name, the one it is with).
    bodies: Vec<(String, String, bool)>,
}

/// Why the one extension cannot be approved from this page now, for an application in
/// progress (`None` when it can, or when the question does not arise).
fn extend_note(a: &Application, actor: &gongkai_app::domain::role::Actor) -> Option<String> {
    if a.status.as_str() != "in_progress" {
        return None;
    }
    if let Some(refusal) = a.clock.extend_refusal(gongkai_app::today()) {
        return Some(format!("不能延期：{refusal}。"));
    }
    (!actor.can(Action::ApproveApplication, a.row.body_id)).then(|| {
        "延长答复期限须经审核人批准：如需延期，请在答复期限届满前联系本机关审核人。".to_owned()
    })
}

#[derive(Deserialize, Default)]
struct DetailQuery {
    done: Option<String>,
}

async fn detail_page(
    state: &AppState,
    s: &SessionActor,
    id: i64,
    new_code: Option<String>,
    message: Option<String>,
    error: Option<String>,
) -> Result<DetailPage, PageError> {
    let file = state.app.application(&s.actor, id).await?;
    let row = &file.application.row;
    let body = state.app.body(row.body_id).await?;
    let requester = RequesterType::parse(&row.requester_type).map_or("", RequesterType::label_zh);
    let applicant = vec![
        ("申请人", row.name.clone()),
        ("申请人类型", requester.to_owned()),
        ("证件号码", row.id_document.clone()),
        ("统一社会信用代码", row.org_code.clone()),
        ("联系人", row.contact_person.clone()),
        ("联系电话", row.phone.clone()),
        ("电子邮箱", row.email.clone()),
        ("通信地址", row.address.clone()),
        (
            "获取方式",
            DeliveryForm::parse(&row.delivery)
                .map_or("", DeliveryForm::label_zh)
                .to_owned(),
        ),
        (
            "提交方式",
            Channel::parse(&row.channel)
                .map_or("", Channel::label_zh)
                .to_owned(),
        ),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .collect();
    let drafted = file.drafted_outcome();
    let outcomes = [
        OutcomeGroup::Disclosed,
        OutcomeGroup::PartlyDisclosed,
        OutcomeGroup::Refused,
        OutcomeGroup::Unavailable,
        OutcomeGroup::NotProcessed,
        OutcomeGroup::Other,
    ]
    .into_iter()
    .map(|g| {
        let options = g
            .outcomes()
            .filter(|o| !o.is_automatic())
            // A draft returned by the reviewer keeps its outcome chosen (and its text, below).
            .map(|o| (o.code(), o.label_zh(), drafted == Some(o)))
            .collect::<Vec<_>>();
        (g.numbered_zh(), options)
    })
    .filter(|(_, o)| !o.is_empty())
    .collect();
    let cases = file
        .cases
        .iter()
        .map(|c| {
            let kind = ReviewKind::parse(&c.kind)
                .map_or("", ReviewKind::label_zh)
                .to_owned();
            let result = ReviewResult::parse(&c.result);
            (
                c.id,
                kind,
                result.map_or("", ReviewResult::label_zh).to_owned(),
                c.filed_on.clone(),
                c.decided_on.clone().unwrap_or_default(),
                result == Some(ReviewResult::Pending),
            )
        })
        .collect();
    Ok(DetailPage {
        cases,
        chrome: staff_chrome(state, s),
        id,
        status_code: file.application.status.as_str(),
        description: row.description.clone(),
        reply_text: row.reply_text.clone(),
        can_handle: s.actor.can(Action::HandleApplication, row.body_id),
        can_approve: s.actor.can(Action::ApproveApplication, row.body_id),
        // The process extends only an application in progress; the clock says when.
        can_extend: file.application.status.as_str() == "in_progress"
            && file.application.clock.can_extend(gongkai_app::today()),
        extend_note: extend_note(&file.application, &s.actor),
        fee_clock_note: if state.app.config().clock.fee_notice_stops_clock {
            "缴费期间答复期限暂停计算，缴费后恢复（本平台设置）"
        } else {
            "缴费期间答复期限照常计算，不暂停（本平台设置）"
        },
        is_open: file.application.status.is_open(),
        applicant,
        outcomes,
        case_kinds: ReviewKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label_zh()))
            .collect(),
        case_results: ReviewResult::ALL
            .iter()
            .map(|k| (k.as_str(), k.label_zh()))
            .collect(),
        files: file
            .files
            .iter()
            .map(|f| (f.id, f.filename.clone()))
            .collect(),
        bodies: state
            .app
            .bodies()
            .await?
            .into_iter()
            .map(|b| {
                let current = b.id == row.body_id;
                (b.code, b.name, current)
            })
            .collect(),
        file: view(&file, body.name, String::new(), Locale::Zh),
        new_code,
        message,
        error,
    })
}

async fn detail(
    State(state): State<AppState>,
    Staff(s): Staff,
    PathIds(id): PathIds<i64>,
    PageQuery(q): PageQuery<DetailQuery>,
) -> Result<DetailPage, PageError> {
    let message = q.done.map(|_| "已办理".to_owned());
    detail_page(&state, &s, id, None, message, None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ActForm {
    csrf: String,
    step: String,
    note: String,
    on: String,
    body_code: String,
    officer: String,
    outcome: String,
    pages: String,
    kind: String,
    result: String,
    filed_on: String,
    decided_on: String,
    case_id: String,
}

fn parse_day(s: &str, field: &'static str) -> Result<Option<NaiveDate>, AppError> {
    match s.trim() {
        "" => Ok(None),
        t => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::field(field, "日期格式应为 YYYY-MM-DD")),
    }
}

/// The step a console form asks for.
fn staff_action(f: &ActForm) -> Result<StaffAction, AppError> {
    let on = parse_day(&f.on, "on")?;
    Ok(match f.step.as_str() {
        "request_supplement" => StaffAction::RequestSupplement {
            items: f.note.clone(),
        },
        "receive_supplement" => StaffAction::ReceiveSupplement { on },
        "supplement_overdue" => StaffAction::SupplementOverdue,
        "assign" => StaffAction::Assign {
            body_code: f.body_code.clone(),
            officer_login: Some(f.officer.clone()),
        },
        "accept" => StaffAction::Accept,
        "consult_third_party" => StaffAction::ConsultThirdParty {
            party: f.note.clone(),
            on,
        },
        "consult_bodies" => StaffAction::ConsultBodies {
            bodies: f.note.clone(),
            on,
        },
        "end_consultation" => StaffAction::EndConsultation {
            on,
            note: f.note.clone(),
        },
        "send_fee_notice" => StaffAction::SendFeeNotice {
            pages: match f.pages.trim() {
                "" => None,
                p => Some(
                    p.parse()
                        .map_err(|_| AppError::field("pages", "页数应为整数"))?,
                ),
            },
        },
        "pay_fee" => StaffAction::PayFee { on },
        "fee_overdue" => StaffAction::FeeOverdue,
        "extend" => StaffAction::Extend {
            reason: f.note.clone(),
        },
        "submit_draft" => StaffAction::SubmitDraft {
            outcome: ReplyOutcome::parse(&f.outcome)
                .ok_or_else(|| AppError::field("outcome", "请选择处理结果"))?,
            reply_text: f.note.clone(),
        },
        "approve" => StaffAction::Approve,
        "reject" => StaffAction::Reject {
            note: f.note.clone(),
        },
        "withdraw" => StaffAction::Withdraw {
            note: f.note.clone(),
        },
        "archive" => StaffAction::Archive,
        "record_case" => StaffAction::RecordCase {
            kind: ReviewKind::parse(&f.kind)
                .ok_or_else(|| AppError::field("kind", "请选择复议或诉讼类型"))?,
            result: ReviewResult::parse(&f.result)
                .ok_or_else(|| AppError::field("result", "请选择结果"))?,
            filed_on: parse_day(&f.filed_on, "filed_on")?
                .ok_or_else(|| AppError::field("filed_on", "请填写提起日期"))?,
            decided_on: parse_day(&f.decided_on, "decided_on")?,
            note: f.note.clone(),
        },
        "decide_case" => StaffAction::DecideCase {
            case_id: f
                .case_id
                .trim()
                .parse()
                .map_err(|_| AppError::field("case_id", "案件编号无效"))?,
            result: ReviewResult::parse(&f.result)
                .ok_or_else(|| AppError::field("result", "请选择结果"))?,
            decided_on: parse_day(&f.decided_on, "decided_on")?
                .ok_or_else(|| AppError::field("decided_on", "请填写审结日期"))?,
        },
        _ => return Err(AppError::field("step", "未知的办理操作")),
    })
}

async fn act(
    State(state): State<AppState>,
    Staff(s): Staff,
    ClientOrigin(origin): ClientOrigin,
    PathIds(id): PathIds<i64>,
    Form(f): Form<ActForm>,
) -> Response {
    if let Err(r) = check_csrf(&s.csrf, &f.csrf) {
        return r.into_response();
    }
    let result = match staff_action(&f) {
        Ok(action) => {
            state
                .app
                .act_on_application(&s.actor, &origin, id, action)
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Redirect::to(&format!("/console/applications/{id}?done=1")).into_response(),
        Err(e @ (AppError::Validation(_) | AppError::InvalidState(_) | AppError::Conflict(_))) => {
            let (status, _, mut msg) = crate::error::classify(&e);
            if let AppError::Validation(fs) = &e {
                msg = fs
                    .iter()
                    .map(|f| f.message_zh.clone())
                    .collect::<Vec<_>>()
                    .join("；");
            }
            match detail_page(&state, &s, id, None, None, Some(msg)).await {
                Ok(p) => (status, p).into_response(),
                Err(e) => e.into_response(),
            }
        }
        Err(e) => PageError(e).into_response(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "console/letter.html")]
struct LetterPage {
    chrome: Chrome,
    id: i64,
    letter_id: i64,
    title: String,
    paragraphs: Vec<String>,
}

async fn letter_page(
    State(state): State<AppState>,
    Staff(s): Staff,
    PathIds((id, letter)): PathIds<(i64, i64)>,
) -> Result<LetterPage, PageError> {
    let file = state.app.application(&s.actor, id).await?;
    let l = state.app.application_letter(&file, letter).await?;
    Ok(LetterPage {
        chrome: staff_chrome(&state, &s),
        id,
        letter_id: l.id,
        title: l.title,
        paragraphs: crate::views::paragraphs(&l.body),
    })
}

async fn letter_docx(
    State(state): State<AppState>,
    Staff(s): Staff,
    PathIds((id, letter)): PathIds<(i64, i64)>,
) -> Result<Response, PageError> {
    let file = state.app.application(&s.actor, id).await?;
    let l = state.app.application_letter(&file, letter).await?;
    Ok(docx_response(&l.title, &l.body))
}

#[derive(Template, WebTemplate)]
#[template(path = "console/application_report.html")]
struct ReportPage {
    chrome: Chrome,
    bodies: Vec<(String, String, bool)>,
    year: i32,
    figures: Option<gongkai_app::applications::AnnualFigures>,
    rows: Vec<(String, Vec<i64>)>,
    headings4: Vec<(&'static str, &'static str)>,
    row4: Vec<i64>,
    /// The years a report can be made for, newest first.
    years: Vec<i32>,
    corner: &'static str,
    organisations: &'static str,
    results_heading: &'static str,
}

#[derive(Deserialize, Default)]
struct ReportQuery {
    body: Option<String>,
    year: Option<i32>,
}

impl ReportQuery {
    /// The year asked for, this year by default.
    fn year(&self) -> i32 {
        self.year
            .unwrap_or_else(|| chrono::Datelike::year(&gongkai_app::today()))
    }
}

async fn report(
    State(state): State<AppState>,
    Staff(s): Staff,
    PageQuery(q): PageQuery<ReportQuery>,
) -> Result<ReportPage, PageError> {
    let year = q.year();
    let allowed = s.actor.bodies_with(Action::ViewApplications);
    let bodies: Vec<(String, String, bool)> = state
        .app
        .bodies()
        .await?
        .into_iter()
        .filter(|b| s.actor.is_city_office() || allowed.contains(&b.id))
        .map(|b| {
            let sel = q.body.as_deref() == Some(b.code.as_str());
            (b.code, b.name, sel)
        })
        .collect();
    let figures = match q.body.as_deref().filter(|b| !b.is_empty()) {
        Some(code) => Some(state.app.annual_figures(&s.actor, code, year).await?),
        None => None,
    };
    let rows = figures
        .as_ref()
        .map(|f| {
            f.table3
                .rows()
                .into_iter()
                .map(|(l, v)| (l, v.to_vec()))
                .collect()
        })
        .unwrap_or_default();
    let row4 = figures
        .as_ref()
        .map(|f| f.table4.row().to_vec())
        .unwrap_or_default();
    Ok(ReportPage {
        chrome: staff_chrome(&state, &s),
        bodies,
        year,
        figures,
        rows,
        headings4: gongkai_app::domain::application::Table4::headings().to_vec(),
        row4,
        years: (2008..=chrono::Datelike::year(&gongkai_app::today()))
            .rev()
            .collect(),
        corner: Table3::CORNER_ZH,
        organisations: Table3::ORGANISATIONS_ZH,
        results_heading: Table3::RESULTS_HEADING_ZH,
    })
}

/// Tables 三 and 四 of one body and year as an Excel workbook.
async fn report_xlsx(
    State(state): State<AppState>,
    Staff(s): Staff,
    PageQuery(q): PageQuery<ReportQuery>,
) -> Result<Response, PageError> {
    let year = q.year();
    let code = q
        .body
        .as_deref()
        .filter(|b| !b.is_empty())
        .ok_or_else(|| AppError::field("body", "请选择机关"))?;
    let figures = state.app.annual_figures(&s.actor, code, year).await?;
    let bytes = figures.to_xlsx()?;
    let name = format!("annual-report-{code}-{year}.xlsx");
    Ok(private_download(XLSX, &name, &name, bytes))
}
