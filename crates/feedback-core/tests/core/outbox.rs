//! The outbox file: what it keeps, what it refuses, and how it survives a
//! corrupt file, a full disk and two processes.

use feedback_core::outbox::{
    AccountUpdate, AttemptResult, Claim, DEFAULT_CAPACITY, FileCheck, Outbox, OutboxError, State,
};
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

fn delivered(outbox: &Outbox, claim: &Claim, number: &str, now: i64) -> bool {
    let result = AttemptResult::Delivered {
        ticket: Some(Box::new(delivered_ticket(number))),
        note: None,
    };
    outbox
        .record(claim, &result, &AccountUpdate::default(), now)
        .unwrap()
}

fn retry(error: &str, at: i64) -> AttemptResult {
    AttemptResult::Retry {
        error: error.to_owned(),
        at,
        attempted: true,
        may_have_arrived: false,
        failed: true,
    }
}

fn attention(reason: &str, errors: &FieldErrors) -> AttemptResult {
    AttemptResult::Attention {
        reason: reason.to_owned(),
        errors: errors.clone(),
        attempted: true,
    }
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
    assert_eq!(claimed.entry.id, first.id);
    assert_eq!(claimed.entry.state, State::Sending);
    assert!(delivered(&outbox, &claimed, "TCK-000001", 5_100));

    let claimed = outbox.claim(ACCOUNT, "me", 5_200, LEASE).unwrap().unwrap();
    assert_eq!(claimed.entry.id, second.id);
    let update = AccountUpdate::default();
    outbox
        .record(&claimed, &retry("server error", 60_000), &update, 5_250)
        .unwrap();

    let claimed = outbox.claim(ACCOUNT, "me", 5_300, LEASE).unwrap().unwrap();
    assert_eq!(
        claimed.entry.id, third.id,
        "a ticket waiting for its retry does not block younger ones"
    );
    let mut errors = FieldErrors::new();
    errors.add("subject", "The subject field is required.");
    outbox
        .record(&claimed, &attention("rejected", &errors), &update, 5_350)
        .unwrap();

    assert!(
        outbox.claim(ACCOUNT, "me", 5_400, LEASE).unwrap().is_none(),
        "nothing else is due"
    );
    assert_eq!(outbox.next_due(ACCOUNT, 0).unwrap(), Some(60_000));

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
    assert_eq!(
        retrying.first_failed_at,
        Some(5_250),
        "the give-up time counts from the first failure"
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

/// Defect (issue 17): a ticket delivered while its Discard confirmation
/// was open was discarded all the same, its record and ticket number gone.
/// A delivered ticket is never discarded: the server has it.
#[test]
fn a_ticket_delivered_while_its_discard_was_being_confirmed_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = open(&dir);
    let entry = outbox.enqueue(ACCOUNT, &doc_ticket(), 1_000).unwrap();
    // The person opens the confirmation; the ticket is queued.
    assert_eq!(outbox.get(&entry.id).unwrap().state, State::Queued);
    // Meanwhile it goes.
    let claim = outbox.claim(ACCOUNT, "app", 1_500, LEASE).unwrap().unwrap();
    assert!(delivered(&outbox, &claim, "TCK-000042", 1_600));
    // The person confirms.
    let refused = outbox.discard(&entry.id);
    assert!(
        matches!(&refused, Err(OutboxError::Delivered { number, .. }) if number.as_deref() == Some("TCK-000042")),
        "{refused:?}"
    );
    let kept = outbox.get(&entry.id).unwrap();
    assert_eq!(kept.state, State::Delivered);
    assert_eq!(
        kept.delivered.and_then(|d| d.ticket_number).as_deref(),
        Some("TCK-000042")
    );
}

#[test]
fn retry_and_discard() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = open(&dir);
    let entry = outbox.enqueue(ACCOUNT, &doc_ticket(), 1_000).unwrap();
    let claim = outbox.claim(ACCOUNT, "me", 1_000, LEASE).unwrap().unwrap();
    assert!(
        matches!(
            outbox.discard(&entry.id),
            Err(OutboxError::WrongState { .. })
        ),
        "a ticket being sent cannot be discarded"
    );
    let update = AccountUpdate::default();
    outbox
        .record(
            &claim,
            &attention("not found", &FieldErrors::new()),
            &update,
            1_100,
        )
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
    outbox.enqueue(ACCOUNT, &doc_ticket(), 2_000).unwrap();
    for empty in ["", " "] {
        assert!(
            matches!(outbox.discard(empty), Err(OutboxError::NotFound(_))),
            "an empty id names no ticket, not every ticket"
        );
    }
    assert_eq!(outbox.list().unwrap().len(), 1);
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

/// Issue 17: a damaged outbox file was moved aside whole, and the tickets
/// in it that could still be read waited there, unsent, for ever. They
/// are salvaged into the new outbox (and so sent); the damaged file is
/// kept beside it all the same.
#[test]
fn the_tickets_a_damaged_file_still_holds_are_salvaged_into_the_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outbox.sqlite3");
    let outbox = open(&dir);
    let ids: Vec<String> = (0..3)
        .map(|i| {
            outbox
                .enqueue(ACCOUNT, &doc_ticket(), 1_000 + i)
                .unwrap()
                .id
        })
        .collect();
    let claim = outbox
        .claim(ACCOUNT, "dead", 2_000, LEASE)
        .unwrap()
        .unwrap();
    assert_eq!(claim.entry.id, ids[0]);
    let later = outbox.enqueue(ACCOUNT, &doc_ticket(), 1_500).unwrap().id;
    drop(outbox);
    // A page of an index goes bad on disk (the file's WAL folded in first).
    let (root, page_size) = {
        let connection = rusqlite::Connection::open(&path).unwrap();
        connection
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .unwrap();
        let root: i64 = connection
            .query_row(
                "SELECT rootpage FROM sqlite_master WHERE name = 'tickets_due'",
                [],
                |row| row.get(0),
            )
            .unwrap();
        let size: i64 = connection
            .query_row("PRAGMA page_size", [], |row| row.get(0))
            .unwrap();
        (root, size)
    };
    let mut bytes = std::fs::read(&path).unwrap();
    let start = usize::try_from((root - 1) * page_size).unwrap();
    bytes[start..start + 16].fill(0xff);
    std::fs::write(&path, &bytes).unwrap();

    let Err(OutboxError::Corrupt { moved_to, .. }) = Outbox::open(&path) else {
        panic!("the damage is found");
    };
    assert_eq!(
        std::fs::read(&moved_to).unwrap(),
        bytes,
        "kept byte for byte"
    );
    let salvaged = Outbox::open(&path).unwrap();
    let entries = salvaged.list().unwrap();
    let mut found: Vec<&str> = entries.iter().map(|entry| entry.id.as_str()).collect();
    found.sort_unstable();
    let mut all: Vec<&str> = ids
        .iter()
        .map(String::as_str)
        .chain([later.as_str()])
        .collect();
    all.sort_unstable();
    assert_eq!(found, all, "every ticket the file still held");
    assert!(
        entries.iter().all(|entry| entry.state == State::Queued),
        "each waits to be sent: {entries:?}"
    );
    let interrupted = salvaged.get(&ids[0]).unwrap();
    assert_eq!(
        interrupted.state,
        State::Queued,
        "the one being sent goes again"
    );
    let claim = salvaged
        .claim(ACCOUNT, "next", 10_000, LEASE)
        .unwrap()
        .unwrap();
    assert_eq!(claim.entry.id, ids[0], "oldest first, as before");
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
        taken_over.entry.id,
        claimed.unwrap().entry.id,
        "the ticket a left mid-attempt comes first"
    );
    let after = b.get(&taken_over.entry.id).unwrap();
    assert_eq!(after.state, State::Sending);
}

