//! Delivery for `submit` and `outbox drain`: the same [`Deliveries`] the
//! app runs, for the one server the command names.

use std::sync::Arc;
use std::time::Duration;

use feedback_core::delivery::Clock;
use feedback_core::{ApiBase, ClientConfig, Deliveries, DeliveryConfig, LoadToken, Outbox, Token};

/// Delivery to `base` from `outbox` with `token`, which the command has read
/// already (from `FEEDBACK_TOKEN` or the keyring; `None`: signed out).
pub(crate) fn deliveries(base: &ApiBase, outbox: Arc<Outbox>, token: Option<Token>) -> Deliveries {
    let client = ClientConfig {
        user_agent: feedback_core::client::default_user_agent("WemasyFeedbackCli"),
        ..ClientConfig::default()
    };
    let config = delivery_config();
    // The token is for `base` only, as in the app.
    let origin = base.origin();
    let load: LoadToken =
        Arc::new(move |asked| Ok(token.clone().filter(|_| asked.origin() == origin)));
    Deliveries::new(outbox, Ok(base.clone()), load).with_config(client, config)
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
