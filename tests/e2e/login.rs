//! Starting at login, on Linux an XDG autostart entry in
//! `$XDG_CONFIG_HOME/autostart`: the "Start at login" setting makes and
//! removes it; quitting with a ticket waiting can ask for a one-time start
//! that sends it at the next login and then removes its entry.

use std::time::{Duration, Instant};

use crate::harness::{World, built_binary};
use crate::submit::close_with_a_ticket_waiting;
use crate::webdriver::{By, Session};

async fn toggle_start_at_login(app: &Session) {
    app.click(By::Button("Settings")).await;
    app.click(By::Label("Start at login")).await;
    app.click(By::Button("Save")).await;
    app.wait_for_hidden(By::TestId("settings-dialog")).await;
}

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn start_at_login_and_a_one_time_start_that_sends_what_was_left() {
    let (mut world, app) = World::start().await;
    let entry = world
        .data_dir()
        .join("config/autostart/nl.wemasy.feedback.desktop");

    toggle_start_at_login(&app).await;
    let text = std::fs::read_to_string(&entry).expect("an autostart entry");
    let program = built_binary("debug", "wemasy-feedback")
        .canonicalize()
        .unwrap();
    assert!(
        text.contains(&format!("\nExec=\"{}\" --autostart\n", program.display())),
        "{text}"
    );
    toggle_start_at_login(&app).await;
    assert!(!entry.exists(), "turned off, the entry is gone");

    // Quitting with a ticket waiting (the tray setting off, so it asks).
    close_with_a_ticket_waiting(&mut world, &app, "Left at closing time").await;
    app.click_to_quit(By::Button("Quit and send at next login"))
        .await;
    world.wait_for_no_window().await;
    assert!(entry.exists(), "a one-time start at the next login");

    // The next morning: the server is up, the login starts the app.
    world.restart_sandbox().await;
    app.end().await;
    let app = world.launch_with(&["--autostart"]).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while world.sandbox().tickets().is_empty() || entry.exists() {
        assert!(
            Instant::now() < deadline,
            "sent {} ticket(s); entry still there: {}",
            world.sandbox().tickets().len(),
            entry.exists()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        world.sandbox().tickets()[0].ticket.subject,
        "Left at closing time"
    );
    app.end().await;
}
