//! Managed settings: what an administrator sets for every machine, as
//! Chrome, VS Code and Slack do it. An **enforced** value wins over the
//! person's and is shown locked; a **recommended** value is the default
//! the person may change.
//!
//! # Layout
//!
//! - `keys.rs`: [`KEYS`], every key: its name, the setting it locks, its
//!   kind, how its value is checked.
//! - `templates.rs`: the `Templates` key, the organisation's ticket templates.
//! - `reading.rs`: a policy put together from sources in order of precedence.
//! - `server.rs`: the server a command sends to under the policy.
//! - `last_read.rs`: [`LastRead`], the last policy that could be read,
//!   kept beside the outbox: in force while the policy cannot be read.
//! - `watch.rs`: the policy read again while the app runs, a change applied
//!   once it reads the same twice.
//! - One source per OS, each turned into a [`Policy`] by OS-independent code:
//!   `json.rs` (Linux: [`LINUX_FILE`]), `registry.rs` (Windows:
//!   `HKLM`/`HKCU\SOFTWARE\Policies\Wemasy\Feedback`),
//!   `managed_preferences.rs` (macOS: a configuration profile's
//!   `/Library/Managed Preferences/…/nl.wemasy.feedback.plist`).
//! - `file_trust.rs`: whether a Linux policy file may be trusted: not
//!   writable by others than its owner, owned by root (or the reader).
//!
//! A policy is never fatal: an unknown key or a value of the wrong kind is
//! listed in [`Policy::problems`] (shown in diagnostics and the window) and
//! ignored; the rest applies. A source that cannot be read is told there
//! too, and the last policy that could be read stays in force
//! ([`LastRead`]): a botched roll-out never sends a fleet to production.

mod file_trust;
mod json;
mod keys;
mod last_read;
pub mod managed_preferences;
mod reading;
pub mod registry;
mod server;
mod templates;
pub mod watch;

pub use json::LINUX_FILE;
pub use keys::{KEYS, Key, Kind};
pub use last_read::LastRead;
use serde::{Deserialize, Serialize};
pub use server::ServerError;
pub use templates::{Listed, OrgTemplate, is_organisation_id, listed, named};

/// How strongly a value is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Wins over the person's choice; shown locked.
    Enforced,
    /// A default the person may change.
    Recommended,
}

/// The values of one level (enforced or recommended); `None`: not set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Values {
    pub api_base: Option<String>,
    pub default_channel: Option<String>,
    /// "en" or "nl".
    pub language: Option<String>,
    pub notifications: Option<bool>,
    pub keep_running_in_tray: Option<bool>,
    /// 1 to 3650.
    pub delivered_retention_days: Option<u32>,
    /// `Some("")`: no shortcut.
    pub quick_capture_shortcut: Option<String>,
    pub start_at_login: Option<bool>,
    /// "low", "normal", "high" or "urgent".
    pub default_priority: Option<String>,
    /// "suggestion", "bug" or "other".
    pub default_type: Option<String>,
    pub update_checks: Option<bool>,
    /// Whether the app may install its own updates where the OS's package
    /// manager owns the install (a policy without a setting).
    pub allow_self_update: Option<bool>,
    /// Ticket templates shared by the organisation.
    pub templates: Option<Vec<OrgTemplate>>,
}

impl Values {
    /// The keys this level sets, as administrators write them, in the
    /// order of [`KEYS`].
    pub fn keys(&self) -> Vec<&'static str> {
        self.set().map(|key| key.name).collect()
    }

    /// The settings this level sets, by the names the window knows them by.
    pub fn settings(&self) -> Vec<&'static str> {
        self.set().filter_map(|key| key.setting).collect()
    }

    fn set(&self) -> impl Iterator<Item = &'static Key> + '_ {
        KEYS.iter().filter(|key| key.is_set_in(self))
    }
}

/// The policy in force, and what in it was ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Policy {
    /// Where it came from, as an administrator would look for it (`None`:
    /// no policy on this machine).
    pub source: Option<String>,
    pub enforced: Values,
    pub recommended: Values,
    /// Each thing ignored, and why: shown in diagnostics.
    pub problems: Vec<String>,
    /// Whether a source could not be read: a file that cannot be read, is
    /// not JSON or not an object; a registry key that cannot be opened; a
    /// property list that cannot be read or is not one. What it holds is
    /// unknown, so the last policy that could be read stays in force
    /// ([`LastRead::keep`]). Told in `problems`.
    #[serde(skip)]
    pub unreadable: bool,
}

