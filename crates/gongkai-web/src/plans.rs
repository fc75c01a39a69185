//! Work-plan supervision in the console: import with preview, the board (挂图作战) with charts
//! drawn as SVG on the server, task pages with progress reports, Excel export, and year-end
//! implementation reports.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::Form;
use gongkai_app::AppError;
use gongkai_app::auth::SessionActor;
use gongkai_app::domain::role::Action;
use gongkai_app::plans::{Board, Completion, ImportPreview, ReportDecision, TaskFile};
use serde::Deserialize;

use crate::AppState;
use crate::console::chrome_of as chrome;
use crate::error::PageError;
use crate::query::{PageQuery, PathIds};
use crate::session::{ClientOrigin, Staff, check_csrf};
use crate::views::{Chrome, XLSX, private_download};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/console/plans", get(list))
        .route(
            "/console/plans/preview",
            post(preview).layer(DefaultBodyLimit::max(4 * 1024 * 1024)),
        )
        .route("/console/plans/import", post(import))
        .route("/console/plans/{id}", get(board))
        .route("/console/plans/{id}/export.xlsx", get(export))
        .route("/console/plans/{id}/tasks/{task}", get(task))
        .route("/console/plans/{id}/tasks/{task}/report", post(report))
        .route("/console/plans/{id}/tasks/{task}/done", post(done))
        .route("/console/plans/{id}/reports/{report}/review", post(review))
        .route(
            "/console/plans/{id}/year-end",
            get(year_end).post(save_year_end),
        )
        .route("/console/plans/{id}/year-end.docx", get(year_end_docx))
        .route("/console/plans/{id}/summary", get(summary))
        .route("/console/plans/{id}/summary.docx", get(summary_docx))
        .route("/console/plans/{id}/tasks/{task}/bodies", post(assign_body))
        .route(
            "/console/plans/{id}/tasks/{task}/milestones",
            post(add_milestone),
        )
        .route(
            "/console/plans/{id}/milestones/{milestone}",
            post(toggle_milestone),
        )
        .route(
            "/console/plans/{id}/reports/{report}/files",
            post(upload_evidence).layer(DefaultBodyLimit::max(21 * 1024 * 1024)),
        )
        .route("/console/plan-files/{file}", get(evidence_file))
        .route("/console/plan-tasks/{task}", get(task_by_id))
}

#[derive(Template, WebTemplate)]
#[template(path = "console/plans.html")]
struct ListPage {
    chrome: Chrome,
    plans: Vec<(i64, String, i64, String)>,
    can_import: bool,
    error: Option<String>,
}