/// Found by `crash::two_drains_at_once_send_each_ticket_once` under load
/// (1 run in 12): a process reads "now", is held up for a few
/// milliseconds (the other's transaction, the scheduler), and then finds
/// the other's drainer lease and claim dated a little after its "now". That
/// was taken for a clock stepped back: it took the lease over and sent the
/// ticket in flight again. A time in the file counts as from a clock since
/// stepped back only when it is far ahead, beyond any such delay.
#[test]
fn a_now_read_a_moment_before_another_process_claimed_is_no_clock_step() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (open(&dir), open(&dir));
    a.enqueue(ACCOUNT, &doc_ticket(), 0).unwrap();
    a.enqueue(ACCOUNT, &doc_ticket(), 1).unwrap();
    let at = 1_000_000;
    a.claim(ACCOUNT, "a", at, LEASE).unwrap().unwrap();
    let read_before = at - 40;
    assert!(
        b.claim(ACCOUNT, "b", read_before, LEASE).unwrap().is_none(),
        "a drains this account; b waits"
    );
    assert_eq!(
        b.recover_interrupted(read_before, LEASE, Some("b"))
            .unwrap(),
        0,
        "a's attempt is in flight, not interrupted"
    );
    // A clock really stepped back (by an hour) still frees the account.
    let stepped_back = at - 3_600_000;
    assert!(
        b.claim(ACCOUNT, "b", stepped_back, LEASE)
            .unwrap()
            .is_some()
    );
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
    assert_eq!(reclaimed.entry.id, entry.id);
    assert!(delivered(&alive, &reclaimed, "TCK-000009", LEASE + 2));
    let delivered = alive.get(&entry.id).unwrap().delivered.unwrap();
    assert!(
        delivered.possible_duplicate,
        "the dead process may have sent it"
    );
}

