//! The outbox moved out of the roaming folder (Windows' Roaming AppData,
//! which roaming profiles put on a network share) into the local one,
//! without losing or doubling a ticket; here with two folders of a
//! temporary directory, which is what the move sees on every OS.

use std::path::Path;

use feedback_core::data_dir::{self, Folders, Migration};
use feedback_core::outbox::Outbox;
use feedback_core::{Draft, DraftFile};

use crate::support::doc_ticket;

const ACCOUNT: &str = "https://api.wemasy.nl";

fn outbox_with_a_ticket(dir: &Path, subject: &str) {
    let outbox = Outbox::open(&dir.join("outbox.sqlite3")).unwrap();
    let mut ticket = doc_ticket();
    ticket.subject = subject.into();
    outbox.enqueue(ACCOUNT, &ticket, 1_800_000_000_000).unwrap();
}

fn subjects(dir: &Path) -> Vec<String> {
    Outbox::open(&dir.join("outbox.sqlite3"))
        .unwrap()
        .list()
        .unwrap()
        .into_iter()
        .map(|entry| entry.ticket.subject)
        .collect()
}

#[test]
fn the_outbox_and_the_draft_move_from_roaming_to_local_once() {
    let root = tempfile::tempdir().unwrap();
    let (roaming, local) = (root.path().join("Roaming"), root.path().join("Local"));
    outbox_with_a_ticket(&roaming, "Queued on a roaming profile");
    let draft = Draft {
        subject: "Half typed".into(),
        ..Draft::default()
    };
    DraftFile::beside(&roaming.join("outbox.sqlite3"))
        .save(&draft)
        .unwrap();

    let (dir, error) = data_dir::settle(&local, &roaming);
    assert!(error.is_none(), "{error:?}");
    assert_eq!(dir, local);
    assert_eq!(subjects(&local), ["Queued on a roaming profile"]);
    assert_eq!(
        DraftFile::beside(&local.join("outbox.sqlite3"))
            .load()
            .unwrap()
            .map(|d| d.subject),
        Some("Half typed".into())
    );
    assert!(
        !roaming.join("outbox.sqlite3").exists(),
        "one outbox, not two: the old one is gone"
    );

    // Once moved, nothing moves again.
    assert_eq!(
        data_dir::migrate(&roaming, &local).unwrap(),
        Migration::Nothing
    );
}

#[test]
fn the_outbox_path_alone_moves_nothing_until_it_is_settled() {
    let root = tempfile::tempdir().unwrap();
    let folders = Folders {
        local: root.path().join("Local"),
        roaming: root.path().join("Roaming"),
    };
    outbox_with_a_ticket(&folders.roaming, "Left by version 0.1");

    assert_eq!(folders.outbox(), folders.local.join("outbox.sqlite3"));
    assert!(
        !folders.local.exists(),
        "asking for the path (as `feedback doctor` does) makes no folder and moves nothing"
    );
    assert_eq!(subjects(&folders.roaming), ["Left by version 0.1"]);
    assert_eq!(
        folders.left_in_roaming(),
        Some(folders.roaming.join("outbox.sqlite3")),
        "and the old outbox can be told about"
    );

    let (path, error) = folders.settle();
    assert!(error.is_none(), "{error:?}");
    assert_eq!(path, folders.outbox(), "settling is the step that moves it");
    assert_eq!(subjects(&folders.local), ["Left by version 0.1"]);
    assert_eq!(folders.left_in_roaming(), None, "nothing left behind");
}

#[test]
fn an_outbox_already_in_the_local_folder_is_never_overwritten() {
    let root = tempfile::tempdir().unwrap();
    let (roaming, local) = (root.path().join("Roaming"), root.path().join("Local"));
    outbox_with_a_ticket(&roaming, "Old roaming ticket");
    outbox_with_a_ticket(&local, "Local ticket");
    assert_eq!(
        data_dir::migrate(&roaming, &local).unwrap(),
        Migration::Nothing
    );
    assert_eq!(subjects(&local), ["Local ticket"]);
    assert_eq!(subjects(&roaming), ["Old roaming ticket"], "left, not lost");
    let folders = Folders {
        local,
        roaming: roaming.clone(),
    };
    assert_eq!(
        folders.left_in_roaming(),
        Some(roaming.join("outbox.sqlite3")),
        "and it can be told about"
    );
}

#[test]
fn an_outbox_another_program_is_reading_stays_where_it_is_for_now() {
    let root = tempfile::tempdir().unwrap();
    let (roaming, local) = (root.path().join("Roaming"), root.path().join("Local"));
    outbox_with_a_ticket(&roaming, "Being read");
    // Another process (an older CLI, say) in the middle of a read.
    let reader = rusqlite::Connection::open(roaming.join("outbox.sqlite3")).unwrap();
    reader
        .execute_batch("BEGIN; SELECT count(*) FROM tickets;")
        .unwrap();
    // A write after the read began: the WAL cannot be folded in under it.
    outbox_with_a_ticket(&roaming, "Written meanwhile");

    let (dir, error) = data_dir::settle(&local, &roaming);
    assert_eq!(dir, roaming, "the tickets stay in sight where they are");
    assert!(error.is_some());
    assert!(!local.join("outbox.sqlite3").exists(), "no second outbox");
    drop(reader);
    let (dir, error) = data_dir::settle(&local, &roaming);
    assert!(error.is_none(), "{error:?}");
    assert_eq!(dir, local);
    assert_eq!(subjects(&local), ["Being read", "Written meanwhile"]);
}

#[test]
fn the_same_folder_moves_nothing() {
    let root = tempfile::tempdir().unwrap();
    outbox_with_a_ticket(root.path(), "Linux and macOS");
    assert_eq!(
        data_dir::migrate(root.path(), root.path()).unwrap(),
        Migration::Nothing
    );
    assert_eq!(subjects(root.path()), ["Linux and macOS"]);
}
