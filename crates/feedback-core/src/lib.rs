//! The Wemasy support-ticket API, as a Rust library with no Tauri in it.
//!
//! Everything that decides anything lives here; the CLI (`feedback`) and the
//! desktop shell are thin layers over it.
//!
//! # Layout
//!
//! - [`data_dir`]: the folder of the outbox and the draft: local to the
//!   machine, the owner's only, moved out of Windows' roaming profile.
//! - [`draft`]: [`Draft`], the nine request fields exactly as a person typed them.
//! - [`draft_file`]: [`DraftFile`], the form's autosaved draft, written
//!   atomically.
//! - [`last_used`]: [`LastUsed`](last_used::LastUsed), the channel and
//!   priority of the last ticket filed from the form, beside the draft.
//! - [`channel_match`]: the known channels that match what is typed, and
//!   the nearest one to a likely typo.
//! - [`updates`]: where an update of the app stands and who installs it.
//! - [`validation`]: the server's rules, applied locally; turns a `Draft` into a
//!   [`NewTicket`] or [`FieldErrors`].
//! - [`new_ticket`]: [`NewTicket`], a validated request body, the only thing the
//!   client will send.
//! - [`notification`]: text from outside the app made safe for the OS's
//!   notifications (escaped where the server renders markup).
//! - [`field_errors`]: [`FieldErrors`], `field -> [messages]` in the server's
//!   422 shape, shared by local and server validation.
//! - [`ticket`]: [`Ticket`], the 20 `data.*` fields of a created ticket.
//! - [`envelope`]: the JSON bodies the server answers with, per status.
//! - [`rate_limit`]: parsing of `X-RateLimit-*` and `Retry-After`.
//! - [`outcome`]: [`Outcome`], what one submit attempt came to, and its
//!   [`Class`] for retry decisions.
//! - [`transport`]: [`TransportError`], network failures told apart by whether
//!   the request may have reached the server.
//! - [`api_base`]: [`ApiBase`], the configured server, checked for HTTPS.
//! - [`http`]: [`Http`](http::Http), how a request reaches a server:
//!   reqwest + rustls, or the simulation's in-process network.
//! - [`client`]: [`Client`], one HTTP call per attempt, its reply classified.
//! - [`outbox`]: [`Outbox`], the durable SQLite store every ticket is saved
//!   in before its first send attempt; also the sent history
//!   (`outbox/history.rs`, [`Outbox::sent`]), ticket templates
//!   (`outbox/templates.rs`), suggestions while typing
//!   (`outbox/suggestions.rs`), recent errors (`outbox/recent_errors.rs`)
//!   and a read-only look at the file (`outbox/file_check.rs`).
//! - [`placeholders`]: `{date}`, `{time}` and the questions in a template's
//!   text, filled in when it is used.
//! - [`policy`]: [`Policy`](policy::Policy), managed settings an
//!   administrator enforces or recommends.
//! - [`delivery`]: [`Delivery`], the engine that drains the outbox within
//!   the rate limit; [`Quota`] (`delivery/quota.rs`), the quota left as the
//!   last replies told it.
//! - [`deliveries`]: [`Deliveries`], one engine per API origin, each with
//!   that origin's own token.
//! - [`desk`]: [`Desk`], every use case a person has (file, edit, retry,
//!   discard, export, send now, sign in and out, change the server, apply
//!   a policy, quit, start at login): the one place that decides, which
//!   the app and the CLI only translate to.
//! - [`keyring`]: [`Keyring`], where tokens are kept, asked without
//!   blocking: the OS's ([`OsKeyring`]), or the simulation's.
//! - [`settings`]: [`Settings`], what the person sets in the app, under the
//!   organisation's policy; kept where a [`SettingsStore`] keeps them.
//! - [`diagnostics`]: [`Diagnostics`], the report behind "Copy diagnostics"
//!   and `feedback doctor`, free of tokens and ticket text.
//! - [`submission`]: saving a typed ticket, then waiting a moment for it to
//!   go, and [`Submitted`], where it stands.
//! - [`tasks`]: [`Tasks`](tasks::Tasks), one process's background tasks,
//!   ended together.
//! - [`token`]: [`Token`], the API token, redacted and never serialized.
//! - [`token_store`]: [`TokenStore`], the token in the OS keyring, keyed by API
//!   origin.

pub mod api_base;
pub mod channel_match;
pub mod client;
pub mod data_dir;
pub mod deliveries;
pub mod delivery;
pub mod desk;
pub mod diagnostics;
pub mod draft;
pub mod draft_file;
pub mod envelope;
pub mod field_errors;
pub mod http;
pub mod keyring;
pub mod last_used;
pub mod new_ticket;
pub mod notification;
pub mod outbox;
pub mod outcome;
pub mod placeholders;
pub mod policy;
pub mod rate_limit;
pub mod settings;
pub mod submission;
pub mod tasks;
pub mod ticket;
pub mod token;
pub mod token_store;
pub mod transport;
pub mod updates;
pub mod validation;

pub use api_base::{ApiBase, ApiBaseError, PRODUCTION_API_BASE};
pub use client::{Client, ClientConfig, ClientError, Reply};
pub use deliveries::{Deliveries, OtherServer};
pub use delivery::TokenLookup;
pub use delivery::{Delivery, DeliveryConfig, DeliveryStatus, Event, Quota};
pub use desk::{Desk, DeskError, DeskEvent, DeskState, SignedIn};
pub use diagnostics::{Diagnostics, KeyringState};
pub use draft::Draft;
pub use draft_file::DraftFile;
pub use field_errors::FieldErrors;
pub use keyring::{Keyring, OsKeyring};
pub use new_ticket::{NewTicket, Priority, TicketType};
pub use outbox::{
    Entry, ImportReport, Outbox, OutboxError, SentItem, SentPage, SentQuery, State, SuggestionKind,
    Summary, Template, TemplateFields,
};
pub use outcome::{Class, Outcome};
pub use rate_limit::{RateLimitHeaders, RetryAfter};
pub use settings::{Settings, SettingsStore};
pub use submission::{Submitted, WaitingFor};
pub use ticket::Ticket;
pub use token::{Token, TokenError};
pub use token_store::{TokenStore, TokenStoreError};
pub use transport::{TransportError, TransportKind};
pub use validation::validate;

/// The app's identifier: the keyring service name and, later, the data
/// directory name. Shared by the CLI and the desktop app.
pub const APP_ID: &str = "nl.wemasy.feedback";
