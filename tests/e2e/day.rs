//! A day's work in the real window, found by labels as a person finds
//! them: the sent history (search, copy a number and read the clipboard
//! back, open, file another), a saved ticket's panel turning into
//! "created", templates, the quota and the server in sight, in-page
//! confirmations, a waiting ticket changed in the form, quick capture from
//! the tray, "New ticket" with undo,
//! diagnostics without the token, and a desktop without a tray.

use crate::harness::{World, file_while_offline, screenshot_path, sign_in};
use crate::webdriver::{By, CONTROL, ENTER, SHIFT, Session};

/// Files a ticket with `subject` and waits for its number.
async fn file(app: &Session, subject: &str, number: &str) {
    app.click(By::TestId("nav-ticket")).await;
    app.type_into(By::Label("Subject"), subject).await;
    app.type_into(By::Label("Message"), &format!("{subject}: details."))
        .await;
    app.click(By::Button("Send ticket")).await;
    app.wait_for_text(By::TestId("result"), &format!("Ticket {number} created"))
        .await;
}

async fn value_of(app: &Session, css: &str) -> String {
    app.script(&format!("return document.querySelector({css:?}).value;"))
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn sent_tickets_are_found_copied_opened_and_filed_again() {
    let (world, app) = World::start().await;
    sign_in(&app).await;
    file(&app, "Printer on fire", "TCK-000001").await;
    file(&app, "Login loop after reset", "TCK-000002").await;
    file(&app, "Invoice missing", "TCK-000003").await;

    app.click(By::TestId("nav-sent")).await;
    let all = app.wait_for_text(By::TestId("sent"), "3 tickets").await;
    assert!(
        all.contains("kept for 90 days"),
        "says what retention keeps: {all}"
    );
    app.screenshot(&screenshot_path("sent")).await;

    app.type_into(By::Label("Search sent tickets"), "TCK-000002")
        .await;
    app.wait_for_text(By::TestId("sent"), "1 ticket").await;
    let found = app.text(By::TestId("sent-list")).await;
    assert!(found.contains("Login loop after reset"), "{found}");
    assert!(!found.contains("Printer on fire"), "{found}");

    app.click(By::Button("Copy TCK-000002")).await;
    app.wait_for_text(By::TestId("copy-status"), "Copied TCK-000002")
        .await;
    assert_eq!(
        world.clipboard(),
        "TCK-000002",
        "pasted elsewhere, it is the number"
    );

    app.type_into(By::Label("Search sent tickets"), "invoice")
        .await;
    app.wait_for_text(By::TestId("sent-list"), "Invoice missing")
        .await;
    app.click(By::Button("Open")).await;
    // The ticket as a ticket (issue 18: it was JSON); the server's JSON one
    // click away.
    let summary = app
        .wait_for_text(By::TestId("ticket-summary"), "Invoice missing")
        .await;
    assert!(!summary.contains('{'), "{summary}");
    app.wait_for_text(By::TestId("ticket-dialog"), "TCK-000003")
        .await;
    assert!(
        !app.shown("[data-testid=ticket-dialog]")
            .await
            .contains("\"subject\""),
        "no JSON in sight"
    );
    app.click("#ticket-raw summary").await;
    let whole = app
        .wait_for_text(
            By::TestId("ticket-json"),
            "\"ticket_number\": \"TCK-000003\"",
        )
        .await;
    assert!(
        whole.contains("\"subject\": \"Invoice missing\""),
        "as the server returned it: {whole}"
    );
    app.click(By::Button("Close")).await;
    app.wait_for_hidden(By::TestId("ticket-dialog")).await;

    app.click(By::Button("File another like this")).await;
    app.wait_for_value(By::Label("Subject"), "Invoice missing")
        .await;
    app.wait_for_value(By::Label("Message"), "Invoice missing: details.")
        .await;

    // Ctrl+Shift+C: the newest ticket's number, from anywhere.
    app.shortcut(&[CONTROL, SHIFT], 'c').await;
    app.wait_for_text(By::TestId("copy-status"), "Copied TCK-000003")
        .await;
    assert_eq!(world.clipboard(), "TCK-000003");
    app.end().await;
}

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn a_saved_tickets_panel_says_created_once_it_is_delivered() {
    let (mut world, app) = World::start().await;
    sign_in(&app).await;
    file_while_offline(&mut world, &app, "Filed on a train").await;
    world.restart_sandbox().await;
    // No click: the panel follows the ticket it spoke of.
    let panel = app
        .wait_for_text(By::TestId("result"), "Ticket TCK-000001 created")
        .await;
    assert!(panel.contains("Filed on a train"), "{panel}");
    app.end().await;
}

/// Templates: saved from the form, picked with the keyboard (Ctrl+T, a
/// few letters, Enter; issue 18), their `{time}` filled in and their
/// `{customer id}` asked for, then renamed, exported and imported.
#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn templates_are_saved_applied_renamed_exported_and_imported() {
    let (world, app) = World::start().await;
    sign_in(&app).await;
    app.type_into(By::Label("Channel"), "billing").await;
    app.type_into(By::Label("Subject"), "Invoice question for {customer id}")
        .await;
    app.type_into(
        By::Label("Message"),
        "Called at {time}.\u{E007}Invoice number:\u{E007}",
    )
    .await;
    app.click(By::Button("Save as template…")).await;
    app.type_into(By::Label("Template name"), "Billing question")
        .await;
    app.click(By::Button("Save")).await;
    app.wait_for_text(By::TestId("result"), "Template “Billing question” saved")
        .await;

    // An empty form, then the template fills it, picked with the keyboard.
    app.click(By::Button("New ticket")).await;
    app.wait_for_value(By::Label("Subject"), "").await;
    // The picker shows once the list of templates has come.
    app.find("#template-pick:not([hidden])").await;
    app.shortcut(&[CONTROL], 't').await;
    app.type_keys("bill").await;
    app.press(ENTER).await;
    // It asks for the customer id; Enter fills the form.
    app.type_into(By::Label("customer id"), "C-204").await;
    app.press(ENTER).await;
    app.wait_for_value(By::Label("Subject"), "Invoice question for C-204")
        .await;
    assert_eq!(value_of(&app, "#channel_slug").await, "billing");
    let message = value_of(&app, "#message").await;
    let time = message
        .strip_prefix("Called at ")
        .and_then(|rest| rest.strip_suffix(".\nInvoice number:\n"))
        .unwrap_or_else(|| panic!("the time filled in: {message:?}"));
    let clock = time.as_bytes();
    assert!(
        clock.len() >= 5 && clock[2] == b':' && clock[..2].iter().all(u8::is_ascii_digit),
        "the time as the window writes it (hh:mm): {message:?}"
    );
    assert_eq!(
        value_of(&app, "#template-picker").await,
        "",
        "the picker is empty again"
    );

    app.click(By::TestId("nav-templates")).await;
    app.wait_for_text(By::TestId("templates-list"), "Billing question")
        .await;
    app.screenshot(&screenshot_path("templates")).await;
    app.click(By::Button("Rename")).await;
    app.type_into(By::Label("Template name"), "Billing").await;
    app.click(By::Button("Save")).await;
    app.wait_for_text(By::TestId("templates-list"), "Billing")
        .await;

    // Export asks where to save (issue 18): the OS's save dialog.
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("team templates.json");
    app.click(By::Button("Export templates…")).await;
    world.save_in_dialog("Export templates", &path);
    app.wait_for_text(
        By::TestId("result"),
        &format!("Templates saved as {}", path.display()),
    )
    .await;
    let exported = std::fs::read_to_string(&path).expect("the export is a file");
    assert!(exported.contains("\"name\": \"Billing\""), "{exported}");

    // Deleted (asked in the page first), then imported back from the file.
    app.click(By::Button("Delete")).await;
    app.wait_for_text(
        By::TestId("confirm-dialog"),
        "Delete the template “Billing”",
    )
    .await;
    app.click("#confirm-yes").await;
    app.wait_for_text(By::TestId("templates"), "No templates yet")
        .await;
    app.click(By::Button("Import templates")).await;
    world.open_in_dialog("Import templates", &path);
    app.wait_for_text(By::TestId("result"), "Imported: 1 added, 0 replaced")
        .await;
    app.wait_for_text(By::TestId("templates-list"), "Billing")
        .await;

    // A file far past a templates file's size is refused unread (issue
    // 19): this one claims 4 GiB (sparse, it takes no disk).
    let huge = folder.path().join("huge.json");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(4 << 30)
        .unwrap();
    app.click(By::Button("Import templates")).await;
    world.open_in_dialog("Import templates", &huge);
    app.wait_for_text(
        By::TestId("result"),
        "That file is far larger than a templates file, so it was not read",
    )
    .await;
    app.wait_for_text(By::TestId("templates-list"), "Billing")
        .await;
    drop(world);
    app.end().await;
}

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn the_quota_and_the_server_are_in_sight() {
    let (world, app) = World::start().await;
    let server = app
        .wait_for_text(By::TestId("server"), &world.sandbox().base_url())
        .await;
    assert!(server.contains("Not production"), "{server}");
    sign_in(&app).await;
    file(&app, "Counting requests", "TCK-000001").await;
    // One send for the ticket, one for the sign-in's check of the token.
    let status = app
        .wait_for_text(
            By::TestId("status-line"),
            "8 of 10 sends left · 10 again at ",
        )
        .await;
    assert!(status.contains("Connected to"), "{status}");
    let server = app
        .wait_for_text(By::TestId("server"), "Token last accepted")
        .await;
    assert!(!server.contains("demo-token"), "{server}");
    app.screenshot(&screenshot_path("quota")).await;
    app.end().await;
}

