//! [`OrgPolicy`]: the organisation's policy ([`feedback_core::policy`]) as
//! this run holds it. Read from the OS once at start, so that the
//! settings, diagnostics and the updater ask it, not the disk.

use std::sync::{Arc, Mutex};

use feedback_core::policy::Policy;
use tauri::{AppHandle, Manager, Runtime};

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

    /// Whether the app may install its own updates where the OS's package
    /// manager owns the install: the policy's `AllowSelfUpdate` (enforced,
    /// else recommended, else no).
    #[allow(dead_code, reason = "for the updater (updates.rs), which reads it")]
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