async fn list(State(state): State<AppState>, Staff(s): Staff) -> Result<ListPage, PageError> {
    let plans = state
        .app
        .plans()
        .await?
        .into_iter()
        .map(|p| (p.id, p.title, p.year, p.issuer))
        .collect();
    Ok(ListPage {
        chrome: chrome(&state, &s),
        plans,
        can_import: s.actor.can_everywhere(Action::SupervisePlans),
        error: None,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "console/plan_preview.html")]
struct PreviewPage {
    chrome: Chrome,
    preview: ImportPreview,
    text: String,
}

impl PreviewPage {
    fn names(&self, list: &[(String, Vec<String>)]) -> String {
        list.iter()
            .map(|(n, b)| {
                if b.is_empty() {
                    format!("{n}（未匹配）")
                } else if b.len() == 1 && b[0].contains(n.trim_start_matches('市')) {
                    b[0].clone()
                } else {
                    format!("{n}→{}", b.join("、"))
                }
            })
            .collect::<Vec<_>>()
            .join("；")
    }
}

async fn preview(State(state): State<AppState>, Staff(s): Staff, mut form: Multipart) -> Response {
    let mut csrf = String::new();
    let mut text = String::new();
    while let Ok(Some(field)) = form.next_field().await {
        let name = field.name().unwrap_or_default().to_owned();
        let Ok(bytes) = field.bytes().await else {
            break;
        };
        match name.as_str() {
            "csrf" => csrf = String::from_utf8_lossy(&bytes).into_owned(),
            "text" if !bytes.is_empty() && text.is_empty() => {
                text = String::from_utf8_lossy(&bytes).into_owned()
            }
            "file" if !bytes.is_empty() => text = String::from_utf8_lossy(&bytes).into_owned(),
            _ => {}
        }
    }
    if let Err(r) = check_csrf(&s.csrf, &csrf) {
        return r.into_response();
    }
    match state
        .app
        .preview_plan(&s.actor, &text, &HashMap::new())
        .await
    {
        Ok(preview) => PreviewPage {
            chrome: chrome(&state, &s),
            preview,
            text,
        }
        .into_response(),
        Err(AppError::Validation(fs)) => {
            let plans = state
                .app
                .plans()
                .await
                .unwrap_or_default()
                .into_iter()
                .map(|p| (p.id, p.title, p.year, p.issuer))
                .collect();
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                ListPage {
                    chrome: chrome(&state, &s),
                    plans,
                    can_import: true,
                    error: Some(
                        fs.into_iter()
                            .map(|f| f.message_zh)
                            .collect::<Vec<_>>()
                            .join("；"),
                    ),
                },
            )
                .into_response()
        }
        Err(e) => PageError(e).into_response(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ImportForm {
    csrf: String,
    text: String,
    map_name: Vec<String>,
    map_codes: Vec<String>,
}

async fn import(
    State(state): State<AppState>,
    Staff(s): Staff,
    ClientOrigin(origin): ClientOrigin,
    Form(f): Form<ImportForm>,
) -> Response {
    if let Err(r) = check_csrf(&s.csrf, &f.csrf) {
        return r.into_response();
    }
    let mut mappings = HashMap::new();
    for (name, codes) in f.map_name.iter().zip(&f.map_codes) {
        let codes: Vec<String> = codes
            .split([',', '，', '、', ' '])
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect();
        if !codes.is_empty() {
            mappings.insert(name.clone(), codes);
        }
    }
    match state
        .app
        .import_plan(&s.actor, &origin, &f.text, &mappings)
        .await
    {
        Ok(id) => Redirect::to(&format!("/console/plans/{id}")).into_response(),
        Err(e) => PageError(e).into_response(),
    }
}

/// One bar of a chart, positions precomputed for the SVG template.
struct Bar {
    /// The name as it fits beside the bar (11 characters at most, an ellipsis if cut).
    label: String,
    /// The whole name, shown on hover.
    name: String,
    y: usize,
    width: u32,
    percent: u32,
    detail: String,
}

/// Characters of a label that fit the 150 px before a bar at 13 px.
const LABEL_CHARS: usize = 11;

/// `name` as it fits beside a bar: cut with an ellipsis when longer.
fn fit_label(name: &str) -> String {
    if name.chars().count() <= LABEL_CHARS {
        return name.to_owned();
    }
    let mut label: String = name.chars().take(LABEL_CHARS - 1).collect();
    label.push('…');
    label
}

fn bars(list: &[Completion]) -> (Vec<Bar>, usize) {
    let bars: Vec<Bar> = list
        .iter()
        .enumerate()
        .map(|(i, c)| Bar {
            label: fit_label(&c.name),
            name: c.name.clone(),
            y: i * 26,
            width: c.percent * 3,
            percent: c.percent,
            detail: format!("{}/{}，逾期{}", c.done, c.total, c.overdue),
        })
        .collect();
    let height = bars.len() * 26 + 4;
    (bars, height)
}

#[derive(Template, WebTemplate)]
#[template(path = "console/plan_board.html")]
struct BoardPage {
    chrome: Chrome,
    board: Board,
    body_bars: Vec<Bar>,
    body_height: usize,
    section_bars: Vec<Bar>,
    section_height: usize,
    filters: Vec<(String, String, bool)>,
    my_bodies: Vec<(String, String)>,
    /// The board's filters, repeated on the export link.
    export_query: String,
}

#[derive(Deserialize, Default)]
struct BoardQuery {
    body: Option<String>,
    status: Option<String>,
}

async fn board(
    State(state): State<AppState>,
    Staff(s): Staff,
    PathIds(id): PathIds<i64>,
    PageQuery(q): PageQuery<BoardQuery>,
) -> Result<BoardPage, PageError> {
    let bodies = state.app.bodies().await?;
    let body = q
        .body
        .as_deref()
        .filter(|b| !b.is_empty())
        .and_then(|code| bodies.iter().find(|b| b.code == code))
        .map(|b| b.id);
    let status = q.status.as_deref().filter(|s| !s.is_empty());
    let board = state.app.plan_board(&s.actor, id, body, status).await?;
    let (body_bars, body_height) = bars(&board.by_body);
    let (section_bars, section_height) = bars(&board.by_section);
    let mut filters = vec![(
        "全部".to_owned(),
        format!("/console/plans/{id}"),
        body.is_none() && status.is_none(),
    )];
    for (code, label) in [
        ("overdue", "逾期"),
        ("not_started", "未开始"),
        ("in_progress", "进行中"),
        ("done", "已完成"),
    ] {
        filters.push((
            label.to_owned(),
            format!("/console/plans/{id}?status={code}"),
            status == Some(code),
        ));
    }
    let my_bodies = bodies
        .iter()
        .filter(|b| s.actor.can(Action::ReportProgress, b.id) && !s.actor.is_city_office())
        .map(|b| (b.code.clone(), b.name.clone()))
        .collect();
    let export_query = match (q.body.as_deref().filter(|b| !b.is_empty()), status) {
        (Some(b), _) => format!("?body={}", crate::portal::encode(b)),
        (None, Some(st)) => format!("?status={}", crate::portal::encode(st)),
        (None, None) => String::new(),
    };
    Ok(BoardPage {
        export_query,
        chrome: chrome(&state, &s),
        body_bars,
        body_height,
        section_bars,
        section_height,
        filters,
        my_bodies,
        board,
    })
}

async fn export(
    State(state): State<AppState>,
    Staff(s): Staff,
    PathIds(id): PathIds<i64>,
    PageQuery(q): PageQuery<BoardQuery>,
) -> Result<Response, PageError> {
    let body = match q.body.as_deref().filter(|b| !b.is_empty()) {
        Some(code) => Some(state.app.body_by_code(code).await?.id),
        None => None,
    };
    let status = q.status.as_deref().filter(|s| !s.is_empty());
    let bytes = state
        .app
        .plan_board_xlsx(&s.actor, id, body, status)
        .await?;
    Ok(private_download(
        XLSX,
        "plan-board.xlsx",
        "plan-board.xlsx",
        bytes,
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "console/plan_task.html")]
struct TaskPage {
    chrome: Chrome,
    plan_id: i64,
    file: TaskFile,
    /// Bodies of this task the actor may report for: (id, name).
    can_report_for: Vec<(i64, String)>,
    is_office: bool,
    body_names: HashMap<i64, String>,
    error: Option<String>,
    /// (code, name) of every body, for the office's assignment form.
    all_bodies: Vec<(String, String)>,
}

impl TaskPage {
    fn body_name(&self, id: &i64) -> String {
        self.body_names.get(id).cloned().unwrap_or_default()
    }

    /// Evidence entries with a link where they are one: `/items/N`, a number (an item id),
    /// or an http(s) address. (text, href)
    fn evidence(&self, text: &str) -> Vec<(String, String)> {
        text.split([',', '，', '、', ' '])
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(|e| {
                let href = if e.starts_with("/items/")
                    || e.starts_with("http://")
                    || e.starts_with("https://")
                {
                    e.to_owned()
                } else if e.chars().all(|c| c.is_ascii_digit()) {
                    format!("/items/{e}")
                } else {
                    String::new()
                };
                (e.to_owned(), href)
            })
            .collect()
    }

    /// Files attached to a report.
    fn files_of(&self, report_id: &i64) -> Vec<&gongkai_app::plans::ReportFile> {
        self.file
            .files
            .iter()
            .filter(|f| f.report_id == *report_id)
            .collect()
    }

    fn can_attach(&self, body_id: &i64) -> bool {
        self.can_report_for.iter().any(|(b, _)| b == body_id)
    }
}

async fn task_page(
    state: &AppState,
    s: &SessionActor,
    plan_id: i64,
    task_id: i64,
    error: Option<String>,
) -> Result<TaskPage, PageError> {
    let file = state.app.plan_task(&s.actor, task_id).await?;
    if file.task.plan_id != plan_id {
        return Err(PageError(AppError::NotFound("task")));
    }
    let can_report_for = file
        .bodies
        .iter()
        .filter(|(b, _, _)| s.actor.can(Action::ReportProgress, *b))
        .map(|(b, n, _)| (*b, n.clone()))
        .collect();
    let bodies = state.app.bodies().await?;
    let all_bodies = bodies
        .iter()
        .map(|b| (b.code.clone(), b.name.clone()))
        .collect();
    let body_names = bodies.into_iter().map(|b| (b.id, b.name)).collect();
    Ok(TaskPage {
        chrome: chrome(state, s),
        plan_id,
        can_report_for,
        is_office: s.actor.can_everywhere(Action::SupervisePlans),
        body_names,
        all_bodies,
        file,
        error,
    })
}

async fn task(
    State(state): State<AppState>,
    Staff(s): Staff,
    PathIds((id, task_id)): PathIds<(i64, i64)>,
) -> Result<TaskPage, PageError> {
    task_page(&state, &s, id, task_id, None).await
}

async fn page_or_error(
    state: &AppState,
    s: &SessionActor,
    plan_id: i64,
    task_id: i64,
    result: Result<(), AppError>,
) -> Response {
    match result {
        Ok(()) => {
            Redirect::to(&format!("/console/plans/{plan_id}/tasks/{task_id}")).into_response()
        }
        Err(AppError::Validation(fs)) => {
            let msg = fs
                .into_iter()
                .map(|f| f.message_zh)
                .collect::<Vec<_>>()
                .join("；");
            match task_page(state, s, plan_id, task_id, Some(msg)).await {
                Ok(p) => (StatusCode::UNPROCESSABLE_ENTITY, p).into_response(),
                Err(e) => e.into_response(),
            }
        }
        Err(e) => PageError(e).into_response(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ReportForm {
    csrf: String,
    body_id: i64,
    text: String,
    percent: String,
    evidence: String,
}

async fn report(
    State(state): State<AppState>,
    Staff(s): Staff,
    ClientOrigin(origin): ClientOrigin,
    PathIds((id, task_id)): PathIds<(i64, i64)>,
    Form(f): Form<ReportForm>,
) -> Response {
    if let Err(r) = check_csrf(&s.csrf, &f.csrf) {
        return r.into_response();
    }
    let result = match f.percent.trim().parse::<u8>() {
        Ok(p) => state
            .app
            .report_progress(
                &s.actor,
                &origin,
                task_id,
                f.body_id,
                &f.text,
                p,
                &f.evidence,
            )
            .await
            .map(|_| ()),
        Err(_) => Err(AppError::field("percent", "完成进度应为0到100的整数")),
    };
    page_or_error(&state, &s, id, task_id, result).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DoneForm {
    csrf: String,
    done: String,
}

async fn done(
    State(state): State<AppState>,
    Staff(s): Staff,
    ClientOrigin(origin): ClientOrigin,
    PathIds((id, task_id)): PathIds<(i64, i64)>,
    Form(f): Form<DoneForm>,
) -> Response {
    if let Err(r) = check_csrf(&s.csrf, &f.csrf) {
        return r.into_response();
    }
    let result = state
        .app
        .set_task_done(&s.actor, &origin, task_id, f.done != "reopen")
        .await;
    page_or_error(&state, &s, id, task_id, result).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ReviewForm {
    csrf: String,
    decision: String,
    comment: String,
    task_id: i64,
}

async fn review(
    State(state): State<AppState>,
    Staff(s): Staff,
    ClientOrigin(origin): ClientOrigin,
    PathIds((id, report_id)): PathIds<(i64, i64)>,
    Form(f): Form<ReviewForm>,
) -> Response {
    if let Err(r) = check_csrf(&s.csrf, &f.csrf) {
        return r.into_response();
    }
    let decision = if f.decision == "return" {
        ReportDecision::Return
    } else {
        ReportDecision::Accept
    };
    let result = state
        .app
        .review_progress(&s.actor, &origin, report_id, decision, &f.comment)
        .await;
    page_or_error(&state, &s, id, f.task_id, result).await
}

#[derive(Template, WebTemplate)]
#[template(path = "console/plan_year_end.html")]
struct YearEndPage {
    chrome: Chrome,
    plan_id: i64,
    plan_title: String,
    body_code: String,
    body_name: String,
    text: String,
    status: String,
    can_edit: bool,
}

#[derive(Deserialize, Default)]
struct BodyQuery {
    body: Option<String>,
}

async fn body_of(
    state: &AppState,
    s: &SessionActor,
    code: Option<&str>,
) -> Result<gongkai_app::orgs::Body, PageError> {
    let bodies = state.app.bodies().await?;
    let found = match code.filter(|c| !c.is_empty()) {
        Some(c) => bodies.into_iter().find(|b| b.code == c),
        None => bodies
            .into_iter()
            .find(|b| s.actor.can(Action::ReportProgress, b.id)),
    };
    found.ok_or(PageError(AppError::NotFound("body")))
}

async fn year_end(
    State(state): State<AppState>,
    Staff(s): Staff,
    PathIds(id): PathIds<i64>,
    PageQuery(q): PageQuery<BodyQuery>,
) -> Result<YearEndPage, PageError> {
    let body = body_of(&state, &s, q.body.as_deref()).await?;
    let (text, status) = state.app.year_end_report(&s.actor, id, body.id).await?;
    let plan_title = state
        .app
        .plans()
        .await?
        .into_iter()
        .find(|p| p.id == id)
        .map(|p| p.title)
        .unwrap_or_default();
    Ok(YearEndPage {
        chrome: chrome(&state, &s),
        plan_id: id,
        plan_title,
        can_edit: s.actor.can(Action::ReportProgress, body.id) && status != "submitted",
        body_code: body.code,
        body_name: body.name,
        text,
        status,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct YearEndForm {
    csrf: String,
    body: String,
    text: String,
    submit: String,
}

async fn save_year_end(
    State(state): State<AppState>,
    Staff(s): Staff,
    ClientOrigin(origin): ClientOrigin,
    PathIds(id): PathIds<i64>,
    Form(f): Form<YearEndForm>,
) -> Response {
    if let Err(r) = check_csrf(&s.csrf, &f.csrf) {
        return r.into_response();
    }
    let body = match body_of(&state, &s, Some(&f.body)).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    match state
        .app
        .save_year_end_report(&s.actor, &origin, id, body.id, &f.text, f.submit == "1")
        .await
    {
        Ok(()) => Redirect::to(&format!("/console/plans/{id}/year-end?body={}", body.code))
            .into_response(),
        Err(e) => PageError(e).into_response(),
    }
}

async fn year_end_docx(
    State(state): State<AppState>,
    Staff(s): Staff,
    PathIds(id): PathIds<i64>,
    PageQuery(q): PageQuery<BodyQuery>,
) -> Result<Response, PageError> {
    let body = body_of(&state, &s, q.body.as_deref()).await?;
    let (text, _) = state.app.year_end_report(&s.actor, id, body.id).await?;
    let title = text.lines().next().unwrap_or("落实情况报告").to_owned();
    let rest: String = text.lines().skip(1).collect::<Vec<_>>().join("\n");
    Ok(crate::applications::docx_response(&title, &rest))
}

async fn task_by_id(
    State(state): State<AppState>,
    Staff(s): Staff,
    PathIds(task_id): PathIds<i64>,
) -> Result<Redirect, PageError> {
    let file = state.app.plan_task(&s.actor, task_id).await?;
    Ok(Redirect::to(&format!(
        "/console/plans/{}/tasks/{task_id}",
        file.task.plan_id
    )))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct MilestoneForm {
    csrf: String,
    title: String,
    due_on: String,
    done: String,
    task_id: i64,
}

async fn add_milestone(
    State(state): State<AppState>,
    Staff(s): Staff,
    ClientOrigin(origin): ClientOrigin,
    PathIds((id, task_id)): PathIds<(i64, i64)>,
    Form(f): Form<MilestoneForm>,
) -> Response {
    if let Err(r) = check_csrf(&s.csrf, &f.csrf) {
        return r.into_response();
    }
    let result = match chrono::NaiveDate::parse_from_str(f.due_on.trim(), "%Y-%m-%d") {
        Ok(due) => state
            .app
            .add_milestone(&s.actor, &origin, task_id, &f.title, due)
            .await
            .map(|_| ()),
        Err(_) => Err(AppError::field("due_on", "节点时限格式应为 YYYY-MM-DD")),
    };
    page_or_error(&state, &s, id, task_id, result).await
}

async fn toggle_milestone(
    State(state): State<AppState>,
    Staff(s): Staff,
    ClientOrigin(origin): ClientOrigin,
    PathIds((id, milestone)): PathIds<(i64, i64)>,
    Form(f): Form<MilestoneForm>,
) -> Response {
    if let Err(r) = check_csrf(&s.csrf, &f.csrf) {
        return r.into_response();
    }
    let result = state
        .app
        .complete_milestone(&s.actor, &origin, milestone, f.done != "reopen")
        .await;
    page_or_error(&state, &s, id, f.task_id, result).await
}

async fn upload_evidence(
    State(state): State<AppState>,
    Staff(s): Staff,
    ClientOrigin(origin): ClientOrigin,
    PathIds((id, report)): PathIds<(i64, i64)>,
    mut form: Multipart,
) -> Response {
    let mut csrf = String::new();
    let mut task_id = 0;
    let mut file = None;
    while let Ok(Some(field)) = form.next_field().await {
        let name = field.name().unwrap_or_default().to_owned();
        let filename = field.file_name().map(str::to_owned);
        let Ok(bytes) = field.bytes().await else {
            return PageError(AppError::TooLarge {
                limit: state.app.config().max_upload_bytes,
            })
            .into_response();
        };
        match name.as_str() {
            "csrf" => csrf = String::from_utf8_lossy(&bytes).into_owned(),
            "task_id" => task_id = String::from_utf8_lossy(&bytes).trim().parse().unwrap_or(0),
            "file" => file = Some((filename.unwrap_or_default(), bytes)),
            _ => {}
        }
    }
    if let Err(r) = check_csrf(&s.csrf, &csrf) {
        return r.into_response();
    }
    let result = match file {
        Some((name, bytes)) => state
            .app
            .attach_report_file(&s.actor, &origin, report, &name, &bytes)
            .await
            .map(|_| ()),
        None => Err(AppError::field("file", "请选择文件")),
    };
    match result {
        Ok(()) => Redirect::to(&format!("/console/plans/{id}/tasks/{task_id}")).into_response(),
        Err(e @ (AppError::TooLarge { .. } | AppError::UnsupportedType)) => {
            let (status, _, msg) = crate::error::classify(&e);
            match task_page(&state, &s, id, task_id, Some(msg)).await {
                Ok(p) => (status, p).into_response(),
                Err(e) => e.into_response(),
            }
        }
        Err(e) => page_or_error(&state, &s, id, task_id, Err(e)).await,
    }
}

async fn evidence_file(
    State(state): State<AppState>,
    Staff(s): Staff,
    PathIds(file): PathIds<i64>,
) -> Result<Response, PageError> {
    let (name, content_type, bytes) = state.app.report_file(&s.actor, file).await?;
    Ok(private_download(content_type, "evidence", &name, bytes))
}

#[derive(Template, WebTemplate)]
#[template(path = "console/plan_summary.html")]
struct SummaryPage {
    chrome: Chrome,
    plan_id: i64,
    plan_title: String,
    lines: Vec<gongkai_app::plans::SummaryLine>,
}

async fn summary(
    State(state): State<AppState>,
    Staff(s): Staff,
    PathIds(id): PathIds<i64>,
) -> Result<SummaryPage, PageError> {
    let lines = state.app.plan_summary(&s.actor, id).await?;
    let plan_title = state
        .app
        .plans()
        .await?
        .into_iter()
        .find(|p| p.id == id)
        .map(|p| p.title)
        .unwrap_or_default();
    Ok(SummaryPage {
        chrome: chrome(&state, &s),
        plan_id: id,
        plan_title,
        lines,
    })
}

async fn summary_docx(
    State(state): State<AppState>,
    Staff(s): Staff,
    PathIds(id): PathIds<i64>,
) -> Result<Response, PageError> {
    let lines = state.app.plan_summary(&s.actor, id).await?;
    let plan_title = state
        .app
        .plans()
        .await?
        .into_iter()
        .find(|p| p.id == id)
        .map(|p| p.title)
        .unwrap_or_default();
    let title = format!("《{plan_title}》落实情况汇总");
    let mut body =
        String::from("各单位落实情况如下（任务数、已完成、逾期、报送进展条数、落实情况报告）：");
    for l in &lines {
        let year_end = match l.year_end.as_str() {
            "submitted" => "已报送",
            "draft" => "草稿",
            _ => "未报送",
        };
        body.push_str(&format!(
            "\n{}：任务{}项，已完成{}项，逾期{}项，报送进展{}条，落实情况报告{}。",
            l.name, l.tasks, l.done, l.overdue, l.reports, year_end
        ));
    }
    Ok(crate::applications::docx_response(&title, &body))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AssignForm {
    csrf: String,
    body_code: String,
    role: String,
}

async fn assign_body(
    State(state): State<AppState>,
    Staff(s): Staff,
    ClientOrigin(origin): ClientOrigin,
    PathIds((id, task_id)): PathIds<(i64, i64)>,
    Form(f): Form<AssignForm>,
) -> Response {
    if let Err(r) = check_csrf(&s.csrf, &f.csrf) {
        return r.into_response();
    }
    let result = state
        .app
        .assign_task_body(&s.actor, &origin, task_id, &f.body_code, f.role != "co")
        .await;
    page_or_error(&state, &s, id, task_id, result).await
}

#[cfg(test)]
mod tests {
    use super::fit_label;

    #[test]
    fn a_long_label_is_cut_with_an_ellipsis() {
        assert_eq!(fit_label("市财政局"), "市财政局");
        assert_eq!(fit_label("围绕深化改革推进公开"), "围绕深化改革推进公开");
        assert_eq!(
            fit_label("围绕扩大政务参与加强解读回应"),
            "围绕扩大政务参与加强…"
        );
        assert_eq!(
            fit_label("围绕扩大政务参与加强解读回应").chars().count(),
            11
        );
    }
}
