//! The sent history on a long record: 10,000 delivered tickets (more than
//! 90 days of a busy desk), each put there through the real API (enqueue,
//! claim, record a delivery, so the rows and indexes are the app's), then
//! the queries a history view makes, timed over many runs: the first page
//! with no search, a search by ticket number, and a text search; and what
//! opening the file at the app's start costs.
//!
//!     cargo bench -p feedback-core --bench history
//!
//! `HISTORY_TICKETS` (10000) and `HISTORY_RUNS` (50) change the sizes.

use std::time::{Duration, Instant};

#[path = "common/fill.rs"]
mod fill;

use feedback_core::outbox::{Outbox, SentQuery};

use crate::fill::fill;

const ACCOUNT: &str = "https://api.wemasy.nl";
const T0: i64 = 1_800_000_000_000;

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[index]
}

fn measure(outbox: &Outbox, name: &str, query: &SentQuery, runs: usize) {
    let mut samples = Vec::with_capacity(runs);
    let mut found = None;
    for _ in 0..runs {
        let started = Instant::now();
        let page = outbox.sent(query).expect("a page");
        samples.push(started.elapsed());
        found = Some((page.items.len(), page.total));
    }
    samples.sort();
    let (items, total) = found.unwrap_or_default();
    println!(
        "  {name:<26} median {:>8.3} ms   p95 {:>8.3} ms   ({items} shown of {total})",
        percentile(&samples, 0.50).as_secs_f64() * 1e3,
        percentile(&samples, 0.95).as_secs_f64() * 1e3,
    );
}

fn main() {
    let tickets: usize = env_or("HISTORY_TICKETS", 10_000);
    let runs: usize = env_or("HISTORY_RUNS", 50);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("outbox.sqlite3");
    let outbox = Outbox::open(&path).expect("the outbox opens");
    let started = Instant::now();
    fill(&outbox, ACCOUNT, tickets, T0);
    let filled = started.elapsed();
    assert_eq!(outbox.summary().expect("a summary").delivered, tickets);

    let size: u64 = ["", "-wal"]
        .iter()
        .filter_map(|suffix| std::fs::metadata(format!("{}{suffix}", path.display())).ok())
        .map(|metadata| metadata.len())
        .sum();
    println!(
        "history: {tickets} delivered tickets (filled through enqueue + claim + record in {:.1} s; \
         the file and its WAL {:.1} MiB), {runs} runs each",
        filled.as_secs_f64(),
        size as f64 / (1024.0 * 1024.0)
    );
    let search = |text: &str| SentQuery {
        search: text.into(),
        ..SentQuery::default()
    };
    measure(
        &outbox,
        "first page (50), no search",
        &SentQuery::default(),
        runs,
    );
    let number = format!("TCK-{:06}", tickets * 43 / 100);
    measure(&outbox, "search by ticket number", &search(&number), runs);
    measure(&outbox, "text search \"printer\"", &search("printer"), runs);
    let one_account = SentQuery {
        account: Some(ACCOUNT.into()),
        ..SentQuery::default()
    };
    measure(&outbox, "first page, one account", &one_account, runs);

    // What every start of the app pays for this file: opening it (WAL,
    // `PRAGMA quick_check` over every page, the schema check), page cache warm.
    drop(outbox);
    let mut opens: Vec<Duration> = (0..runs.min(20))
        .map(|_| {
            let started = Instant::now();
            let outbox = Outbox::open(&path).expect("the outbox opens again");
            let took = started.elapsed();
            drop(outbox);
            took
        })
        .collect();
    opens.sort();
    println!(
        "  {:<26} median {:>8.3} ms   p95 {:>8.3} ms",
        "open (quick_check)",
        percentile(&opens, 0.50).as_secs_f64() * 1e3,
        percentile(&opens, 0.95).as_secs_f64() * 1e3,
    );
}
