//! The settings in force, the server they point at, and the
//! organisation's policy over them. Saving settings or a changed policy
//! both come down to [`Desk::apply_settings`]: only a different server
//! touches delivery, and never an attempt in flight.

use std::sync::Arc;
use std::time::Duration;

use super::{Desk, DeskError, Result, lock};
use crate::api_base::ApiBase;
use crate::policy::Policy;
use crate::settings::Settings;

/// `policy`'s problems, each a sentence for the window.
pub(super) fn problems(policy: &Policy) -> Vec<String> {
    let source = policy.source.clone().unwrap_or_default();
    policy
        .problems
        .iter()
        .map(|problem| format!("Your organisation's settings ({source}): {problem}."))
        .collect()
}

impl Desk {
    /// The settings in force: the person's under the organisation's
    /// policy (`None` where the process keeps none, as the CLI).
    pub fn settings(&self) -> Option<Settings> {
        let store = self.settings.as_ref()?;
        Some(Settings::in_force(&self.policy(), &store.load()))
    }

    /// Saves `settings` (what the policy enforces stays as enforced; an
    /// invalid API base is refused first, with nothing saved) and applies
    /// them. Returns the settings in force.
    pub async fn save_settings(&self, settings: Settings) -> Result<Settings> {
        let Some(store) = &self.settings else {
            return Err(DeskError::Settings("this process keeps no settings".into()));
        };
        let policy = self.policy();
        let before = Settings::in_force(&policy, &store.load());
        let settings = settings.under_policy(&policy);
        let base = settings
            .api_base(self.env_base.clone())
            .map_err(DeskError::InvalidBase)?;
        store
            .save(settings.chosen(&policy, &store.load()))
            .map_err(DeskError::Settings)?;
        self.forget_replaced_defaults(&before, &settings);
        self.apply_settings(&settings, Ok(base)).await?;
        Ok(settings)
    }

    /// Holds `policy` from now on and applies the settings it makes, as a
    /// save would (an enforced server is switched to, never in the middle
    /// of a send). Returns the settings in force.
    pub async fn apply_policy(&self, policy: Policy) -> Result<Option<Settings>> {
        *lock(&self.policy) = Arc::new(policy);
        let Some(settings) = self.settings() else {
            return Ok(None);
        };
        let base = settings.api_base(self.env_base.clone());
        self.apply_settings(&settings, base).await?;
        Ok(Some(settings))
    }

    /// Applies the settings in force: how long delivered tickets are kept,
    /// the server (see [`Desk::change_server`]) and the login entry.
    async fn apply_settings(
        &self,
        settings: &Settings,
        base: std::result::Result<ApiBase, String>,
    ) -> Result<()> {
        self.keep_delivered(settings.keep_delivered_days);
        self.change_server(base).await?;
        self.apply_login(settings.start_at_login)
    }

    /// Sends to `base` from now on. The same base changes nothing; another
    /// path on the same server takes its waiting tickets along; another
    /// server's tickets keep going to it with its own token.
    pub async fn change_server(&self, base: std::result::Result<ApiBase, String>) -> Result<()> {
        if let Err(reason) = &base {
            self.notice(reason.clone());
        }
        if self.unusable().is_some() {
            // The stand-in holds none of the waiting tickets: they are
            // moved along when the file opens.
            *lock(&self.pointed_meanwhile) = base.clone().ok();
        }
        self.deliveries().switch(base).await?;
        self.changed();
        Ok(())
    }

    /// How many days delivered tickets are kept, by every engine now and later.
    pub fn keep_delivered(&self, days: u32) {
        let keep = Duration::from_secs(u64::from(days.max(1)) * 86_400);
        self.deliveries().set_keep_delivered(keep);
    }

    /// The policy's problems, each a sentence for the window: what was ignored.
    pub fn policy_problems(&self) -> Vec<String> {
        problems(&self.policy())
    }

    /// The policy as diagnostics tell it: where from, what it sets, what it
    /// ignored.
    pub fn policy_report(&self) -> String {
        let policy = self.policy();
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
