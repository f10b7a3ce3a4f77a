//! The JSON bodies the server answers with, one type per shape.

use serde::{Deserialize, Serialize};

use crate::field_errors::FieldErrors;

/// The envelope of a 200 (and of the documented 403/404/500 bodies):
/// `{"error": bool, "message": "...", "data": ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    /// Missing counts as `false`: only `data` is needed to read a success.
    #[serde(default)]
    pub error: bool,
    #[serde(default)]
    pub message: String,
    pub data: T,
}

/// Any error reply that carries a message: the documented `{error, message,
/// data}` bodies, and Laravel's own `{"message": "Unauthenticated."}`,
/// `{"message": "Too Many Attempts."}` and `{"message": "Server Error"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<bool>,
    pub message: String,
}

/// A 422: `{"message": "<first error> (and N more errors)", "errors": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationBody {
    pub message: String,
    pub errors: FieldErrors,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_accepts_laravel_and_documented_shapes() {
        let laravel: ErrorBody = serde_json::from_str(r#"{"message":"Unauthenticated."}"#).unwrap();
        assert_eq!(laravel.error, None);
        let documented: ErrorBody =
            serde_json::from_str(r#"{"error":true,"message":"Forbidden","data":[]}"#).unwrap();
        assert_eq!(documented.error, Some(true));
    }

    #[test]
    fn validation_body_keeps_field_order() {
        let body: ValidationBody = serde_json::from_str(
            r#"{"message":"The subject field is required. (and 1 more error)",
                "errors":{"subject":["The subject field is required."],"channel_slug":["x"]}}"#,
        )
        .unwrap();
        assert_eq!(
            body.errors.fields().collect::<Vec<_>>(),
            ["subject", "channel_slug"]
        );
    }
}