/// Issue 18: a ticket waiting offline can be opened and changed, as in a
/// mail client's outbox; the changed ticket is the one filed, once.
#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn a_waiting_ticket_is_opened_changed_and_sent_once() {
    let (mut world, app) = World::start().await;
    sign_in(&app).await;
    file_while_offline(&mut world, &app, "Printer is brokne").await;
    app.click(By::TestId("outbox-toggle")).await;
    app.wait_for_text(By::TestId("outbox"), "Printer is brokne")
        .await;
    app.screenshot(&screenshot_path("outbox-edit")).await;
    app.click(By::Button("Edit")).await;
    app.wait_for_value(By::Label("Subject"), "Printer is brokne")
        .await;
    app.wait_for_hidden(By::TestId("outbox-badge")).await;
    assert!(
        !app.text(By::TestId("result")).await.contains("Saved"),
        "no panel says it waits: it is the form now"
    );
    app.type_into(By::Label("Subject"), "Printer is broken")
        .await;
    world.restart_sandbox().await;
    app.click(By::Button("Send ticket")).await;
    app.wait_for_text(By::TestId("result"), "TCK-000001").await;
    let stored = world.sandbox().tickets();
    assert_eq!(stored.len(), 1, "the changed ticket, once");
    assert_eq!(stored[0].ticket.subject, "Printer is broken");
    app.end().await;
}

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn discarding_asks_in_the_page_first() {
    let (mut world, app) = World::start().await;
    sign_in(&app).await;
    file_while_offline(&mut world, &app, "Not worth sending").await;
    app.click(By::TestId("outbox-toggle")).await;
    app.wait_for_text(By::TestId("outbox"), "Not worth sending")
        .await;
    app.click(By::Button("Discard")).await;
    app.wait_for_text(By::TestId("confirm-dialog"), "Discard “Not worth sending”?")
        .await;
    app.screenshot(&screenshot_path("discard-asks")).await;
    app.click(By::Button("Cancel")).await;
    app.wait_for_hidden(By::TestId("confirm-dialog")).await;
    app.wait_for_text(By::TestId("outbox"), "Not worth sending")
        .await;
    app.click(By::Button("Discard")).await;
    app.click("#confirm-yes").await;
    app.wait_for_text(By::TestId("outbox"), "No tickets waiting.")
        .await;
    app.wait_for_hidden(By::TestId("outbox-badge")).await;
    app.end().await;
}

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn quick_capture_from_the_tray_and_a_new_ticket_that_can_be_undone() {
    let (world, app) = World::start_with_tray().await;
    sign_in(&app).await;
    app.type_into(By::Label("Subject"), "Half a thought").await;
    app.click(By::TestId("nav-sent")).await;

    // The tray's "New ticket": the form, empty, the cursor in the subject.
    world.tray.as_ref().unwrap().click("New ticket").await;
    app.wait_for_value(By::Label("Subject"), "").await;
    let focused = app
        .script("return document.activeElement && document.activeElement.id;")
        .await;
    assert_eq!(focused, "subject", "typing goes straight into the subject");
    // What it cleared comes back with Undo.
    app.click(By::Button("Undo")).await;
    app.wait_for_value(By::Label("Subject"), "Half a thought")
        .await;

    // Ctrl+N does the same from the keyboard.
    app.shortcut(&[CONTROL], 'n').await;
    app.wait_for_value(By::Label("Subject"), "").await;
    app.click(By::Button("Undo")).await;
    app.wait_for_value(By::Label("Subject"), "Half a thought")
        .await;

    // The global shortcut, pressed on the desktop, does it from anywhere.
    app.click(By::Button("Settings")).await;
    app.wait_for_text(By::TestId("shortcut-state"), "Active: Ctrl+Alt+N")
        .await;
    // Said as the keyboard says it, and kept as it was when saved unchanged.
    app.wait_for_value(By::Label("Quick capture shortcut"), "Ctrl+Alt+N")
        .await;
    app.press(crate::webdriver::ESCAPE).await;
    app.click(By::TestId("nav-templates")).await;
    world.press_on_desktop("ctrl+alt+n");
    app.wait_for_value(By::Label("Subject"), "").await;
    let focused = app
        .script("return document.activeElement && document.activeElement.id;")
        .await;
    assert_eq!(focused, "subject");
    app.end().await;
}

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn copied_diagnostics_say_what_matters_and_never_the_token() {
    let (world, app) = World::start().await;
    sign_in(&app).await;
    file(&app, "A subject nobody else should read", "TCK-000001").await;
    app.click(By::Button("Settings")).await;
    app.click(By::Button("Copy diagnostics")).await;
    app.wait_for_text(By::TestId("diagnostics-state"), "Diagnostics copied")
        .await;
    let report = world.clipboard();
    for wanted in [
        env!("CARGO_PKG_VERSION"),
        &world.sandbox().base_url(),
        "linux",
    ] {
        assert!(report.contains(wanted), "no {wanted:?} in:\n{report}");
    }
    assert!(
        !report.contains("demo-token"),
        "the token leaked:\n{report}"
    );
    assert!(
        !report.contains("A subject nobody else should read"),
        "ticket text leaked:\n{report}"
    );
    app.end().await;
}

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn without_a_tray_closing_keeps_the_window_within_reach() {
    // No tray host on the bus: vanilla GNOME.
    let (mut world, app) = World::start().await;
    sign_in(&app).await;
    file_while_offline(&mut world, &app, "Nowhere to hide").await;
    // Minimised, where the taskbar shows it; not hidden in a tray nobody sees.
    world.close_until_minimised().await;
    assert!(world.window_shown(), "not hidden");
    // Still running, still sending.
    world.restart_sandbox().await;
    app.wait_for_hidden(By::TestId("outbox-badge")).await;
    app.end().await;
}

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn a_redrawn_outbox_keeps_the_keyboards_place() {
    let (mut world, app) = World::start().await;
    sign_in(&app).await;
    file_while_offline(&mut world, &app, "Kept in focus").await;
    app.click(By::TestId("outbox-toggle")).await;
    app.wait_for_text(By::TestId("outbox"), "Kept in focus")
        .await;
    let discard = "Discard: Kept in focus";
    app.script(&format!(
        "document.querySelector('[aria-label={discard:?}]').focus(); return true;"
    ))
    .await;
    // Another attempt (asked for without moving the focus) redraws the list:
    // its items are new elements (the words may be the same).
    app.script("document.querySelector('#outbox-list li').dataset.drawnBefore = '1'; return true;")
        .await;
    app.script("window.__TAURI_INTERNALS__.invoke('send_queued_now'); return true;")
        .await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let redrawn = "return document.querySelector('#outbox-list li[data-drawn-before]') === null;";
    while app.script(redrawn).await != serde_json::json!(true) {
        assert!(std::time::Instant::now() < deadline, "never redrawn");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let focused = app
        .script("return document.activeElement.getAttribute('aria-label');")
        .await;
    assert_eq!(focused, serde_json::json!(discard), "the keyboard's place");
    app.end().await;
}

/// Found by the installer test (issue 17): the form autosaved within
/// 400 ms of the send brought the filed ticket back at the next start.
#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn a_restart_keeps_the_queue_and_the_default_channel_but_not_the_sent_form() {
    let (mut world, app) = World::start().await;
    sign_in(&app).await;
    app.click(By::Button("Settings")).await;
    app.type_into(By::Label("Default channel"), "support").await;
    app.click(By::Button("Save")).await;
    app.wait_for_hidden(By::TestId("settings-dialog")).await;
    // A new ticket starts with the new default (the last channel sent
    // would take its place from then on).
    app.click(By::Button("New ticket")).await;
    app.wait_for_value(By::Label("Channel"), "support").await;
    file_while_offline(&mut world, &app, "Queued before a restart").await;
    app.wait_for_value(By::Label("Channel"), "support").await;
    app.end().await;

    let app = world.launch().await;
    app.wait_for_text(By::TestId("outbox-badge"), "1").await;
    app.wait_for_value(By::Label("Channel"), "support").await;
    app.wait_for_value(By::Label("Subject"), "").await;
    app.end().await;
}
