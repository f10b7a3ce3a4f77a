//! The delivery engine: one tokio task that drains an account's outbox,
//! oldest first, one ticket at a time, paced by the server's rate-limit
//! headers, retrying transient failures with backoff, and never dropping a
//! ticket.

mod backoff;
mod clock;
mod engine;
mod event;
mod pacing;
mod quota;
mod tokens;

pub use backoff::Backoff;
pub use clock::{Clock, FakeWallClock, SystemWallClock, WallClock};
pub use engine::{Delivery, DeliveryConfig, TokenLookup, TokenSource};
pub use event::{DeliveryStatus, Event};
pub use pacing::{DOCUMENTED_WINDOW, Pacing};
pub use quota::Quota;
pub use tokens::TokenShelf;
