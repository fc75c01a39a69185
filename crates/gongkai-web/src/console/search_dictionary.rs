//! The search dictionary page (检索词典): the city office edits the synonym list (applies to the
//! next query) and the user dictionary (terms kept whole; the index is rebuilt in the background).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use gongkai_app::AppError;
use gongkai_app::search::DictionaryPart;
use serde::Deserialize;

use super::chrome_of;
use crate::AppState;
use crate::error::PageError;
use crate::query::PageQuery;
use crate::session::{ClientOrigin, Staff, check_csrf};
use crate::views::Chrome;

#[derive(Template, WebTemplate)]
#[template(path = "console/search_dictionary.html")]
pub(super) struct DictionaryPage {
    chrome: Chrome,
    synonyms: String,
    user_words: String,
    error: Option<String>,
    saved: bool,
}

pub(super) async fn show(
    State(state): State<AppState>,
    Staff(s): Staff,
    PageQuery(q): PageQuery<SavedQuery>,
) -> Result<DictionaryPage, PageError> {
    let d = state.app.search_dictionary(&s.actor).await?;
    Ok(DictionaryPage {
        chrome: chrome_of(&state, &s),
        synonyms: d.synonyms,
        user_words: d.user_words,
        error: None,
        saved: q.saved.is_some(),
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct SavedQuery {
    saved: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct DictionaryForm {
    csrf: String,
    /// `synonyms` or `user_words`.
    part: String,
    content: String,
}

pub(super) async fn save(
    State(state): State<AppState>,
    Staff(s): Staff,
    ClientOrigin(origin): ClientOrigin,
    Form(f): Form<DictionaryForm>,
) -> Response {
    if let Err(r) = check_csrf(&s.csrf, &f.csrf) {
        return r.into_response();
    }
    let part = match f.part.as_str() {
        "synonyms" => DictionaryPart::Synonyms,
        "user_words" => DictionaryPart::UserWords,
        _ => return PageError(AppError::field("part", "未知的词典")).into_response(),
    };
    match state
        .app
        .save_search_dictionary(&s.actor, &origin, part, &f.content)
        .await
    {
        Ok(()) => Redirect::to("/console/search-dictionary?saved=1").into_response(),
        Err(AppError::Validation(fs)) => {
            let msg = fs
                .iter()
                .map(|f| format!("同义词表{}", f.message_zh))
                .collect::<Vec<_>>()
                .join("；");
            let mut page = match state.app.search_dictionary(&s.actor).await {
                Ok(d) => DictionaryPage {
                    chrome: chrome_of(&state, &s),
                    synonyms: d.synonyms,
                    user_words: d.user_words,
                    error: Some(msg),
                    saved: false,
                },
                Err(e) => return PageError(e).into_response(),
            };
            // Keep what was typed so nothing is lost.
            match part {
                DictionaryPart::Synonyms => page.synonyms = f.content,
                DictionaryPart::UserWords => page.user_words = f.content,
            }
            (axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
        }
        Err(e) => PageError(e).into_response(),
    }
}
