//! The form beyond the happy path: a server that refuses what the app
//! allowed, a person who uses only the keyboard, the Dutch interface, and a
//! Dutch desktop with a dark theme.

use feedback_sandbox::{Config, MaxLength};
use serde_json::Value;

use crate::harness::{World, screenshot_path, sign_in};
use crate::webdriver::{ARROW_DOWN, By, ENTER, Session, TAB};

/// A sandbox stricter than the documentation: the app's own checks pass, the
/// server's 422 must land on the fields it names.
#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn a_server_refusal_lands_on_its_fields() {
    let limit = |field: &str, max| MaxLength {
        field: field.into(),
        max,
    };
    let (world, app) = World::start_with(Config {
        max_lengths: vec![limit("subject", 20), limit("tool_key", 5)],
        ..Config::default()
    })
    .await;
    sign_in(&app).await;

    let subject = "Ads dashboard shows no data";
    app.type_into(By::Label("Subject"), subject).await;
    app.type_into(By::Label("Message"), "Since this morning.")
        .await;
    app.click(By::Button("Tool, page and user agent")).await;
    app.type_into(By::Label("Tool key"), "ads_protection").await;
    app.click(By::Button("Tool, page and user agent")).await;
    app.click(By::Button("Send ticket")).await;

    app.wait_for_text(
        "#subject-error",
        "The subject field must not be greater than 20 characters.",
    )
    .await;
    // The folded field with an error is unfolded to show it.
    app.wait_for_text(
        "#tool_key-error",
        "The tool key field must not be greater than 5 characters.",
    )
    .await;
    app.wait_for_text(By::TestId("result"), "did not accept")
        .await;
    app.wait_for_value(By::Label("Subject"), subject).await;
    app.screenshot(&screenshot_path("server-errors")).await;
    let stats = world.sandbox().stats();
    // The sign-in's check of the token is a 422 too (an empty ticket).
    assert_eq!(stats.by_status.get(&422), Some(&2), "{stats:?}");
    assert!(world.sandbox().tickets().is_empty());
    // Back in the form, not left behind in the outbox as a second copy.
    app.wait_for_hidden(By::TestId("outbox-badge")).await;

    app.type_into(By::Label("Subject"), "Ads dashboard empty")
        .await;
    app.type_into(By::Label("Tool key"), "ads").await;
    app.click(By::Button("Send ticket")).await;
    app.wait_for_text(By::TestId("result"), "TCK-000001").await;
    let stored = world.sandbox().tickets();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].ticket.subject, "Ads dashboard empty");
    assert_eq!(stored[0].ticket.tool_key.as_deref(), Some("ads"));
    app.end().await;
}

/// Issue 18: the form stayed editable while a ticket was sent, and was
/// cleared when the send finished, seconds later: what the agent had
/// started for the next caller was gone. A ticket leaves the form once it
/// is saved; what is typed after is the draft (it survives a restart),
/// whether the server takes the ticket or refuses it (a refused one then
/// waits in the outbox instead of coming back over the typing).
#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn typing_during_a_send_is_kept() {
    let (world, app) = signed_in_with_latency(2_500).await;

    app.type_into(By::Label("Subject"), "Printer jams").await;
    app.type_into(By::Label("Message"), "On every second page.")
        .await;
    app.click(By::Button("Send ticket")).await;
    // Saved: the form is the next ticket's at once, while the server thinks.
    app.wait_for_value(By::Label("Subject"), "").await;
    app.type_into(By::Label("Subject"), "The next caller").await;
    app.wait_for_text(By::TestId("result"), "TCK-000001").await;
    app.wait_for_value(By::Label("Subject"), "The next caller")
        .await;

    // Refused by the server (no such channel) while the agent types on.
    app.type_into(By::Label("Message"), "Wants a refund.").await;
    app.type_into(By::Label("Channel"), "suport").await;
    send_to_a_new_channel(&app, "suport").await;
    app.wait_for_value(By::Label("Subject"), "").await;
    app.type_into(By::Label("Subject"), "A third caller").await;
    app.wait_for_text(By::TestId("result"), "waits in the Outbox")
        .await;
    app.wait_for_value(By::Label("Subject"), "A third caller")
        .await;
    app.wait_for_text(By::TestId("outbox-badge"), "1").await;

    tokio::time::sleep(std::time::Duration::from_millis(900)).await;
    let app = world.relaunch(app).await;
    app.wait_for_value(By::Label("Subject"), "A third caller")
        .await;
    assert_eq!(world.sandbox().tickets().len(), 1);
    app.end().await;
}

