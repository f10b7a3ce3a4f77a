//! Delivery as a desktop lives it: a script queues a ticket beside the
//! running app, and settings are saved while a slow server holds a reply.
//! Each ticket must reach the server exactly once, without a click.

use std::process::Command;
use std::time::{Duration, Instant};

use feedback_sandbox::{Config, Faults, Sandbox, TokenSpec};

use crate::harness::{World, built_binary, forget_token, screenshot_path, sign_in, sign_in_with};
use crate::webdriver::By;

/// Waits until the sandbox holds `count` tickets.
async fn until_stored(world: &World, count: usize, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while world.sandbox().tickets().len() < count {
        assert!(Instant::now() < deadline, "{what}: not stored within 20 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn a_ticket_the_cli_queues_while_the_app_runs_is_sent_by_the_app() {
    let (world, app) = World::start().await;
    sign_in(&app).await;
    app.wait_for_text(By::TestId("status-line"), "Wemasy accepted the token")
        .await;

    // `feedback submit --wait 0`: saved in the shared outbox, not sent.
    let outbox = world
        .data_dir()
        .join("data/nl.wemasy.feedback/outbox.sqlite3");
    let cli = Command::new(built_binary("debug", "feedback"))
        .args([
            "submit",
            "--channel",
            "feedback",
            "--subject",
            "Queued by a script",
            "--message",
            "From a cron job beside the app.",
            "--wait",
            "0",
        ])
        .env("FEEDBACK_API_BASE", world.sandbox().base_url())
        .env("FEEDBACK_OUTBOX", &outbox)
        .env("FEEDBACK_TOKEN", "demo-token")
        .output()
        .expect("the feedback binary runs (cargo build -p feedback-cli)");
    assert_eq!(
        cli.status.code(),
        Some(5),
        "queued, not sent: {}",
        String::from_utf8_lossy(&cli.stderr)
    );
    assert!(world.sandbox().tickets().is_empty(), "the CLI sent nothing");

    // The app notices the other process's write and sends it, unasked.
    until_stored(&world, 1, "the script's ticket").await;
    app.wait_for_hidden(By::TestId("outbox-badge")).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let stored = world.sandbox().tickets();
    assert_eq!(stored.len(), 1, "sent once");
    assert_eq!(stored[0].ticket.subject, "Queued by a script");
    app.end().await;
}

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn saving_settings_during_a_slow_send_files_the_ticket_once() {
    let config = Config {
        faults: Faults {
            slow_after_store: Duration::from_secs(8),
            ..Faults::default()
        },
        ..Config::default()
    };
    let (world, app) = World::start_with(config).await;
    sign_in(&app).await;
    app.type_into(By::Label("Subject"), "Sent while settings are saved")
        .await;
    app.type_into(By::Label("Message"), "The server is slow today.")
        .await;
    app.click(By::Button("Send ticket")).await;
    // The window stops waiting after a few seconds; the reply is still due.
    app.wait_for_text(By::TestId("result"), "Saved").await;
    until_stored(&world, 1, "the ticket, its reply held back").await;

    // A person changes a setting while the server holds the reply.
    app.click(By::Button("Settings")).await;
    app.click(By::Label("Show notifications")).await;
    app.click(By::Button("Save")).await;
    app.wait_for_hidden(By::TestId("settings-dialog")).await;
    app.screenshot(&screenshot_path("settings-during-send"))
        .await;

    // The reply arrives and is recorded; nothing is sent again.
    app.wait_for_hidden(By::TestId("outbox-badge")).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        world.sandbox().tickets().len(),
        1,
        "the server holds the ticket once"
    );
    app.end().await;
}

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn a_servers_tickets_go_to_that_server_with_its_own_token_after_a_switch() {
    // No FEEDBACK_API_BASE: the server is the setting, as for a person.
    let (mut world, app) = World::start_in(Config::default(), &[("FEEDBACK_API_BASE", "")]).await;
    let first = world.sandbox().base_url();
    app.click(By::Button("Settings")).await;
    app.type_into(By::Label("API base URL"), &first).await;
    app.click(By::Button("Save")).await;
    app.wait_for_hidden(By::TestId("settings-dialog")).await;
    sign_in(&app).await;

    // A ticket waits for the first server, which is down.
    world.stop_sandbox().await;
    app.type_into(By::Label("Subject"), "For the first server")
        .await;
    app.type_into(By::Label("Message"), "Filed before the switch.")
        .await;
    app.click(By::Button("Send ticket")).await;
    app.wait_for_text(By::TestId("result"), "Saved").await;

    // A second server that knows another token only.
    let second = Sandbox::start(Config {
        port: 0,
        tokens: vec![TokenSpec {
            token: "second-token".into(),
            user_id: None,
        }],
        ..Config::default()
    })
    .await
    .unwrap();
    forget_token(&format!("http://127.0.0.1:{}", second.addr().port()));
    app.click(By::Button("Settings")).await;
    app.type_into(By::Label("API base URL"), &second.base_url())
        .await;
    app.click(By::Button("Save")).await;
    // The switch says how many tickets stay with the old server.
    app.wait_for_text(By::TestId("confirm-dialog"), "1 ticket waits for")
        .await;
    app.click(By::Button("Switch")).await;
    app.wait_for_hidden(By::TestId("settings-dialog")).await;
    sign_in_with(&app, "second-token").await;

    // A restart: the old server's ticket must still go to its own endpoint
    // (its base remembered with it, not guessed from its origin).
    let app = world.relaunch(app).await;
    app.click(By::TestId("outbox-toggle")).await;
    let listed = app
        .wait_for_text(By::TestId("outbox"), "another server")
        .await;
    assert!(listed.contains("For the first server"), "{listed}");
    app.screenshot(&screenshot_path("outbox-other-server"))
        .await;

    // The first server comes back; Send queued now asks every server again.
    world.restart_sandbox().await;
    app.click(By::Button("Send queued now")).await;
    until_stored(&world, 1, "the ticket, at its own server").await;
    assert_eq!(
        world.sandbox().tickets()[0].ticket.subject,
        "For the first server"
    );
    // Sign-in asked the second server about its own token (a 422: taken,
    // nothing filed); nothing else went there, no other token (a 401).
    let seen = second.stats();
    assert_eq!(
        (seen.requests, seen.by_status.get(&422)),
        (1, Some(&1)),
        "only the sign-in's check of its own token went to the second server: {seen:?}"
    );
    assert!(second.tickets().is_empty());
    app.end().await;
}

/// Runs the `feedback` CLI beside the app: its outbox, its server, the
/// tests' keyring; `stdin` is the token `login` reads. It is waited for
/// off the test's runtime, which serves the sandbox the CLI may ask (its
/// `login` checks the token with the server).
async fn cli_beside(world: &World, args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write;
    let outbox = world
        .data_dir()
        .join("data/nl.wemasy.feedback/outbox.sqlite3");
    let mut command = Command::new(built_binary("debug", "feedback"));
    command
        .args(args)
        .env("FEEDBACK_API_BASE", world.sandbox().base_url())
        .env("FEEDBACK_OUTBOX", &outbox)
        .env_remove("FEEDBACK_TOKEN")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let stdin = stdin.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut cli = command
            .spawn()
            .expect("the feedback binary runs (cargo build -p feedback-cli)");
        if let Some(mut input) = cli.stdin.take() {
            input.write_all(stdin.as_bytes()).unwrap();
        }
        cli.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}

/// Defect (issue 17): `feedback login` and `logout` while the app ran
/// were not noticed by the app: its tickets waited for a sign-in the
/// keyring already held, and it went on sending with a token signed out.
#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn a_sign_in_or_out_from_the_cli_is_noticed_by_the_running_app() {
    let (world, app) = World::start().await;
    app.wait_for_text(By::TestId("status-line"), "Not signed in")
        .await;
    app.type_into(By::Label("Subject"), "Waiting for a sign-in")
        .await;
    app.type_into(By::Label("Message"), "Filed before anyone signed in.")
        .await;
    app.click(By::Button("Send ticket")).await;
    app.wait_for_text(By::TestId("result"), "Saved").await;

    let login = cli_beside(&world, &["login"], "demo-token\n").await;
    assert!(login.status.success(), "{login:?}");
    until_stored(&world, 1, "the ticket, once the CLI signed in").await;
    app.wait_for_text(By::TestId("account-button"), "Sign out")
        .await;

    let logout = cli_beside(&world, &["logout"], "").await;
    assert!(logout.status.success(), "{logout:?}");
    app.wait_for_text(By::TestId("status-line"), "Not signed in")
        .await;
    app.type_into(By::Label("Subject"), "After the sign-out")
        .await;
    app.type_into(By::Label("Message"), "Must not go with the old token.")
        .await;
    app.click(By::Button("Send ticket")).await;
    app.wait_for_text(By::TestId("result"), "Saved").await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(
        world.sandbox().tickets().len(),
        1,
        "nothing went with the token signed out"
    );
    app.end().await;
}

