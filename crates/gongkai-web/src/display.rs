//! Display preferences for older readers (适老化): a large-text, high-contrast mode chosen with a
//! link and kept in a cookie. Pages do not need to know: a layer marks the `<html>` element of
//! HTML responses, and the stylesheet does the rest. Works without JavaScript. [`remember`]
//! keeps this and the reader's language ([`crate::locale`]) alike.

use crate::query::PageQuery;
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde::Deserialize;

const COOKIE: &str = "gk_display";
/// HTML pages are small; anything larger is passed through unmarked.
const MAX_PAGE: usize = 4 * 1024 * 1024;

#[derive(Deserialize, Default)]
pub struct DisplayQuery {
    mode: Option<String>,
}

/// The page the reader came from, if it is one of ours (no open redirect).
fn back(headers: &HeaderMap) -> String {
    headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| r.split_once("://").map(|(_, rest)| rest))
        .and_then(|rest| rest.find('/').map(|i| rest[i..].to_owned()))
        .filter(|p| p.starts_with('/') && !p.starts_with("//") && !p.contains('\\'))
        .unwrap_or_else(|| "/".to_owned())
}

/// `GET /display?mode=large|normal`: remembers the choice and returns to the page.
pub async fn choose(
    jar: CookieJar,
    headers: HeaderMap,
    PageQuery(q): PageQuery<DisplayQuery>,
) -> Response {
    let large = q.mode.as_deref() == Some("large");
    remember(
        jar,
        &headers,
        COOKIE,
        if large { "large" } else { "normal" },
    )
}

/// Keeps a reader's preference (`name=value`) for good and sends the reader back to the page.
pub(crate) fn remember(
    jar: CookieJar,
    headers: &HeaderMap,
    name: &'static str,
    value: &'static str,
) -> Response {
    let cookie = Cookie::build((name, value))
        .path("/")
        .same_site(SameSite::Lax)
        .http_only(true)
        .permanent()
        .build();
    (jar.add(cookie), Redirect::to(&back(headers))).into_response()
}

/// Marks HTML pages for readers who chose large text.
pub async fn apply(request: Request, next: Next) -> Response {
    let large = CookieJar::from_headers(request.headers())
        .get(COOKIE)
        .is_some_and(|c| c.value() == "large");
    let response = next.run(request).await;
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    if !large || !html {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_PAGE).await else {
        return (parts.status, "页面过大").into_response();
    };
    // Every page starts `<html lang="…">`, whatever its language.
    let page = String::from_utf8_lossy(&bytes).replacen("<html ", "<html class=\"large\" ", 1);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(page))
}
