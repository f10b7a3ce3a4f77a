//! Delivery under ordinary desktop conditions, against the sandbox over
//! real HTTP: a suspend (the wall clock jumps, tokio's does not), a script
//! queueing beside the app, a stop while a slow server holds a reply, odd
//! replies, refusals of the token or the permission, and waits the server
//! sets. Each ticket must reach the server exactly once, promptly.
//!
//! Time: the engine's wall clock is a [`FakeWallClock`] at the real values
//! (a 5-minute backoff cap, 30 days), jumped where the machine would have
//! slept; tokio runs in real time, so HTTP works as it does in the app.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use feedback_core::delivery::{Clock, FakeWallClock, TokenLookup, TokenSource};
use feedback_core::outbox::{Outbox, State};
use feedback_core::{
    ApiBase, Client, ClientConfig, Delivery, DeliveryConfig, DeliveryStatus, Event, Token,
};
use feedback_sandbox::{Config, Faults, OddKind, RateLimit, Sandbox, StatusEvery};

use crate::support::{TOKEN, doc_ticket, sandbox, until};

const DAY_MS: i64 = 24 * 3_600_000;

struct Desk {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    outbox: Arc<Outbox>,
    account: String,
    base: String,
    wall: Arc<FakeWallClock>,
}

impl Desk {
    async fn new(sandbox: &Sandbox) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outbox.sqlite3");
        let outbox = Arc::new(Outbox::open(&path).unwrap());
        let base = sandbox.base_url();
        Self {
            _dir: dir,
            path,
            outbox,
            account: ApiBase::parse(&base).unwrap().origin(),
            base,
            wall: FakeWallClock::starting_at(now_ms()),
        }
    }

    fn clock(&self) -> Clock {
        self.wall.clock()
    }

    fn enqueue(&self, subject: &str) -> String {
        let mut ticket = doc_ticket();
        ticket.subject = subject.to_owned();
        self.outbox
            .enqueue(&self.account, &ticket, self.clock().now_ms())
            .unwrap()
            .id
    }

    /// The engine as the app runs it: the real backoff (2 s doubling to 5
    /// minutes), retention (30 days) and nap (2 s).
    fn start(&self, tokens: TokenSource) -> Delivery {
        self.start_with(tokens, DeliveryConfig::default())
    }

    fn start_with(&self, tokens: TokenSource, config: DeliveryConfig) -> Delivery {
        let client_config = ClientConfig {
            connect_timeout: Duration::from_secs(2),
            timeout: Duration::from_secs(10),
            ..ClientConfig::default()
        };
        let client = Client::new(ApiBase::parse(&self.base).unwrap(), &client_config).unwrap();
        let config = DeliveryConfig {
            jitter_seed: Some(7),
            ..config
        };
        Delivery::start(config, self.outbox.clone(), client, tokens, self.clock())
    }

    fn state(&self, id: &str) -> State {
        self.outbox.get(id).unwrap().state
    }
}

fn now_ms() -> i64 {
    Clock::system().now_ms()
}

fn token() -> TokenSource {
    let token = Token::new(TOKEN).unwrap();
    Arc::new(move |_| TokenLookup::Found(token.clone()))
}

/// One ticket against a sandbox with `faults`, its engine started.
struct Case {
    sandbox: Sandbox,
    desk: Desk,
    id: String,
    delivery: Delivery,
    events: tokio::sync::broadcast::Receiver<Event>,
}

async fn one_ticket(faults: Faults, subject: &str) -> Case {
    let sandbox = sandbox(Config {
        faults,
        ..Config::default()
    })
    .await;
    let desk = Desk::new(&sandbox).await;
    let id = desk.enqueue(subject);
    let delivery = desk.start(token());
    let events = delivery.subscribe();
    Case {
        sandbox,
        desk,
        id,
        delivery,
        events,
    }
}

/// A sandbox that answers every request with a 500.
async fn failing_sandbox() -> Sandbox {
    let mut config = Config::default();
    config.faults.fail_every = Some(1);
    sandbox(config).await
}

fn delivered(event: &Event) -> bool {
    matches!(event, Event::Delivered { .. })
}

fn copies(sandbox: &Sandbox, id: &str) -> usize {
    sandbox
        .tickets()
        .iter()
        .filter(|t| t.idempotency_key.as_deref() == Some(id))
        .count()
}

