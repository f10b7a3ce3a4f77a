//! The desk a command works at: the outbox it names, the token from
//! `FEEDBACK_TOKEN` or the OS keyring, the server it names, and the engine
//! settings (`FEEDBACK_RATE_WINDOW_SECS`).

use std::sync::Arc;
use std::time::Duration;

use feedback_core::delivery::Clock;
use feedback_core::keyring::Given;
use feedback_core::{ApiBase, ClientConfig, DeliveryConfig, Desk, Keyring, OsKeyring, Outbox};

use crate::credentials::token_from_env;
use crate::failure::Failure;

/// A desk for `base` over `outbox`.
pub(crate) fn desk(base: &ApiBase, outbox: Arc<Outbox>) -> Result<Arc<Desk>, Failure> {
    let os: Arc<dyn Keyring> = Arc::new(OsKeyring::default());
    // The variable's token is for the command's server only, as in the app.
    let keyring = match token_from_env()? {
        Some(token) => Arc::new(Given {
            origin: base.origin(),
            token,
            keyring: os,
        }),
        None => os,
    };
    let client = ClientConfig {
        user_agent: feedback_core::client::default_user_agent("WemasyFeedbackCli"),
        ..ClientConfig::default()
    };
    Ok(Desk::builder(outbox, keyring)
        .base(Ok(base.clone()))
        .client(client)
        .delivery(delivery_config())
        .build())
}

/// The engine's settings: the defaults, with the throttle window pinned by
/// `FEEDBACK_RATE_WINDOW_SECS` when it is set.
pub(crate) fn delivery_config() -> DeliveryConfig {
    let mut config = DeliveryConfig::default();
    if let Some(window) = std::env::var("FEEDBACK_RATE_WINDOW_SECS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
    {
        // The API's window is 5 minutes; a test server may use a shorter one.
        config.pacing.window = Duration::try_from_secs_f64(window).ok();
    }
    config
}

/// Unix milliseconds now.
pub(crate) fn now_ms() -> i64 {
    Clock::system().now_ms()
}