/// Defect (issue 17): correcting only the path of the API base (same
/// server) kept posting to the old path until a restart.
#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn a_corrected_path_on_the_same_server_is_used_at_once() {
    let (world, app) = World::start_in(Config::default(), &[("FEEDBACK_API_BASE", "")]).await;
    let wrong = world.sandbox().base_url().replace("/api", "/wrong");
    app.click(By::Button("Settings")).await;
    app.type_into(By::Label("API base URL"), &wrong).await;
    app.click(By::Button("Save")).await;
    app.wait_for_hidden(By::TestId("settings-dialog")).await;
    sign_in(&app).await;
    app.type_into(By::Label("Subject"), "Sent to the right path")
        .await;
    app.type_into(By::Label("Message"), "After the path was corrected.")
        .await;
    app.click(By::Button("Send ticket")).await;
    // The wrong path is not the API: the ticket comes back to the form.
    app.wait_for_text(By::TestId("result"), "not found").await;
    assert!(world.sandbox().tickets().is_empty());

    app.click(By::Button("Settings")).await;
    app.type_into(By::Label("API base URL"), &world.sandbox().base_url())
        .await;
    app.click(By::Button("Save")).await;
    app.wait_for_hidden(By::TestId("settings-dialog")).await;
    // Sent again as it stands, from the keyboard.
    app.click(By::Label("Message")).await;
    app.chord(crate::webdriver::CONTROL, crate::webdriver::ENTER)
        .await;
    app.wait_for_text(By::TestId("result"), "created").await;
    let stored = world.sandbox().tickets();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].ticket.subject, "Sent to the right path");
    app.end().await;
}