fn count(sandbox: &Sandbox, status: u16) -> u64 {
    sandbox.stats().by_status.get(&status).copied().unwrap_or(0)
}

/// A ticket whose first attempt met a server error, backing off for 5
/// minutes (longer than any test waits), and the server fixed meanwhile:
/// only noticing a resume can send it in time.
struct BackedOff {
    sandbox: Sandbox,
    desk: Desk,
    id: String,
    delivery: Delivery,
    events: tokio::sync::broadcast::Receiver<Event>,
    /// When the backoff ends (Unix ms, wall clock).
    at: i64,
}

async fn backed_off(subject: &str) -> BackedOff {
    let sandbox = failing_sandbox().await;
    let desk = Desk::new(&sandbox).await;
    let id = desk.enqueue(subject);
    let config = DeliveryConfig {
        backoff_base: Duration::from_secs(300),
        ..DeliveryConfig::default()
    };
    let delivery = desk.start_with(token(), config);
    let mut events = delivery.subscribe();
    let Event::WillRetry { at, .. } = until(&mut events, 10, "a retry", |e| {
        matches!(e, Event::WillRetry { .. })
    })
    .await
    else {
        unreachable!()
    };
    sandbox.set_faults(Faults::default());
    BackedOff {
        sandbox,
        desk,
        id,
        delivery,
        events,
        at,
    }
}

#[tokio::test]
async fn after_a_suspend_a_waiting_ticket_goes_within_a_nap_not_after_the_sleep() {
    let BackedOff {
        sandbox,
        desk,
        id,
        delivery,
        mut events,
        at,
    } = backed_off("filed before the lid closed").await;
    let wait = at - desk.clock().now_ms();
    assert!(
        wait > 60_000,
        "the backoff ({wait} ms) must outlast this test, so only noticing the jump can deliver it"
    );
    // The laptop sleeps for 6 hours: the wall clock moves, tokio's does not.
    desk.wall.jump(6 * 3_600_000);
    until(&mut events, 15, "delivery after the resume", delivered).await;
    delivery.shutdown().await;
    assert_eq!(desk.state(&id), State::Delivered);
    assert_eq!(copies(&sandbox, &id), 1);
}

#[tokio::test]
async fn waking_from_a_suspend_counts_as_the_network_coming_back() {
    let BackedOff {
        sandbox,
        desk,
        id,
        delivery,
        mut events,
        at,
    } = backed_off("filed on the train").await;
    // A one-minute suspend: shorter than the backoff, so the retry is not
    // due yet when the machine wakes (on another network, say).
    desk.wall.jump(60_000);
    assert!(
        at - desk.clock().now_ms() > 60_000,
        "the backoff has minutes left after the wake"
    );
    until(&mut events, 15, "delivery right after the wake", delivered).await;
    delivery.shutdown().await;
    assert_eq!(desk.state(&id), State::Delivered);
    assert_eq!(copies(&sandbox, &id), 1);
}

#[tokio::test]
async fn a_ticket_queued_by_another_process_is_sent_without_a_wake() {
    let sandbox = sandbox(Config::default()).await;
    let desk = Desk::new(&sandbox).await;
    let delivery = desk.start(token());
    let mut events = delivery.subscribe();
    // Let the engine find nothing to do and go idle.
    tokio::time::sleep(Duration::from_millis(300)).await;
    // `feedback submit --wait 0` beside the app: its own connection, no wake.
    let script = Outbox::open(&desk.path).unwrap();
    let id = script
        .enqueue(&desk.account, &doc_ticket(), now_ms())
        .unwrap()
        .id;
    until(&mut events, 10, "news of the other process's write", |e| {
        *e == Event::OutboxChanged
    })
    .await;
    until(&mut events, 10, "its delivery", delivered).await;
    delivery.shutdown().await;
    assert_eq!(copies(&sandbox, &id), 1);
}

