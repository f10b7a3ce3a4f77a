//! Shared set-up: a sandbox on a free loopback port and a client for it.

use std::sync::Arc;
use std::time::Duration;

use feedback_core::delivery::{Clock, TokenLookup, TokenSource};
use feedback_core::http::BoxFuture;
use feedback_core::outbox::Outbox;
use feedback_core::{
    ApiBase, Client, ClientConfig, Delivery, DeliveryConfig, DeliveryStatus, Event, NewTicket,
    Priority, TicketType, Token,
};
use feedback_core::{Keyring, TokenStoreError};
use feedback_sandbox::{Config, Sandbox};
use tokio::sync::broadcast::{Receiver, error::RecvError};

pub(crate) const TOKEN: &str = "demo-token";

pub(crate) async fn sandbox(config: Config) -> Sandbox {
    Sandbox::start(config)
        .await
        .expect("the sandbox starts on a free port")
}

/// A loopback port nothing listens on (it was free a moment ago), and the
/// API base on it: a server that is down, or not up yet.
pub(crate) fn unreachable_base() -> (u16, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    (port, format!("http://127.0.0.1:{port}/api"))
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

/// The next engine event that `matches`, within `secs` seconds of real time.
pub(crate) async fn until(
    events: &mut Receiver<Event>,
    secs: u64,
    what: &str,
    matches: impl Fn(&Event) -> bool,
) -> Event {
    let wait = async {
        loop {
            match events.recv().await {
                Ok(event) if matches(&event) => return event,
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => panic!("the engine stopped"),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(secs), wait)
        .await
        .unwrap_or_else(|_| panic!("no {what} within {secs} s"))
}

/// A token source that always has `text`.
pub(crate) fn token_source(text: &str) -> TokenSource {
    let token = Token::new(text).unwrap();
    Arc::new(move |_| TokenLookup::Found(token.clone()))
}

/// What `run_engine_until` waits for.
pub(crate) enum Until {
    /// A ticket was delivered.
    Delivered,
    /// The server refused the token.
    Refused,
}

/// Runs an engine over `outbox` against `base` with the token `text` until
/// `what` happened (within 10 s), then stops it; the status it ended with.
pub(crate) async fn run_engine_until(
    outbox: &Arc<Outbox>,
    base: &ApiBase,
    text: &str,
    what: Until,
) -> Option<DeliveryStatus> {
    let client = Client::new(base.clone(), &ClientConfig::default()).unwrap();
    let delivery = Delivery::start(
        DeliveryConfig::default(),
        outbox.clone(),
        client,
        token_source(text),
        Clock::system(),
    );
    let mut events = delivery.subscribe();
    match what {
        Until::Delivered => {
            until(&mut events, 10, "the delivery", |e| {
                matches!(e, Event::Delivered { .. })
            })
            .await
        }
        Until::Refused => {
            until(&mut events, 10, "the refusal", |e| {
                matches!(e, Event::Status(DeliveryStatus::SignInNeeded { .. }))
            })
            .await
        }
    };
    let status = delivery.status();
    delivery.shutdown().await;
    status
}

/// A keyring that answers reads with `load` and takes writes without
/// keeping them: the keyring the test stands for (named as a stand-in; the
/// OS's own is tested in `token_store`).
type Load = dyn Fn(&ApiBase) -> Result<Option<Token>, String> + Send + Sync;

pub(crate) struct Loader(Arc<Load>);

impl Loader {
    pub(crate) fn keyring(
        load: impl Fn(&ApiBase) -> Result<Option<Token>, String> + Send + Sync + 'static,
    ) -> Arc<dyn Keyring> {
        Arc::new(Self(Arc::new(load)))
    }
}

impl std::fmt::Debug for Loader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Loader")
    }
}

impl Keyring for Loader {
    fn load(&self, base: &ApiBase) -> BoxFuture<'static, Result<Option<Token>, TokenStoreError>> {
        let answer = (self.0)(base).map_err(TokenStoreError::Unavailable);
        Box::pin(async move { answer })
    }

    fn save(&self, _: &ApiBase, _: &Token) -> BoxFuture<'static, Result<(), TokenStoreError>> {
        Box::pin(async { Ok(()) })
    }

    fn delete(&self, _: &ApiBase) -> BoxFuture<'static, Result<(), TokenStoreError>> {
        Box::pin(async { Ok(()) })
    }
}