/// Issue 18 (one moment, one message): with the form free once a ticket is
/// saved, the next can be sent before the first is answered. The first's
/// outcome is still said, below the later ticket's panel, in the window's
/// words.
#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn a_ticket_answered_after_the_next_was_sent_still_gets_its_confirmation() {
    let (_world, app) = signed_in_with_latency(2_500).await;

    for subject in ["First caller", "Second caller"] {
        app.type_into(By::Label("Subject"), subject).await;
        app.type_into(By::Label("Message"), "Cannot log in.").await;
        app.click(By::Button("Send ticket")).await;
        app.wait_for_value(By::Label("Subject"), "").await;
    }
    app.wait_for_text(By::TestId("result"), "TCK-000002").await;
    let earlier = app
        .wait_for_text(By::TestId("earlier"), "First caller")
        .await;
    assert!(earlier.contains("TCK-000001"), "{earlier}");
    app.screenshot(&screenshot_path("earlier-ticket")).await;
    app.end().await;
}

/// Issue 18 (say it as the person would): the window said "Connection
/// refused (os error 111)" for a ticket saved offline, "not found (Channel
/// not found.)" for a mistyped channel, and offered Retry for a ticket the
/// server refuses whatever is tried. Each outcome is said in the person's
/// words, the technical detail one click away; Retry only where it helps.
#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn outcomes_are_said_in_words_with_the_detail_one_click_away() {
    let (mut world, app) = signed_in_with_latency(1_500).await;

    crate::harness::file_while_offline(&mut world, &app, "Filed while down").await;
    let said = app.shown("[data-testid=result]").await;
    assert!(!said.contains("os error"), "{said}");
    assert!(!said.contains("could not connect"), "{said}");
    app.click("#result summary").await;
    app.wait_for_text(By::TestId("result"), "could not connect")
        .await;
    app.click(By::TestId("outbox-toggle")).await;
    app.wait_for_text(By::TestId("outbox-item"), "tried again by itself")
        .await;
    let listed = app.shown("[data-testid=outbox-item]").await;
    assert!(!listed.contains("os error"), "{listed}");
    assert!(
        listed.contains("Retry now"),
        "a waiting ticket can be tried now"
    );
    app.click(By::TestId("nav-ticket")).await;
    world.restart_sandbox().await;
    app.wait_for_hidden(By::TestId("outbox-badge")).await;

    // A channel the server does not have, refused while the agent types on.
    app.type_into(By::Label("Channel"), "suport").await;
    app.type_into(By::Label("Subject"), "Refund missing").await;
    app.type_into(By::Label("Message"), "Invoice 2024-0031.")
        .await;
    send_to_a_new_channel(&app, "suport").await;
    app.wait_for_value(By::Label("Subject"), "").await;
    app.type_into(By::Label("Subject"), "Next caller").await;
    let said = app
        .wait_for_text(By::TestId("result"), "Unknown channel “suport”")
        .await;
    assert!(said.contains("waits in the Outbox"), "{said}");
    let said = app.shown("[data-testid=result]").await;
    assert!(!said.contains("not found ("), "{said}");
    app.click(By::TestId("outbox-toggle")).await;
    app.wait_for_text(By::TestId("outbox-item"), "Unknown channel “suport”")
        .await;
    let listed = app.shown("[data-testid=outbox-item]").await;
    assert!(!listed.contains("not found ("), "{listed}");
    assert!(
        !listed.contains("Retry now"),
        "a refused ticket is edited, not tried again as it is: {listed}"
    );
    assert!(listed.contains("Edit"), "{listed}");
    app.end().await;
}

