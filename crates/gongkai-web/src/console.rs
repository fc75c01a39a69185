//! The staff console (工作台): login, drafts, the review queue, the item editor and the actions
//! on an item. Every form carries the session's CSRF token; every decision on who may do what is
//! made by the application layer.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use axum_extra::extract::Form;
use gongkai_app::AppError;
use gongkai_app::applications::ApplicationFilter;
use gongkai_app::auth::SecretString;
use gongkai_app::auth::SessionActor;
use gongkai_app::domain::item::{ItemStatus, Validity};
use gongkai_app::domain::pagination::Page;
use gongkai_app::domain::role::Action;
use gongkai_app::domain::taxonomy;
use gongkai_app::items::{Item, ItemInput, PiiFinding, ReviewDecision, Visibility};
use serde::Deserialize;

use crate::AppState;
use crate::error::PageError;
use crate::locale::Locale;
use crate::query::{PageQuery, PathIds};
use crate::session::{ClientOrigin, SESSION_COOKIE, Staff, anon_csrf, check_csrf, session_cookie};
use crate::views::{
    Chrome, ConsoleNav, ItemLine, Pager, body_map, field_errors, paragraphs, status_class,
};

mod admin;
mod calendar;
mod search_dictionary;

pub fn router(upload_limit: usize) -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard))
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/items", get(items).post(create))
        .route("/items/new", get(new_item))
        .route("/items/{id}", get(item))
        .route("/items/{id}/edit", get(edit_form).post(edit))
        .route("/items/{id}/submit", post(submit))
        .route("/items/{id}/review", post(review))
        .route("/items/{id}/mask", post(mask))
        .route("/items/{id}/withdraw", post(withdraw))
        .route("/items/{id}/validity", post(validity))
        .route(
            "/items/{id}/attachments",
            post(upload).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/items/{id}/versions/{version}", get(version))
        .route("/attachments/{id}/delete", post(delete_attachment))
        .route("/review", get(review_queue))
        .route("/reminders/read", post(reminders_read))
        .route("/users", get(admin::users).post(admin::add_user))
        .route("/calendar", get(calendar::show).post(calendar::add))
        .route(
            "/search-dictionary",
            get(search_dictionary::show).post(search_dictionary::save),
        )
        .route("/bodies", get(admin::bodies).post(admin::add_body))
        .route("/audit", get(audit))
}

/// The chrome of a console page: Chinese only, no language switch.
pub(crate) fn chrome_of(state: &AppState, s: &SessionActor) -> Chrome {
    Chrome {
        site_name: state.site.name.clone(),
        staff_name: Some(s.display_name.clone()),
        csrf: s.csrf.clone(),
        nav: ConsoleNav::of(&s.actor),
        ..Chrome::default()
    }
}

// ---- login ----

#[derive(Template, WebTemplate)]
#[template(path = "console/login.html")]
struct LoginPage {
    chrome: Chrome,
    csrf: String,
    next: String,
    login: String,
    error: Option<String>,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// Only local paths are followed after login (no open redirect): a single leading `/` and then
/// only characters of a plain path and query. Browsers drop tabs and newlines from URLs, so
/// `/\t/evil.example` would otherwise become `//evil.example`.
fn safe_next(next: Option<&str>) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/-_.~?=&%".contains(c);
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && n.chars().all(plain) => {
            n.to_owned()
        }
        _ => "/console".to_owned(),
    }
}

async fn login_form(
    State(state): State<AppState>,
    jar: CookieJar,
    PageQuery(q): PageQuery<NextQuery>,
) -> Response {
    let (jar, csrf) = anon_csrf(jar, state.site.secure_cookies);
    let page = LoginPage {
        chrome: Chrome {
            site_name: state.site.name.clone(),
            ..Chrome::default()
        },
        csrf,
        next: safe_next(q.next.as_deref()),
        login: String::new(),
        error: None,
    };
    (jar, page).into_response()
}

#[derive(Deserialize)]
struct LoginForm {
    login: String,
    password: String,
    csrf: String,
    next: Option<String>,
}

