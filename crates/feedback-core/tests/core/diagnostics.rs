//! The diagnostics report of an outbox the sandbox has answered: a
//! delivery, a refused token and an unreadable stored ticket. It says what
//! support needs, one item a line, and none of the tokens or the tickets'
//! text is in it, as text or as JSON.

use std::sync::Arc;

use feedback_core::delivery::Clock;
use feedback_core::diagnostics::iso8601;
use feedback_core::outbox::{Outbox, State};
use feedback_core::{ApiBase, Diagnostics, KeyringState, Token};
use feedback_sandbox::{Config, TokenSpec};

use crate::support::{Until, doc_ticket, run_engine_until, sandbox};

const GOOD_TOKEN: &str = "diag-s3cret-good-token";
const OLD_TOKEN: &str = "diag-s3cret-old-token";
const SECRETS: [&str; 5] = [
    "Quarterly payroll of J. Doe",
    "Salary details for J. Doe",
    "Second confidential subject",
    "Garbled payroll note",
    "s3cret",
];

#[tokio::test]
async fn the_report_says_what_support_needs_and_no_token_or_ticket_text() {
    let sandbox = sandbox(Config {
        tokens: vec![TokenSpec {
            token: GOOD_TOKEN.into(),
            user_id: None,
        }],
        ..Config::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outbox.sqlite3");
    let outbox = Arc::new(Outbox::open(&path).unwrap());
    let base = ApiBase::parse(&sandbox.base_url()).unwrap();
    let origin = base.origin();
    let now = || Clock::system().now_ms();

    let mut ticket = doc_ticket();
    ticket.subject = "Quarterly payroll of J. Doe".into();
    ticket.message = "Salary details for J. Doe are wrong.".into();
    let delivered = outbox.enqueue(&origin, &ticket, now()).unwrap().id;
    let garbled = outbox.enqueue(&origin, &doc_ticket(), now()).unwrap().id;
    {
        // Another program (or a bad sector) wrote over one row's ticket.
        let raw = rusqlite::Connection::open(&path).unwrap();
        raw.execute(
            "UPDATE tickets SET ticket = '{\"subject\": \"Garbled payroll note' WHERE id = ?1",
            [&garbled],
        )
        .unwrap();
    }
    run_engine_until(&outbox, &base, GOOD_TOKEN, Until::Delivered).await;
    assert_eq!(outbox.get(&delivered).unwrap().state, State::Delivered);

    ticket.subject = "Second confidential subject".into();
    outbox.enqueue(&origin, &ticket, now()).unwrap();
    let status = run_engine_until(&outbox, &base, OLD_TOKEN, Until::Refused).await;

    let at = now();
    let report = Diagnostics::gather(
        &outbox,
        Ok(&base),
        KeyringState::HasToken,
        status.as_ref(),
        "9.9.9",
        at,
    );
    let text = report.to_text();
    let json = serde_json::to_string(&report).unwrap();
    let fingerprints = [GOOD_TOKEN, OLD_TOKEN].map(|t| Token::new(t).unwrap().fingerprint());
    for secret in SECRETS
        .iter()
        .copied()
        .chain(fingerprints.iter().map(String::as_str))
    {
        assert!(!text.contains(secret), "{secret:?} in the text:\n{text}");
        assert!(!json.contains(secret), "{secret:?} in the JSON:\n{json}");
    }

    let lines: Vec<&str> = text.lines().collect();
    let line = |start: &str| {
        lines
            .iter()
            .find(|line| line.starts_with(start))
            .unwrap_or_else(|| panic!("no line starting {start:?}:\n{text}"))
            .to_string()
    };
    assert!(
        line("Wemasy Feedback 9.9.9 on ").contains(std::env::consts::OS),
        "{text}"
    );
    assert_eq!(line("Gathered: "), format!("Gathered: {}", iso8601(at)));
    assert_eq!(
        line("API base: "),
        format!("API base: {base} (not production)")
    );
    assert_eq!(
        line("Keyring: "),
        "Keyring: a token is stored for this server"
    );
    assert_eq!(line("Outbox: "), format!("Outbox: {}", path.display()));
    assert_eq!(
        line("Tickets for "),
        format!("Tickets for {origin}: 1 queued, 0 being sent, 1 needing attention, 1 delivered")
    );
    let rate = line("Rate limit for ");
    assert!(rate.contains("9 of 10 left, whole again at "), "{rate}");
    assert!(
        rate.contains("paused: the server refused the token (Unauthenticated.)"),
        "{rate}"
    );
    assert!(
        rate.contains("token not accepted since the last refusal"),
        "{rate}"
    );
    assert!(
        line("Delivery: ").starts_with("Delivery: sign-in needed"),
        "{text}"
    );
    let errors: Vec<&&str> = lines
        .iter()
        .filter(|l| l.starts_with("Error at "))
        .collect();
    assert_eq!(
        errors.len(),
        2,
        "the refusal and the unreadable ticket:\n{text}"
    );
    assert!(
        errors[0].contains("the API token was not accepted"),
        "newest first: {errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|l| l.contains("cannot be read (") && !l.contains("Garbled payroll note")),
        "the unreadable ticket is named by its problem, not its text: {errors:?}"
    );
    assert!(
        lines.iter().all(|line| !line.trim().is_empty()),
        "one item a line, no blank ones:\n{text}"
    );
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["keyring"]["kind"], "hasToken");
    assert_eq!(json["rateLimits"][0]["quota"]["remaining"], 9);
    assert_eq!(json["rateLimits"][0]["pause"]["kind"], "refused");
    assert_eq!(json["status"]["kind"], "signInNeeded");
}
