//! A long sent history, put into an outbox the way the engine puts it
//! there (enqueue, claim, record a delivery), so the rows and indexes are
//! the app's. Shared by the core's history benchmark and the window's.

use feedback_core::outbox::{AccountUpdate, AttemptResult, Outbox};
use feedback_core::{NewTicket, Priority, Ticket, TicketType};

/// One in eight subjects mentions a printer: the text search's hits
/// (tickets 8k + 4).
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

/// Who holds the account's drainer lease while filling.
const OWNER: &str = "history-bench";

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

/// The server's copy, as the sandbox would return it: number `TCK-{i + 1}`.
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

/// Puts `tickets` delivered tickets of `account` into `outbox`, one a
/// minute from `first_at` (Unix ms), oldest first.
pub(crate) fn fill(outbox: &Outbox, account: &str, tickets: usize, first_at: i64) {
    for i in 0..tickets {
        let at = first_at + i as i64 * 60_000;
        let sent = ticket(i);
        outbox.enqueue(account, &sent, at).expect("enqueued");
        let claim = outbox
            .claim(account, OWNER, at, 60_000)
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
    outbox
        .release_drainer(account, OWNER)
        .expect("the lease released");
}
