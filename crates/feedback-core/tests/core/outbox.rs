//! The outbox file: what it keeps, what it refuses, and how it survives a
//! corrupt file, a full disk and two processes.

use feedback_core::outbox::{DEFAULT_CAPACITY, Outbox, OutboxError, State};
use feedback_core::{FieldErrors, Ticket};

use crate::support::doc_ticket;

const ACCOUNT: &str = "http://127.0.0.1:1";
const LEASE: i64 = 5_000;

fn open(dir: &tempfile::TempDir) -> Outbox {
    Outbox::open(&dir.path().join("outbox.sqlite3")).unwrap()
}

fn delivered_ticket(number: &str) -> Ticket {
    serde_json::from_value(serde_json::json!({
        "id": 1, "ticket_number": number, "channel_id": 1, "subject": "s", "message": "m",
        "status": "open", "priority": "normal"
    }))
    .unwrap()
}

#[test]
fn a_ticket_survives_reopening_and_keeps_its_fields() {
    let dir = tempfile::tempdir().unwrap();
    let entry = open(&dir).enqueue(ACCOUNT, &doc_ticket(), 1_000).unwrap();
    assert_eq!(entry.state, State::Queued);
    assert_eq!(entry.id.len(), 36, "a UUID");
    let reopened = open(&dir);
    let listed = reopened.list().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].ticket, doc_ticket());
    assert_eq!(listed[0].next_attempt_at, 1_000, "due at once");
    assert_eq!(
        reopened.get(&entry.id[..6]).unwrap().id,
        entry.id,
        "a prefix finds it"
    );
}

#[test]
fn claims_go_oldest_first_and_results_are_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = open(&dir);
    let first = outbox.enqueue(ACCOUNT, &doc_ticket(), 1_000).unwrap();
    let second = outbox.enqueue(ACCOUNT, &doc_ticket(), 2_000).unwrap();
    let third = outbox.enqueue(ACCOUNT, &doc_ticket(), 3_000).unwrap();

    let claimed = outbox.claim(ACCOUNT, "me", 5_000, LEASE).unwrap().unwrap();
    assert_eq!(claimed.id, first.id);
    assert_eq!(claimed.state, State::Sending);
    outbox
        .record_delivered(&first.id, &delivered_ticket("TCK-000001"), 5_100)
        .unwrap();

    let claimed = outbox.claim(ACCOUNT, "me", 5_200, LEASE).unwrap().unwrap();
    assert_eq!(claimed.id, second.id);
    outbox
        .record_retry(&second.id, "server error", 60_000, true, false)
        .unwrap();

    let claimed = outbox.claim(ACCOUNT, "me", 5_300, LEASE).unwrap().unwrap();
    assert_eq!(
        claimed.id, third.id,
        "a ticket waiting for its retry does not block younger ones"
    );
    let mut errors = FieldErrors::new();
    errors.add("subject", "The subject field is required.");
    outbox
        .record_attention(&third.id, "rejected", &errors, true)
        .unwrap();

    assert!(
        outbox.claim(ACCOUNT, "me", 5_400, LEASE).unwrap().is_none(),
        "nothing else is due"
    );
    assert_eq!(outbox.next_due(ACCOUNT).unwrap(), Some(60_000));

    let delivered = outbox.get(&first.id).unwrap();
    assert_eq!(delivered.state, State::Delivered);
    assert_eq!(
        delivered.delivered.unwrap().ticket_number.as_deref(),
        Some("TCK-000001")
    );
    let retrying = outbox.get(&second.id).unwrap();
    assert_eq!(
        (retrying.attempts, retrying.last_error.as_deref()),
        (1, Some("server error"))
    );
    let attention = outbox.get(&third.id).unwrap();
    assert_eq!(attention.state, State::NeedsAttention);
    assert_eq!(attention.attention.unwrap().field_errors, errors);

    let summary = outbox.summary().unwrap();
    assert_eq!(
        (summary.queued, summary.delivered, summary.needs_attention),
        (1, 1, 1)
    );
}

#[test]
fn retry_and_discard() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = open(&dir);
    let entry = outbox.enqueue(ACCOUNT, &doc_ticket(), 1_000).unwrap();
    outbox.claim(ACCOUNT, "me", 1_000, LEASE).unwrap();
    assert!(
        matches!(
            outbox.discard(&entry.id),
            Err(OutboxError::WrongState { .. })
        ),
        "a ticket being sent cannot be discarded"
    );
    outbox
        .record_attention(&entry.id, "not found", &FieldErrors::new(), true)
        .unwrap();
    let retried = outbox.retry(&entry.id, 9_000).unwrap();
    assert_eq!(
        (retried.state, retried.next_attempt_at, retried.attention),
        (State::Queued, 9_000, None)
    );
    outbox.discard(&entry.id).unwrap();
    assert!(matches!(
        outbox.get(&entry.id),
        Err(OutboxError::NotFound(_))
    ));
}