#[test]
fn a_stalled_process_cannot_record_over_the_result_of_the_one_that_took_over() {
    let dir = tempfile::tempdir().unwrap();
    let (stalled, alive) = (open(&dir), open(&dir));
    let entry = stalled.enqueue(ACCOUNT, &doc_ticket(), 0).unwrap();
    let old_claim = stalled
        .claim(ACCOUNT, "stalled", 0, LEASE)
        .unwrap()
        .unwrap();
    // The stalled process's lease lapses (SIGSTOP, a long SQLite wait); the
    // other one takes over and delivers.
    let new_claim = alive
        .claim(ACCOUNT, "alive", LEASE + 1, LEASE)
        .unwrap()
        .unwrap();
    assert!(delivered(&alive, &new_claim, "TCK-000002", LEASE + 2));
    // The stalled process wakes up with a failure to record.
    let recorded = stalled
        .record(
            &old_claim,
            &retry("timed out", LEASE + 10),
            &AccountUpdate::default(),
            LEASE + 3,
        )
        .unwrap();
    assert!(!recorded, "its claim was taken over: nothing is written");
    let after = alive.get(&entry.id).unwrap();
    assert_eq!(
        after.state,
        State::Delivered,
        "a delivered ticket is never turned back into a queued one"
    );
    assert_eq!(
        after.delivered.unwrap().ticket_number.as_deref(),
        Some("TCK-000002")
    );
}

#[test]
fn send_now_leaves_refused_tickets_alone_and_a_refused_ticket_must_be_edited() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = open(&dir);
    let refused = outbox.enqueue(ACCOUNT, &doc_ticket(), 0).unwrap();
    let waiting = outbox.enqueue(ACCOUNT, &doc_ticket(), 1).unwrap();
    let claim = outbox.claim(ACCOUNT, "me", 10, LEASE).unwrap().unwrap();
    let mut errors = FieldErrors::new();
    errors.add(
        "subject",
        "The subject field must not be greater than 20 characters.",
    );
    let update = AccountUpdate::default();
    outbox
        .record(
            &claim,
            &attention("the server rejected the ticket", &errors),
            &update,
            20,
        )
        .unwrap();
    let claim = outbox.claim(ACCOUNT, "me", 30, LEASE).unwrap().unwrap();
    outbox
        .record(&claim, &retry("server error", 90_000), &update, 40)
        .unwrap();

    assert_eq!(outbox.send_now(50).unwrap(), 1, "only the queued ticket");
    assert_eq!(outbox.get(&waiting.id).unwrap().next_attempt_at, 50);
    let still = outbox.get(&refused.id).unwrap();
    assert_eq!(still.state, State::NeedsAttention, "not resent unchanged");
    assert_eq!(
        still.attention.unwrap().field_errors,
        errors,
        "its field errors are kept for the edit"
    );
    assert!(
        matches!(
            outbox.retry(&refused.id, 60),
            Err(OutboxError::NeedsEdit(_))
        ),
        "retrying a ticket refused field by field would spend quota on the same refusal"
    );
}

