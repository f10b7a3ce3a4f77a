//! The quota and the token's standing as the replies of the sandbox leave
//! them: a delivery spends one request and shows the server accepted the
//! token; a 401 clears that and, carrying no rate-limit headers, leaves the
//! quota as it was.

use std::sync::Arc;
use std::time::Duration;

use feedback_core::delivery::{Clock, TokenLookup};
use feedback_core::outbox::Outbox;
use feedback_core::{
    ApiBase, ClientConfig, Deliveries, DeliveryConfig, DeliveryStatus, Event, Quota, Token,
};
use feedback_sandbox::Config;
use tokio::sync::broadcast::{Receiver, error::RecvError};

use crate::support::{TOKEN, doc_ticket, sandbox};

/// Every event up to the first that `matches`, that one included, within 10 s.
async fn events_until(
    events: &mut Receiver<Event>,
    what: &str,
    matches: impl Fn(&Event) -> bool,
) -> Vec<Event> {
    let mut seen = Vec::new();
    let collect = async {
        loop {
            match events.recv().await {
                Ok(event) => {
                    let done = matches(&event);
                    seen.push(event);
                    if done {
                        return;
                    }
                }
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => panic!("the engine stopped"),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), collect)
        .await
        .unwrap_or_else(|_| panic!("no {what} within 10 s"));
    seen
}

#[tokio::test]
async fn a_delivery_spends_quota_and_shows_the_token_accepted_and_a_401_clears_it() {
    let sandbox = sandbox(Config::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let outbox = Arc::new(Outbox::open(&dir.path().join("outbox.sqlite3")).unwrap());
    let base = ApiBase::parse(&sandbox.base_url()).unwrap();
    let origin = base.origin();
    let load: std::sync::Arc<dyn feedback_core::Keyring> =
        crate::support::Loader::keyring(|_| Ok(Some(Token::new(TOKEN).unwrap())));
    let config = DeliveryConfig {
        jitter_seed: Some(5),
        ..DeliveryConfig::default()
    };
    let deliveries = Deliveries::new(outbox.clone(), Ok(base.clone()), load)
        .with_config(ClientConfig::default(), config);
    assert_eq!(deliveries.quota(), None, "no reply has given a limit yet");
    assert_eq!(deliveries.last_accepted(), None);

    let engine = deliveries.engine().await.unwrap();
    let mut events = engine.subscribe();
    let before = Clock::system().now_ms();
    outbox.enqueue(&origin, &doc_ticket(), before).unwrap();
    engine.wake();
    let seen = events_until(&mut events, "the delivery", |event| {
        matches!(event, Event::Delivered { .. })
    })
    .await;
    let after = Clock::system().now_ms();
    let Some(Event::Quota(told)) = seen.iter().find(|e| matches!(e, Event::Quota(_))) else {
        panic!("no quota told with the delivery: {seen:?}")
    };
    assert_eq!(
        (told.limit, told.remaining, told.blocked_until),
        (10, 9, None),
        "one of ten spent: {told:?}"
    );
    let resets_at = told.resets_at.unwrap();
    assert!(
        (before + 300_000..=after + 300_000).contains(&resets_at),
        "the window opened with this request and lasts the documented 5 minutes: {told:?}"
    );
    assert_eq!(deliveries.quota(), Some(*told), "the same quota, read back");
    let accepted = deliveries.last_accepted().unwrap();
    assert!((before..=after).contains(&accepted), "{accepted}");

    deliveries.set_token(
        &origin,
        TokenLookup::Found(Token::new("a-revoked-token").unwrap()),
    );
    outbox
        .enqueue(&origin, &doc_ticket(), Clock::system().now_ms())
        .unwrap();
    engine.wake();
    let seen = events_until(&mut events, "the refusal", |event| {
        matches!(event, Event::Status(DeliveryStatus::SignInNeeded { .. }))
    })
    .await;
    assert!(
        !seen.iter().any(|e| matches!(e, Event::Quota(_))),
        "a 401 carries no rate-limit headers: the quota did not change, so no event: {seen:?}"
    );
    assert_eq!(
        deliveries.last_accepted(),
        None,
        "the server refused the token since it last accepted it"
    );
    let quota: Option<Quota> = deliveries.quota();
    assert_eq!(quota.map(|q| q.remaining), Some(9));
    deliveries.shutdown().await;
}
