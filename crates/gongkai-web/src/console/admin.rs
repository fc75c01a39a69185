//! Administration pages: staff accounts (body administrators, city office) and the organisation
//! registry (city office).

use std::collections::{HashMap, HashSet};

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use gongkai_app::AppError;
use gongkai_app::auth::{NewUser, SecretString, SessionActor};
use gongkai_app::domain::org::BodyKind;
use gongkai_app::domain::role::{Action, Role};
use gongkai_app::orgs::{Body, NewBody};
use serde::Deserialize;

use super::chrome_of;
use crate::AppState;
use crate::error::PageError;
use crate::locale::Locale;
use crate::query::PageQuery;
use crate::session::{ClientOrigin, Staff, check_csrf};
use crate::views::Chrome;

/// (login, display name, locked, roles)
type AccountLine = (String, String, bool, String);

#[derive(Template, WebTemplate)]
#[template(path = "console/users.html")]
pub(super) struct UsersPage {
    chrome: Chrome,
    accounts: Vec<AccountLine>,
    bodies: Vec<(String, String)>,
    roles: Vec<(&'static str, &'static str)>,
    errors: HashMap<&'static str, String>,
    done: bool,
}

impl UsersPage {
    fn error(&self, field: &str) -> String {
        self.errors.get(field).cloned().unwrap_or_default()
    }
}

async fn users_page(
    state: &AppState,
    s: &SessionActor,
    errors: HashMap<&'static str, String>,
    done: bool,
) -> Result<UsersPage, PageError> {
    let app = &state.app;
    let accounts = app.staff_accounts(&s.actor).await?;
    let all = app.bodies().await?;
    let names: HashMap<i64, &str> = all.iter().map(|b| (b.id, b.name.as_str())).collect();
    let accounts = accounts
        .into_iter()
        .map(|a| {
            let grants = a
                .grants
                .iter()
                .map(|g| {
                    format!(
                        "{}（{}）",
                        g.role.label_zh(),
                        names.get(&g.body_id).unwrap_or(&"")
                    )
                })
                .collect::<Vec<_>>()
                .join("；");
            (a.login, a.display_name, a.locked, grants)
        })
        .collect();
    let city = s.actor.is_city_office();
    let bodies = all
        .iter()
        .filter(|b| city || s.actor.can(Action::ManageUsers, b.id))
        .map(|b| (b.code.clone(), b.name.clone()))
        .collect();
    let roles = Role::ALL
        .iter()
        .filter(|r| city || **r != Role::CityOffice)
        .map(|r| (r.as_str(), r.label_zh()))
        .collect();
    Ok(UsersPage {
        chrome: chrome_of(state, s),
        accounts,
        bodies,
        roles,
        errors,
        done,
    })
}

#[derive(Deserialize)]
pub(super) struct DoneQuery {
    done: Option<String>,
}

