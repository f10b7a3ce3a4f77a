//! Running the delivery engine for a while, for `submit` and `outbox drain`.

use std::sync::Arc;
use std::time::Duration;

use feedback_core::delivery::{Clock, TokenShelf};
use feedback_core::{
    ApiBase, Client, ClientConfig, Delivery, DeliveryConfig, Outbox, Token, TokenLookup,
};

use crate::failure::Failure;

/// Starts draining `base`'s account with `token` (none: sign-in needed).
pub(crate) fn start(
    base: &ApiBase,
    outbox: Arc<Outbox>,
    token: Option<Token>,
) -> Result<Delivery, Failure> {
    let config = ClientConfig {
        user_agent: feedback_core::client::default_user_agent("WemasyFeedbackCli"),
        ..ClientConfig::default()
    };
    let client =
        Client::new(base.clone(), &config).map_err(|error| Failure::Other(error.to_string()))?;
    // This process's token is for `base` only, as in the app.
    let tokens = TokenShelf::new();
    tokens.set(&base.origin(), TokenLookup::from(token));
    let mut delivery = DeliveryConfig::default();
    if let Some(window) = std::env::var("FEEDBACK_RATE_WINDOW_SECS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
    {
        // The API's window is 5 minutes; a test server may use a shorter one.
        delivery.pacing.window = Duration::try_from_secs_f64(window).ok();
    }
    Ok(Delivery::start(
        delivery,
        outbox,
        client,
        tokens.source(),
        Clock::system(),
    ))
}

/// Unix milliseconds now.
pub(crate) fn now_ms() -> i64 {
    Clock::system().now_ms()
}