#[tokio::test]
async fn stopping_during_a_slow_send_finishes_and_records_the_attempt() {
    let sandbox = sandbox(Config::default()).await;
    sandbox.set_faults(Faults {
        slow_after_store: Duration::from_millis(1_500),
        ..Faults::default()
    });
    let desk = Desk::new(&sandbox).await;
    let id = desk.enqueue("sent while settings are saved");
    let delivery = desk.start(token());
    for _ in 0..100 {
        if !sandbox.tickets().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        copies(&sandbox, &id),
        1,
        "the server holds it, its reply is slow"
    );
    // Settings are saved, the app quits, or `--wait` runs out: the engine stops.
    delivery.shutdown().await;
    let entry = desk.outbox.get(&id).unwrap();
    assert_eq!(
        entry.state,
        State::Delivered,
        "the attempt was finished and recorded"
    );
    assert!(
        !entry.delivered.unwrap().possible_duplicate,
        "nothing was cut off, so nothing is in doubt"
    );
    // A new engine (the restarted one) has nothing to resend.
    sandbox.set_faults(Faults::default());
    let again = desk.start(token());
    tokio::time::sleep(Duration::from_millis(500)).await;
    again.shutdown().await;
    assert_eq!(copies(&sandbox, &id), 1, "the server holds it once");
}

#[tokio::test]
async fn retry_after_zero_does_not_make_a_storm() {
    let sandbox = sandbox(Config {
        rate_limit: RateLimit {
            max: 2,
            window: Duration::from_secs(3),
        },
        faults: Faults {
            retry_after_zero: true,
            ..Faults::default()
        },
        ..Config::default()
    })
    .await;
    let desk = Desk::new(&sandbox).await;
    let ids: Vec<String> = (0..4).map(|i| desk.enqueue(&format!("t{i}"))).collect();
    let delivery = desk.start(token());
    let mut events = delivery.subscribe();
    for _ in 0..ids.len() {
        until(&mut events, 20, "each delivery", delivered).await;
    }
    delivery.shutdown().await;
    let limited = count(&sandbox, 429);
    assert!(
        limited <= 8,
        "4 tickets at 2 per 3 s take about 3 s of waiting: at most a 429 a second, not {limited}"
    );
    for id in &ids {
        assert_eq!(copies(&sandbox, id), 1);
    }
}