/// Sends the form with `channel`, one Wemasy has not accepted before: the
/// first Send is held back with a note under the field, which takes the
/// keyboard; the second (Ctrl+Enter from there) sends.
pub(crate) async fn send_to_a_new_channel(app: &Session, channel: &str) {
    app.click(By::Button("Send ticket")).await;
    app.wait_for_text(
        By::TestId("channel-note"),
        &format!("Wemasy has not accepted “{channel}” before"),
    )
    .await;
    assert_eq!(
        focused(app).await,
        "channel_slug",
        "the note takes the keyboard"
    );
    app.chord(crate::webdriver::CONTROL, ENTER).await;
}

/// Issue 18 (fast hands): the channel was a text field, a typo cost a
/// request and a 404, and every ticket started from the default. The
/// channel is chosen from the default and what Wemasy accepted, narrowed
/// as one types; a channel Wemasy never accepted is asked about before a
/// request is spent, with the known one it is likely a typo of; a 404
/// offers that correction; the last channel and priority are what the
/// next form starts with, after a restart too.
#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn the_channel_is_chosen_a_typo_is_caught_and_the_last_one_is_remembered() {
    let (world, app) = World::start().await;
    sign_in(&app).await;

    // A channel Wemasy never accepted: the first Send is held back, and
    // the keyboard is taken to the field; no request is spent.
    app.type_into(By::Label("Channel"), "support").await;
    app.click("#priority option[value=high]").await;
    app.type_into(By::Label("Subject"), "Refund missing").await;
    app.type_into(By::Label("Message"), "Invoice 2024-0031.")
        .await;
    app.click(By::Button("Send ticket")).await;
    app.wait_for_text(
        By::TestId("channel-note"),
        "Wemasy has not accepted “support” before.",
    )
    .await;
    assert_eq!(
        focused(&app).await,
        "channel_slug",
        "the note takes the keyboard"
    );
    assert!(
        world.sandbox().tickets().is_empty(),
        "held back before sending"
    );
    app.chord(crate::webdriver::CONTROL, ENTER).await;
    app.wait_for_text(By::TestId("result"), "TCK-000001").await;
    // The next ticket starts with the channel and priority just sent.
    app.wait_for_value(By::Label("Channel"), "support").await;
    app.wait_for_value(By::Label("Priority"), "high").await;

    // A prefix lists the known channels that match; Down and Enter choose.
    app.type_into(By::Label("Channel"), "fe").await;
    let listed = app
        .wait_for_text(By::TestId("channel-options"), "feedback")
        .await;
    assert!(!listed.contains("support"), "only what matches: {listed:?}");
    app.type_into(By::Label("Channel"), "su").await;
    let listed = app
        .wait_for_text(By::TestId("channel-options"), "support")
        .await;
    assert!(
        !listed.contains("feedback"),
        "only what matches: {listed:?}"
    );
    app.screenshot(&screenshot_path("channel-list")).await;
    app.press(ARROW_DOWN).await;
    app.press(ENTER).await;
    app.wait_for_value(By::Label("Channel"), "support").await;
    app.wait_for_hidden(By::TestId("channel-options")).await;
    assert_eq!(
        focused(&app).await,
        "channel_slug",
        "Enter chose an option; it did not move on"
    );

    // A typo: the note offers the nearest channel Wemasy accepted.
    app.type_into(By::Label("Channel"), "suport").await;
    app.type_into(By::Label("Subject"), "Second caller").await;
    app.type_into(By::Label("Message"), "Cannot log in.").await;
    app.click(By::Button("Send ticket")).await;
    app.wait_for_text(
        By::TestId("channel-note"),
        "Wemasy has not accepted “suport” before — did you mean “support”?",
    )
    .await;
    app.screenshot(&screenshot_path("channel-typo")).await;
    app.click(By::Button("Use “support”")).await;
    app.wait_for_value(By::Label("Channel"), "support").await;
    wait_for_no_text(&app, "[data-testid=channel-note]").await;
    assert_eq!(
        world.sandbox().tickets().len(),
        1,
        "nothing spent on the typo"
    );

    // Sent anyway, the server refuses it: the panel offers the correction,
    // which puts it in the form with the channel corrected.
    app.type_into(By::Label("Channel"), "suport").await;
    app.click("#priority option[value=low]").await;
    send_to_a_new_channel(&app, "suport").await;
    app.wait_for_text(By::TestId("result"), "Unknown channel “suport”")
        .await;
    app.wait_for_value(By::Label("Subject"), "Second caller")
        .await;
    app.click(By::Button("Use “support” instead")).await;
    app.wait_for_value(By::Label("Channel"), "support").await;
    app.wait_for_text(By::TestId("result"), "The channel is now “support”")
        .await;
    app.click(By::Button("Send ticket")).await;
    app.wait_for_text(By::TestId("result"), "TCK-000002").await;
    let stored = world.sandbox().tickets();
    assert_eq!(
        stored.len(),
        2,
        "one request refused, two tickets: {stored:?}"
    );
    assert_eq!(stored[1].ticket.channel_id, 2, "support");
    assert_eq!(stored[1].ticket.priority, "low");

    // After a restart the next ticket starts with them too.
    let app = world.relaunch(app).await;
    app.wait_for_value(By::Label("Subject"), "").await;
    app.wait_for_value(By::Label("Channel"), "support").await;
    app.wait_for_value(By::Label("Priority"), "low").await;
    app.end().await;
}

