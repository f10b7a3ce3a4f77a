//! [`Deliveries`] against two sandboxes, each accepting only its own token
//! (any other token is a 401): each server's tickets go to that server with
//! that server's token, a switch leaves the old server's engine alone, a
//! server without a token here is listed apart, and a keyring that does not
//! answer is asked again.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use feedback_core::delivery::Clock;
use feedback_core::outbox::{Outbox, State};
use feedback_core::{
    ApiBase, ClientConfig, Deliveries, DeliveryConfig, DeliveryStatus, Event, OtherServer, Token,
};
use feedback_sandbox::{Config, Faults, Sandbox, TokenSpec};

use crate::support::{doc_ticket, sandbox};

struct Server {
    sandbox: Sandbox,
    base: ApiBase,
}

impl Server {
    /// A sandbox that knows only `token`.
    async fn accepting(token: &str) -> Self {
        let sandbox = sandbox(Config {
            tokens: vec![TokenSpec {
                token: token.into(),
                user_id: None,
            }],
            ..Config::default()
        })
        .await;
        let base = ApiBase::parse(&sandbox.base_url()).unwrap();
        Self { sandbox, base }
    }

    fn origin(&self) -> String {
        self.base.origin()
    }

    fn received(&self) -> Vec<String> {
        self.sandbox
            .tickets()
            .into_iter()
            .filter_map(|t| t.idempotency_key)
            .collect()
    }

    fn refused(&self) -> u64 {
        self.sandbox
            .stats()
            .by_status
            .get(&401)
            .copied()
            .unwrap_or(0)
    }
}

/// A keyring holding `tokens` (origin → token).
fn keyring(tokens: &[(&Server, &str)]) -> std::sync::Arc<dyn feedback_core::Keyring> {
    let tokens: HashMap<String, Token> = tokens
        .iter()
        .map(|(server, token)| (server.origin(), Token::new(token).unwrap()))
        .collect();
    crate::support::Loader::keyring(move |base| Ok(tokens.get(&base.origin()).cloned()))
}

struct Desk {
    _dir: tempfile::TempDir,
    outbox: Arc<Outbox>,
}

impl Desk {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Arc::new(Outbox::open(&dir.path().join("outbox.sqlite3")).unwrap());
        Self { _dir: dir, outbox }
    }

    fn file(&self, server: &Server, subject: &str) -> String {
        let mut ticket = doc_ticket();
        ticket.subject = subject.into();
        let now = Clock::system().now_ms();
        // As `submit` does: the base is remembered with the account.
        self.outbox.remember_base(&server.base).unwrap();
        self.outbox
            .enqueue(&server.origin(), &ticket, now)
            .unwrap()
            .id
    }

    fn deliveries(
        &self,
        current: &Server,
        load: std::sync::Arc<dyn feedback_core::Keyring>,
    ) -> Deliveries {
        let client = ClientConfig {
            connect_timeout: Duration::from_secs(2),
            timeout: Duration::from_secs(10),
            ..ClientConfig::default()
        };
        let config = DeliveryConfig {
            keyring_retry: Duration::from_millis(200),
            jitter_seed: Some(3),
            ..DeliveryConfig::default()
        };
        Deliveries::new(self.outbox.clone(), Ok(current.base.clone()), load)
            .with_config(client, config)
    }

    async fn until_delivered(&self, id: &str) {
        for _ in 0..200 {
            if self.outbox.get(id).unwrap().state == State::Delivered {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "{id} was not delivered within 10 s: {:?}",
            self.outbox.get(id).unwrap()
        );
    }
}

#[tokio::test]
async fn each_servers_tickets_go_to_that_server_with_its_own_token() {
    let (a, b) = (
        Server::accepting("token-a").await,
        Server::accepting("token-b").await,
    );
    let desk = Desk::new();
    let for_a = desk.file(&a, "for a");
    let for_b = desk.file(&b, "for b, filed before the switch to a");
    let deliveries = desk.deliveries(&a, keyring(&[(&a, "token-a"), (&b, "token-b")]));
    deliveries.start().await;
    desk.until_delivered(&for_a).await;
    desk.until_delivered(&for_b).await;
    deliveries.shutdown().await;
    assert_eq!(a.received(), vec![for_a], "a got its own ticket only");
    assert_eq!(b.received(), vec![for_b], "b got its own ticket only");
    assert_eq!(
        (a.refused(), b.refused()),
        (0, 0),
        "no server ever saw another server's token"
    );
}

