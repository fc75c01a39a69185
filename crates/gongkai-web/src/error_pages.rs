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
///
/// A page's request refused by a framework extractor (a form field missing or not a number, a
/// body of the wrong type) comes back as English plain text; it gets a page in Chinese too. The
/// API keeps its own answers.
pub async fn with_site_name(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let locale = Locale::of_page(&req);
    let api = req.uri().path().starts_with("/api/");
    let response = next.run(req).await;
    let content = match response.extensions().get::<ErrorPageContent>().cloned() {
        Some(content) => content,
        None => match rejection_message(&response) {
            Some(message) if !api => ErrorPageContent {
                status: response.status(),
                message: message.to_owned(),
            },
            _ => return response,
        },
    };
    let (mut parts, _) = response.into_parts();
    let (page, body) = content.render(&state.site.name, locale).into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    // A framework's refusal said text/plain: the page is HTML.
    if let Some(kind) = page.headers.get(header::CONTENT_TYPE) {
        parts.headers.insert(header::CONTENT_TYPE, kind.clone());
    }
    Response::from_parts(parts, body)
}

/// What a page says for an extractor's plain-text refusal with `response`'s status, if it is one.
fn rejection_message(response: &Response) -> Option<&'static str> {
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"));
    if !plain {
        return None;
    }
    Some(match response.status() {
        StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => {
            "提交的内容无法识别：可能缺少必填项，或数字、日期的格式不对。请返回上一页刷新后重新填写。"
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "提交方式不正确，请从页面上的表单提交。",
        StatusCode::PAYLOAD_TOO_LARGE => "提交的内容过大，请减小附件后重试。",
        _ => return None,
    })
}
