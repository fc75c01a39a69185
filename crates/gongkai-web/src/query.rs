//! Query strings whose errors a reader can act on. axum's own rejection is a line of English
//! plain text ("Failed to deserialize query string: page: invalid digit found in string");
//! these extractors name the parameter in Chinese: as a page for the portal and the console
//! ([`PageQuery`]), in the JSON envelope for the API ([`ApiQuery`]).

use std::borrow::Cow;

use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequestParts, OriginalUri, Path, Query};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// The query string of a page; a bad parameter is a 400 page that names it.
pub struct PageQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for PageQuery<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        read(parts).map(PageQuery).map_err(|(_, message)| {
            let status = StatusCode::BAD_REQUEST;
            crate::error_pages::page(status, message)
        })
    }
}

/// The query string of an API call; a bad parameter is a 400 `malformed_request` naming it.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        read(parts)
            .map(ApiQuery)
            .map_err(|(field, message)| ApiError::Malformed { field, message })
    }
}

/// The record ids in a path (`/items/{id}`). An id that is not a number names no record: a
/// 404 (a page, or the API's envelope), not axum's plain-text 400.
pub struct PathIds<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for PathIds<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(ids)) => Ok(PathIds(ids)),
            // Under `nest`, the URI is the nested part; the original one says it is the API's.
            Err(_) if original_path(parts).starts_with("/api/") => {
                let missing = gongkai_app::AppError::NotFound("resource");
                Err(ApiError::App(missing).into_response())
            }
            Err(_) => Err(crate::error_pages::page(
                StatusCode::NOT_FOUND,
                "未找到该记录",
            )),
        }
    }
}

fn original_path(parts: &Parts) -> &str {
    parts
        .extensions
        .get::<OriginalUri>()
        .map_or(parts.uri.path(), |u| u.0.path())
}

fn read<T: DeserializeOwned>(parts: &Parts) -> Result<T, (Cow<'static, str>, String)> {
    Query::<T>::try_from_uri(&parts.uri)
        .map(|Query(q)| q)
        .map_err(|r| problem(&r))
}

/// The parameter a rejection names (`query` when it names none) and what is wrong with it,
/// in Chinese.
fn problem(r: &QueryRejection) -> (Cow<'static, str>, String) {
    let text = r.body_text();
    // "…query string: page: invalid digit…" names the parameter before the reason;
    // "…query string: missing field `year`" names it in backquotes.
    let detail = text.split_once("query string: ").map_or("", |(_, d)| d);
    let named = match detail.split_once(": ") {
        Some((name, _)) if !name.contains(' ') => name,
        _ => detail.split('`').nth(1).unwrap_or(""),
    };
    let missing = detail.starts_with("missing field");
    let message = match (named, missing) {
        ("", _) => {
            return (
                "query".into(),
                "查询参数有误，请检查链接是否完整".to_owned(),
            );
        }
        ("page", false) => "页码（page）应为正整数".to_owned(),
        ("per_page", false) => "每页条数（per_page）应为正整数".to_owned(),
        ("year" | "from" | "to", false) => format!("年份（{named}）应为四位数字，如 2025"),
        (_, true) => format!("缺少参数（{named}）"),
        (_, false) => format!("参数（{named}）的值无效"),
    };
    (named.chars().take(40).collect::<String>().into(), message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)] // read by serde only
    struct Params {
        page: Option<u32>,
        from: Option<i32>,
        n: Option<u8>,
        year: i32,
        q: Option<String>,
    }

    fn rejected(query: &str) -> (Cow<'static, str>, String) {
        let uri: axum::http::Uri = format!("/x?{query}").parse().expect("uri");
        match Query::<Params>::try_from_uri(&uri) {
            Ok(p) => panic!("accepted: {:?}", p.0),
            Err(r) => problem(&r),
        }
    }

    #[test]
    fn each_bad_parameter_is_named_in_chinese() {
        assert_eq!(rejected("year=2025&page=abc").0, "page");
        assert_eq!(rejected("year=2025&page=-1").0, "page");
        let (field, message) = rejected("year=2025&from=2020-01-01");
        assert_eq!(field, "from");
        assert!(message.contains("年份（from）"), "{message}");
        let (field, message) = rejected("q=x");
        assert_eq!(field, "year");
        assert!(message.starts_with("缺少"), "{message}");
        assert_eq!(rejected("year=x").0, "year");
        // A parameter without a message of its own is still named.
        let (field, message) = rejected("year=2025&n=x");
        assert_eq!(
            (field.as_ref(), message.as_str()),
            ("n", "参数（n）的值无效")
        );
    }
}
