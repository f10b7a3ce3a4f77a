//! An accessibility audit of the real window: axe-core (from npm, injected
//! through WebDriver) over every view and dialog, in English and Dutch,
//! light and dark. Any violation, of any impact, fails.

use serde_json::Value;

use crate::harness::{World, screenshot_path, sign_in};
use crate::webdriver::{By, Session};
use feedback_sandbox::Config;

/// axe-core's violations in the window as it is now, as `id (impact): where`.
pub(crate) async fn audit(app: &Session, what: &str) -> Vec<String> {
    let found = app
        .script_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] })
               .then((result) => done(result.violations.map((v) =>
                 `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`)))
               .catch((error) => done([`axe failed: ${error}`]));",
        )
        .await;
    let Value::Array(found) = found else {
        panic!("{what}: axe answered {found}");
    };
    found
        .into_iter()
        .map(|violation| format!("{what}: {}", violation.as_str().unwrap_or_default()))
        .collect()
}

pub(crate) async fn inject_axe(app: &Session) {
    let axe = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../node_modules/axe-core/axe.min.js"
    ))
    .expect("axe-core is installed (npm install)");
    let loaded = app
        .script(&format!("{axe}\n;return typeof window.axe;"))
        .await;
    assert_eq!(loaded, "object", "axe-core loaded in the window");
}

/// Every view and dialog of one desktop (language and theme from `env`),
/// with a screenshot of each view named after `desktop`.
async fn audit_desktop(env: &[(&str, &str)], words: &Words, desktop: &str) -> Vec<String> {
    let (mut world, app) = World::start_in(Config::default(), env).await;
    let shot = |view: &str| screenshot_path(&format!("{desktop}-{view}"));
    inject_axe(&app).await;
    let mut found = audit(&app, "signed out").await;
    app.click(By::TestId("account-button")).await;
    app.wait_for_text(By::TestId("sign-in-dialog"), words.token)
        .await;
    found.extend(audit(&app, "sign-in dialog").await);
    app.press(crate::webdriver::ESCAPE).await;

    sign_in_in(&app, words).await;
    // Something in every list: a sent ticket, a waiting one, a template.
    app.type_into(By::Label(words.subject), "Audited").await;
    app.type_into(By::Label(words.message), "Audited ticket.")
        .await;
    app.click(By::Button(words.send)).await;
    app.wait_for_text(By::TestId("result"), "TCK-000001").await;
    found.extend(audit(&app, "ticket view with a result").await);
    app.screenshot(&shot("ticket")).await;
    // The channel list open, and the note on a channel Wemasy never accepted.
    app.type_into(By::Label(words.channel), "fe").await;
    app.wait_for_text(By::TestId("channel-options"), "feedback")
        .await;
    found.extend(audit(&app, "channel list").await);
    app.type_into(By::Label(words.channel), "feedbak").await;
    app.click(By::Button(words.send)).await;
    app.wait_for_text(By::TestId("channel-note"), "“feedback”")
        .await;
    found.extend(audit(&app, "channel note").await);
    app.screenshot(&shot("channel-note")).await;
    app.click(By::TestId("channel-correction")).await;
    app.wait_for_value(By::Label(words.channel), "feedback")
        .await;
    app.type_into(By::Label(words.subject), "Call from {customer}")
        .await;
    app.click(By::Button(words.save_as_template)).await;
    found.extend(audit(&app, "template name dialog").await);
    app.type_into(By::Label(words.template_name), "Audit").await;
    app.press(crate::webdriver::ENTER).await;
    app.wait_for_hidden(By::TestId("name-dialog")).await;
    // The template picker's list, then the question the template asks.
    // The picker shows once the list of templates has come.
    app.find("#template-pick:not([hidden])").await;
    app.shortcut(&[crate::webdriver::CONTROL], 't').await;
    app.type_keys("au").await;
    app.wait_for_text(By::TestId("template-options"), "Audit")
        .await;
    found.extend(audit(&app, "template picker list").await);
    app.press(crate::webdriver::ENTER).await;
    app.click("#confirm-yes").await;
    app.wait_for_text(By::TestId("fill-dialog"), "customer")
        .await;
    found.extend(audit(&app, "template questions dialog").await);
    app.screenshot(&shot("template-questions")).await;
    app.press(crate::webdriver::ESCAPE).await;
    app.wait_for_hidden(By::TestId("fill-dialog")).await;
    world.stop_sandbox().await;
    app.type_into(By::Label(words.subject), "Waiting").await;
    app.type_into(By::Label(words.message), "Waiting ticket.")
        .await;
    app.click(By::Button(words.send)).await;
    app.wait_for_text(By::TestId("outbox-badge"), "1").await;

    app.click(By::TestId("outbox-toggle")).await;
    app.wait_for_text(By::TestId("outbox"), "Waiting").await;
    found.extend(audit(&app, "outbox view").await);
    app.screenshot(&shot("outbox")).await;
    app.click(By::Button(words.discard)).await;
    found.extend(audit(&app, "discard dialog").await);
    app.press(crate::webdriver::ESCAPE).await;

    app.click(By::TestId("nav-sent")).await;
    app.wait_for_text(By::TestId("sent-list"), "TCK-000001")
        .await;
    found.extend(audit(&app, "sent view").await);
    app.screenshot(&shot("sent")).await;
    app.click(By::Button(words.open)).await;
    app.wait_for_text(By::TestId("ticket-json"), "TCK-000001")
        .await;
    found.extend(audit(&app, "sent ticket dialog").await);
    app.press(crate::webdriver::ESCAPE).await;

    app.click(By::TestId("nav-templates")).await;
    app.wait_for_text(By::TestId("templates-list"), "Audit")
        .await;
    found.extend(audit(&app, "templates view").await);
    app.screenshot(&shot("templates")).await;

    app.click(By::TestId("settings-button")).await;
    found.extend(audit(&app, "settings dialog").await);
    app.press(crate::webdriver::ESCAPE).await;

    // The quit dialog as quitting opens it (its words set, then shown).
    app.script(
        "const d = document.getElementById('quit-dialog');
         document.getElementById('quit-heading').textContent = '1';
         d.showModal(); return true;",
    )
    .await;
    found.extend(audit(&app, "quit dialog").await);
    app.press(crate::webdriver::ESCAPE).await;
    world.restart_sandbox().await;
    app.end().await;
    found
        .into_iter()
        .map(|violation| format!("{env:?} {violation}"))
        .collect()
}

