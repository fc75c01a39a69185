//! The application layer's error: what went wrong in terms a caller can act on. The web layer
//! maps each variant to a status code and a Chinese message; store errors stay opaque.

use gongkai_domain::FieldError;
use gongkai_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("authentication required")]
    Unauthenticated,
    #[error("wrong login or password")]
    BadCredentials,
    #[error("account locked until {until_ms}")]
    Locked { until_ms: i64 },
    #[error("forbidden")]
    Forbidden,
    #[error("too many requests")]
    RateLimited,
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("not allowed in the current state: {0}")]
    InvalidState(String),
    #[error("personal data found")]
    PiiBlocked(Vec<crate::items::PiiFinding>),
    #[error("attachments not scanned for personal data")]
    UnscannedAttachments(Vec<String>),
    #[error("upload too large (limit {limit} bytes)")]
    TooLarge { limit: usize },
    #[error("unsupported file type")]
    UnsupportedType,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn field(field: &'static str, message_zh: impl Into<String>) -> AppError {
        AppError::Validation(vec![FieldError::new(field, message_zh)])
    }
}

impl From<sqlx_error::Error> for AppError {
    fn from(e: sqlx_error::Error) -> Self {
        AppError::Store(StoreError::from(e))
    }
}

pub type AppResult<T> = Result<T, AppError>;

mod sqlx_error {
    pub use gongkai_store::SqlxError as Error;
}
