//! The sent history on a long record: 10,000 delivered tickets (more than
//! 90 days of a busy desk), each put there through the real API (enqueue,
//! claim, record a delivery, so the rows and indexes are the app's), then
//! the queries a history view makes, timed over many runs: the first page
//! with no search, a search by ticket number, and a text search.
//!
//!     cargo bench -p feedback-core --bench history
//!
//! `HISTORY_TICKETS` (10000) and `HISTORY_RUNS` (50) change the sizes.

use std::time::{Duration, Instant};

use feedback_core::outbox::{AccountUpdate, AttemptResult, Outbox, SentQuery};
use feedback_core::{NewTicket, Priority, Ticket, TicketType};

const ACCOUNT: &str = "https://api.wemasy.nl";
const T0: i64 = 1_800_000_000_000;

/// One in eight subjects mentions a printer: the text search's hits.
const SUBJECTS: [&str; 8] = [
    "Cannot connect my Google Ads account",
    "Invoice total is off by a cent",
    "Login page keeps loading",
    "Export to CSV is slow",
    "Printer on floor 2 jams",
    "Dashboard shows yesterday's numbers",
    "Password reset mail never arrives",
    "Report builder crashes on save",
];

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn ticket(i: usize) -> NewTicket {
    NewTicket {
        channel_slug: if i.is_multiple_of(3) {
            "support"
        } else {
            "feedback"
        }
        .into(),
        subject: format!("{} ({i})", SUBJECTS[i % SUBJECTS.len()]),
        message: format!(
            "Reported by desk {}. It started this morning and happens every time; \
             steps: open the page, wait, click the button. Ticket {i} of the benchmark.",
            i % 17
        ),
        priority: Some(Priority::ALL[i % Priority::ALL.len()]),
        rating: None,
        kind: Some(TicketType::ALL[i % TicketType::ALL.len()]),
        tool_key: i.is_multiple_of(2).then(|| format!("tool_{}", i % 11)),
        page: None,
        user_agent: None,
    }
}

/// The server's copy, as the sandbox would return it.
fn created(i: usize, sent: &NewTicket) -> Ticket {
    Ticket {
        id: i as u64 + 1,
        ticket_number: Some(format!("TCK-{:06}", i + 1)),
        channel_id: 1,
        subject: sent.subject.clone(),
        message: sent.message.clone(),
        status: "open".into(),
        priority: "normal".into(),
        ..Ticket::default()
    }
}

fn fill(outbox: &Outbox, tickets: usize) {
    for i in 0..tickets {
        let at = T0 + i as i64 * 60_000;
        let sent = ticket(i);
        outbox.enqueue(ACCOUNT, &sent, at).expect("enqueued");
        let claim = outbox
            .claim(ACCOUNT, "bench", at, 5_000)
            .expect("a claim")
            .expect("the ticket just queued");
        let result = AttemptResult::Delivered {
            ticket: Some(Box::new(created(i, &sent))),
            note: None,
        };
        let recorded = outbox
            .record(&claim, &result, &AccountUpdate::default(), at + 400)
            .expect("recorded");
        assert!(recorded, "the claim holds");
    }
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
    fill(&outbox, tickets);
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
}