#[test]
fn an_unreadable_row_needs_attention_and_the_rest_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outbox.sqlite3");
    let outbox = Outbox::open(&path).unwrap();
    let broken = outbox.enqueue(ACCOUNT, &doc_ticket(), 0).unwrap();
    let fine = outbox.enqueue(ACCOUNT, &doc_ticket(), 1).unwrap();
    {
        // Another program (or a bad sector) wrote over one row's ticket.
        let raw = rusqlite::Connection::open(&path).unwrap();
        raw.execute(
            "UPDATE tickets SET ticket = '{\"subject\": 12' WHERE id = ?1",
            [&broken.id],
        )
        .unwrap();
    }
    let listed = outbox.list().expect("one bad row does not fail the list");
    assert_eq!(listed.len(), 2);
    let shown = listed.iter().find(|e| e.id == broken.id).unwrap();
    assert_eq!(shown.state, State::NeedsAttention);
    assert_eq!(
        shown.unreadable.as_deref(),
        Some("{\"subject\": 12"),
        "kept for export"
    );
    let claimed = outbox.claim(ACCOUNT, "me", 10, LEASE).unwrap().unwrap();
    assert_eq!(
        claimed.entry.id, fine.id,
        "the bad row is skipped, not sent"
    );
    let stored = outbox.get(&broken.id).unwrap();
    assert_eq!(stored.state, State::NeedsAttention);
    assert_eq!(outbox.summary().unwrap().needs_attention, 1);
    let reason = stored.attention.unwrap().reason;
    assert!(reason.contains("cannot be read"), "{reason}");
    assert!(
        !reason.contains("\"subject\": 12"),
        "the reason names the problem, not the ticket's text (errors go to diagnostics): {reason}"
    );
}

#[test]
fn edit_keeps_the_ticket_until_its_draft_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = open(&dir);
    let entry = outbox.enqueue(ACCOUNT, &doc_ticket(), 0).unwrap();
    let claim = outbox.claim(ACCOUNT, "me", 1, LEASE).unwrap().unwrap();
    outbox
        .record(
            &claim,
            &attention("not found", &FieldErrors::new()),
            &AccountUpdate::default(),
            2,
        )
        .unwrap();
    let failed = outbox
        .take_for_edit(&entry.id, |_| Err("disk full"))
        .unwrap();
    assert_eq!(failed.unwrap_err(), "disk full");
    assert_eq!(
        outbox.get(&entry.id).unwrap().state,
        State::NeedsAttention,
        "the draft was not written, so the ticket stays"
    );
    let taken = outbox
        .take_for_edit(&entry.id, |_| Ok::<(), ()>(()))
        .unwrap()
        .unwrap();
    assert_eq!(taken.ticket, doc_ticket());
    assert!(matches!(
        outbox.get(&entry.id),
        Err(OutboxError::NotFound(_))
    ));
}

