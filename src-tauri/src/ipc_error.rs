//! [`IpcError`]: how an error crosses into the webview: `{code, message}`,
//! with a code only where the UI branches on it.

use feedback_core::DeskError;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct IpcError {
    /// `null`, or one of [`DeskError::code`]'s, or the updater's
    /// (`update_refused`, `no_update_source`, `update_checks_off`, …).
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

impl From<DeskError> for IpcError {
    fn from(error: DeskError) -> Self {
        Self::new(error.code(), error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use feedback_core::OutboxError;

    #[test]
    fn the_json_the_ui_sees() {
        let full = IpcError::from(DeskError::Outbox(OutboxError::DiskFull));
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
