//! Shared set-up: a sandbox on a free loopback port and a client for it.

use std::time::Duration;

use feedback_core::{ApiBase, Client, ClientConfig, NewTicket, Priority, TicketType, Token};
use feedback_sandbox::{Config, Sandbox};

pub(crate) const TOKEN: &str = "demo-token";

pub(crate) async fn sandbox(config: Config) -> Sandbox {
    Sandbox::start(config)
        .await
        .expect("the sandbox starts on a free port")
}

pub(crate) fn client_for(base: &str) -> Client {
    client_with_timeout(base, Duration::from_secs(10))
}

pub(crate) fn client_with_timeout(base: &str, timeout: Duration) -> Client {
    let config = ClientConfig {
        connect_timeout: timeout,
        timeout,
        ..ClientConfig::default()
    };
    Client::new(ApiBase::parse(base).unwrap(), &config).unwrap()
}

pub(crate) fn token() -> Token {
    Token::new(TOKEN).unwrap()
}

/// The request of the API documentation's samples.
pub(crate) fn doc_ticket() -> NewTicket {
    NewTicket {
        channel_slug: "feedback".into(),
        subject: "Cannot connect my Google Ads account".into(),
        message: "I have been trying to connect my Google Ads account but keep getting an error."
            .into(),
        priority: Some(Priority::Normal),
        rating: Some(5),
        kind: Some(TicketType::Bug),
        tool_key: Some("ads_protection".into()),
        page: Some("https://example.com/wm/ads-protection/dashboard".into()),
        user_agent: Some(
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36".into(),
        ),
    }
}
