//! The HTML pages of errors (not found, forbidden, a bad query, too many requests, a server
//! error), in the site's own chrome.
//!
//! Many errors are answered where the application state is out of reach (an extractor's
//! rejection, `IntoResponse` of an error type), so they are rendered with a placeholder name and
//! carry what they say ([`ErrorPageContent`]); [`with_site_name`] renders them again with the
//! site's name before they leave.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::locale::Locale;
use crate::views::Chrome;

/// The name shown until [`with_site_name`] puts in the site's own.
const PLACEHOLDER_NAME: &str = "政府信息公开";

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    status: u16,
    message: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "not_found.html")]
struct NotFoundPage {
    chrome: Chrome,
    message: String,
}

/// What an error page says, kept on its response.
#[derive(Debug, Clone)]
pub struct ErrorPageContent {
    status: StatusCode,
    message: String,
}

impl ErrorPageContent {
    /// The page, under `site_name` and in `locale` (`None`: a console page, Chinese only),
    /// carrying this content.
    fn render(self, site_name: &str, locale: Option<Locale>) -> Response {
        let public = locale.is_some();
        let locale = locale.unwrap_or_default();
        let chrome = Chrome {
            site_name: site_name.to_owned(),
            t: locale.texts(),
            switch_language: public,
            ..Chrome::default()
        };
        let (status, mut message) = (self.status, self.message.clone());
        let mut response = if status == StatusCode::NOT_FOUND {
            // What was not found is said in Chinese by the layers below; the English page says
            // it in general.
            if locale == Locale::En {
                chrome.t.error.not_found_page.clone_into(&mut message);
            }
            (status, NotFoundPage { chrome, message }).into_response()
        } else {
            let status_code = status.as_u16();
            let page = ErrorPage {
                chrome,
                status: status_code,
                message,
            };
            (status, page).into_response()
        };
        response.extensions_mut().insert(self);
        response
    }
}

/// The error page of `status` saying `message`.
pub fn page(status: StatusCode, message: impl Into<String>) -> Response {
    let content = ErrorPageContent {
        status,
        message: message.into(),
    };
    content.render(PLACEHOLDER_NAME, None)
}

/// Renders an error page again under the site's name and in the reader's language, keeping the
/// status, the headers (but the body's length) and the marks of the response.
pub async fn with_site_name(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let locale = Locale::of_page(&req);
    let response = next.run(req).await;
    let Some(content) = response.extensions().get::<ErrorPageContent>().cloned() else {
        return response;
    };
    let (mut parts, _) = response.into_parts();
    let (_, body) = content.render(&state.site.name, locale).into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, body)
}