/// Issue 18: a waiting ticket can be changed, as in a mail client's
/// outbox, unless an attempt may have reached the server (a changed copy
/// would be a second ticket there) or it is being sent.
#[test]
fn a_waiting_ticket_is_edited_unless_an_attempt_may_have_reached_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = open(&dir);
    let offline = outbox.enqueue(ACCOUNT, &doc_ticket(), 0).unwrap();
    let cut_off = outbox.enqueue(ACCOUNT, &doc_ticket(), 1).unwrap();
    let claim = outbox.claim(ACCOUNT, "me", 2, LEASE).unwrap().unwrap();
    assert_eq!(claim.entry.id, offline.id);
    assert!(
        !outbox.get(&offline.id).unwrap().editable,
        "not while it is being sent"
    );
    assert!(
        outbox
            .take_for_edit(&offline.id, |_| Ok::<(), ()>(()))
            .is_err()
    );
    outbox
        .record(
            &claim,
            &retry("connection refused", 10),
            &AccountUpdate::default(),
            3,
        )
        .unwrap();
    let claim = outbox.claim(ACCOUNT, "me", 4, LEASE).unwrap().unwrap();
    assert_eq!(claim.entry.id, cut_off.id);
    let lost_reply = AttemptResult::Retry {
        error: "no whole reply within 30 s".into(),
        at: 10,
        attempted: true,
        may_have_arrived: true,
        failed: true,
    };
    outbox
        .record(&claim, &lost_reply, &AccountUpdate::default(), 5)
        .unwrap();

    let waiting = outbox.get(&offline.id).unwrap();
    assert!(waiting.editable && !waiting.may_have_arrived);
    let taken = outbox
        .take_for_edit(&offline.id, |_| Ok::<(), ()>(()))
        .unwrap()
        .unwrap();
    assert_eq!(taken.ticket, doc_ticket());
    assert!(matches!(
        outbox.get(&offline.id),
        Err(OutboxError::NotFound(_))
    ));

    let maybe_there = outbox.get(&cut_off.id).unwrap();
    assert!(maybe_there.may_have_arrived && !maybe_there.editable);
    assert!(
        outbox
            .take_for_edit(&cut_off.id, |_| Ok::<(), ()>(()))
            .is_err(),
        "it is sent as it is"
    );
    assert_eq!(outbox.get(&cut_off.id).unwrap().state, State::Queued);

    // Refused later (a 404 once the API base was changed: issue 18's long
    // run, day 1,008,593): the server that may have stored the earlier
    // attempt still may, so the ticket is not changed into a second one.
    let claim = outbox.claim(ACCOUNT, "me", 20, LEASE).unwrap().unwrap();
    assert_eq!(claim.entry.id, cut_off.id);
    outbox
        .record(
            &claim,
            &attention("not found (route)", &FieldErrors::new()),
            &AccountUpdate::default(),
            21,
        )
        .unwrap();
    let refused = outbox.get(&cut_off.id).unwrap();
    assert_eq!(refused.state, State::NeedsAttention);
    assert!(refused.may_have_arrived && !refused.editable);
    assert!(
        outbox
            .take_for_edit(&cut_off.id, |_| Ok::<(), ()>(()))
            .is_err(),
        "a refused ticket an earlier attempt may have delivered is not changed"
    );
    assert_eq!(
        outbox.retry(&cut_off.id, 22).unwrap().state,
        State::Queued,
        "it can be sent again as it is"
    );
}

#[test]
fn delivered_records_are_kept_for_their_retention_only() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = open(&dir);
    let old = outbox.enqueue(ACCOUNT, &doc_ticket(), 0).unwrap();
    let claim = outbox.claim(ACCOUNT, "me", 10, LEASE).unwrap().unwrap();
    assert!(delivered(&outbox, &claim, "TCK-1", 100));
    let recent = outbox.enqueue(ACCOUNT, &doc_ticket(), 200).unwrap();
    let claim = outbox.claim(ACCOUNT, "me", 300, LEASE).unwrap().unwrap();
    assert!(delivered(&outbox, &claim, "TCK-2", 5_000));
    let queued = outbox.enqueue(ACCOUNT, &doc_ticket(), 0).unwrap();
    assert_eq!(outbox.purge_delivered(1_000).unwrap(), 1);
    assert!(outbox.get(&old.id).is_err(), "past its retention");
    assert!(outbox.get(&recent.id).is_ok());
    assert!(
        outbox.get(&queued.id).is_ok(),
        "an unsent ticket is never purged, however old"
    );
}

#[test]
fn two_processes_creating_the_outbox_at_once_both_succeed() {
    for _ in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outbox.sqlite3");
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || Outbox::open(&path).map(|_| ()))
            })
            .collect();
        for thread in threads {
            thread
                .join()
                .unwrap()
                .expect("every opener gets a working outbox");
        }
    }
}

