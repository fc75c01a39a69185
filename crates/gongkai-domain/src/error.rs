//! Error types shared by several modules.

use serde::Serialize;

/// A validation error on one form field (字段校验错误).
///
/// `field` is the Rust/JSON name of the field (e.g. `"title"`), `message_zh` a
/// Simplified Chinese message that names the field for the user, `message_en` the same in
/// English where the public may read it (the forms of the English portal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {message_zh}")]
pub struct FieldError {
    pub field: &'static str,
    pub message_zh: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_en: Option<String>,
}

impl FieldError {
    pub fn new(field: &'static str, message_zh: impl Into<String>) -> Self {
        FieldError {
            field,
            message_zh: message_zh.into(),
            message_en: None,
        }
    }

    /// The error with its English message.
    pub fn with_en(self, message_en: impl Into<String>) -> Self {
        FieldError {
            message_en: Some(message_en.into()),
            ..self
        }
    }
}

/// A string that is not one of the known values of an enum (未知取值).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {type_name} value: {value:?}")]
pub struct UnknownValue {
    pub type_name: &'static str,
    pub value: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_error_display_and_json() {
        let e = FieldError::new("title", "标题不能为空");
        assert_eq!(e.to_string(), "title: 标题不能为空");
        let json = serde_json_like(&e);
        assert!(json.contains("title") && !json.contains("message_en"));
        let e = e.with_en("Enter a title");
        assert_eq!(e.message_en.as_deref(), Some("Enter a title"));
        assert_eq!(e.message_zh, "标题不能为空");
        assert!(serde_json_like(&e).contains("message_en = \"Enter a title\""));
    }

    fn serde_json_like(e: &FieldError) -> String {
        // serde_json is not a dependency of this crate; the toml serializer
        // is enough to prove `Serialize` works.
        toml::to_string(e).unwrap()
    }
}
