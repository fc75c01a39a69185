//! The reader's language (界面语言): Simplified Chinese first, English second. The choice is a
//! link in the header, kept in a cookie, and works without JavaScript. Only the portal's own
//! words change: what a government body published (titles, bodies, names, catalog terms) is
//! shown as published. The staff console stays in Chinese.

use axum::extract::FromRequestParts;
use axum::extract::Request;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use axum_extra::extract::CookieJar;
use gongkai_app::domain::{application, item};
use serde::Deserialize;

use crate::query::PageQuery;
use crate::texts::{EN, Texts, ZH};

const COOKIE: &str = "gk_lang";

/// A language of the portal's interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    Zh,
    En,
}

impl Locale {
    /// The words of the interface in this language.
    pub fn texts(self) -> &'static Texts {
        match self {
            Locale::Zh => &ZH,
            Locale::En => &EN,
        }
    }

    /// The reader's choice in the request's cookies; Chinese when there is none.
    pub fn of(headers: &HeaderMap) -> Locale {
        match CookieJar::from_headers(headers).get(COOKIE) {
            Some(c) if c.value() == "en" => Locale::En,
            _ => Locale::Zh,
        }
    }

    /// The language of the page a request asks for; `None` for the console, which is Chinese
    /// only and offers no choice.
    pub fn of_page(request: &Request) -> Option<Locale> {
        let console = request.uri().path().starts_with("/console");
        (!console).then(|| Locale::of(request.headers()))
    }

    /// A label in this language, from its Chinese and English forms.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Locale::Zh => zh,
            Locale::En => en,
        }
    }
}

/// The label of a domain value in the reader's language (templates pass `&Locale`).
pub trait Label {
    fn label(self, locale: impl Into<Locale>) -> &'static str;
}

impl From<&Locale> for Locale {
    fn from(locale: &Locale) -> Locale {
        *locale
    }
}

/// Implements [`Label`] with the `label_zh` and `label_en` of `str_enum!` types.
macro_rules! label_in_both {
    ($($t:ty),+ $(,)?) => {
        $(impl Label for $t {
            fn label(self, locale: impl Into<Locale>) -> &'static str {
                locale.into().pick(self.label_zh(), self.label_en())
            }
        })+
    };
}

label_in_both!(
    item::ItemStatus,
    item::Validity,
    item::DisclosureAttr,
    item::TimeLimit,
    item::Scope,
    application::process::ApplicationStatus,
    application::outcome::ReplyOutcome,
    application::outcome::OutcomeGroup,
    application::types::RequesterType,
    application::types::DeliveryForm,
    application::types::Channel,
);

impl<S: Send + Sync> FromRequestParts<S> for Locale {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Locale::of(&parts.headers))
    }
}

#[derive(Deserialize, Default)]
pub struct LanguageQuery {
    to: Option<String>,
}

/// `GET /lang?to=en|zh`: remembers the choice and returns to the page the reader was on.
pub async fn choose(
    jar: CookieJar,
    headers: HeaderMap,
    PageQuery(q): PageQuery<LanguageQuery>,
) -> Response {
    let english = q.to.as_deref() == Some("en");
    crate::display::remember(jar, &headers, COOKIE, if english { "en" } else { "zh" })
}

/// Says the language of each HTML page (`Content-Language`), and that a page depends on the
/// reader's cookies (`Vary: Cookie`: language, large text, a staff session), so that no cache
/// in front of the portal hands one reader's page to another.
pub async fn mark_pages(request: Request, next: Next) -> Response {
    let language = Locale::of_page(&request).unwrap_or_default();
    let mut response = next.run(request).await;
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if html {
        let headers = response.headers_mut();
        let tag = HeaderValue::from_static(language.texts().html_lang);
        headers.entry(header::CONTENT_LANGUAGE).or_insert(tag);
        headers.append(header::VARY, HeaderValue::from_static("Cookie"));
    }
    response
}

/// The key under which the page cache keeps a page in the request's language: pages differ by
/// language, and the Chinese key stays the bare address.
pub fn cache_key(headers: &HeaderMap, uri: &axum::http::Uri) -> String {
    match Locale::of(headers) {
        Locale::Zh => uri.to_string(),
        Locale::En => format!("en {uri}"),
    }
}