impl Policy {
    /// This machine's policy, from where its OS keeps it: the registry on
    /// Windows, managed preferences on macOS, [`LINUX_FILE`] elsewhere.
    pub fn of_this_machine() -> Self {
        #[cfg(windows)]
        {
            registry::read()
        }
        #[cfg(target_os = "macos")]
        {
            managed_preferences::read()
        }
        #[cfg(not(any(windows, target_os = "macos")))]
        {
            Self::read_file(std::path::Path::new(LINUX_FILE))
        }
    }

    /// The policy the app and the CLI read: this machine's
    /// ([`Policy::of_this_machine`]). Debug builds read the file
    /// `FEEDBACK_POLICY_FILE` names instead, when it is set, for the tests;
    /// a release build reads only the administrator's, so that no one gets
    /// round it with a variable.
    pub fn read() -> Self {
        #[cfg(debug_assertions)]
        if let Some(path) = std::env::var_os("FEEDBACK_POLICY_FILE") {
            return Self::read_file(std::path::Path::new(&path));
        }
        Self::of_this_machine()
    }

    /// The organisation's ticket templates: the enforced list, else the
    /// recommended one (either way shown beside the person's own, applied
    /// but never renamed, deleted or replaced).
    pub fn templates(&self) -> &[OrgTemplate] {
        self.enforced
            .templates
            .as_deref()
            .or(self.recommended.templates.as_deref())
            .unwrap_or_default()
    }

    /// Whether the app may install its own updates where the OS's package
    /// manager owns the install (.deb, .rpm): the enforced value, else the
    /// recommended one, else no.
    pub fn allow_self_update(&self) -> bool {
        self.enforced
            .allow_self_update
            .or(self.recommended.allow_self_update)
            .unwrap_or(false)
    }
}