async fn login(
    State(state): State<AppState>,
    ClientOrigin(origin): ClientOrigin,
    jar: CookieJar,
    Form(f): Form<LoginForm>,
) -> Response {
    let expected = jar
        .get(crate::session::ANON_CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    if let Err(r) = check_csrf(&expected, &f.csrf) {
        return r.into_response();
    }
    match state
        .app
        .login(&origin, &f.login, SecretString::from(f.password))
        .await
    {
        Ok(session) => {
            let jar = jar.add(session_cookie(session.token, state.site.secure_cookies));
            (jar, Redirect::to(&safe_next(f.next.as_deref()))).into_response()
        }
        Err(e @ (AppError::BadCredentials | AppError::Locked { .. })) => {
            let (status, _, message) = crate::error::classify(&e);
            let page = LoginPage {
                chrome: Chrome {
                    site_name: state.site.name.clone(),
                    ..Chrome::default()
                },
                csrf: expected,
                next: safe_next(f.next.as_deref()),
                login: f.login,
                error: Some(message),
            };
            (status, page).into_response()
        }
        Err(e) => PageError(e).into_response(),
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: String,
}

async fn logout(
    State(state): State<AppState>,
    Staff(s): Staff,
    jar: CookieJar,
    Form(f): Form<CsrfForm>,
) -> Response {
    if let Err(r) = check_csrf(&s.csrf, &f.csrf) {
        return r.into_response();
    }
    if let Some(c) = jar.get(SESSION_COOKIE)
        && let Err(e) = state.app.logout(c.value()).await
    {
        return PageError(e).into_response();
    }
    let jar = jar.remove(axum_extra::extract::cookie::Cookie::build(SESSION_COOKIE).path("/"));
    (jar, Redirect::to("/")).into_response()
}

// ---- dashboard and lists ----

#[derive(Template, WebTemplate)]
#[template(path = "console/dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    roles: Vec<String>,
    drafts: Vec<ItemLine>,
    queue: Vec<ItemLine>,
    queue_total: i64,
    can_create: bool,
    can_review: bool,
    can_audit: bool,
    /// (message, link, unread)
    reminders: Vec<(String, String, bool)>,
    unread: i64,
    /// Open applications the actor sees (none: no part in applications).
    open_applications: Option<i64>,
    /// Drafted replies waiting for this reviewer: (id, tracking number, applicant, due date).
    replies: Vec<(i64, String, String, String)>,
    replies_total: i64,
    can_approve_replies: bool,
}

async fn dashboard(
    State(state): State<AppState>,
    Staff(s): Staff,
) -> Result<DashboardPage, PageError> {
    let app = &state.app;
    let bodies = body_map(app.bodies().await?);
    let actor = &s.actor;
    let can_create = !actor.bodies_with(Action::CreateItem).is_empty();
    let can_review = !actor.bodies_with(Action::ReviewItem).is_empty();
    let drafts = if can_create || can_review {
        app.my_drafts(actor, Page::new(Some(1), Some(10), 10))
            .await?
            .items
    } else {
        vec![]
    };
    let (queue, queue_total) = if can_review {
        let p = app
            .review_queue(actor, Page::new(Some(1), Some(10), 10))
            .await?;
        (p.items, p.total)
    } else {
        (vec![], 0)
    };
    let roles = actor
        .grants
        .iter()
        .map(|g| {
            let body = bodies.get(&g.body_id).map_or("", |b| b.name.as_str());
            format!("{}（{}）", g.role.label_zh(), body)
        })
        .collect();
    let sees_applications = !actor.bodies_with(Action::ViewApplications).is_empty()
        || actor.can_everywhere(Action::ViewApplications);
    let open_applications = if sees_applications {
        let all = ApplicationFilter::default();
        Some(app.application_queue(actor, &all, 1, 0).await?.1)
    } else {
        None
    };
    let can_approve_replies = !actor.bodies_with(Action::ApproveApplication).is_empty();
    let (replies, replies_total) = if can_approve_replies {
        let in_review = ApplicationFilter {
            status: Some("in_review".into()),
            ..ApplicationFilter::default()
        };
        let (apps, total) = app.application_queue(actor, &in_review, 10, 0).await?;
        let lines = apps
            .iter()
            .filter(|a| actor.can(Action::ApproveApplication, a.row.body_id))
            .map(|a| {
                let due = a
                    .clock
                    .reply_due_on(gongkai_app::today())
                    .map(|d| d.to_string())
                    .unwrap_or_default();
                (
                    a.row.id,
                    a.row.tracking_number.clone(),
                    a.row.name.clone(),
                    due,
                )
            })
            .collect();
        (lines, total)
    } else {
        (vec![], 0)
    };
    let (notes, unread) = app.notifications(actor).await?;
    let reminders = notes
        .into_iter()
        .map(|n| {
            let href = match n.entity.as_str() {
                "plan_task" => format!("/console/plan-tasks/{}", n.entity_id),
                _ => format!("/console/applications/{}", n.entity_id),
            };
            (n.message, href, n.read_ms.is_none())
        })
        .collect();
    Ok(DashboardPage {
        reminders,
        unread,
        open_applications,
        replies,
        replies_total,
        can_approve_replies,
        chrome: chrome_of(&state, &s),
        roles,
        drafts: drafts
            .iter()
            .map(|i| ItemLine::new(i, &bodies, Locale::Zh))
            .collect(),
        queue: queue
            .iter()
            .map(|i| ItemLine::new(i, &bodies, Locale::Zh))
            .collect(),
        queue_total,
        can_create,
        can_review,
        can_audit: actor.grants.iter().any(|g| {
            matches!(
                g.role,
                gongkai_app::domain::role::Role::Auditor
                    | gongkai_app::domain::role::Role::CityOffice
            )
        }),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "console/items.html")]
struct ItemsPage {
    chrome: Chrome,
    heading: String,
    items: Vec<ItemLine>,
    pager: Pager,
    statuses: Vec<(&'static str, &'static str, bool)>,
}

#[derive(Deserialize)]
struct ListQuery {
    status: Option<String>,
    page: Option<u32>,
}

async fn items(
    State(state): State<AppState>,
    Staff(s): Staff,
    PageQuery(q): PageQuery<ListQuery>,
) -> Result<ItemsPage, PageError> {
    let status = q.status.as_deref().and_then(ItemStatus::parse);
    let page = state
        .app
        .body_items(&s.actor, status, Page::new(q.page, Some(30), 100))
        .await?;
    let bodies = body_map(state.app.bodies().await?);
    let base = match status {
        Some(st) => format!("/console/items?status={}", st.as_str()),
        None => "/console/items".to_owned(),
    };
    let statuses = [
        ItemStatus::Draft,
        ItemStatus::InReview,
        ItemStatus::Scheduled,
        ItemStatus::Published,
        ItemStatus::Withdrawn,
    ]
    .iter()
    .map(|st| (st.as_str(), st.label_zh(), Some(*st) == status))
    .collect();
    Ok(ItemsPage {
        chrome: chrome_of(&state, &s),
        heading: "本单位信息".into(),
        items: page
            .items
            .iter()
            .map(|i| ItemLine::new(i, &bodies, Locale::Zh))
            .collect(),
        pager: Pager::new(&base, page.page, page.pages, page.total),
        statuses,
    })
}

async fn review_queue(
    State(state): State<AppState>,
    Staff(s): Staff,
    PageQuery(q): PageQuery<ListQuery>,
) -> Result<ItemsPage, PageError> {
    let page = state
        .app
        .review_queue(&s.actor, Page::new(q.page, Some(30), 100))
        .await?;
    let bodies = body_map(state.app.bodies().await?);
    Ok(ItemsPage {
        chrome: chrome_of(&state, &s),
        heading: "待审核".into(),
        items: page
            .items
            .iter()
            .map(|i| ItemLine::new(i, &bodies, Locale::Zh))
            .collect(),
        pager: Pager::new("/console/review", page.page, page.pages, page.total),
        statuses: vec![],
    })
}

// ---- editor ----

#[derive(Template, WebTemplate)]
#[template(path = "console/editor.html")]
struct EditorPage {
    chrome: Chrome,
    action: String,
    heading: String,
    bodies: Vec<(i64, String, bool)>,
    input: ItemInput,
    errors: HashMap<&'static str, String>,
    topics: Vec<String>,
    genres: Vec<String>,
    key_areas: Vec<(String, bool)>,
    validities: Vec<Choice>,
    disclosures: Vec<Choice>,
    time_limits: Vec<Choice>,
    scopes: Vec<Choice>,
}

/// An option of a select: code, label, selected.
type Choice = (&'static str, &'static str, bool);

/// The options of an enumeration with the current value selected.
fn choices<T: Copy + PartialEq + Default>(
    all: &[T],
    current: &Option<String>,
    parse: impl Fn(&str) -> Option<T>,
    code: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
) -> Vec<Choice> {
    let cur = current.as_deref().and_then(&parse).unwrap_or_default();
    all.iter()
        .map(|v| (code(*v), label(*v), *v == cur))
        .collect()
}

impl EditorPage {
    fn error(&self, field: &str) -> String {
        self.errors.get(field).cloned().unwrap_or_default()
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ItemForm {
    csrf: String,
    body_id: Option<i64>,
    title: String,
    body: String,
    summary: String,
    doc_number: String,
    written_on: String,
    genre: String,
    topic: String,
    key_areas: Vec<String>,
    keywords: String,
    validity: String,
    co_issuers: String,
    disclosure: String,
    time_limit: String,
    scope: String,
    channel: String,
}

impl ItemForm {
    fn input(&self) -> ItemInput {
        ItemInput {
            title: self.title.clone(),
            body: self.body.clone(),
            summary: self.summary.clone(),
            doc_number: Some(self.doc_number.clone()),
            written_on: Some(self.written_on.clone()),
            genre: self.genre.clone(),
            topic: self.topic.clone(),
            key_areas: self.key_areas.clone(),
            keywords: vec![self.keywords.clone()],
            validity: Some(self.validity.clone()),
            co_issuers: vec![self.co_issuers.clone()],
            disclosure: Some(self.disclosure.clone()),
            time_limit: Some(self.time_limit.clone()),
            scope: Some(self.scope.clone()),
            channel: Some(self.channel.clone()),
            successor_id: None,
        }
    }
}

async fn editor(
    state: &AppState,
    s: &SessionActor,
    action: String,
    heading: &str,
    selected_body: Option<i64>,
    input: ItemInput,
    errors: HashMap<&'static str, String>,
) -> Result<EditorPage, PageError> {
    let mut topics = Vec::new();
    for t in taxonomy::topics() {
        topics.push(t.name.clone());
        for c in &t.children {
            topics.push(format!("{}/{}", t.name, c.name));
        }
    }
    let allowed = s.actor.bodies_with(Action::CreateItem);
    let bodies = state
        .app
        .bodies()
        .await?
        .into_iter()
        .filter(|b| s.actor.is_city_office() || allowed.contains(&b.id))
        .map(|b| (b.id, b.name, Some(b.id) == selected_body))
        .collect();
    use gongkai_app::domain::item::{DisclosureAttr, Scope, TimeLimit};
    Ok(EditorPage {
        chrome: chrome_of(state, s),
        action,
        heading: heading.to_owned(),
        bodies,
        key_areas: taxonomy::key_areas()
            .iter()
            .map(|k| (k.clone(), input.key_areas.contains(k)))
            .collect(),
        validities: choices(
            &Validity::ALL,
            &input.validity,
            Validity::parse,
            Validity::as_str,
            Validity::label_zh,
        ),
        disclosures: choices(
            &DisclosureAttr::ALL,
            &input.disclosure,
            DisclosureAttr::parse,
            DisclosureAttr::as_str,
            DisclosureAttr::label_zh,
        ),
        time_limits: choices(
            &TimeLimit::ALL,
            &input.time_limit,
            TimeLimit::parse,
            TimeLimit::as_str,
            TimeLimit::label_zh,
        ),
        scopes: choices(
            &Scope::ALL,
            &input.scope,
            Scope::parse,
            Scope::as_str,
            Scope::label_zh,
        ),
        input,
        errors,
        topics,
        genres: taxonomy::genres().to_vec(),
    })
}

async fn new_item(State(state): State<AppState>, Staff(s): Staff) -> Result<EditorPage, PageError> {
    let first = s.actor.bodies_with(Action::CreateItem).first().copied();
    if first.is_none() && !s.actor.is_city_office() {
        return Err(PageError(AppError::Forbidden));
    }
    editor(
        &state,
        &s,
        "/console/items".into(),
        "起草信息",
        first,
        ItemInput::default(),
        HashMap::new(),
    )
    .await
}

async fn create(
    State(state): State<AppState>,
    Staff(s): Staff,
    ClientOrigin(origin): ClientOrigin,
    Form(f): Form<ItemForm>,
) -> Response {
    if let Err(r) = check_csrf(&s.csrf, &f.csrf) {
        return r.into_response();
    }
    let Some(body_id) = f.body_id else {
        return PageError(AppError::field("body_id", "请选择发布机构")).into_response();
    };
    let input = f.input();
    match state
        .app
        .create_draft(&s.actor, &origin, body_id, &input)
        .await
    {
        Ok(id) => Redirect::to(&format!("/console/items/{id}")).into_response(),
        Err(e) => match field_errors(&e, Locale::Zh) {
            // Re-show the form with everything typed and the errors next to their fields.
            Some(errors) => render(
                editor(
                    &state,
                    &s,
                    "/console/items".into(),
                    "起草信息",
                    Some(body_id),
                    input,
                    errors,
                )
                .await,
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            ),
            None => PageError(e).into_response(),
        },
    }
}

fn render(page: Result<EditorPage, PageError>, status: axum::http::StatusCode) -> Response {
    match page {
        Ok(p) => (status, p).into_response(),
        Err(e) => e.into_response(),
    }
}

fn input_of(item: &Item) -> ItemInput {
    let f = &item.fields;
    ItemInput {
        title: f.title.clone(),
        body: f.body.clone(),
        summary: f.summary.clone(),
        doc_number: item.doc_number_raw.clone().or_else(|| f.doc_number.clone()),
        written_on: f.written_on.map(|d| d.to_string()),
        genre: f.genre.clone(),
        topic: f.topic.clone(),
        key_areas: f.key_areas.clone(),
        keywords: vec![f.keywords.join("，")],
        validity: Some(f.validity.as_str().to_owned()),
        co_issuers: vec![f.co_issuers.join("，")],
        disclosure: Some(f.disclosure.as_str().to_owned()),
        time_limit: Some(f.time_limit.as_str().to_owned()),
        scope: Some(f.scope.as_str().to_owned()),
        channel: Some(f.channel.clone()),
        successor_id: item.successor_id,
    }
}

async fn staff_item(state: &AppState, s: &SessionActor, id: i64) -> Result<Item, PageError> {
    match state.app.item(Some(&s.actor), id).await? {
        Visibility::Visible(i) => Ok(*i),
        Visibility::Withdrawn { .. } => Err(PageError(AppError::NotFound("item"))),
    }
}

async fn edit_form(
    State(state): State<AppState>,
    Staff(s): Staff,
    PathIds(id): PathIds<i64>,
) -> Result<EditorPage, PageError> {
    let item = staff_item(&state, &s, id).await?;
    // The form only where saving it can succeed: a draft, by staff who may edit its body.
    if !s.actor.can(Action::EditItem, item.body_id) {
        return Err(PageError(AppError::Forbidden));
    }
    if item.status != ItemStatus::Draft {
        return Err(PageError(AppError::InvalidState(
            "只有草稿可以修改；已提交或已发布的信息请先退回或撤回".into(),
        )));
    }
    editor(
        &state,
        &s,
        format!("/console/items/{id}/edit"),
        "修改草稿",
        Some(item.body_id),
        input_of(&item),
        HashMap::new(),
    )
    .await
}

async fn edit(
    State(state): State<AppState>,
    Staff(s): Staff,
    ClientOrigin(origin): ClientOrigin,
    PathIds(id): PathIds<i64>,
    Form(f): Form<ItemForm>,
) -> Response {
    if let Err(r) = check_csrf(&s.csrf, &f.csrf) {
        return r.into_response();
    }
    let input = f.input();
    match state.app.update_draft(&s.actor, &origin, id, &input).await {
        Ok(_) => Redirect::to(&format!("/console/items/{id}")).into_response(),
        Err(e) => match field_errors(&e, Locale::Zh) {
            Some(errors) => render(
                editor(
                    &state,
                    &s,
                    format!("/console/items/{id}/edit"),
                    "修改草稿",
                    f.body_id,
                    input,
                    errors,
                )
                .await,
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            ),
            None => PageError(e).into_response(),
        },
    }
}

// ---- one item and its actions ----

#[derive(Template, WebTemplate)]
#[template(path = "console/item.html")]
struct ItemConsolePage {
    chrome: Chrome,
    item: Item,
    body_name: String,
    status_class: &'static str,
    paragraphs: Vec<String>,
    attachments: Vec<gongkai_app::items::Attachment>,
    findings: Vec<PiiFinding>,
    maskable: usize,
    /// Attachments whose text cannot be read automatically (PDF, images, legacy Office).
    unscanned: Vec<String>,
    can_edit: bool,
    can_submit: bool,
    can_review: bool,
    can_withdraw: bool,
    can_validity: bool,
    versions: Vec<(i64, String)>,
    history: Vec<(String, String, String, String)>,
    message: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
struct FlashQuery {
    done: Option<String>,
}

fn format_ms(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .with_timezone(&gongkai_app::china_offset())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

async fn item_console(
    state: &AppState,
    s: &SessionActor,
    id: i64,
    message: Option<String>,
    error: Option<String>,
    findings_override: Option<Vec<PiiFinding>>,
) -> Result<ItemConsolePage, PageError> {
    let app = &state.app;
    let actor = &s.actor;
    let item = staff_item(state, s, id).await?;
    let body = app.body(item.body_id).await?;
    let findings = match findings_override {
        Some(f) => f,
        None if actor.can(Action::ViewDrafts, item.body_id) => app.scan_item(actor, id).await?,
        None => vec![],
    };
    let maskable = findings
        .iter()
        .filter(|f| !f.field.starts_with("attachment:"))
        .count();
    let versions = if actor.can(Action::ViewDrafts, item.body_id) {
        app.versions(actor, id)
            .await?
            .into_iter()
            .map(|v| (v.version, format_ms(v.at_ms)))
            .collect()
    } else {
        vec![]
    };
    let history = match app.audit_of(actor, "item", &id.to_string()).await {
        Ok(rows) => rows
            .into_iter()
            .map(|r| (format_ms(r.at_ms), r.actor, r.action, r.ip))
            .collect(),
        Err(_) => vec![],
    };
    let attachments = app.attachments(Some(actor), id).await?;
    let unscanned = attachments
        .iter()
        .filter(|a| !a.scanned)
        .map(|a| a.filename.clone())
        .collect();
    let st = item.status;
    let b = item.body_id;
    Ok(ItemConsolePage {
        unscanned,
        chrome: chrome_of(state, s),
        body_name: body.name,
        status_class: status_class(st),
        paragraphs: paragraphs(&item.fields.body),
        attachments,
        maskable,
        findings,
        can_edit: st == ItemStatus::Draft && actor.can(Action::EditItem, b),
        can_submit: st == ItemStatus::Draft && actor.can(Action::SubmitItem, b),
        can_review: st == ItemStatus::InReview && actor.can(Action::ReviewItem, b),
        can_withdraw: matches!(st, ItemStatus::Published | ItemStatus::Scheduled)
            && actor.can(Action::WithdrawItem, b),
        can_validity: st == ItemStatus::Published && actor.can(Action::ReviewItem, b),
        versions,
        history,
        message,
        error,
        item,
    })
}

async fn item(
    State(state): State<AppState>,
    Staff(s): Staff,
    PathIds(id): PathIds<i64>,
    PageQuery(q): PageQuery<FlashQuery>,
) -> Result<ItemConsolePage, PageError> {
    let message = q.done.map(|d| match d.as_str() {
        "submit" => "已提交审核".to_owned(),
        "approve" => "已审核通过".to_owned(),
        "reject" => "已退回修改".to_owned(),
        "mask" => "已对个人信息进行脱敏处理".to_owned(),
        "withdraw" => "已撤回".to_owned(),
        "validity" => "有效性已更新".to_owned(),
        "upload" => "附件已上传".to_owned(),
        "detach" => "附件已删除".to_owned(),
        _ => "操作已完成".to_owned(),
    });
    item_console(&state, &s, id, message, None, None).await
}

/// Runs an action; on a business error, shows the item page again with the reason.
async fn act(
    state: &AppState,
    s: &SessionActor,
    id: i64,
    done: &str,
    result: Result<(), AppError>,
) -> Response {
    match result {
        Ok(()) => Redirect::to(&format!("/console/items/{id}?done={done}")).into_response(),
        Err(AppError::PiiBlocked(findings)) => {
            let msg = format!(
                "发现 {} 处疑似个人信息，不能审核通过：请一键脱敏，或逐条勾选确认误报并在“误报说明”中写明理由",
                findings.len()
            );
            match item_console(state, s, id, None, Some(msg), Some(findings)).await {
                Ok(p) => (axum::http::StatusCode::UNPROCESSABLE_ENTITY, p).into_response(),
                Err(e) => e.into_response(),
            }
        }
        Err(
            e @ (AppError::Validation(_)
            | AppError::InvalidState(_)
            | AppError::Conflict(_)
            | AppError::TooLarge { .. }
            | AppError::UnsupportedType
            | AppError::UnscannedAttachments(_)),
        ) => {
            let (status, _, mut msg) = crate::error::classify(&e);
            if let AppError::Validation(fs) = &e {
                msg = fs
                    .iter()
                    .map(|f| f.message_zh.clone())
                    .collect::<Vec<_>>()
                    .join("；");
            }
            match item_console(state, s, id, None, Some(msg), None).await {
                Ok(p) => (status, p).into_response(),
                Err(e) => e.into_response(),
            }
        }
        Err(e) => PageError(e).into_response(),
    }
}

async fn submit(
    State(state): State<AppState>,
    Staff(s): Staff,
    ClientOrigin(origin): ClientOrigin,
    PathIds(id): PathIds<i64>,
    Form(f): Form<CsrfForm>,
) -> Response {
    if let Err(r) = check_csrf(&s.csrf, &f.csrf) {
        return r.into_response();
    }
    let r = state.app.submit(&s.actor, &origin, id).await;
    act(&state, &s, id, "submit", r).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ReviewForm {
    csrf: String,
    decision: String,
    note: String,
    pii_override: String,
    /// The keys of the findings the reviewer ticks as false positives.
    pii_confirmed: Vec<String>,
    publish_at: String,
}

async fn review(
    State(state): State<AppState>,
    Staff(s): Staff,
    ClientOrigin(origin): ClientOrigin,
    PathIds(id): PathIds<i64>,
    Form(f): Form<ReviewForm>,
) -> Response {
    if let Err(r) = check_csrf(&s.csrf, &f.csrf) {
        return r.into_response();
    }
    let decision = if f.decision == "reject" {
        ReviewDecision::Reject
    } else {
        let publish_at_ms = match f.publish_at.trim() {
            "" => None,
            t => match chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M")
                .ok()
                .and_then(|t| t.and_local_timezone(gongkai_app::china_offset()).single())
            {
                Some(t) => Some(t.timestamp_millis()),
                None => {
                    let e = AppError::field("publish_at", "定时发布时间格式应为 YYYY-MM-DD HH:MM");
                    return act(&state, &s, id, "approve", Err(e)).await;
                }
            },
        };
        ReviewDecision::Approve {
            pii_override: Some(f.pii_override.clone()),
            pii_confirmed: f.pii_confirmed.clone(),
            publish_at_ms,
        }
    };
    let done = if f.decision == "reject" {
        "reject"
    } else {
        "approve"
    };
    let r = state
        .app
        .review(&s.actor, &origin, id, &decision, Some(&f.note))
        .await;
    act(&state, &s, id, done, r).await
}

async fn mask(
    State(state): State<AppState>,
    Staff(s): Staff,
    ClientOrigin(origin): ClientOrigin,
    PathIds(id): PathIds<i64>,
    Form(f): Form<CsrfForm>,
) -> Response {
    if let Err(r) = check_csrf(&s.csrf, &f.csrf) {
        return r.into_response();
    }
    let r = state
        .app
        .mask_personal_data(&s.actor, &origin, id)
        .await
        .map(|_| ());
    act(&state, &s, id, "mask", r).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WithdrawForm {
    csrf: String,
    reason: String,
}

async fn withdraw(
    State(state): State<AppState>,
    Staff(s): Staff,
    ClientOrigin(origin): ClientOrigin,
    PathIds(id): PathIds<i64>,
    Form(f): Form<WithdrawForm>,
) -> Response {
    if let Err(r) = check_csrf(&s.csrf, &f.csrf) {
        return r.into_response();
    }
    let r = state.app.withdraw(&s.actor, &origin, id, &f.reason).await;
    act(&state, &s, id, "withdraw", r).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ValidityForm {
    csrf: String,
    validity: String,
    successor_id: String,
}

async fn validity(
    State(state): State<AppState>,
    Staff(s): Staff,
    ClientOrigin(origin): ClientOrigin,
    PathIds(id): PathIds<i64>,
    Form(f): Form<ValidityForm>,
) -> Response {
    if let Err(r) = check_csrf(&s.csrf, &f.csrf) {
        return r.into_response();
    }
    let Some(v) = Validity::parse(&f.validity) else {
        return act(
            &state,
            &s,
            id,
            "validity",
            Err(AppError::field("validity", "请选择有效性")),
        )
        .await;
    };
    let successor = f.successor_id.trim().parse().ok();
    let r = state
        .app
        .set_validity(&s.actor, &origin, id, v, successor)
        .await;
    act(&state, &s, id, "validity", r).await
}

async fn upload(
    State(state): State<AppState>,
    Staff(s): Staff,
    ClientOrigin(origin): ClientOrigin,
    PathIds(id): PathIds<i64>,
    mut form: Multipart,
) -> Response {
    let mut csrf = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                let filename = field.file_name().map(str::to_owned);
                match field.bytes().await {
                    Ok(bytes) if name == "csrf" => {
                        csrf = String::from_utf8_lossy(&bytes).into_owned()
                    }
                    Ok(bytes) if name == "file" => {
                        file = Some((filename.unwrap_or_default(), bytes.to_vec()));
                    }
                    Ok(_) => {}
                    Err(_) => return upload_too_large(&state, &s, id).await,
                }
            }
            Ok(None) => break,
            Err(_) => return upload_too_large(&state, &s, id).await,
        }
    }
    if let Err(r) = check_csrf(&s.csrf, &csrf) {
        return r.into_response();
    }
    let Some((name, bytes)) = file else {
        return act(
            &state,
            &s,
            id,
            "upload",
            Err(AppError::field("file", "请选择要上传的文件")),
        )
        .await;
    };
    let r = state
        .app
        .add_attachment(&s.actor, &origin, id, &name, &bytes)
        .await
        .map(|_| ());
    act(&state, &s, id, "upload", r).await
}

async fn upload_too_large(state: &AppState, s: &SessionActor, id: i64) -> Response {
    let limit = state.app.config().max_upload_bytes;
    act(state, s, id, "upload", Err(AppError::TooLarge { limit })).await
}

#[derive(Deserialize)]
struct DeleteAttachmentForm {
    csrf: String,
    item_id: i64,
}

async fn delete_attachment(
    State(state): State<AppState>,
    Staff(s): Staff,
    ClientOrigin(origin): ClientOrigin,
    PathIds(id): PathIds<i64>,
    Form(f): Form<DeleteAttachmentForm>,
) -> Response {
    if let Err(r) = check_csrf(&s.csrf, &f.csrf) {
        return r.into_response();
    }
    let r = state.app.remove_attachment(&s.actor, &origin, id).await;
    act(&state, &s, f.item_id, "detach", r).await
}

#[derive(Template, WebTemplate)]
#[template(path = "console/version.html")]
struct VersionPage {
    chrome: Chrome,
    item_id: i64,
    version: i64,
    at: String,
    /// (field label, value) in catalog order.
    fields: Vec<(&'static str, String)>,
    paragraphs: Vec<String>,
}

/// One stored version of an item, as it was saved.
async fn version(
    State(state): State<AppState>,
    Staff(s): Staff,
    PathIds((id, number)): PathIds<(i64, i64)>,
) -> Result<VersionPage, PageError> {
    let versions = state.app.versions(&s.actor, id).await?;
    let v = versions
        .into_iter()
        .find(|v| v.version == number)
        .ok_or(PageError(AppError::NotFound("item")))?;
    let snap: serde_json::Value = serde_json::from_str(&v.snapshot).unwrap_or_default();
    let text = |k: &str| match &snap[k] {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    let list = |k: &str| {
        serde_json::from_str::<Vec<String>>(&text(k))
            .map(|l| l.join("、"))
            .unwrap_or_default()
    };
    let fields = vec![
        ("标题", text("title")),
        ("文号", text("doc_number")),
        ("成文日期", text("written_on")),
        ("主题分类", text("topic")),
        ("体裁", text("genre")),
        ("重点领域", list("key_areas")),
        ("主题词", list("keywords")),
        ("有效性", text("validity")),
        ("内容概述", text("summary")),
    ];
    Ok(VersionPage {
        chrome: chrome_of(&state, &s),
        item_id: id,
        version: v.version,
        at: format_ms(v.at_ms),
        fields,
        paragraphs: paragraphs(&text("body")),
    })
}

async fn reminders_read(
    State(state): State<AppState>,
    Staff(s): Staff,
    Form(f): Form<CsrfForm>,
) -> Response {
    if let Err(r) = check_csrf(&s.csrf, &f.csrf) {
        return r.into_response();
    }
    match state.app.mark_notifications_read(&s.actor).await {
        Ok(()) => Redirect::to("/console").into_response(),
        Err(e) => PageError(e).into_response(),
    }
}

// ---- audit ----

#[derive(Template, WebTemplate)]
#[template(path = "console/audit.html")]
struct AuditPage {
    chrome: Chrome,
    rows: Vec<gongkai_app::audit::AuditRecord>,
    /// The filter's fields as typed, for the form and the page links.
    actor: String,
    entity: String,
    entity_id: String,
    /// The next (older) page, when there may be one.
    older: Option<String>,
    /// The query is narrowed or paged (a link back to the newest records is shown).
    narrowed: bool,
}

#[derive(Deserialize)]
struct AuditQuery {
    before: Option<i64>,
    actor: Option<String>,
    entity: Option<String>,
    entity_id: Option<String>,
}

/// Audit records per page.
const AUDIT_PER_PAGE: usize = 100;

impl AuditPage {
    fn when(&self, ms: &i64) -> String {
        format_ms(*ms)
    }

    /// The action's Chinese name and its code (auditors search logs by code).
    fn action(&self, code: &str) -> String {
        match gongkai_app::domain::audit::action_label_zh(code) {
            Some(name) => format!("{name}（{code}）"),
            None => code.to_owned(),
        }
    }
}

async fn audit(
    State(state): State<AppState>,
    Staff(s): Staff,
    PageQuery(q): PageQuery<AuditQuery>,
) -> Result<AuditPage, PageError> {
    let field = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or("").to_owned();
    let (actor, entity, entity_id) = (field(&q.actor), field(&q.entity), field(&q.entity_id));
    fn given(v: &str) -> Option<&str> {
        (!v.is_empty()).then_some(v)
    }
    let filter = gongkai_app::audit::AuditFilter {
        before_seq: q.before,
        actor: given(&actor),
        entity: given(&entity),
        entity_id: given(&entity_id),
    };
    let rows = state
        .app
        .audit_log(&s.actor, &filter, AUDIT_PER_PAGE as i64)
        .await?;
    let older = match rows.last() {
        Some(last) if rows.len() == AUDIT_PER_PAGE => {
            let mut href = String::from("/console/audit?");
            for (key, value) in [
                ("actor", &actor),
                ("entity", &entity),
                ("entity_id", &entity_id),
                ("before", &last.seq.to_string()),
            ] {
                crate::portal::push_param(&mut href, key, value);
            }
            Some(href)
        }
        _ => None,
    };
    Ok(AuditPage {
        chrome: chrome_of(&state, &s),
        narrowed: q.before.is_some() || filter.actor.is_some() || filter.entity.is_some(),
        rows,
        actor,
        entity,
        entity_id,
        older,
    })
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed() {
        let cases = [
            (Some("/console/items/3"), "/console/items/3"),
            (
                Some("/console/items?status=draft&page=2"),
                "/console/items?status=draft&page=2",
            ),
            (Some("//evil.example"), "/console"),
            (Some("/\t/evil.example"), "/console"),
            (Some("/\\evil.example"), "/console"),
            (Some("/a\r\nSet-Cookie: x"), "/console"),
            (Some("https://evil.example"), "/console"),
            (Some("javascript:alert(1)"), "/console"),
            (None, "/console"),
        ];
        for (input, want) in cases {
            assert_eq!(safe_next(input), want, "{input:?}");
        }
    }
}
