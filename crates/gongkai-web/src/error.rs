//! Errors at the HTTP boundary: one JSON envelope for the API, one HTML page for the portal and
//! console. Store and internal errors become an opaque 500 whose cause is logged, never sent; a
//! database that cannot be reached, a 503 (marked [`ConnectionLost`] when a connection was lost,
//! so that a read is run again).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gongkai_app::AppError;
use serde::Serialize;

/// The API error envelope: `{"error": {"code", "message", "fields": [{"field", "message"}]}}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `validation`, `not_found`, `personal_data`.
    pub code: String,
    /// Human-readable message in Chinese.
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldMessage>,
    /// Personal-data hits that block approval, with their position.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>)]
    pub hits: Vec<gongkai_app::items::PiiFinding>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FieldMessage {
    pub field: String,
    pub message: String,
}

/// The status, code and Chinese message of an application error.
pub fn classify(e: &AppError) -> (StatusCode, &'static str, String) {
    match e {
        AppError::RateLimited => (
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "提交或查询过于频繁，请稍后再试".into(),
        ),
        AppError::Unauthenticated => (
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "请先登录".into(),
        ),
        AppError::BadCredentials => (
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
            "用户名或密码错误".into(),
        ),
        AppError::Locked { .. } => (
            StatusCode::TOO_MANY_REQUESTS,
            "locked",
            "登录失败次数过多，账号已临时锁定，请 15 分钟后再试".into(),
        ),
        AppError::Forbidden => (
            StatusCode::FORBIDDEN,
            "forbidden",
            "您没有执行此操作的权限".into(),
        ),
        AppError::NotFound(what) => (
            StatusCode::NOT_FOUND,
            "not_found",
            format!("未找到：{}", what_zh(what)),
        ),
        AppError::Validation(_) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            "提交的内容有误，请检查标出的字段".into(),
        ),
        AppError::Conflict(m) => (StatusCode::CONFLICT, "conflict", m.clone()),
        AppError::InvalidState(m) => (StatusCode::CONFLICT, "invalid_state", m.clone()),
        AppError::PiiBlocked(h) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "personal_data",
            format!(
                "发现 {} 处疑似个人信息，请脱敏或说明误报原因后再审核通过",
                h.len()
            ),
        ),
        AppError::UnscannedAttachments(names) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "unscanned_attachments",
            format!(
                "附件“{}”无法自动检查个人信息：请人工核对后，在误报说明（pii_override）中写明已核对",
                names.join("、")
            ),
        ),
        AppError::TooLarge { limit } => (
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("文件过大，上限为 {} MB", limit / 1024 / 1024),
        ),
        AppError::UnsupportedType => (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_type",
            "不支持的文件类型，或文件内容与扩展名不符（支持 PDF、Word、Excel、图片、文本）".into(),
        ),
        AppError::Store(e) if e.unavailable() => (
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "数据库暂时无法连接，请稍后再试；如刚提交过内容，请先确认是否已经保存".into(),
        ),
        AppError::Store(_) | AppError::Internal(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "系统内部错误，请稍后再试".into(),
        ),
    }
}

fn what_zh(what: &str) -> &'static str {
    match what {
        "item" => "信息",
        "body" => "机构",
        "user" => "用户",
        "attachment" => "附件",
        "notice" => "公告",
        "application" => "申请",
        "letter" => "文书",
        _ => "记录",
    }
}

fn log_if_internal(e: &AppError) {
    match e {
        // A restart of the database: expected now and then, and mostly answered by a retry.
        AppError::Store(s) if s.unavailable() => {
            tracing::warn!(error = %e, "request failed: database unavailable");
        }
        AppError::Store(_) | AppError::Internal(_) => {
            tracing::error!(error = %e, "request failed");
        }
        _ => {}
    }
}

/// Marks the response of a request that failed because its database connection was lost
/// (the server restarted): a read may be answered once more (see `retry`).
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLost;

