//! [`Failure`]: why a command did not succeed, and the exit code that says so.

use std::fmt;
use std::process::ExitCode;

use feedback_core::{Class, FieldErrors, Outcome, TokenError, TokenStoreError};

#[derive(Debug)]
pub(crate) enum Failure {
    /// Local validation failed; nothing was sent.
    Invalid(FieldErrors),
    /// The input could not be used (no token, a malformed token, unreadable stdin).
    Usage(String),
    /// The server answered with a rejection.
    Rejected(Outcome),
    /// The ticket did not get through; trying again later may work.
    NotDelivered(Outcome),
    /// Anything else, such as the keyring.
    Other(String),
}

impl Failure {
    pub(crate) fn exit_code(&self) -> ExitCode {
        ExitCode::from(match self {
            Self::Other(_) => 1,
            Self::Invalid(_) | Self::Usage(_) => 2,
            Self::Rejected(_) => 3,
            Self::NotDelivered(_) => 4,
        })
    }

    /// A failed attempt, sorted by whether the server refused it.
    pub(crate) fn from_outcome(outcome: Outcome) -> Self {
        match outcome.class() {
            Class::Rejected | Class::SignInNeeded => Self::Rejected(outcome),
            Class::Delivered | Class::RateLimited | Class::Transient { .. } => {
                Self::NotDelivered(outcome)
            }
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid(errors) => write!(f, "{errors}"),
            Self::Usage(message) | Self::Other(message) => f.write_str(message),
            Self::Rejected(outcome @ Outcome::Invalid { errors, .. }) if !errors.is_empty() => {
                write!(f, "{outcome}\n{errors}")
            }
            Self::Rejected(outcome) | Self::NotDelivered(outcome) => write!(f, "{outcome}"),
        }
    }
}

impl From<TokenStoreError> for Failure {
    fn from(error: TokenStoreError) -> Self {
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
        let message = String::new();
        assert_eq!(
            Failure::Invalid(FieldErrors::new()).exit_code(),
            ExitCode::from(2)
        );
        let unauthenticated = Outcome::Unauthenticated {
            message: message.clone(),
        };
        assert_eq!(
            Failure::from_outcome(unauthenticated).exit_code(),
            ExitCode::from(3)
        );
        let limited = Outcome::RateLimited {
            retry_after: None,
            reset: None,
        };
        assert_eq!(
            Failure::from_outcome(limited).exit_code(),
            ExitCode::from(4)
        );
        let down = Outcome::ServerError {
            status: 503,
            message,
        };
        assert_eq!(Failure::from_outcome(down).exit_code(), ExitCode::from(4));
    }

    #[test]
    fn server_field_errors_are_one_per_line() {
        let mut errors = FieldErrors::new();
        errors.add("subject", "The subject field is required.");
        let outcome = Outcome::Invalid {
            message: "The subject field is required.".into(),
            errors,
        };
        let text = Failure::from_outcome(outcome).to_string();
        assert!(
            text.ends_with("\nsubject: The subject field is required."),
            "{text}"
        );
    }
}
