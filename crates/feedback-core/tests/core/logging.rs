//! The engine's log, as `log` records (no tracing subscriber is installed,
//! as in the app, whose log plugin is a `log` logger): it says what the
//! engine did, by ticket id and HTTP status, and never a token or a
//! ticket's text, at any level.
//!
//! The logger is the process's, so it also hears the other tests' engines;
//! what is asserted holds for all of them.

use std::sync::{Arc, Mutex};

use feedback_core::delivery::Clock;
use feedback_core::outbox::Outbox;
use feedback_core::{ApiBase, Token};
use feedback_sandbox::{Config, TokenSpec};

use crate::support::{Until, doc_ticket, run_engine_until, sandbox};

/// Every record any test logged, as `LEVEL message`.
struct Capture(Mutex<Vec<String>>);

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        let line = format!("{} {}", record.level(), record.args());
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(line);
    }

    fn flush(&self) {}
}

static CAPTURE: Capture = Capture(Mutex::new(Vec::new()));

fn records() -> Vec<String> {
    CAPTURE
        .0
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone()
}

const TOKEN: &str = "log-s3cret-token";
const WRONG: &str = "log-s3cret-wrong";
const SUBJECT: &str = "Confidential merger plans";
const MESSAGE: &str = "Details of the merger with Example Ltd.";

#[tokio::test]
async fn the_engine_logs_what_it_did_and_never_a_token_or_ticket_text() {
    // Only this test sets it; a second call would fail, harmlessly.
    let _ = log::set_logger(&CAPTURE);
    log::set_max_level(log::LevelFilter::Trace);
    let sandbox = sandbox(Config {
        tokens: vec![TokenSpec {
            token: TOKEN.into(),
            user_id: None,
        }],
        ..Config::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let outbox = Arc::new(Outbox::open(&dir.path().join("outbox.sqlite3")).unwrap());
    let base = ApiBase::parse(&sandbox.base_url()).unwrap();
    let origin = base.origin();
    let mut ticket = doc_ticket();
    ticket.subject = SUBJECT.into();
    ticket.message = MESSAGE.into();
    let now = Clock::system().now_ms();
    let delivered = outbox.enqueue(&origin, &ticket, now).unwrap().id;
    run_engine_until(&outbox, &base, TOKEN, Until::Delivered).await;

    let refused = outbox.enqueue(&origin, &ticket, now).unwrap().id;
    run_engine_until(&outbox, &base, WRONG, Until::Refused).await;

    let records = records();
    let all = records.join("\n");
    let has = |level: &str, parts: &[&str]| {
        records
            .iter()
            .any(|r| r.starts_with(level) && parts.iter().all(|part| r.contains(part)))
    };
    assert!(has("INFO", &["delivery engine started", &origin]), "{all}");
    assert!(has("INFO", &["delivery engine stopped", &origin]), "{all}");
    assert!(
        has(
            "INFO",
            &["attempt recorded", &delivered, "Delivered", "200"]
        ),
        "each attempt's class and status by ticket id: {all}"
    );
    assert!(
        has(
            "INFO",
            &["attempt recorded", &refused, "SignInNeeded", "401"]
        ),
        "{all}"
    );
    assert!(has("INFO", &["queue paused", &origin]), "{all}");
    assert!(
        has("DEBUG", &["pacing", &origin]),
        "pacing decisions: {all}"
    );

    let fingerprints = [TOKEN, WRONG].map(|t| Token::new(t).unwrap().fingerprint());
    for secret in [TOKEN, WRONG, SUBJECT, MESSAGE, "merger", "s3cret"]
        .into_iter()
        .chain(fingerprints.iter().map(String::as_str))
    {
        assert!(!all.contains(secret), "{secret:?} was logged:\n{all}");
    }
}