pub(super) async fn users(
    State(state): State<AppState>,
    Staff(s): Staff,
    PageQuery(q): PageQuery<DoneQuery>,
) -> Result<UsersPage, PageError> {
    users_page(&state, &s, HashMap::new(), q.done.is_some()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct UserForm {
    csrf: String,
    login: String,
    display_name: String,
    body_code: String,
    role: String,
    password: String,
    email: String,
}

pub(super) async fn add_user(
    State(state): State<AppState>,
    Staff(s): Staff,
    ClientOrigin(origin): ClientOrigin,
    Form(f): Form<UserForm>,
) -> Response {
    if let Err(r) = check_csrf(&s.csrf, &f.csrf) {
        return r.into_response();
    }
    let Some(role) = Role::parse(&f.role) else {
        return render_users(&state, &s, AppError::field("role", "请选择角色")).await;
    };
    let user = NewUser {
        login: f.login,
        display_name: f.display_name,
        body_code: f.body_code,
        role,
        password: SecretString::from(f.password),
        email: f.email,
    };
    match state.app.add_user(Some(&s.actor), &origin, user).await {
        Ok(_) => Redirect::to("/console/users?done=1").into_response(),
        Err(e) => render_users(&state, &s, e).await,
    }
}

async fn render_users(state: &AppState, s: &SessionActor, e: AppError) -> Response {
    let Some(errors) = crate::views::field_errors(&e, Locale::Zh) else {
        return PageError(e).into_response();
    };
    match users_page(state, s, errors, false).await {
        Ok(p) => (axum::http::StatusCode::UNPROCESSABLE_ENTITY, p).into_response(),
        Err(e) => e.into_response(),
    }
}

/// (depth, code, name, short names, kind label)
type BodyLine = (usize, String, String, String, &'static str);

#[derive(Template, WebTemplate)]
#[template(path = "console/bodies.html")]
pub(super) struct BodiesPage {
    chrome: Chrome,
    rows: Vec<BodyLine>,
    kinds: Vec<(&'static str, &'static str)>,
    parents: Vec<(String, String)>,
    error: Option<String>,
}

/// The bodies depth-first under `parent`, so the tree reads top-down.
fn tree(
    all: &[Body],
    parent: Option<i64>,
    depth: usize,
    rows: &mut Vec<BodyLine>,
    seen: &mut HashSet<i64>,
) {
    for b in all.iter().filter(|b| b.parent_id == parent) {
        if seen.insert(b.id) {
            rows.push((
                depth,
                b.code.clone(),
                b.name.clone(),
                b.short_names.join("、"),
                b.kind.label_zh(),
            ));
            tree(all, Some(b.id), depth + 1, rows, seen);
        }
    }
}

async fn bodies_page(
    state: &AppState,
    s: &SessionActor,
    error: Option<String>,
) -> Result<BodiesPage, PageError> {
    if !s.actor.is_city_office() {
        return Err(PageError(AppError::Forbidden));
    }
    let all = state.app.bodies().await?;
    let mut rows = Vec::new();
    tree(&all, None, 0, &mut rows, &mut HashSet::new());
    Ok(BodiesPage {
        chrome: chrome_of(state, s),
        rows,
        kinds: BodyKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label_zh()))
            .collect(),
        parents: all.into_iter().map(|b| (b.code, b.name)).collect(),
        error,
    })
}

pub(super) async fn bodies(
    State(state): State<AppState>,
    Staff(s): Staff,
) -> Result<BodiesPage, PageError> {
    bodies_page(&state, &s, None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct BodyForm {
    csrf: String,
    code: String,
    name: String,
    short_names: String,
    kind: String,
    parent: String,
}

pub(super) async fn add_body(
    State(state): State<AppState>,
    Staff(s): Staff,
    ClientOrigin(origin): ClientOrigin,
    Form(f): Form<BodyForm>,
) -> Response {
    if let Err(r) = check_csrf(&s.csrf, &f.csrf) {
        return r.into_response();
    }
    let Some(kind) = BodyKind::parse(&f.kind) else {
        return PageError(AppError::field("kind", "请选择机构类型")).into_response();
    };
    let body = NewBody {
        code: f.code.trim().to_owned(),
        name: f.name.trim().to_owned(),
        short_names: f
            .short_names
            .split([',', '，', '、'])
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
            .collect(),
        kind,
        parent_code: Some(f.parent.trim().to_owned()).filter(|p| !p.is_empty()),
    };
    match state.app.add_body(Some(&s.actor), &origin, &body).await {
        Ok(_) => Redirect::to("/console/bodies").into_response(),
        Err(AppError::Validation(fs)) => {
            let msg = fs
                .iter()
                .map(|f| f.message_zh.clone())
                .collect::<Vec<_>>()
                .join("；");
            match bodies_page(&state, &s, Some(msg)).await {
                Ok(p) => (axum::http::StatusCode::UNPROCESSABLE_ENTITY, p).into_response(),
                Err(e) => e.into_response(),
            }
        }
        Err(e) => PageError(e).into_response(),
    }
}
