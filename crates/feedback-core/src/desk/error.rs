//! [`DeskError`]: why something a person asked for did not happen, in
//! words they can act on, with a code where the window branches on it.

use crate::outbox::{OutboxError, TemplateFileProblem};
use crate::token::TokenError;
use crate::token_store::TokenStoreError;

#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    #[error(transparent)]
    Outbox(#[from] OutboxError),
    #[error(transparent)]
    Keyring(#[from] TokenStoreError),
    /// Signed in or out here, but the other processes sharing the outbox
    /// (an app running beside a CLI run) could not be told.
    #[error(
        "the keyring has it, but programs running beside this one could not be told ({0}); they read the keyring again when they next start"
    )]
    NotTold(OutboxError),
    #[error(transparent)]
    Token(#[from] TokenError),
    /// The server refused the token at sign-in (its words): not kept.
    #[error("the server refused this token: {0}")]
    TokenRefused(String),
    /// The configured API base is unusable (the reason names it).
    #[error("{0}")]
    InvalidBase(String),
    /// The outbox file could not be opened: nothing is taken that could
    /// not be kept.
    #[error("{0}")]
    OutboxUnavailable(String),
    #[error("the form's draft could not be kept: {0}")]
    Draft(#[source] std::io::Error),
    #[error("the settings could not be saved: {0}")]
    Settings(String),
    #[error("Start at login could not be set: {0}")]
    Login(String),
    /// One of the organisation's templates is in the way.
    #[error("{0}")]
    Organisation(String),
    #[error("could not write {path}: {source}")]
    Export {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

pub type Result<T> = std::result::Result<T, DeskError>;

impl DeskError {
    /// The code the window may branch on: `keyring`, `disk_full`,
    /// `outbox_full`, `not_found`, `invalid_token`, `token_refused`, `invalid_api_base`,
    /// `outbox_unavailable`, `delivered`, `templates_file_too_large`,
    /// `templates_file_refused`; `None` for the rest.
    pub fn code(&self) -> Option<&'static str> {
        Some(match self {
            Self::Outbox(OutboxError::DiskFull) => "disk_full",
            Self::Outbox(OutboxError::Full(_)) => "outbox_full",
            Self::Outbox(OutboxError::NotFound(_)) => "not_found",
            Self::Outbox(OutboxError::Delivered { .. }) => "delivered",
            Self::Keyring(_) => "keyring",
            Self::Token(_) => "invalid_token",
            Self::TokenRefused(_) => "token_refused",
            Self::InvalidBase(_) => "invalid_api_base",
            Self::OutboxUnavailable(_) => "outbox_unavailable",
            Self::Outbox(OutboxError::TemplateImport { problem, .. }) => match problem {
                TemplateFileProblem::TooBig { .. } => "templates_file_too_large",
                _ => "templates_file_refused",
            },
            _ => return None,
        })
    }
}