#[tokio::test]
async fn a_switch_leaves_the_old_servers_send_alone_and_never_hands_it_the_new_token() {
    let (a, b) = (
        Server::accepting("token-a").await,
        Server::accepting("token-b").await,
    );
    a.sandbox.set_faults(Faults {
        slow_after_store: Duration::from_millis(1_500),
        ..Faults::default()
    });
    let desk = Desk::new();
    let for_a = desk.file(&a, "in flight during the switch");
    let deliveries = desk.deliveries(&a, keyring(&[(&a, "token-a"), (&b, "token-b")]));
    let engine_a = deliveries.engine().await.unwrap();
    assert!(
        !deliveries.switch(Ok(a.base.clone())).await.unwrap(),
        "the same server: nothing changes"
    );
    assert!(
        Arc::ptr_eq(&engine_a, &deliveries.engine().await.unwrap()),
        "a settings save that keeps the server keeps its engine"
    );
    for _ in 0..100 {
        if !a.received().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(a.received().len(), 1, "a holds it; its reply is slow");
    assert!(deliveries.switch(Ok(b.base.clone())).await.unwrap());
    let for_b = desk.file(&b, "after the switch");
    deliveries.engine().await.unwrap().wake();
    desk.until_delivered(&for_a).await;
    desk.until_delivered(&for_b).await;
    deliveries.shutdown().await;
    let entry = desk.outbox.get(&for_a).unwrap();
    assert!(
        !entry.delivered.unwrap().possible_duplicate,
        "the attempt in flight was finished, not cut off and resent"
    );
    assert_eq!(a.received(), vec![for_a], "once, with its own token");
    assert_eq!(b.received(), vec![for_b]);
    assert_eq!((a.refused(), b.refused()), (0, 0));
}

#[tokio::test]
async fn another_servers_tickets_without_a_token_here_are_listed_apart_not_counted() {
    let (a, b) = (
        Server::accepting("token-a").await,
        Server::accepting("token-b").await,
    );
    let desk = Desk::new();
    desk.file(&b, "left behind one");
    desk.file(&b, "left behind two");
    let deliveries = desk.deliveries(&a, keyring(&[(&a, "token-a")]));
    deliveries.start().await;
    let mine = desk.file(&a, "mine");
    deliveries.engine().await.unwrap().wake();
    desk.until_delivered(&mine).await;
    assert_eq!(
        deliveries.other_servers().unwrap(),
        vec![OtherServer {
            origin: b.origin(),
            waiting: 2,
            delivering: false,
        }]
    );
    assert_eq!(
        deliveries.deliverable_waiting().unwrap(),
        0,
        "nothing here can send b's tickets: no reason to keep running for them"
    );
    deliveries.shutdown().await;
    assert!(b.received().is_empty());
    assert_eq!(b.refused(), 0, "a's token never went to b");
}

#[tokio::test]
async fn a_keyring_that_does_not_answer_is_asked_again_until_it_does() {
    let a = Server::accepting("token-a").await;
    let desk = Desk::new();
    let id = desk.file(&a, "filed while the keyring was locked");
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    let token = Token::new("token-a").unwrap();
    let load: std::sync::Arc<dyn feedback_core::Keyring> =
        crate::support::Loader::keyring(move |_| match counter.fetch_add(1, Ordering::SeqCst) {
            0..=2 => Err("the keyring is locked".into()),
            _ => Ok(Some(token.clone())),
        });
    let statuses = Arc::new(Mutex::new(Vec::new()));
    let seen = statuses.clone();
    let deliveries = desk
        .deliveries(&a, load)
        .on_engine(Arc::new(move |_, mut events| {
            let seen = seen.clone();
            tokio::spawn(async move {
                while let Ok(event) = events.recv().await {
                    if let Event::Status(status) = event {
                        seen.lock().unwrap().push(status);
                    }
                }
            });
        }));
    deliveries.start().await;
    desk.until_delivered(&id).await;
    deliveries.shutdown().await;
    assert!(asked.load(Ordering::SeqCst) >= 4, "asked until it answered");
    assert!(
        statuses
            .lock()
            .unwrap()
            .iter()
            .any(|s| matches!(s, DeliveryStatus::KeyringUnavailable { .. })),
        "the window was told the keyring did not answer, not that it is signed out"
    );
    assert!(
        !statuses
            .lock()
            .unwrap()
            .iter()
            .any(|s| matches!(s, DeliveryStatus::SignedOut)),
        "no answer is never taken for signed out"
    );
    assert_eq!(a.received(), vec![id]);
}

#[tokio::test]
async fn an_invalid_base_starts_nothing_and_says_why() {
    let desk = Desk::new();
    let load: std::sync::Arc<dyn feedback_core::Keyring> =
        crate::support::Loader::keyring(|_| Ok(None));
    let deliveries = Deliveries::new(
        desk.outbox.clone(),
        Err("FEEDBACK_API_BASE (ftp://x) is not usable".into()),
        load,
    );
    let error = deliveries.engine().await.unwrap_err();
    assert!(error.contains("not usable"), "{error}");
    assert_eq!(deliveries.status(), None);
}

/// Found with the simulation (issue 17): a switch whose waiting tickets
/// could not be moved along (the outbox read-only for a moment) changed
/// the server all the same, leaving them at the old path while new ones
/// went to the new. Such a switch changes nothing, and says why.
#[tokio::test]
async fn a_switch_the_outbox_cannot_record_changes_nothing() {
    let a = Server::accepting("token-a").await;
    let desk = Desk::new();
    let deliveries = desk.deliveries(&a, keyring(&[(&a, "token-a")]));
    let corrected = ApiBase::parse(&a.base.to_string().replace("/api", "/v2/api")).unwrap();
    desk.outbox.read_only_for_tests(true);
    assert!(deliveries.switch(Ok(corrected.clone())).await.is_err());
    assert_eq!(
        deliveries.current(),
        Ok(a.base.clone()),
        "still the old base"
    );
    desk.outbox.read_only_for_tests(false);
    assert!(deliveries.switch(Ok(corrected.clone())).await.unwrap());
    assert_eq!(deliveries.current(), Ok(corrected));
    deliveries.shutdown().await;
}

/// Found by the simulation (issue 17, seed 12602): a token this process
/// held for a server it no longer ran an engine for (it had been pointed
/// elsewhere, then stopped and started again for an update) was not read
/// again when another process signed in to that server: the count of
/// sign-ins moved on without it, and the old token went out later.
#[tokio::test]
async fn a_sign_in_elsewhere_replaces_a_token_held_for_a_server_with_no_engine_here() {
    let (a, b) = (
        Server::accepting("token-a").await,
        Server::accepting("token-b").await,
    );
    let kept = Arc::new(Mutex::new(HashMap::from([
        (a.origin(), Token::new("a-old").unwrap()),
        (b.origin(), Token::new("token-b").unwrap()),
    ])));
    let reading = kept.clone();
    let keyring = crate::support::Loader::keyring(move |base| {
        Ok(reading.lock().unwrap().get(&base.origin()).cloned())
    });
    let desk = Desk::new();
    let deliveries = desk.deliveries(&a, keyring);
    deliveries.start().await;
    deliveries.tell_token_changed(&a.origin()).unwrap();
    assert!(deliveries.switch(Ok(b.base.clone())).await.unwrap());
    deliveries.shutdown().await;
    deliveries.start().await;
    // Another process signs in to the first server.
    kept.lock()
        .unwrap()
        .insert(a.origin(), Token::new("a-new").unwrap());
    desk.outbox.note_token_change(&a.origin()).unwrap();
    deliveries.notice_token_changes().await.unwrap();
    assert_eq!(
        deliveries
            .token(&a.origin())
            .map(|token| token.expose().to_owned()),
        Some("a-new".to_owned()),
        "the token held here was read again"
    );
    deliveries.shutdown().await;
}
