//! The working-day calendar page: the years loaded, and a form for the city office to load the
//! next year's holidays when the State Council publishes them.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use gongkai_app::AppError;
use serde::Deserialize;

use super::chrome_of;
use crate::AppState;
use crate::error::PageError;
use crate::session::{ClientOrigin, Staff, check_csrf};
use crate::views::Chrome;

#[derive(Template, WebTemplate)]
#[template(path = "console/calendar.html")]
pub(super) struct CalendarPage {
    chrome: Chrome,
    years: Vec<i32>,
    gaps: Vec<i32>,
    can_edit: bool,
    error: Option<String>,
    source: String,
}

async fn page(
    state: &AppState,
    s: &gongkai_app::auth::SessionActor,
    error: Option<String>,
    source: String,
) -> CalendarPage {
    CalendarPage {
        chrome: chrome_of(state, s),
        years: state.app.calendar().loaded_years(),
        gaps: state.app.calendar_gaps(&[]),
        can_edit: s.actor.is_city_office(),
        error,
        source,
    }
}

pub(super) async fn show(State(state): State<AppState>, Staff(s): Staff) -> CalendarPage {
    page(&state, &s, None, String::new()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct CalendarForm {
    csrf: String,
    source: String,
}

pub(super) async fn add(
    State(state): State<AppState>,
    Staff(s): Staff,
    ClientOrigin(origin): ClientOrigin,
    Form(f): Form<CalendarForm>,
) -> Response {
    if let Err(r) = check_csrf(&s.csrf, &f.csrf) {
        return r.into_response();
    }
    match state
        .app
        .add_calendar_year(Some(&s.actor), &origin, &f.source)
        .await
    {
        Ok(_) => Redirect::to("/console/calendar").into_response(),
        Err(AppError::Validation(fs)) => {
            let msg = fs
                .iter()
                .map(|f| f.message_zh.clone())
                .collect::<Vec<_>>()
                .join("；");
            (
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                page(&state, &s, Some(msg), f.source).await,
            )
                .into_response()
        }
        Err(e) => PageError(e).into_response(),
    }
}