#[test]
fn a_full_outbox_refuses_new_tickets_and_keeps_the_old() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = open(&dir).with_capacity(3);
    for at in 0..3 {
        outbox.enqueue(ACCOUNT, &doc_ticket(), at).unwrap();
    }
    let refused = outbox.enqueue(ACCOUNT, &doc_ticket(), 9).unwrap_err();
    assert!(matches!(refused, OutboxError::Full(3)), "{refused}");
    assert_eq!(
        outbox.list().unwrap().len(),
        3,
        "nothing was dropped to make room"
    );
    assert_eq!(DEFAULT_CAPACITY, 10_000);
}

#[test]
fn a_corrupt_file_is_moved_aside_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outbox.sqlite3");
    let garbage = b"this is not an SQLite database, but it may be somebody's tickets".repeat(100);
    std::fs::write(&path, &garbage).unwrap();
    let Err(OutboxError::Corrupt { moved_to, .. }) = Outbox::open(&path) else {
        panic!("a corrupt file is reported");
    };
    assert_eq!(
        std::fs::read(&moved_to).unwrap(),
        garbage,
        "the old file is kept byte for byte"
    );
    assert!(!path.exists());
    let fresh = Outbox::open(&path).unwrap();
    assert!(
        fresh.list().unwrap().is_empty(),
        "opening again starts a new outbox"
    );
}

#[test]
fn a_full_disk_is_an_error_at_submit_time() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = open(&dir);
    let kept = outbox.enqueue(ACCOUNT, &doc_ticket(), 0).unwrap();
    // SQLite's own page limit stands in for a full disk: the same SQLITE_FULL.
    outbox.limit_pages_for_tests(outbox.page_count_for_tests());
    let mut big = doc_ticket();
    big.message = "x".repeat(5000);
    let error = outbox.enqueue(ACCOUNT, &big, 1).unwrap_err();
    assert!(matches!(error, OutboxError::DiskFull), "{error}");
    assert!(error.to_string().contains("not saved"), "{error}");
    assert_eq!(outbox.list().unwrap().len(), 1);
    assert_eq!(
        outbox.get(&kept.id).unwrap().ticket,
        doc_ticket(),
        "earlier tickets are intact"
    );
}

#[test]
fn two_processes_never_claim_the_same_ticket() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (open(&dir), open(&dir));
    a.enqueue(ACCOUNT, &doc_ticket(), 0).unwrap();
    a.enqueue(ACCOUNT, &doc_ticket(), 1).unwrap();
    let claimed = a.claim(ACCOUNT, "a", 10, LEASE).unwrap();
    assert!(claimed.is_some());
    assert!(
        b.claim(ACCOUNT, "b", 10, LEASE).unwrap().is_none(),
        "a drains this account; b waits"
    );
    a.release_drainer(ACCOUNT, "a").unwrap();
    let taken_over = b.claim(ACCOUNT, "b", 20, LEASE).unwrap().unwrap();
    assert_eq!(
        taken_over.id,
        claimed.unwrap().id,
        "the ticket a left mid-attempt comes first"
    );
    let after = b.get(&taken_over.id).unwrap();
    assert_eq!(after.state, State::Sending);
}

#[test]
fn a_dead_drainers_ticket_is_retried_as_a_possible_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let (dead, alive) = (open(&dir), open(&dir));
    let entry = dead.enqueue(ACCOUNT, &doc_ticket(), 0).unwrap();
    dead.claim(ACCOUNT, "dead", 0, LEASE).unwrap().unwrap();
    drop(dead);
    assert!(
        alive
            .claim(ACCOUNT, "alive", LEASE - 1, LEASE)
            .unwrap()
            .is_none(),
        "the lease holds"
    );
    let reclaimed = alive
        .claim(ACCOUNT, "alive", LEASE + 1, LEASE)
        .unwrap()
        .unwrap();
    assert_eq!(reclaimed.id, entry.id);
    alive
        .record_delivered(&entry.id, &delivered_ticket("TCK-000009"), LEASE + 2)
        .unwrap();
    let delivered = alive.get(&entry.id).unwrap().delivered.unwrap();
    assert!(
        delivered.possible_duplicate,
        "the dead process may have sent it"
    );
}