/// The app, signed in, beside a sandbox that answers `ms` late.
async fn signed_in_with_latency(ms: u64) -> (World, Session) {
    let (world, app) = World::start_with(Config {
        faults: feedback_sandbox::Faults {
            latency: std::time::Duration::from_millis(ms),
            ..Default::default()
        },
        ..Config::default()
    })
    .await;
    sign_in(&app).await;
    (world, app)
}

/// Waits up to 5 s for `css` to say nothing.
async fn wait_for_no_text(app: &Session, css: &str) {
    for _ in 0..25 {
        if app.text(css).await.is_empty() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!("{css} still says {:?}", app.text(css).await);
}

/// What has the focus: its id, or else its text.
async fn focused(app: &Session) -> String {
    let value = app
        .script(
            "const e = document.activeElement; \
             return e ? (e.id || e.getAttribute('name') || e.textContent.trim()) : '';",
        )
        .await;
    value.as_str().unwrap_or_default().to_owned()
}

/// Whether the focused control shows a focus ring.
async fn focus_is_visible(app: &Session) -> bool {
    let value = app
        .script(
            "const s = getComputedStyle(document.activeElement); \
             return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;",
        )
        .await;
    value == Value::Bool(true)
}

/// Tabs until `wanted` has the focus; every stop on the way must show it.
async fn tab_to(app: &Session, wanted: &str, seen: &mut Vec<String>) {
    for _ in 0..40 {
        app.press(TAB).await;
        let now = focused(app).await;
        assert!(focus_is_visible(app).await, "no visible focus on {now}");
        seen.push(now.clone());
        if now == wanted {
            return;
        }
    }
    panic!("{wanted} is not reachable by Tab; the order was {seen:?}");
}

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn a_ticket_can_be_filed_with_the_keyboard_alone() {
    let (world, app) = World::start().await;
    app.wait_for_text(By::TestId("status-line"), "Not signed in")
        .await;
    let mut order = Vec::new();

    // Sign in: Tab to the button, Enter, type the token, Enter.
    tab_to(&app, "account-button", &mut order).await;
    app.press(ENTER).await;
    app.wait_for_text(By::TestId("sign-in-dialog"), "API token")
        .await;
    assert_eq!(focused(&app).await, "token", "the dialog focuses its field");
    app.type_keys("demo-token").await;
    app.press(ENTER).await;
    app.wait_for_text(By::TestId("account-button"), "Sign out")
        .await;

    // Every control of the form is on the Tab path, in reading order.
    for control in [
        "channel_slug",
        "priority",
        "type",
        "subject",
        "message",
        "rating",
        "Tool, page and user agent",
        "send",
    ] {
        tab_to(&app, control, &mut order).await;
        if control == "subject" {
            app.type_keys("Typed without a mouse").await;
        }
        if control == "message" {
            app.type_keys("Every control answers to the keyboard.")
                .await;
        }
    }
    app.press(ENTER).await;
    app.wait_for_text(By::TestId("result"), "TCK-000001").await;
    // Issue 18: the form is the next caller's at once, so the keyboard
    // stays there; a screen reader reads the outcome from its live region.
    assert_eq!(
        focused(&app).await,
        "subject",
        "the keyboard is ready for the next ticket"
    );
    let live = app
        .script("return document.querySelector('[data-testid=result]').getAttribute('aria-live');")
        .await;
    assert_eq!(live, "polite", "the outcome is read out where it is");
    assert_eq!(
        world.sandbox().tickets()[0].ticket.subject,
        "Typed without a mouse"
    );

    // Ctrl+Enter sends from the message field.
    app.click(By::Label("Subject")).await;
    app.type_keys("Sent with Ctrl+Enter").await;
    app.press(TAB).await;
    app.type_keys("From the message field.").await;
    app.chord(crate::webdriver::CONTROL, ENTER).await;
    app.wait_for_text(By::TestId("result"), "TCK-000002").await;

    // The header's controls come after the form's, and Escape closes a dialog.
    tab_to(&app, "settings-button", &mut order).await;
    app.press(ENTER).await;
    app.wait_for_text(By::TestId("settings-dialog"), "Language")
        .await;
    app.press(crate::webdriver::ESCAPE).await;
    app.wait_for_hidden(By::TestId("settings-dialog")).await;
    app.end().await;
}

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn enter_in_the_subject_moves_on_and_sends_nothing() {
    let (world, app) = World::start().await;
    sign_in(&app).await;

    // Enter at the end of a one-line field moves on, as a fast agent
    // expects: the subject is not the whole ticket.
    app.type_into(By::Label("Subject"), "Checkout page blank")
        .await;
    app.press(ENTER).await;
    assert_eq!(focused(&app).await, "message", "Enter moves to the message");
    app.type_keys("Since the update.").await;
    app.wait_for_value(By::Label("Message"), "Since the update.")
        .await;
    // A send would have reached the local sandbox well within this.
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert!(world.sandbox().tickets().is_empty(), "nothing was sent");
    assert_eq!(app.text(By::TestId("result")).await, "", "nothing was sent");

    // The Send button says how to send from the keyboard, and that sends.
    let hint = app.text("#send-shortcut").await;
    assert!(hint.contains("Enter"), "the Send button's hint: {hint:?}");
    app.chord(crate::webdriver::CONTROL, ENTER).await;
    let result = app.wait_for_text(By::TestId("result"), "TCK-000001").await;
    assert_eq!(
        world.sandbox().tickets()[0].ticket.subject,
        "Checkout page blank"
    );
    // The channel by its name, not the server's number for it.
    assert!(result.contains("feedback"), "{result}");
    assert!(!result.contains("(#"), "{result}");
    app.end().await;
}

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn a_blank_form_shows_no_error_until_a_field_is_judged() {
    let (world, app) = World::start().await;
    sign_in(&app).await;
    let settle = || tokio::time::sleep(std::time::Duration::from_millis(600));

    // Passing through empty fields judges nothing.
    app.click(By::Label("Subject")).await;
    app.press(TAB).await;
    app.press(TAB).await;
    settle().await;
    assert_eq!(
        app.text("#subject-error").await,
        "",
        "a blank subject passed through"
    );
    assert_eq!(
        app.text("#message-error").await,
        "",
        "a blank message passed through"
    );

    // A send tried judges every field; an error goes as soon as it no
    // longer holds, before the field is left.
    app.click(By::Button("Send ticket")).await;
    app.wait_for_text("#subject-error", "Required").await;
    app.wait_for_text("#message-error", "Required").await;
    app.type_into(By::Label("Subject"), "Printer offline").await;
    wait_for_no_text(&app, "#subject-error").await;
    assert_eq!(focused(&app).await, "subject", "still in the subject");
    assert!(
        !app.text("#message-error").await.is_empty(),
        "the message is still empty"
    );

    // After a send, the next ticket's blank form is not judged.
    app.type_into(By::Label("Message"), "Since nine.").await;
    app.chord(crate::webdriver::CONTROL, ENTER).await;
    app.wait_for_text(By::TestId("result"), "TCK-000001").await;
    settle().await;
    assert_eq!(
        app.text("#subject-error").await,
        "",
        "the next ticket's subject"
    );
    assert_eq!(
        app.text("#message-error").await,
        "",
        "the next ticket's message"
    );
    assert_eq!(world.sandbox().tickets().len(), 1);
    app.end().await;
}

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn the_interface_speaks_dutch_when_asked() {
    let (mut world, app) = World::start().await;
    sign_in(&app).await;
    app.click(By::Button("Settings")).await;
    app.click("#setting-language option[value=nl]").await;
    app.click(By::Button("Save")).await;
    app.wait_for_text(By::TestId("send"), "Ticket versturen")
        .await;
    app.screenshot(&screenshot_path("nl-empty-form")).await;

    // Labels are Dutch now; a person finds the fields by them.
    app.type_into(By::Label("Onderwerp"), "  ").await;
    app.type_into(By::Label("Bericht"), "Het lukt niet.").await;
    app.click(By::Button("Ticket versturen")).await;
    app.wait_for_text("#subject-error", "Verplicht").await;
    app.screenshot(&screenshot_path("nl-errors")).await;

    world.stop_sandbox().await;
    app.type_into(By::Label("Onderwerp"), "Verstuurd zonder verbinding")
        .await;
    app.click(By::Button("Ticket versturen")).await;
    app.wait_for_text(By::TestId("result"), "Bewaard").await;
    app.click(By::TestId("outbox-toggle")).await;
    app.wait_for_text(By::TestId("outbox"), "Verstuurd zonder verbinding")
        .await;
    app.screenshot(&screenshot_path("nl-queued")).await;
    world.restart_sandbox().await;
    app.wait_for_hidden(By::TestId("outbox-badge")).await;
    app.end().await;
}

/// A Dutch desktop with a dark theme: the window follows both without a
/// setting, and a person finds everything by its Dutch label.
#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn the_window_follows_the_desktop_language_and_dark_theme() {
    let desktop = [("LANG", "nl_NL.UTF-8"), ("GTK_THEME", "Adwaita:dark")];
    let (world, app) = World::start_in(Config::default(), &desktop).await;
    app.wait_for_text(By::TestId("status-line"), "Niet ingelogd")
        .await;
    let dark = app
        .script("return matchMedia('(prefers-color-scheme: dark)').matches")
        .await;
    assert_eq!(dark, Value::Bool(true), "the page sees the dark theme");
    let background = app
        .script("return getComputedStyle(document.documentElement).backgroundColor")
        .await;
    assert_eq!(background, "rgb(15, 17, 21)", "the dark palette is used");

    app.click(By::Button("Inloggen")).await;
    app.type_into(By::Label("API-token"), "demo-token").await;
    app.click(By::Button("Inloggen")).await;
    app.wait_for_text(By::TestId("account-button"), "Uitloggen")
        .await;
    app.type_into(By::Label("Onderwerp"), "Rapport laadt niet")
        .await;
    app.type_into(By::Label("Bericht"), "Sinds vanochtend.")
        .await;
    app.click(By::Label("4")).await;
    app.screenshot(&screenshot_path("nl-dark-form")).await;
    app.click(By::Button("Ticket versturen")).await;
    let result = app.wait_for_text(By::TestId("result"), "TCK-000001").await;
    assert!(result.contains("aangemaakt"), "{result}");
    assert_eq!(world.sandbox().tickets()[0].ticket.rating, Some(4));
    app.screenshot(&screenshot_path("nl-dark-delivered")).await;
    app.end().await;
}

/// Found by the installer's test: the default channel changed in the
/// settings while the form still had the old one, and the first Send
/// stopped at "Wemasy has not accepted “feedback” before". The form's
/// channel follows a changed default while it is still the one the form
/// started with, and the ticket goes on the first Send.
#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn a_default_channel_changed_in_the_settings_is_the_forms() {
    let (world, app) = World::start().await;
    sign_in(&app).await;
    app.wait_for_value(By::Label("Channel"), "feedback").await;
    app.click(By::Button("Settings")).await;
    app.type_into(By::Label("Default channel"), "support").await;
    app.click(By::Button("Save")).await;
    app.wait_for_value(By::Label("Channel"), "support").await;
    app.type_into(By::Label("Subject"), "Filed under the new default")
        .await;
    app.type_into(By::Label("Message"), "One Send.").await;
    app.click(By::Button("Send ticket")).await;
    let panel = app.wait_for_text(By::TestId("result"), "TCK-000001").await;
    assert!(panel.contains("support"), "filed under it: {panel}");
    assert_eq!(world.sandbox().tickets().len(), 1);
    app.end().await;
}