/// Test help: every one of `expected` is told among `problems`, and
/// nothing else is.
#[cfg(test)]
pub(crate) fn assert_told(problems: &[String], expected: &[&str]) {
    let told = problems.join("\n");
    for expected in expected {
        assert!(told.contains(expected), "{expected:?} not in:\n{told}");
    }
    assert_eq!(problems.len(), expected.len(), "{told}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enforced_and_recommended_values_are_read_and_bad_ones_reported() {
        let policy = Policy::from_json(
            r#"{
              "enforced": {"ApiBaseUrl": "https://tickets.example.com/api",
                           "DeliveredRetentionDays": 30, "Notifications": "yes"},
              "recommended": {"Language": "nl", "DefaultChannel": "support",
                              "Colour": "blue", "KeepRunningInTray": false},
              "mandatory": {}
            }"#,
        );
        assert_eq!(
            policy.enforced.api_base.as_deref(),
            Some("https://tickets.example.com/api")
        );
        assert_eq!(policy.enforced.delivered_retention_days, Some(30));
        assert_eq!(policy.enforced.notifications, None);
        assert_eq!(policy.recommended.language.as_deref(), Some("nl"));
        assert_eq!(policy.recommended.keep_running_in_tray, Some(false));
        assert_eq!(
            policy.enforced.keys(),
            ["ApiBaseUrl", "DeliveredRetentionDays"]
        );
        let problems = policy.problems.join("\n");
        assert!(problems.contains("Notifications"), "{problems}");
        assert!(problems.contains("\"Colour\""), "{problems}");
        assert!(problems.contains("\"mandatory\""), "{problems}");
        assert_eq!(policy.problems.len(), 3, "{problems}");
    }

    #[test]
    fn an_insecure_or_invalid_server_is_never_enforced() {
        for base in ["http://tickets.example.com/api", "not a url", ""] {
            let policy = Policy::from_json(&format!(
                r#"{{"enforced": {{"ApiBaseUrl": {}}}}}"#,
                serde_json::to_string(base).unwrap()
            ));
            assert_eq!(policy.enforced.api_base, None, "{base}");
            assert_eq!(policy.problems.len(), 1, "{base}: {:?}", policy.problems);
        }
    }

    #[test]
    fn a_file_that_is_not_a_policy_is_reported_and_applies_nothing() {
        for text in ["{\"enforced\": ", "[1, 2]", "\"ApiBaseUrl\""] {
            let policy = Policy::from_json(text);
            assert_eq!(policy.enforced, Values::default());
            assert_eq!(policy.problems.len(), 1, "{text}");
        }
    }

    #[test]
    fn no_file_is_no_policy_and_no_problem() {
        let dir = tempfile::tempdir().unwrap();
        let policy = Policy::read_file(&dir.path().join("policy.json"));
        assert_eq!(policy, Policy::default());
    }

    #[test]
    fn out_of_range_values_are_refused() {
        let policy = Policy::from_json(
            r#"{"enforced": {"DeliveredRetentionDays": 0, "Language": "de", "DefaultChannel": " ",
                             "DefaultPriority": "asap", "DefaultType": "Bug", "UpdateChecks": 1}}"#,
        );
        assert_eq!(policy.enforced, Values::default());
        assert_eq!(policy.problems.len(), 6, "{:?}", policy.problems);
        let problems = policy.problems.join("\n");
        assert!(
            problems.contains("\"low\" or \"normal\" or \"high\" or \"urgent\""),
            "the problem says what would do: {problems}"
        );
    }

    #[test]
    fn defaults_for_a_new_ticket_and_update_checks_are_read() {
        let policy = Policy::from_json(
            r#"{"enforced": {"DefaultPriority": "high", "UpdateChecks": false},
                "recommended": {"DefaultType": "suggestion"}}"#,
        );
        assert!(policy.problems.is_empty(), "{:?}", policy.problems);
        assert_eq!(policy.enforced.default_priority.as_deref(), Some("high"));
        assert_eq!(policy.enforced.update_checks, Some(false));
        assert_eq!(
            policy.recommended.default_type.as_deref(),
            Some("suggestion")
        );
        assert_eq!(
            policy.enforced.settings(),
            ["defaultPriority", "updateChecks"],
            "locked in the window"
        );
    }

    #[test]
    fn shared_templates_apply_but_their_bad_entries_are_told_and_skipped() {
        let policy = Policy::from_json(
            r#"{"enforced": {"Templates": [{"name": "Login problem", "type": "bug"},
                                           {"name": "Broken", "type": "question"}]},
                "recommended": {"Templates": [{"name": "Recommended only"}]}}"#,
        );
        let names: Vec<&str> = policy.templates().iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["Login problem"], "the enforced list, not both");
        assert_eq!(policy.problems.len(), 1, "{:?}", policy.problems);
        assert!(
            policy.problems[0].starts_with("enforced: Templates: template 2 (\"Broken\")"),
            "{:?}",
            policy.problems
        );
        assert_eq!(policy.enforced.keys(), ["Templates"]);
        let recommended = Policy::from_json(r#"{"recommended": {"Templates": [{"name": "R"}]}}"#);
        assert_eq!(recommended.templates().len(), 1);
        let wrong = Policy::from_json(r#"{"enforced": {"Templates": {"name": "R"}}}"#);
        assert!(wrong.templates().is_empty());
        assert_eq!(wrong.problems.len(), 1, "{:?}", wrong.problems);
    }

    #[test]
    fn self_update_is_allowed_only_when_the_policy_says_so() {
        let allowed = |json: &str| Policy::from_json(json).allow_self_update();
        assert!(!allowed("{}"), "no policy: the package manager installs");
        assert!(allowed(r#"{"recommended": {"AllowSelfUpdate": true}}"#));
        assert!(!allowed(
            r#"{"enforced": {"AllowSelfUpdate": false}, "recommended": {"AllowSelfUpdate": true}}"#
        ));
        let policy = Policy::from_json(r#"{"enforced": {"AllowSelfUpdate": true}}"#);
        assert!(policy.allow_self_update());
        assert_eq!(policy.enforced.keys(), ["AllowSelfUpdate"]);
        assert!(
            policy.enforced.settings().is_empty(),
            "a policy with no setting locks nothing in the window"
        );
    }
}