/// `response` marked with [`ConnectionLost`] when `lost`; a 503 says when to come back (a
/// restart of the database takes seconds).
fn marked(mut response: Response, lost: bool) -> Response {
    if lost {
        response.extensions_mut().insert(ConnectionLost);
    }
    if response.status() == StatusCode::SERVICE_UNAVAILABLE {
        response.headers_mut().insert(
            axum::http::header::RETRY_AFTER,
            axum::http::HeaderValue::from_static("5"),
        );
    }
    response
}

fn is_connection_lost(e: &AppError) -> bool {
    matches!(e, AppError::Store(s) if s.connection_lost())
}

/// An API error (JSON envelope): an application error, or a request the server could not even
/// read (malformed JSON, wrong content type), which is a 400.
#[derive(Debug)]
pub enum ApiError {
    App(AppError),
    Malformed {
        field: std::borrow::Cow<'static, str>,
        message: String,
    },
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError::App(e)
    }
}

impl ApiError {
    /// A field the server read but whose value is not acceptable (422).
    pub fn bad_request(field: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::App(AppError::field(field, message))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let error = match self {
            ApiError::App(e) => e,
            ApiError::Malformed { field, message } => {
                let body = ErrorBody {
                    error: ErrorDetail {
                        code: "malformed_request".into(),
                        message: message.clone(),
                        fields: vec![FieldMessage {
                            field: field.into_owned(),
                            message,
                        }],
                        hits: vec![],
                    },
                };
                return (StatusCode::BAD_REQUEST, Json(body)).into_response();
            }
        };
        log_if_internal(&error);
        let (status, code, message) = classify(&error);
        let fields = match &error {
            AppError::Validation(fs) => fs
                .iter()
                .map(|f| FieldMessage {
                    field: f.field.to_owned(),
                    message: f.message_zh.clone(),
                })
                .collect(),
            _ => vec![],
        };
        let lost = is_connection_lost(&error);
        let hits = match error {
            AppError::PiiBlocked(h) => h,
            _ => vec![],
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: code.to_owned(),
                message,
                fields,
                hits,
            },
        };
        let mut resp = marked((status, Json(body)).into_response(), lost);
        if status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        resp
    }
}

/// An HTML error page for the portal and console.
#[derive(Debug)]
pub struct PageError(pub AppError);

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        log_if_internal(&self.0);
        let (status, _, mut message) = classify(&self.0);
        if status == StatusCode::UNAUTHORIZED {
            return axum::response::Redirect::to("/console/login").into_response();
        }
        // An error page marks no field: it says what each one was refused for.
        if let AppError::Validation(fields) = &self.0
            && !fields.is_empty()
        {
            message = fields
                .iter()
                .map(|f| f.message_zh.as_str())
                .collect::<Vec<_>>()
                .join("；");
        }
        let page = crate::error_pages::page(status, message);
        marked(page, is_connection_lost(&self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongkai_store::{SqlxError, StoreError};

    fn store(e: SqlxError) -> AppError {
        AppError::Store(StoreError::Db(e))
    }

    fn lost() -> AppError {
        store(SqlxError::Io(std::io::Error::from(
            std::io::ErrorKind::ConnectionReset,
        )))
    }

    #[test]
    fn an_unreachable_database_is_a_503_and_only_a_lost_connection_is_marked() {
        for (e, marked) in [(lost(), true), (store(SqlxError::PoolTimedOut), false)] {
            let (status, code, message) = classify(&e);
            assert_eq!(
                (status, code),
                (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
            );
            assert!(
                !message.contains("Io") && !message.contains("pool"),
                "{message}"
            );
            let response = ApiError::App(e).into_response();
            assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(
                response.extensions().get::<ConnectionLost>().is_some(),
                marked
            );
            assert_eq!(response.headers()["retry-after"], "5");
        }
        let page = PageError(lost()).into_response();
        assert!(page.extensions().get::<ConnectionLost>().is_some());
        assert_eq!(page.headers()["retry-after"], "5");
    }

    #[test]
    fn other_store_errors_stay_an_opaque_500() {
        let e = store(SqlxError::RowNotFound);
        assert_eq!(classify(&e).0, StatusCode::INTERNAL_SERVER_ERROR);
        let response = ApiError::App(e).into_response();
        assert!(response.extensions().get::<ConnectionLost>().is_none());
        assert!(!response.headers().contains_key("retry-after"));
    }
}
