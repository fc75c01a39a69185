//! Who is asking: staff sessions from the cookie, API actors from the bearer token, the client's
//! address for the audit log, and CSRF tokens for every form.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use gongkai_app::auth::SessionActor;
use gongkai_app::domain::role::Actor;
use gongkai_app::{AppError, Origin};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::AppState;
use crate::error::{ApiError, PageError};

pub const SESSION_COOKIE: &str = "gk_session";
/// CSRF token for forms shown before login (double-submit cookie).
pub const ANON_CSRF_COOKIE: &str = "gk_csrf";

/// The client address, recorded in the audit log.
pub struct ClientOrigin(pub Origin);

impl FromRequestParts<AppState> for ClientOrigin {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string());
        // Behind a trusted reverse proxy the peer is the proxy; the client is the address the
        // proxy appended last (earlier entries are whatever the client sent). Never trusted by
        // default: anyone can send the header.
        let forwarded = state
            .site
            .trust_forwarded_for
            .then(|| parts.headers.get_all("x-forwarded-for").iter().next_back())
            .flatten()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .map(str::trim)
            .filter(|v| v.parse::<std::net::IpAddr>().is_ok())
            .map(str::to_owned);
        Ok(ClientOrigin(Origin {
            ip: forwarded.unwrap_or(peer),
        }))
    }
}

/// The logged-in staff member, if any.
pub struct MaybeStaff(pub Option<SessionActor>);

impl FromRequestParts<AppState> for MaybeStaff {
    type Rejection = PageError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let jar = CookieJar::from_headers(&parts.headers);
        let Some(token) = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()) else {
            return Ok(MaybeStaff(None));
        };
        Ok(MaybeStaff(state.app.session(&token).await?))
    }
}

/// A logged-in staff member; anyone else is sent to the login page.
pub struct Staff(pub SessionActor);

pub struct LoginRedirect(String);

impl IntoResponse for LoginRedirect {
    fn into_response(self) -> Response {
        Redirect::to(&format!("/console/login?next={}", urlencode(&self.0))).into_response()
    }
}

/// What the `next` path keeps as it is: letters, digits, `-_./`.
const NEXT_PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'/');

fn urlencode(s: &str) -> String {
    utf8_percent_encode(s, NEXT_PATH).to_string()
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match MaybeStaff::from_request_parts(parts, state).await {
            Ok(MaybeStaff(Some(s))) => Ok(Staff(s)),
            Ok(MaybeStaff(None)) => {
                // Inside a nested router `parts.uri` lacks the prefix; the original URI has it.
                let path = parts
                    .extensions
                    .get::<axum::extract::OriginalUri>()
                    .map_or_else(|| parts.uri.path().to_owned(), |u| u.path().to_owned());
                Err(LoginRedirect(path).into_response())
            }
            Err(e) => Err(e.into_response()),
        }
    }
}

/// An API caller identified by `Authorization: Bearer <token>`. The API never accepts the session
/// cookie, so a page on another site cannot make a logged-in browser call it (no CSRF surface).
pub struct ApiStaff(pub Actor);

/// An API caller who may be anonymous (public reads).
pub struct ApiMaybeStaff(pub Option<Actor>);

async fn bearer_actor(parts: &Parts, state: &AppState) -> Result<Option<Actor>, ApiError> {
    let Some(value) = parts.headers.get(axum::http::header::AUTHORIZATION) else {
        return Ok(None);
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or(ApiError::App(AppError::Unauthenticated))?;
    match state.app.token_actor(token).await? {
        Some(a) => Ok(Some(a)),
        None => Err(ApiError::App(AppError::Unauthenticated)),
    }
}

impl FromRequestParts<AppState> for ApiStaff {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        bearer_actor(parts, state)
            .await?
            .map(ApiStaff)
            .ok_or(ApiError::App(AppError::Unauthenticated))
    }
}

impl FromRequestParts<AppState> for ApiMaybeStaff {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Ok(ApiMaybeStaff(bearer_actor(parts, state).await?))
    }
}

/// Compares tokens in constant time.
fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && !a.is_empty()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A form whose CSRF token did not match.
#[derive(Debug)]
pub struct CsrfRejected;

impl IntoResponse for CsrfRejected {
    fn into_response(self) -> Response {
        crate::error_pages::page(
            StatusCode::FORBIDDEN,
            "表单已失效（安全校验未通过），请返回上一页刷新后重新提交",
        )
    }
}

/// Rejects a form whose CSRF token does not match the session's.
pub fn check_csrf(expected: &str, given: &str) -> Result<(), CsrfRejected> {
    if same_token(expected, given) {
        Ok(())
    } else {
        Err(CsrfRejected)
    }
}

/// The anonymous CSRF token from the cookie, or a new one to set.
pub fn anon_csrf(jar: CookieJar, secure: bool) -> (CookieJar, String) {
    if let Some(c) = jar.get(ANON_CSRF_COOKIE)
        && c.value().len() == 64
    {
        let v = c.value().to_owned();
        return (jar, v);
    }
    let token = gongkai_app::auth::random_token();
    let cookie = Cookie::build((ANON_CSRF_COOKIE, token.clone()))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .path("/")
        .build();
    (jar.add(cookie), token)
}

pub fn session_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .path("/")
        .build()
}
