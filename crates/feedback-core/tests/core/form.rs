//! The form's decisions (issue 18, fast hands): what a new ticket starts
//! with, and the channel chosen from what Wemasy accepted.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use feedback_core::desk::Opened;
use feedback_core::policy::Policy;
use feedback_core::{
    ApiBase, Desk, DeskEvent, Draft, DraftFile, Settings, SettingsStore, Submitted,
};
use serde_json::{Map, Value};

use crate::support::Loader;

/// Settings kept in memory: a stand-in for the app's settings file.
#[derive(Debug, Default)]
struct Kept(Mutex<Map<String, Value>>);

impl SettingsStore for Kept {
    fn load(&self) -> Map<String, Value> {
        self.0.lock().unwrap().clone()
    }

    fn save(&self, chosen: Map<String, Value>) -> Result<(), String> {
        *self.0.lock().unwrap() = chosen;
        Ok(())
    }
}

/// Settings that send to `base`, and nothing else chosen.
fn kept(base: &str) -> Arc<Kept> {
    let mut chosen = Map::new();
    chosen.insert("apiBase".into(), Value::String(base.into()));
    Arc::new(Kept(Mutex::new(chosen)))
}

/// The app's desk: a form, settings, the outbox at `path`.
fn form_desk(path: &Path, policy: Policy, settings: Arc<Kept>) -> Arc<Desk> {
    let opened = Opened::outbox(path, Duration::ZERO).unwrap();
    let token = crate::support::token();
    let base = settings.load()["apiBase"].as_str().unwrap().to_owned();
    Desk::over(opened, Loader::keyring(move |_| Ok(Some(token.clone()))))
        .base(Ok(ApiBase::parse(&base).unwrap()))
        .settings(settings, None)
        .form(DraftFile::beside(path))
        .policy(policy)
        .build()
}

fn ticket(channel: &str, priority: Option<&str>) -> Draft {
    Draft {
        channel_slug: channel.into(),
        subject: "Refund missing".into(),
        message: "Invoice 2024-0031.".into(),
        priority: priority.map(Into::into),
        ..Draft::default()
    }
}

/// The channel and priority of the last ticket filed from the form are
/// what the next one starts with, after a restart too; a channel the
/// organisation enforces wins, and a default the person sets since
/// takes the place of the one remembered.
#[tokio::test(start_paused = true)]
async fn the_next_form_starts_with_the_last_channel_and_priority_filed_even_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outbox.sqlite3");
    // Nothing listens there: the ticket stays queued, which is enough.
    let settings = kept("http://127.0.0.1:9/api");
    let desk = form_desk(&path, Policy::default(), settings.clone());
    let first = desk.new_form();
    assert_eq!(
        (first.channel_slug.as_str(), first.priority),
        ("feedback", None),
        "nothing filed yet: the defaults"
    );

    let filed = desk
        .keep_from_form(&ticket(" billing ", Some("high")))
        .unwrap();
    assert!(
        matches!(filed.submitted, Submitted::Queued { .. }),
        "{filed:?}"
    );
    assert_eq!(filed.next_form.channel_slug, "billing");
    assert_eq!(filed.next_form.priority.as_deref(), Some("high"));
    assert_eq!(filed.next_form.subject, "", "the next ticket's own text");
    desk.shutdown().await;
    drop(desk);

    let restarted = form_desk(&path, Policy::default(), settings.clone());
    let next = restarted.new_form();
    assert_eq!(next.channel_slug, "billing", "remembered across a restart");
    assert_eq!(next.priority.as_deref(), Some("high"));

    // A default priority set since replaces the remembered one; the
    // channel, not set since, stays remembered.
    let chosen = Settings {
        default_priority: Some("low".into()),
        ..restarted.settings().unwrap()
    };
    restarted.save_settings(chosen).await.unwrap();
    let next = restarted.new_form();
    assert_eq!(next.channel_slug, "billing");
    assert_eq!(next.priority.as_deref(), Some("low"), "the new default");
    restarted.shutdown().await;
    drop(restarted);

    let enforced = Policy::from_json(r#"{"enforced": {"DefaultChannel": "support"}}"#);
    assert!(enforced.problems.is_empty(), "{:?}", enforced.problems);
    let managed = form_desk(&path, enforced, settings);
    assert_eq!(
        managed.new_form().channel_slug,
        "support",
        "the organisation enforces the channel"
    );
    managed.shutdown().await;
}

/// The channel list is the default and what Wemasy accepted; a channel it
/// never accepted is told, with the known one it is likely a typo of.
#[tokio::test]
async fn a_channel_wemasy_never_accepted_is_told_with_the_nearest_known_one() {
    let server = crate::support::sandbox(feedback_sandbox::Config::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outbox.sqlite3");
    let desk = form_desk(&path, Policy::default(), kept(&server.base_url()));
    desk.start().await;

    let before = desk.channel_choices("suport").unwrap();
    assert!(!before.known);
    assert_eq!(
        before.nearest, None,
        "support was never accepted: nothing known is near"
    );
    let filed = desk
        .file(&ticket("support", None), Duration::from_secs(10))
        .await
        .unwrap();
    assert!(matches!(filed, Submitted::Delivered { .. }), "{filed:?}");

    let typo = desk.channel_choices("suport").unwrap();
    assert!(!typo.known, "never accepted, not the default");
    assert_eq!(typo.nearest.as_deref(), Some("support"));
    assert_eq!(typo.options, ["support"], "the list narrows as one types");

    let all = desk.channel_choices("").unwrap();
    assert_eq!(all.options, ["feedback", "support"], "the default first");
    let default = desk.channel_choices("feedback").unwrap();
    assert!(default.known, "the default is known before it is ever sent");
    assert_eq!(default.nearest, None);
    let accepted = desk.channel_choices(" support ").unwrap();
    assert!(accepted.known);
    let new = desk.channel_choices("marketing").unwrap();
    assert!(!new.known);
    assert_eq!(new.nearest, None, "a new channel, not a typo");
    assert!(new.options.is_empty());

    // Sent anyway and refused (the server has no such channel): the next
    // form does not start with the typo.
    let mut told = desk.subscribe();
    let kept = desk.keep_from_form(&ticket("suport", None)).unwrap();
    assert_eq!(
        kept.next_form.channel_slug, "suport",
        "remembered once filed"
    );
    let Submitted::Queued { id, .. } = &kept.submitted else {
        panic!("saved, not yet sent: {kept:?}")
    };
    let outcome = desk.outcome(id, Duration::from_secs(10)).await.unwrap();
    assert!(
        matches!(outcome, Submitted::NeedsAttention { .. }),
        "{outcome:?}"
    );
    let refused = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let Ok(DeskEvent::NeedsAttention { .. }) = told.recv().await {
                return;
            }
        }
    })
    .await;
    assert!(refused.is_ok(), "the server refuses the channel");
    assert_eq!(
        desk.new_form().channel_slug,
        "feedback",
        "the typo forgotten"
    );
    desk.shutdown().await;
}
