//! [`Failure`]: why a command did not succeed, and the exit code that says so.

use std::fmt;
use std::process::ExitCode;

use feedback_core::{DeskError, FieldErrors, OutboxError, TokenError, TokenStoreError};

#[derive(Debug)]
pub(crate) enum Failure {
    /// Local validation failed; nothing was saved or sent.
    Invalid(FieldErrors),
    /// The input could not be used (a malformed token, unreadable stdin).
    Usage(String),
    /// The server refused the ticket; it waits in the outbox for attention.
    Rejected { reason: String, errors: FieldErrors },
    /// Saved in the outbox, not delivered yet; the reason says why.
    Queued(String),
    /// `doctor` found a check that fails; its report goes to standard
    /// output like a healthy one, for scripts to read.
    Checks(String),
    /// Anything else, such as the outbox file or the keyring.
    Other(String),
}

impl Failure {
    pub(crate) fn exit_code(&self) -> ExitCode {
        ExitCode::from(match self {
            Self::Other(_) | Self::Checks(_) => 1,
            Self::Invalid(_) | Self::Usage(_) => 2,
            Self::Rejected { .. } => 3,
            Self::Queued(_) => 5,
        })
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid(errors) => write!(f, "{errors}"),
            Self::Usage(message) | Self::Other(message) | Self::Checks(message) => {
                f.write_str(message)
            }
            Self::Queued(reason) => write!(f, "queued ({reason})"),
            Self::Rejected { reason, errors } if errors.is_empty() => f.write_str(reason),
            Self::Rejected { reason, errors } => write!(f, "{reason}\n{errors}"),
        }
    }
}

impl From<DeskError> for Failure {
    fn from(error: DeskError) -> Self {
        match error {
            DeskError::Token(error) => error.into(),
            DeskError::InvalidBase(reason) => Self::Usage(reason),
            refused @ DeskError::TokenRefused(_) => {
                Self::Usage(format!("{refused}; it was not kept"))
            }
            other => Self::Other(other.to_string()),
        }
    }
}

impl From<TokenStoreError> for Failure {
    fn from(error: TokenStoreError) -> Self {
        Self::Other(error.to_string())
    }
}

impl From<OutboxError> for Failure {
    fn from(error: OutboxError) -> Self {
        Self::Other(error.to_string())
    }
}

impl From<TokenError> for Failure {
    fn from(error: TokenError) -> Self {
        Self::Usage(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_the_documented_ones() {
        assert_eq!(
            Failure::Invalid(FieldErrors::new()).exit_code(),
            ExitCode::from(2)
        );
        let rejected = Failure::Rejected {
            reason: "not found".into(),
            errors: FieldErrors::new(),
        };
        assert_eq!(rejected.exit_code(), ExitCode::from(3));
        assert_eq!(
            Failure::Queued("rate limited".into()).exit_code(),
            ExitCode::from(5)
        );
        assert_eq!(Failure::Other(String::new()).exit_code(), ExitCode::from(1));
    }

    #[test]
    fn server_field_errors_are_one_per_line() {
        let mut errors = FieldErrors::new();
        errors.add("subject", "The subject field is required.");
        let failure = Failure::Rejected {
            reason: "the server rejected the ticket: The subject field is required.".into(),
            errors,
        };
        let text = failure.to_string();
        assert!(
            text.ends_with("\nsubject: The subject field is required."),
            "{text}"
        );
        assert_eq!(
            Failure::Queued("rate limited".into()).to_string(),
            "queued (rate limited)"
        );
    }
}
