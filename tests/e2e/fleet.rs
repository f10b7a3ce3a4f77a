//! A machine an administrator manages: the Linux policy file
//! (`/etc/wemasy-feedback/policy.json`; the debug build reads
//! `FEEDBACK_POLICY_FILE` instead, so that a test can write one) in the
//! real window. Enforced values win and are shown locked, also over
//! `FEEDBACK_API_BASE`; recommended ones are defaults; a bad file is told
//! and ignored, never fatal, and one that does not parse leaves the last
//! policy read in force. A policy changed while the app runs is seen
//! within seconds: locks, a new ticket's defaults, the organisation's
//! templates.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::a11y::{audit, inject_axe};
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

/// Waits up to 20 s (the app reads the policy every 5 s) for the control
/// with `id` to be as `wanted` (disabled, value).
async fn wait_for_control(app: &Session, id: &str, wanted: (bool, &str)) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (disabled, value) = control(app, id).await;
        if (disabled, value.as_str()) == wanted {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "#{id} stayed (disabled, value) = ({disabled}, {value:?}), not {wanted:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Puts `policy` at `path` as an administrator's tool does: whole, at once.
fn roll_out(path: &Path, policy: &serde_json::Value) {
    let next = path.with_extension("json.new");
    std::fs::write(&next, policy.to_string()).unwrap();
    std::fs::rename(&next, path).unwrap();
}

/// The texts of the buttons of the organisation's templates in the list.
async fn organisation_buttons(app: &Session) -> serde_json::Value {
    app.script(
        "return [...document.querySelectorAll('[data-testid=template-item][data-organisation] button')]
           .map((button) => button.textContent);",
    )
    .await
}

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn a_policy_changed_while_the_app_runs_is_applied_in_the_window() {
    let policy_dir = tempfile::tempdir().unwrap();
    let policy = policy_dir.path().join("policy.json");
    roll_out(
        &policy,
        &serde_json::json!({"enforced": {"DefaultChannel": "support"}}),
    );
    let (_world, app) = World::start_in(
        Default::default(),
        &[("FEEDBACK_POLICY_FILE", policy.to_str().unwrap())],
    )
    .await;
    app.click(By::Button("Settings")).await;
    assert_eq!(
        control(&app, "setting-channel").await,
        (true, "support".into())
    );
    assert_eq!(control(&app, "setting-priority").await, (false, "".into()));

    // With the settings dialog open, the administrator changes the policy:
    // a priority and a shared template enforced, the channel set free.
    roll_out(
        &policy,
        &serde_json::json!({"enforced": {
            "DefaultPriority": "high",
            "Templates": [{"name": "Login problem", "channel_slug": "support", "type": "bug",
                           "subject": "Cannot log in", "message": "What I did:"}]
        }}),
    );
    wait_for_control(&app, "setting-priority", (true, "high")).await;
    assert_eq!(
        control(&app, "setting-channel").await,
        (false, "feedback".into()),
        "no longer enforced: the person's own (the default), to change"
    );
    let locked = app
        .script(
            "return [...document.querySelectorAll('[data-testid=locked-hint]')]
               .filter((hint) => !hint.hidden).map((hint) => hint.previousElementSibling.id);",
        )
        .await;
    assert_eq!(locked, serde_json::json!(["setting-priority"]));
    inject_axe(&app).await;
    let mut found = audit(&app, "settings dialog with a lock").await;
    app.click(By::Button("Cancel")).await;

    // A new ticket starts with the enforced priority.
    app.click(By::Button("New ticket")).await;
    app.wait_for_value(By::Label("Priority"), "high").await;
    assert_eq!(control(&app, "channel_slug").await.1, "feedback");

    // The organisation's template: listed and marked, applied, not renamed
    // or deleted.
    app.click(By::TestId("nav-templates")).await;
    app.wait_for_text(By::TestId("templates-list"), "Login problem")
        .await;
    app.wait_for_text(
        By::TestId("template-from-organisation"),
        "From your organisation",
    )
    .await;
    assert_eq!(
        organisation_buttons(&app).await,
        serde_json::json!(["Fill the form"]),
        "no Rename or Delete for the organisation's template"
    );
    found.extend(audit(&app, "templates view with the organisation's").await);
    assert!(found.is_empty(), "{found:#?}");
    app.click(By::Button("Fill the form")).await;
    app.wait_for_value(By::Label("Subject"), "Cannot log in")
        .await;
    assert_eq!(control(&app, "type").await.1, "bug");
    assert_eq!(control(&app, "channel_slug").await.1, "support");
    assert_eq!(
        control(&app, "priority").await.1,
        "high",
        "the template has none: the default's"
    );
    // Nor replaced by one of the person's own of that name.
    app.click(By::Button("Save as template…")).await;
    app.type_into(By::Label("Template name"), "login PROBLEM")
        .await;
    app.click(By::Button("Save")).await;
    app.wait_for_text(By::TestId("result"), "comes from your organisation")
        .await;

    // A bad entry is told and skipped; the rest applies. A server enforced
    // now is switched to, as a saved one is.
    roll_out(
        &policy,
        &serde_json::json!({
            "enforced": {"Templates": [{"name": "Printer"}, {"subject": "No name"}],
                         "ApiBaseUrl": "http://127.0.0.1:9/api"},
            "recommended": {"Templates": "Login problem"}
        }),
    );
    let told = app
        .wait_for_text(
            By::TestId("result"),
            "Some of your organisation's settings were ignored",
        )
        .await;
    assert!(
        told.contains("enforced: Templates: template 2 has no name; skipped"),
        "{told}"
    );
    assert!(
        told.contains("recommended: Templates = \"Login problem\": expected a list of templates"),
        "{told}"
    );
    app.wait_for_text(By::TestId("server"), "http://127.0.0.1:9/api")
        .await;
    app.click(By::TestId("nav-templates")).await;
    app.wait_for_text(By::TestId("templates-list"), "Printer")
        .await;
    let listed = app.text(By::TestId("templates-list")).await;
    assert!(
        !listed.contains("Login problem"),
        "the old policy's template is gone: {listed}"
    );
    app.end().await;
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

    // A roll-out with a stray comma: told in the window, and the last
    // policy that could be read stays in force, after a restart too
    // (kept in the data folder): never production.
    std::fs::write(
        &policy,
        serde_json::json!({"enforced": {"ApiBaseUrl": world.sandbox().base_url()}})
            .to_string()
            .replace("\"}", "\",}"),
    )
    .unwrap();
    let app = world.relaunch(app).await;
    let notice = app
        .wait_for_text(By::TestId("result"), "Your organisation's settings")
        .await;
    assert!(notice.contains("not valid JSON"), "{notice}");
    assert!(notice.contains("stays in force"), "{notice}");
    app.click(By::Button("Settings")).await;
    assert_eq!(
        control(&app, "setting-api-base").await,
        (true, world.sandbox().base_url()),
        "the organisation's server, still locked"
    );
    app.end().await;
}
