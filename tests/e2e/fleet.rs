//! A machine an administrator manages: the Linux policy file
//! (`/etc/wemasy-feedback/policy.json`; the debug build reads
//! `FEEDBACK_POLICY_FILE` instead, so that a test can write one) in the
//! real window. Enforced values win and are shown locked, also over
//! `FEEDBACK_API_BASE`; recommended ones are defaults; a bad file is told
//! and ignored, never fatal.

use crate::harness::{World, sign_in};
use crate::webdriver::{By, Session};

/// Whether the control with `id` is disabled, and its value.
async fn control(app: &Session, id: &str) -> (bool, String) {
    let found = app
        .script(&format!(
            "const c = document.getElementById({id:?}); return [c.disabled, c.value];"
        ))
        .await;
    (
        found[0].as_bool().unwrap_or_default(),
        found[1].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn an_enforced_server_is_used_and_locked_and_a_bad_policy_is_told() {
    let policy_dir = tempfile::tempdir().unwrap();
    let policy = policy_dir.path().join("policy.json");
    // The person's environment points elsewhere (a server that is down).
    let (world, app) = World::start_in(
        Default::default(),
        &[
            ("FEEDBACK_POLICY_FILE", policy.to_str().unwrap()),
            ("FEEDBACK_API_BASE", "http://127.0.0.1:9/api"),
        ],
    )
    .await;

    // The administrator rolls out a policy; the app starts again.
    std::fs::write(
        &policy,
        serde_json::json!({
            "enforced": {"ApiBaseUrl": world.sandbox().base_url(), "DeliveredRetentionDays": 30},
            "recommended": {"DefaultChannel": "support"}
        })
        .to_string(),
    )
    .unwrap();
    let app = world.relaunch(app).await;
    app.click(By::Button("Settings")).await;
    assert_eq!(
        control(&app, "setting-api-base").await,
        (true, world.sandbox().base_url()),
        "the enforced server, locked"
    );
    assert_eq!(
        control(&app, "setting-keep-days").await,
        (true, "30".into())
    );
    assert_eq!(
        control(&app, "setting-channel").await,
        (false, "support".into()),
        "a recommendation the person may change"
    );
    let locked = app
        .script(
            "return [...document.querySelectorAll('[data-testid=locked-hint]')]
               .filter((hint) => !hint.hidden).map((hint) => hint.textContent);",
        )
        .await;
    assert_eq!(
        locked,
        serde_json::json!(["Set by your organisation", "Set by your organisation"])
    );
    // Saving what may be changed keeps what may not.
    app.type_into(By::Label("Default channel"), "feedback")
        .await;
    app.click(By::Button("Save")).await;
    app.wait_for_hidden(By::TestId("settings-dialog")).await;

    // The enforced server gets the ticket, not FEEDBACK_API_BASE's.
    sign_in(&app).await;
    app.click(By::Button("New ticket")).await;
    app.type_into(By::Label("Subject"), "Filed on a managed desktop")
        .await;
    app.type_into(By::Label("Message"), "The policy chose the server.")
        .await;
    app.click(By::Button("Send ticket")).await;
    app.wait_for_text(By::TestId("result"), "TCK-000001").await;
    let stored = world.sandbox().tickets();
    assert_eq!(stored.len(), 1);
    assert_eq!(
        stored[0].ticket.channel_id, 1,
        "the person's channel (feedback), not the recommended one (support)"
    );

    // A file that does not parse: told in the window, ignored, not fatal.
    std::fs::write(&policy, "{\"enforced\": {\"ApiBaseUrl\": ").unwrap();
    let app = world.relaunch(app).await;
    let notice = app
        .wait_for_text(By::TestId("result"), "Your organisation's settings")
        .await;
    assert!(notice.contains("not valid JSON"), "{notice}");
    app.click(By::Button("Settings")).await;
    assert!(
        !control(&app, "setting-api-base").await.0,
        "nothing is locked by a file that does not parse"
    );
    app.end().await;
}