#[test]
fn a_look_at_the_file_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outbox.sqlite3");
    assert_eq!(Outbox::check_file(&path), FileCheck::Missing);
    assert!(!path.exists(), "looking did not create it");
    drop(Outbox::open(&path).unwrap());
    assert_eq!(Outbox::check_file(&path), FileCheck::Healthy { version: 4 });

    let garbage = dir.path().join("garbage.sqlite3");
    let text = "garbage that is no database ".repeat(50);
    std::fs::write(&garbage, &text).unwrap();
    let FileCheck::Unreadable { reason } = Outbox::check_file(&garbage) else {
        panic!("garbage passed")
    };
    assert!(
        reason.contains("not a database"),
        "SQLite's words: {reason}"
    );
    assert_eq!(
        std::fs::read_to_string(&garbage).unwrap(),
        text,
        "not moved aside, not changed"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        2 + 2,
        "no file beside it either (the first outbox keeps its -wal and -shm)"
    );

    let newer = dir.path().join("newer.sqlite3");
    rusqlite::Connection::open(&newer)
        .unwrap()
        .execute_batch("PRAGMA user_version = 99;")
        .unwrap();
    assert_eq!(
        Outbox::check_file(&newer),
        FileCheck::TooNew { version: 99 }
    );
}

/// Issue 17: tickets a stopped sender left "being sent" go back to the
/// queue (flagged possibly twice) once their claim lapses, or when it was
/// dated by a clock since set back; never the caller's own engines' claims.
#[test]
fn interrupted_sends_are_queued_again_but_not_the_callers_own() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = open(&dir);
    const OTHER: &str = "http://127.0.0.1:2";
    let theirs = outbox.enqueue(ACCOUNT, &doc_ticket(), 1_000).unwrap();
    let mine = outbox.enqueue(OTHER, &doc_ticket(), 1_001).unwrap();
    // A process that dies mid-send, and this one's engine for another server.
    outbox
        .claim(ACCOUNT, "dead-1", 2_000, LEASE)
        .unwrap()
        .unwrap();
    outbox
        .claim(OTHER, "me-7-2", 2_000, LEASE)
        .unwrap()
        .unwrap();
    let lapsed = 2_000 + LEASE + 20_000;
    assert_eq!(
        outbox
            .recover_interrupted(2_500, LEASE, Some("me-7-"))
            .unwrap(),
        0,
        "not lapsed yet"
    );
    assert_eq!(
        outbox
            .recover_interrupted(lapsed, LEASE, Some("me-7-"))
            .unwrap(),
        1
    );
    let again = outbox.get(&theirs.id).unwrap();
    assert_eq!(
        again.state,
        State::Queued,
        "the dead sender's is queued again"
    );
    assert_eq!(
        outbox.get(&mine.id).unwrap().state,
        State::Sending,
        "this process's own stays"
    );
    assert_eq!(
        outbox.recover_interrupted(lapsed, LEASE, None).unwrap(),
        1,
        "anyone's, when asked"
    );
    let claim = outbox
        .claim(ACCOUNT, "next", lapsed, LEASE)
        .unwrap()
        .unwrap();
    assert_eq!(claim.entry.id, theirs.id);
    assert!(delivered(&outbox, &claim, "TCK-1", lapsed + 1));
    assert!(
        outbox
            .get(&theirs.id)
            .unwrap()
            .delivered
            .unwrap()
            .possible_duplicate,
        "the interrupted attempt may have reached the server"
    );
    // A claim dated by a clock that has since stepped back by hours.
    let third = outbox.enqueue(ACCOUNT, &doc_ticket(), 1_002).unwrap();
    outbox
        .claim(ACCOUNT, "later", 50_000_000, LEASE)
        .unwrap()
        .unwrap();
    assert_eq!(
        outbox.recover_interrupted(40_000_000, LEASE, None).unwrap(),
        1
    );
    assert_eq!(outbox.get(&third.id).unwrap().state, State::Queued);
}
