//! [`OrgPolicy`]: the organisation's policy ([`feedback_core::policy`]) as
//! this run holds it. Read from the OS at start, so that the settings,
//! diagnostics and the updater ask it, not the disk; read again every few
//! seconds ([`watch`]), and a changed one applied as a settings save is.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use feedback_core::policy::Policy;
use tauri::{AppHandle, Manager, Runtime};

use crate::events::{AppEvent, tell};
use crate::settings::Settings;
use crate::state::App;

/// How often the policy is read again. Reading it (a small file, four
/// registry keys) costs next to nothing; a file watcher would be one more
/// dependency per OS, and the registry has none that Group Policy's
/// refresh reliably triggers.
const POLL: Duration = Duration::from_secs(5);

/// A changed policy is applied once two reads this far apart agree: an
/// administrator's tool may be halfway through writing the file.
const SETTLE: Duration = Duration::from_secs(1);

/// The policy in force. Clones share it: the app manages one from the
/// start of setup, and [`crate::state::App`] keeps another.
#[derive(Debug, Clone)]
pub(crate) struct OrgPolicy(Arc<Mutex<Arc<Policy>>>);

impl OrgPolicy {
    /// This machine's policy, read now.
    pub(crate) fn read() -> Self {
        Self(Arc::new(Mutex::new(Arc::new(read()))))
    }

    pub(crate) fn current(&self) -> Arc<Policy> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Holds `policy` from now on.
    fn replace(&self, policy: Policy) {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(policy);
    }

    /// Whether the app may install its own updates where the OS's package
    /// manager owns the install: the policy's `AllowSelfUpdate` (enforced,
    /// else recommended, else no).
    pub(crate) fn allow_self_update(&self) -> bool {
        self.current().allow_self_update()
    }

    /// The policy's problems, each a sentence for the window: what was
    /// ignored.
    pub(crate) fn problems(&self) -> Vec<String> {
        let policy = self.current();
        let source = policy.source.clone().unwrap_or_default();
        policy
            .problems
            .iter()
            .map(|problem| format!("Your organisation's settings ({source}): {problem}."))
            .collect()
    }

    /// The policy as diagnostics tell it: where from, what it sets, what it
    /// ignored.
    pub(crate) fn report(&self) -> String {
        let policy = self.current();
        let Some(source) = &policy.source else {
            return "policy: none".into();
        };
        let mut report = format!(
            "policy: {source}\npolicy enforced: {}\npolicy recommended: {}",
            policy.enforced.keys().join(", "),
            policy.recommended.keys().join(", ")
        );
        for problem in &policy.problems {
            report.push_str(&format!("\npolicy problem: {problem}"));
        }
        report
    }
}

/// Reads the policy every [`POLL`] while the app runs; a changed one is
/// held and applied ([`apply`]).
pub(crate) fn watch<R: Runtime>(handle: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        let mut ticks = tokio::time::interval(POLL);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // The first tick is now: the start has just read it.
        ticks.tick().await;
        loop {
            ticks.tick().await;
            let Some(held) = handle
                .try_state::<OrgPolicy>()
                .map(|held| held.inner().clone())
            else {
                continue;
            };
            let read_now = || async {
                tauri::async_runtime::spawn_blocking(read)
                    .await
                    .unwrap_or_default()
            };
            if let Some(policy) = settled_change(&held.current(), read_now, SETTLE).await {
                log::info!("the organisation's policy changed: applying it");
                held.replace(policy);
                apply(&handle).await;
            }
        }
    });
}

/// The policy `read` gives if it differs from `held` and reads the same
/// again `settle` later (`None`: no change, or one still being written).
async fn settled_change<F: Future<Output = Policy>>(
    held: &Policy,
    mut read: impl FnMut() -> F,
    settle: Duration,
) -> Option<Policy> {
    let fresh = read().await;
    if fresh == *held {
        return None;
    }
    tokio::time::sleep(settle).await;
    (read().await == fresh).then_some(fresh)
}

/// Applies the policy just held as a settings save would (the settings in
/// force, a server it enforces, retention, shortcut, login entry) and tells
/// the window, which shows the new locks and defaults.
async fn apply<R: Runtime>(handle: &AppHandle<R>) {
    let Some(app) = handle.try_state::<App>() else {
        return;
    };
    let settings = Settings::load(handle);
    let base = crate::api_base_for(&settings).map_err(|error| error.message);
    if let Err(error) = app.apply_settings(handle, &settings, base).await {
        app.notice(error.message);
    }
    match app.state().await {
        Ok(state) => tell(
            handle,
            AppEvent::PolicyChanged {
                settings: Box::new(settings),
                app: Box::new(state),
                problems: app.policy.problems(),
            },
        ),
        Err(error) => log::warn!("the app's state could not be read: {}", error.message),
    }
    // Update checks and who installs may have changed with it.
    crate::updates::changed(handle);
}

/// The policy `handle` holds (managed from the start of setup; read anew
/// only if it is not there yet).
pub(crate) fn held<R: Runtime>(handle: &AppHandle<R>) -> Arc<Policy> {
    handle
        .try_state::<OrgPolicy>()
        .map_or_else(|| Arc::new(read()), |held| held.current())
}

/// The policy of this machine ([`Policy::of_this_machine`]). Debug builds
/// take `FEEDBACK_POLICY_FILE` instead, for the tests; a release build
/// reads only the administrator's, so that no one gets round it with a
/// variable.
fn read() -> Policy {
    #[cfg(debug_assertions)]
    if let Some(path) = std::env::var_os("FEEDBACK_POLICY_FILE") {
        return Policy::read_file(std::path::Path::new(&path));
    }
    Policy::of_this_machine()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that gives `reads` in turn.
    fn reading(reads: Vec<Policy>) -> impl FnMut() -> std::future::Ready<Policy> {
        let mut reads = reads.into_iter();
        move || std::future::ready(reads.next().expect("read no more than planned"))
    }

    #[tokio::test]
    async fn a_change_is_applied_once_it_reads_the_same_twice() {
        let held = Policy::default();
        let whole = Policy::from_json(r#"{"enforced": {"Language": "nl"}}"#);
        let half = Policy::from_json(r#"{"enforced": {"Langu"#);
        let settle = Duration::ZERO;
        assert_eq!(
            settled_change(&held, reading(vec![Policy::default()]), settle).await,
            None,
            "no change"
        );
        assert_eq!(
            settled_change(&held, reading(vec![half.clone(), whole.clone()]), settle).await,
            None,
            "a file still being written is not applied"
        );
        assert_eq!(
            settled_change(&held, reading(vec![whole.clone(), whole.clone()]), settle).await,
            Some(whole.clone())
        );
        assert_eq!(
            settled_change(&whole, reading(vec![held.clone(), held.clone()]), settle).await,
            Some(Policy::default()),
            "a policy taken away is a change too"
        );
    }
}
