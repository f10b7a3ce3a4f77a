//! [`IpcError`]: how an error crosses into the webview: `{code, message}`,
//! with a code only where the UI branches on it.

use serde::Serialize;

use feedback_core::{ApiBaseError, OutboxError, TokenError, TokenStoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct IpcError {
    /// `null`, or one of: `keyring`, `disk_full`, `outbox_full`, `not_found`,
    /// `invalid_token`, `invalid_api_base`, `outbox_unavailable`.
    pub(crate) code: Option<&'static str>,
    pub(crate) message: String,
}

impl IpcError {
    pub(crate) fn new(code: Option<&'static str>, message: impl ToString) -> Self {
        Self {
            code,
            message: message.to_string(),
        }
    }
}

impl From<OutboxError> for IpcError {
    fn from(error: OutboxError) -> Self {
        let code = match error {
            OutboxError::DiskFull => Some("disk_full"),
            OutboxError::Full(_) => Some("outbox_full"),
            OutboxError::NotFound(_) => Some("not_found"),
            _ => None,
        };
        Self::new(code, error)
    }
}

impl From<TokenStoreError> for IpcError {
    fn from(error: TokenStoreError) -> Self {
        Self::new(Some("keyring"), error)
    }
}

impl From<TokenError> for IpcError {
    fn from(error: TokenError) -> Self {
        Self::new(Some("invalid_token"), error)
    }
}

impl From<ApiBaseError> for IpcError {
    fn from(error: ApiBaseError) -> Self {
        Self::new(Some("invalid_api_base"), error)
    }
}

impl From<std::io::Error> for IpcError {
    fn from(error: std::io::Error) -> Self {
        Self::new(None, error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_the_ui_sees() {
        let full = IpcError::from(OutboxError::DiskFull);
        assert_eq!(
            serde_json::to_value(&full).unwrap(),
            serde_json::json!({
                "code": "disk_full",
                "message": "the disk is full: the ticket was not saved, so it was not sent either; free some space and try again"
            })
        );
        let plain = IpcError::new(None, "boom");
        assert_eq!(
            serde_json::to_string(&plain).unwrap(),
            r#"{"code":null,"message":"boom"}"#
        );
    }
}
