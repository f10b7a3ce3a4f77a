//! Killed drains and concurrent drains: nothing lost, the file intact, and
//! no ticket sent twice except where a process died mid-attempt (and then
//! the ticket says so).

use std::collections::HashMap;
use std::time::Duration;

use feedback_sandbox::{Config, Faults, RateLimit, Sandbox};

use crate::support::{Feedback, TOKEN, sandbox};

const TICKETS: usize = 30;

/// Queues `TICKETS` tickets without delivering any (`--wait 0`).
async fn queue(cli: &Feedback, base: &str) {
    for i in 0..TICKETS {
        let subject = format!("ticket {i}");
        let args = [
            "submit",
            "--channel",
            "feedback",
            "--subject",
            &subject,
            "--message",
            "m",
            "--wait",
            "0",
        ];
        let run = cli.run(base, Some(TOKEN), &args).await;
        assert_eq!(run.code(), 5, "queued without an attempt: {run:?}");
    }
}

fn slow_sandbox() -> Config {
    Config {
        rate_limit: RateLimit {
            max: 10_000,
            window: Duration::from_secs(300),
        },
        faults: Faults {
            latency: Duration::from_millis(40),
            ..Faults::default()
        },
        ..Config::default()
    }
}

fn copies_by_key(sandbox: &Sandbox) -> HashMap<String, usize> {
    let mut copies = HashMap::new();
    for stored in sandbox.tickets() {
        *copies.entry(stored.idempotency_key.unwrap()).or_default() += 1;
    }
    copies
}

fn outbox_json(cli: &Feedback) -> Vec<serde_json::Value> {
    let connection = rusqlite::Connection::open(cli.outbox_path()).unwrap();
    let check: String = connection
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(check, "ok", "the outbox file is intact");
    drop(connection);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_feedback"))
        .args(["outbox", "list", "--json"])
        .env("FEEDBACK_OUTBOX", cli.outbox_path())
        .output()
        .unwrap();
    serde_json::from_slice::<serde_json::Value>(&output.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn drains_killed_at_random_moments_lose_nothing() {
    let sandbox = sandbox(slow_sandbox()).await;
    let base = sandbox.base_url();
    let cli = Feedback::new();
    queue(&cli, &base).await;
    let mut rng = fastrand::Rng::with_seed(2026);
    let mut kills = 0;
    for _ in 0..12 {
        let mut child = cli
            .command(&base, Some(TOKEN), &["outbox", "drain"])
            .spawn()
            .unwrap();
        tokio::time::sleep(Duration::from_millis(rng.u64(30..250))).await;
        if child.try_wait().unwrap().is_none() {
            child.start_kill().unwrap(); // SIGKILL
            kills += 1;
        }
        child.wait().await.unwrap();
    }
    assert!(kills >= 5, "the drains were killed mid-way: {kills}");

    let finish = cli
        .run(&base, Some(TOKEN), &["outbox", "drain", "--timeout", "60"])
        .await;
    assert_eq!(finish.code(), 0, "{finish:?}");

    let entries = outbox_json(&cli);
    assert_eq!(entries.len(), TICKETS, "nothing lost");
    let copies = copies_by_key(&sandbox);
    for entry in &entries {
        assert_eq!(entry["state"], "delivered", "{entry}");
        let id = entry["id"].as_str().unwrap();
        let count = copies.get(id).copied().unwrap_or(0);
        assert!(count >= 1, "the server has {id}");
        assert!(
            count == 1 || entry["delivered"]["possibleDuplicate"] == true,
            "a second copy only for a ticket a killed drain was sending, and flagged: {entry}"
        );
    }
    let duplicates: usize = copies.values().map(|n| n - 1).sum();
    assert!(
        duplicates <= kills,
        "at most one duplicate per kill: {duplicates} > {kills}"
    );
}

#[tokio::test]
async fn two_drains_at_once_send_each_ticket_once() {
    let sandbox = sandbox(slow_sandbox()).await;
    let base = sandbox.base_url();
    let cli = Feedback::new();
    queue(&cli, &base).await;
    let (first, second) = tokio::join!(
        cli.command(&base, Some(TOKEN), &["outbox", "drain", "--timeout", "60"])
            .output(),
        cli.command(&base, Some(TOKEN), &["outbox", "drain", "--timeout", "60"])
            .output(),
    );
    assert!(first.unwrap().status.success());
    assert!(second.unwrap().status.success());
    let copies = copies_by_key(&sandbox);
    assert_eq!(copies.len(), TICKETS);
    assert!(
        copies.values().all(|n| *n == 1),
        "no ticket sent twice: {copies:?}"
    );
    assert!(outbox_json(&cli).iter().all(|e| e["state"] == "delivered"));
}

/// Defect (issue 17): a sender killed in the middle of a send left its
/// ticket "being sent" for ever when no process with a token came to take
/// it over (signed out, another server's ticket): Retry and Discard
/// refused it. Once its claim has lapsed it is an interrupted ticket, in
/// the person's reach again.
#[tokio::test]
async fn a_ticket_whose_sender_was_killed_mid_send_can_be_retried_and_discarded_without_a_token() {
    let sandbox = sandbox(Config {
        faults: Faults {
            stall_every: Some(1),
            ..Faults::default()
        },
        ..Config::default()
    })
    .await;
    let base = sandbox.base_url();
    let cli = Feedback::new();
    let submit = [
        "submit",
        "--channel",
        "feedback",
        "--subject",
        "s",
        "--message",
        "m",
        "--wait",
        "30",
    ];
    // Filed, sent, and the sender killed while the server holds the request.
    killed_mid_send(&cli, &base, &sandbox, &submit, 1).await;
    let id = sending(&cli).pop().unwrap();
    // The claim lapses (5 s); nobody with a token is there to take it over.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let retried = cli.run(&base, None, &["outbox", "retry", &id]).await;
    assert_eq!(retried.code(), 0, "{retried:?}");
    assert_eq!(outbox_json(&cli)[0]["state"], "queued");
    // Again, from a drain, and then discarded.
    killed_mid_send(&cli, &base, &sandbox, &["outbox", "drain"], 2).await;
    tokio::time::sleep(Duration::from_secs(6)).await;
    let discarded = cli.run(&base, None, &["outbox", "discard", &id]).await;
    assert_eq!(discarded.code(), 0, "{discarded:?}");
    assert!(outbox_json(&cli).is_empty());
}

/// Runs `feedback ARGS` until its `stalls`th request stalls at the server
/// with a ticket being sent, then kills it.
async fn killed_mid_send(
    cli: &Feedback,
    base: &str,
    sandbox: &Sandbox,
    args: &[&str],
    stalls: u64,
) {
    let mut child = cli.command(base, Some(TOKEN), args).spawn().unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while sandbox.stats().stalled < stalls || sending(cli).is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the send started: {:?}",
            sandbox.stats()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.start_kill().unwrap();
    child.wait().await.unwrap();
}

/// The ids of the tickets being sent.
fn sending(cli: &Feedback) -> Vec<String> {
    let Ok(connection) = rusqlite::Connection::open(cli.outbox_path()) else {
        return Vec::new();
    };
    let Ok(mut statement) = connection.prepare("SELECT id FROM tickets WHERE state = 'sending'")
    else {
        return Vec::new();
    };
    statement
        .query_map([], |row| row.get(0))
        .map(|rows| rows.filter_map(Result::ok).collect())
        .unwrap_or_default()
}
