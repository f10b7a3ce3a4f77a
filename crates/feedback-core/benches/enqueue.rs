//! Enqueue latency: a durable `Outbox::enqueue` (WAL, `synchronous=FULL`,
//! capacity check, UUID, JSON) beside a plain SQLite insert of the same row
//! with the same durability, in the same run on the same disk.
//!
//!     cargo bench -p feedback-core --bench enqueue
//!
//! `ENQUEUE_SAMPLES` (default 500) sets the number of inserts of each kind.

use std::time::{Duration, Instant};

use feedback_core::NewTicket;
use feedback_core::outbox::Outbox;
use rusqlite::{Connection, params};

fn ticket() -> NewTicket {
    NewTicket {
        channel_slug: "feedback".into(),
        subject: "Cannot connect my Google Ads account".into(),
        message: "I have been trying to connect my Google Ads account but keep getting an error."
            .into(),
        priority: None,
        rating: Some(5),
        kind: None,
        tool_key: Some("ads_protection".into()),
        page: None,
        user_agent: None,
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[index]
}

fn report(name: &str, mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    let (p50, p99) = (percentile(&samples, 0.50), percentile(&samples, 0.99));
    println!(
        "  {name:<22} p50 {:>8.3} ms   p99 {:>8.3} ms",
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3
    );
    (p50, p99)
}

fn main() {
    let samples: usize = std::env::var("ENQUEUE_SAMPLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let dir = tempfile::tempdir().expect("a temporary directory");

    let outbox = Outbox::open(&dir.path().join("outbox.sqlite3")).expect("the outbox opens");
    let json = serde_json::to_string(&ticket()).expect("JSON");
    let mut durable = Vec::with_capacity(samples);
    for i in 0..samples {
        let started = Instant::now();
        outbox
            .enqueue("https://api.wemasy.nl", &ticket(), i as i64)
            .expect("enqueued");
        durable.push(started.elapsed());
    }

    let plain = Connection::open(dir.path().join("plain.sqlite3")).expect("SQLite opens");
    plain
        .pragma_update(None, "journal_mode", "WAL")
        .expect("WAL");
    plain
        .pragma_update(None, "synchronous", "FULL")
        .expect("FULL");
    plain
        .execute_batch(
            "CREATE TABLE t (id TEXT PRIMARY KEY, account TEXT, ticket TEXT, created_at INTEGER)",
        )
        .expect("a table");
    let mut baseline = Vec::with_capacity(samples);
    for i in 0..samples {
        let started = Instant::now();
        plain
            .execute(
                "INSERT INTO t VALUES (?1, ?2, ?3, ?4)",
                params![format!("{i:036}"), "https://api.wemasy.nl", json, i as i64],
            )
            .expect("inserted");
        baseline.push(started.elapsed());
    }

    println!("enqueue: {samples} durable inserts each");
    let (outbox_p50, outbox_p99) = report("Outbox::enqueue", durable);
    let (plain_p50, plain_p99) = report("plain SQLite insert", baseline);
    println!(
        "  ratio                  p50 {:>8.2}x     p99 {:>8.2}x",
        outbox_p50.as_secs_f64() / plain_p50.as_secs_f64(),
        outbox_p99.as_secs_f64() / plain_p99.as_secs_f64()
    );
}