async fn sign_in_in(app: &Session, words: &Words) {
    if words.token == "API token" {
        return sign_in(app).await;
    }
    app.click(By::TestId("account-button")).await;
    app.type_into(By::Label(words.token), "demo-token").await;
    app.press(crate::webdriver::ENTER).await;
    app.wait_for_text(By::TestId("account-button"), words.sign_out)
        .await;
}

/// The labels a person finds things by, per language.
struct Words {
    token: &'static str,
    sign_out: &'static str,
    channel: &'static str,
    subject: &'static str,
    message: &'static str,
    send: &'static str,
    save_as_template: &'static str,
    template_name: &'static str,
    discard: &'static str,
    open: &'static str,
}

const ENGLISH: Words = Words {
    token: "API token",
    sign_out: "Sign out",
    channel: "Channel",
    subject: "Subject",
    message: "Message",
    send: "Send ticket",
    save_as_template: "Save as template…",
    template_name: "Template name",
    discard: "Discard",
    open: "Open",
};

const DUTCH: Words = Words {
    token: "API-token",
    sign_out: "Uitloggen",
    channel: "Kanaal",
    subject: "Onderwerp",
    message: "Bericht",
    send: "Ticket versturen",
    save_as_template: "Opslaan als sjabloon…",
    template_name: "Naam van het sjabloon",
    discard: "Verwijderen",
    open: "Openen",
};

#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn every_view_and_dialog_passes_axe_in_english_and_dutch_light_and_dark() {
    let mut found = Vec::new();
    for (env, words, desktop) in [
        (vec![("LANG", "en_US.UTF-8")], &ENGLISH, "en-light"),
        (
            vec![("LANG", "en_US.UTF-8"), ("GTK_THEME", "Adwaita:dark")],
            &ENGLISH,
            "en-dark",
        ),
        (vec![("LANG", "nl_NL.UTF-8")], &DUTCH, "nl-light"),
        (
            vec![("LANG", "nl_NL.UTF-8"), ("GTK_THEME", "Adwaita:dark")],
            &DUTCH,
            "nl-dark",
        ),
    ] {
        found.extend(audit_desktop(&env, words, desktop).await);
    }
    assert!(found.is_empty(), "axe-core found:\n{}", found.join("\n"));
}