#[tokio::test]
async fn a_huge_retry_after_is_bounded_and_send_now_asks_again() {
    let sandbox = sandbox(Config {
        rate_limit: RateLimit {
            max: 1,
            window: Duration::from_secs(300),
        },
        faults: Faults {
            retry_after: Some(999_999),
            reset_skew: 10 * 86_400,
            ..Faults::default()
        },
        ..Config::default()
    })
    .await;
    let desk = Desk::new(&sandbox).await;
    desk.enqueue("first");
    let second = desk.enqueue("second");
    let delivery = desk.start(token());
    let mut events = delivery.subscribe();
    let Event::Status(DeliveryStatus::RateLimited { until: blocked }) =
        until(&mut events, 10, "the rate limit", |e| {
            matches!(e, Event::Status(DeliveryStatus::RateLimited { .. }))
        })
        .await
    else {
        unreachable!()
    };
    let wait = blocked - desk.clock().now_ms();
    assert!(
        wait <= 305_000,
        "a Retry-After of 11 days waits at most the documented window, not {wait} ms"
    );
    let before = count(&sandbox, 429);
    // "Send queued now": the person asks; the block the server set is lifted.
    desk.outbox.send_now(desk.clock().now_ms()).unwrap();
    delivery.wake();
    for _ in 0..100 {
        if count(&sandbox, 429) > before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    delivery.shutdown().await;
    assert_eq!(
        count(&sandbox, 429),
        before + 1,
        "the server was asked again, once"
    );
    assert_eq!(desk.state(&second), State::Queued);
}

#[tokio::test]
async fn any_2xx_is_delivered_once_whatever_its_body() {
    for kind in OddKind::ALL {
        let faults = Faults {
            odd_2xx: Some(kind),
            ..Faults::default()
        };
        let Case {
            sandbox,
            desk,
            id,
            delivery,
            mut events,
        } = one_ticket(faults, "odd reply").await;
        until(&mut events, 10, "delivery", delivered).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        delivery.shutdown().await;
        let entry = desk.outbox.get(&id).unwrap();
        assert_eq!(entry.state, State::Delivered, "{kind:?}");
        let record = entry.delivered.unwrap();
        assert!(record.note.is_some(), "{kind:?}: says the reply was odd");
        assert_eq!(
            copies(&sandbox, &id),
            1,
            "{kind:?}: the server stored it and does not deduplicate: never resent"
        );
    }
}

#[tokio::test]
async fn a_lost_permission_pauses_the_account_after_one_request() {
    let sandbox = sandbox(Config::default()).await;
    sandbox.forbid(TOKEN);
    let desk = Desk::new(&sandbox).await;
    let ids: Vec<String> = (0..5).map(|i| desk.enqueue(&format!("t{i}"))).collect();
    let delivery = desk.start(token());
    let mut events = delivery.subscribe();
    until(&mut events, 10, "the forbidden status", |e| {
        matches!(e, Event::Status(DeliveryStatus::Forbidden { .. }))
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(count(&sandbox, 403), 1, "one request, not one per ticket");
    for id in &ids {
        assert_eq!(
            desk.state(id),
            State::Queued,
            "the account's problem, not the ticket's"
        );
    }
    // The permission is given back; the person presses "Send queued now".
    sandbox.allow(TOKEN);
    desk.outbox.send_now(desk.clock().now_ms()).unwrap();
    delivery.wake();
    for _ in 0..ids.len() {
        until(&mut events, 10, "each delivery", delivered).await;
    }
    delivery.shutdown().await;
    assert_eq!(count(&sandbox, 403), 1);
    assert_eq!(sandbox.tickets().len(), 5);
}

#[tokio::test]
async fn no_token_is_not_a_refusal_and_a_keyring_that_answers_later_is_asked_again() {
    let sandbox = sandbox(Config::default()).await;
    let desk = Desk::new(&sandbox).await;
    let id = desk.enqueue("filed while the keyring was locked");
    let answer = Arc::new(Mutex::new(TokenLookup::Unavailable(
        "the keyring is locked".into(),
    )));
    let source = answer.clone();
    let tokens: TokenSource = Arc::new(move |_| source.lock().unwrap().clone());
    let config = DeliveryConfig {
        keyring_retry: Duration::from_millis(200),
        ..DeliveryConfig::default()
    };
    let delivery = desk.start_with(tokens, config);
    let mut events = delivery.subscribe();
    until(&mut events, 10, "the keyring status", |e| {
        matches!(e, Event::Status(DeliveryStatus::KeyringUnavailable { .. }))
    })
    .await;
    assert!(
        desk.outbox.pause(&desk.account).unwrap().is_none(),
        "nothing is persisted: the next start must not be stuck on it"
    );
    assert_eq!(count(&sandbox, 401), 0, "nothing was sent without a token");
    *answer.lock().unwrap() = TokenLookup::Found(Token::new(TOKEN).unwrap());
    until(
        &mut events,
        10,
        "delivery once the keyring answered",
        delivered,
    )
    .await;
    delivery.shutdown().await;
    assert_eq!(desk.state(&id), State::Delivered);
}

#[tokio::test]
async fn replies_that_will_never_succeed_need_attention_with_the_servers_words() {
    for status in [400, 405, 409, 413, 415, 302] {
        let faults = Faults {
            status_every: vec![StatusEvery { every: 1, status }],
            ..Faults::default()
        };
        let Case {
            sandbox,
            desk,
            id,
            delivery,
            mut events,
        } = one_ticket(faults, "misrouted").await;
        let reason = attention_reason(&mut events, 10).await;
        delivery.shutdown().await;
        assert!(
            reason.contains(&status.to_string()),
            "HTTP {status}: {reason}"
        );
        assert_eq!(desk.state(&id), State::NeedsAttention, "HTTP {status}");
        assert_eq!(
            count(&sandbox, status),
            1,
            "HTTP {status}: asked once, not for 30 days"
        );
    }
}

#[tokio::test]
async fn a_server_error_is_told_apart_from_being_offline() {
    let faults = Faults {
        fail_every: Some(1),
        ..Faults::default()
    };
    // The sandbox must stay up: bound, not dropped.
    let Case {
        sandbox: _running,
        delivery,
        mut events,
        ..
    } = one_ticket(faults, "server failing").await;
    let status = until(&mut events, 10, "a status after the attempt", |e| {
        matches!(
            e,
            Event::Status(DeliveryStatus::ServerError { .. } | DeliveryStatus::Offline { .. })
        )
    })
    .await;
    delivery.shutdown().await;
    assert!(
        matches!(status, Event::Status(DeliveryStatus::ServerError { .. })),
        "the server answered 500: it is up, not unreachable: {status:?}"
    );
}

#[tokio::test]
async fn the_thirty_days_count_from_the_first_failure_not_from_creation() {
    let sandbox = failing_sandbox().await;
    let desk = Desk::new(&sandbox).await;
    // Filed 40 days ago and kept waiting (signed out, say): never tried.
    let old = desk
        .outbox
        .enqueue(
            &desk.account,
            &doc_ticket(),
            desk.clock().now_ms() - 40 * DAY_MS,
        )
        .unwrap()
        .id;
    let delivery = desk.start(token());
    let mut events = delivery.subscribe();
    until(&mut events, 10, "its first retry", |e| {
        matches!(e, Event::WillRetry { .. })
    })
    .await;
    assert_eq!(
        desk.state(&old),
        State::Queued,
        "one failure is no reason to give up"
    );
    // 31 days of failing later (the wall clock jumps; no real time passes).
    desk.wall.jump(31 * DAY_MS);
    delivery.network_back();
    let reason = attention_reason(&mut events, 15).await;
    delivery.shutdown().await;
    assert!(
        reason.starts_with("not delivered after 30 days: server error 500"),
        "{reason}"
    );
}

#[tokio::test]
async fn an_engine_that_panics_starts_again_instead_of_stopping_silently() {
    let sandbox = sandbox(Config::default()).await;
    let desk = Desk::new(&sandbox).await;
    let id = desk.enqueue("filed before a bug bit");
    let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = calls.clone();
    let token = Token::new(TOKEN).unwrap();
    let tokens: TokenSource = Arc::new(move |_| {
        if counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
            panic!("a bug in the token source");
        }
        TokenLookup::Found(token.clone())
    });
    let delivery = desk.start(tokens);
    let mut events = delivery.subscribe();
    let Event::Status(DeliveryStatus::StorageError { reason }) =
        until(&mut events, 10, "the error reported", |e| {
            matches!(e, Event::Status(DeliveryStatus::StorageError { .. }))
        })
        .await
    else {
        unreachable!()
    };
    assert!(reason.contains("a bug in the token source"), "{reason}");
    until(&mut events, 10, "delivery after the restart", delivered).await;
    delivery.shutdown().await;
    assert_eq!(desk.state(&id), State::Delivered);
    assert_eq!(copies(&sandbox, &id), 1);
}

/// The reason of the next ticket that needs attention, within `secs` seconds.
async fn attention_reason(
    events: &mut tokio::sync::broadcast::Receiver<Event>,
    secs: u64,
) -> String {
    match until(events, secs, "a ticket that needs attention", |e| {
        matches!(e, Event::NeedsAttention { .. })
    })
    .await
    {
        Event::NeedsAttention { reason, .. } => reason,
        _ => unreachable!("until returns only what matches"),
    }
}

/// Found by the simulation (issue 17, seed 2881): a retry the engine was
/// waiting for, the wall clock then set back by hours, was waited for by
/// those hours (the engine napped until the wall clock caught up with the
/// old deadline), and a reply it still had to record with it. A deadline
/// further ahead than any wait the engine sets is now.
#[tokio::test]
async fn a_wall_clock_set_back_by_hours_does_not_hold_a_retry_back() {
    let sandbox = failing_sandbox().await;
    let desk = Desk::new(&sandbox).await;
    let id = desk.enqueue("filed before the clock was set back");
    let config = DeliveryConfig {
        backoff_base: Duration::from_secs(3),
        backoff_cap: Duration::from_secs(3),
        ..DeliveryConfig::default()
    };
    let delivery = desk.start_with(token(), config);
    let mut events = delivery.subscribe();
    until(&mut events, 10, "a retry", |e| {
        matches!(e, Event::WillRetry { .. })
    })
    .await;
    sandbox.set_faults(Faults::default());
    desk.wall.jump(-11 * 3_600_000);
    until(&mut events, 10, "the delivery, within seconds", delivered).await;
    assert_eq!(desk.state(&id), State::Delivered);
    delivery.shutdown().await;
}
