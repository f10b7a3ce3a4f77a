//! Drain efficiency: 100 queued tickets against the sandbox at a rate limit
//! of 10 per 3 s. The least time the limit allows is (⌈N/L⌉ − 1) · W (the
//! last window's requests go at once); this reports the actual time over
//! that ideal, and how many 429s the server sent.
//!
//!     cargo bench -p feedback-core --bench drain
//!
//! Options (environment): `DRAIN_TICKETS` (100), `DRAIN_LIMIT` (10),
//! `DRAIN_WINDOW_SECS` (3), `DRAIN_KNOWN_WINDOW=1` (tell the engine the window
//! rather than let it learn it from a 429).

use std::sync::Arc;
use std::time::{Duration, Instant};

use feedback_core::delivery::{Clock, TokenLookup, TokenSource};
use feedback_core::outbox::{Outbox, State};
use feedback_core::{ApiBase, Client, ClientConfig, Delivery, DeliveryConfig, NewTicket, Token};
use feedback_sandbox::{Config, RateLimit, Sandbox};

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let tickets: usize = env_or("DRAIN_TICKETS", 100);
    let limit: u32 = env_or("DRAIN_LIMIT", 10);
    let window = Duration::from_secs_f64(env_or("DRAIN_WINDOW_SECS", 3.0));

    let sandbox = Sandbox::start(Config {
        rate_limit: RateLimit { max: limit, window },
        ..Config::default()
    })
    .await
    .expect("the sandbox starts");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let outbox =
        Arc::new(Outbox::open(&dir.path().join("outbox.sqlite3")).expect("the outbox opens"));
    let base = ApiBase::parse(&sandbox.base_url()).expect("a loopback base");
    let clock = Clock::system();
    for i in 0..tickets {
        let ticket = NewTicket {
            channel_slug: "feedback".into(),
            subject: format!("Bench ticket {i}"),
            message: "Queued while offline.".into(),
            priority: None,
            rating: None,
            kind: None,
            tool_key: None,
            page: None,
            user_agent: None,
        };
        outbox
            .enqueue(&base.origin(), &ticket, clock.now_ms())
            .expect("enqueued");
    }

    let client = Client::new(base, &ClientConfig::default()).expect("a client");
    let token = Token::new("demo-token").expect("a token");
    let tokens: TokenSource = Arc::new(move |_| TokenLookup::Found(token.clone()));
    let mut config = DeliveryConfig::default();
    // By default the engine learns the window from the server, as the app
    // and the CLI do; DRAIN_KNOWN_WINDOW=1 tells it the window instead.
    let known = std::env::var_os("DRAIN_KNOWN_WINDOW").is_some();
    if known {
        config.pacing.window = Some(window);
    }
    let started = Instant::now();
    let delivery = Delivery::start(config, outbox.clone(), client, tokens, clock);
    loop {
        let summary = outbox.summary().expect("a summary");
        if summary.delivered == tickets {
            break;
        }
        assert_eq!(summary.needs_attention, 0, "nothing should be refused");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let elapsed = started.elapsed();
    delivery.shutdown().await;

    let windows = tickets.div_ceil(limit as usize);
    let ideal = window * (windows as u32 - 1);
    let stats = sandbox.stats();
    let rate_limited = stats.by_status.get(&429).copied().unwrap_or(0);
    assert_eq!(sandbox.tickets().len(), tickets, "each ticket stored once");
    assert!(
        outbox
            .list()
            .expect("a list")
            .iter()
            .all(|e| e.state == State::Delivered)
    );
    println!(
        "drain: {tickets} tickets at {limit}/{:.1}s",
        window.as_secs_f64()
    );
    println!("  actual   {:>8.2} s", elapsed.as_secs_f64());
    println!("  ideal    {:>8.2} s  ((⌈N/L⌉−1)·W)", ideal.as_secs_f64());
    println!(
        "  ratio    {:>8.3}",
        elapsed.as_secs_f64() / ideal.as_secs_f64()
    );
    println!("  429s     {rate_limited:>8}  (in {windows} windows)");
    println!("  requests {:>8}", stats.requests);
}
