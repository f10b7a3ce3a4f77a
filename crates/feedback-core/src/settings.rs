//! [`Settings`]: what the person can change in the app, under what the
//! administrator's policy enforces or recommends ([`crate::policy`]); kept
//! where the shell's [`SettingsStore`] keeps them (the app: tauri-plugin-store's
//! `settings.json`). Tickets never go there: they live in the outbox.
//!
//! The settings in force are, from the bottom up: the defaults, the
//! policy's recommended values, the person's own, and the policy's
//! enforced values. Only what the person chose apart from the defaults and
//! the recommendations is stored, so a recommendation changed later still
//! reaches whoever did not choose otherwise.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::api_base::ApiBase;
use crate::policy::{Policy, Values};

/// Quick capture's shortcut until the person picks another.
pub const DEFAULT_SHORTCUT: &str = "CommandOrControl+Alt+N";

/// Where the person's own choices are kept: only what they chose apart
/// from the defaults and the recommendations.
pub trait SettingsStore: Send + Sync + std::fmt::Debug {
    /// What is kept; an empty map when nothing is (or it cannot be read).
    fn load(&self) -> Map<String, Value>;
    fn save(&self, chosen: Map<String, Value>) -> Result<(), String>;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// `None`: production.
    pub api_base: Option<String>,
    pub default_channel: String,
    /// `None`: follow the OS; else "en" or "nl".
    pub language: Option<String>,
    pub notifications: bool,
    pub keep_running_in_tray: bool,
    /// How many days delivered tickets are kept as a record.
    pub keep_delivered_days: u32,
    /// The global shortcut that brings the window forward on a new
    /// ticket (`None`: none).
    pub quick_capture_shortcut: Option<String>,
    /// Start (to the tray) at every login.
    pub start_at_login: bool,
    /// The priority a new ticket starts with (`None`: none).
    pub default_priority: Option<String>,
    /// The type a new ticket starts with (`None`: none).
    pub default_type: Option<String>,
    /// Look for a newer version of the app.
    pub update_checks: bool,
    /// The settings the organisation enforces, by their names here: shown
    /// locked. Told to the window, never taken from it.
    #[serde(skip_deserializing)]
    pub locked: Vec<&'static str>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            api_base: None,
            default_channel: "feedback".into(),
            language: None,
            notifications: true,
            keep_running_in_tray: true,
            keep_delivered_days: 90,
            quick_capture_shortcut: Some(DEFAULT_SHORTCUT.into()),
            start_at_login: false,
            default_priority: None,
            default_type: None,
            update_checks: true,
            locked: Vec::new(),
        }
    }
}

impl Settings {
    /// The settings that `policy` and the person's `stored` ones make.
    pub fn in_force(policy: &Policy, stored: &Map<String, Value>) -> Self {
        let mut value = serde_json::to_value(recommended(policy)).unwrap_or_default();
        if let Value::Object(object) = &mut value {
            object.extend(stored.clone());
        }
        let mut settings: Self =
            serde_json::from_value(value).unwrap_or_else(|_| recommended(policy));
        settings.apply(&policy.enforced);
        settings.locked = locked(&policy.enforced);
        settings
    }

    /// These settings as `policy` lets them be: what it enforces set and
    /// locked (whatever the window sent).
    pub fn under_policy(mut self, policy: &Policy) -> Self {
        self.apply(&policy.enforced);
        self.locked = locked(&policy.enforced);
        self
    }

    /// The API base these settings send to: `env` (`FEEDBACK_API_BASE`,
    /// as for the CLI) over the setting, unless the organisation enforces
    /// the server; production when neither says. An invalid base is
    /// refused with the reason, never replaced by production: test tickets
    /// must not be filed live.
    pub fn api_base(&self, env: Option<String>) -> Result<ApiBase, String> {
        let env = env.filter(|_| !self.locked.contains(&"apiBase"));
        api_base_from(env, self.api_base.clone())
    }

    /// The fields the person set apart from what they would get anyway:
    /// enforced values stay as enforced whatever the window sent (what the
    /// person had `stored` for them is kept, for when the policy no longer
    /// enforces them), and values equal to the recommended or default ones
    /// are not kept.
    pub fn chosen(&self, policy: &Policy, stored: &Map<String, Value>) -> Map<String, Value> {
        let baseline = serde_json::to_value(recommended(policy)).unwrap_or_default();
        let mut mine = self.clone();
        mine.apply(&policy.enforced);
        let Ok(Value::Object(mut mine)) = serde_json::to_value(&mine) else {
            return Map::new();
        };
        mine.remove("locked");
        let enforced = locked(&policy.enforced);
        mine.retain(|name, value| {
            !enforced.contains(&name.as_str()) && baseline.get(name) != Some(value)
        });
        for name in enforced {
            if let Some(own) = stored.get(name) {
                mine.insert(name.to_owned(), own.clone());
            }
        }
        mine
    }

    /// Sets what `values` set.
    fn apply(&mut self, values: &Values) {
        if let Some(base) = &values.api_base {
            self.api_base = Some(base.clone());
        }
        if let Some(channel) = &values.default_channel {
            self.default_channel.clone_from(channel);
        }
        if let Some(language) = &values.language {
            self.language = Some(language.clone());
        }
        if let Some(on) = values.notifications {
            self.notifications = on;
        }
        if let Some(on) = values.keep_running_in_tray {
            self.keep_running_in_tray = on;
        }
        if let Some(days) = values.delivered_retention_days {
            self.keep_delivered_days = days;
        }
        if let Some(shortcut) = &values.quick_capture_shortcut {
            self.quick_capture_shortcut = Some(shortcut.clone()).filter(|s| !s.is_empty());
        }
        if let Some(on) = values.start_at_login {
            self.start_at_login = on;
        }
        if let Some(priority) = &values.default_priority {
            self.default_priority = Some(priority.clone());
        }
        if let Some(kind) = &values.default_type {
            self.default_type = Some(kind.clone());
        }
        if let Some(on) = values.update_checks {
            self.update_checks = on;
        }
    }
}

/// The defaults with the recommended values over them.
fn recommended(policy: &Policy) -> Settings {
    let mut settings = Settings::default();
    settings.apply(&policy.recommended);
    settings
}

/// The names (as the window knows them) of what `enforced` sets.
fn locked(enforced: &Values) -> Vec<&'static str> {
    enforced.settings()
}

fn api_base_from(env: Option<String>, setting: Option<String>) -> Result<ApiBase, String> {
    let from_env = env.filter(|text| !text.trim().is_empty());
    let (chosen, source) = match from_env {
        Some(text) => (Some(text), "FEEDBACK_API_BASE"),
        None => (setting, "the API base setting"),
    };
    match chosen.filter(|text| !text.trim().is_empty()) {
        Some(text) => ApiBase::parse(&text).map_err(|error| {
            format!("{source} ({text}) is not usable: {error}. Nothing is sent until it is fixed.")
        }),
        None => Ok(ApiBase::production()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(json: &str) -> Policy {
        let policy = Policy::from_json(json);
        assert!(policy.problems.is_empty(), "{:?}", policy.problems);
        policy
    }

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(object) => object,
            _ => unreachable!(),
        }
    }

    #[test]
    fn enforced_wins_recommended_is_a_default_the_person_may_change() {
        let policy = policy(
            r#"{"enforced": {"ApiBaseUrl": "https://tickets.example.com/api"},
                "recommended": {"Language": "nl", "DefaultChannel": "support"}}"#,
        );
        let stored = object(serde_json::json!({
            "apiBase": "https://elsewhere.example.com/api",
            "defaultChannel": "billing"
        }));
        let settings = Settings::in_force(&policy, &stored);
        assert_eq!(
            settings.api_base.as_deref(),
            Some("https://tickets.example.com/api"),
            "enforced wins over the stored choice"
        );
        assert_eq!(settings.default_channel, "billing", "the person's choice");
        assert_eq!(settings.language.as_deref(), Some("nl"), "recommended");
        assert_eq!(settings.locked, ["apiBase"]);
    }

    #[test]
    fn only_what_the_person_chose_is_stored_and_never_an_enforced_value() {
        let policy = policy(
            r#"{"enforced": {"DeliveredRetentionDays": 30},
                "recommended": {"Language": "nl"}}"#,
        );
        let mut settings = Settings::in_force(&policy, &Map::new());
        settings.keep_delivered_days = 7; // past the lock (a changed window)
        settings.default_channel = "support".into();
        let chosen = settings.chosen(&policy, &Map::new());
        assert_eq!(
            Value::Object(chosen.clone()),
            serde_json::json!({"defaultChannel": "support"})
        );
        // A recommendation changed later reaches this person.
        let later = policy_with_language("en");
        assert_eq!(
            Settings::in_force(&later, &chosen).language.as_deref(),
            Some("en")
        );
    }

    fn policy_with_language(language: &str) -> Policy {
        policy(&format!(
            r#"{{"recommended": {{"Language": "{language}"}}}}"#
        ))
    }

    #[test]
    fn a_new_tickets_defaults_and_update_checks_follow_the_policy_and_lock() {
        let policy = policy(
            r#"{"enforced": {"DefaultPriority": "urgent", "UpdateChecks": false},
                "recommended": {"DefaultType": "bug"}}"#,
        );
        let stored = object(serde_json::json!({
            "defaultPriority": "low", "defaultType": "other", "updateChecks": true
        }));
        let settings = Settings::in_force(&policy, &stored);
        assert_eq!(settings.default_priority.as_deref(), Some("urgent"));
        assert!(!settings.update_checks, "enforced over the person's choice");
        assert_eq!(
            settings.default_type.as_deref(),
            Some("other"),
            "the person's choice over a recommendation"
        );
        assert_eq!(settings.locked, ["defaultPriority", "updateChecks"]);
        let fresh = Settings::in_force(&Policy::default(), &Map::new());
        assert!(
            fresh.update_checks,
            "updates are looked for unless told not to"
        );
        assert_eq!(fresh.default_priority, None);
    }

    #[test]
    fn settings_stored_by_an_earlier_version_still_load() {
        let stored = object(serde_json::json!({
            "apiBase": null, "defaultChannel": "feedback", "language": null,
            "notifications": false, "keepRunningInTray": true,
            "keepDeliveredDays": 90, "quickCaptureShortcut": "CommandOrControl+Alt+N"
        }));
        let settings = Settings::in_force(&Policy::default(), &stored);
        assert!(!settings.notifications);
        assert!(settings.locked.is_empty());
    }

    #[test]
    fn an_invalid_api_base_is_refused_never_production() {
        for (env, setting) in [
            (Some("ftp://example.com/api"), None),
            (Some("not a url"), Some("http://127.0.0.1:8787/api")),
            (None, Some("http://example.com/api")),
        ] {
            let chosen = api_base_from(env.map(Into::into), setting.map(Into::into));
            let Err(error) = chosen else {
                panic!("{env:?} / {setting:?} gave {chosen:?}: test tickets could go live");
            };
            assert!(error.contains("Nothing is sent"), "{error}");
        }
        assert_eq!(
            api_base_from(None, None).map(|base| base.origin()),
            Ok(ApiBase::production().origin()),
            "nothing configured: production"
        );
        assert_eq!(
            api_base_from(Some(" ".into()), Some("http://127.0.0.1:8787/api".into()))
                .map(|base| base.origin()),
            Ok("http://127.0.0.1:8787".to_owned()),
            "an empty variable counts as unset"
        );
    }

    #[test]
    fn an_enforced_server_wins_over_the_variable() {
        let policy = policy(r#"{"enforced": {"ApiBaseUrl": "https://tickets.example.com/api"}}"#);
        let settings = Settings::in_force(&policy, &Map::new());
        assert_eq!(
            settings
                .api_base(Some("http://127.0.0.1:1/api".into()))
                .map(|base| base.origin()),
            Ok("https://tickets.example.com".to_owned())
        );
        let free = Settings::in_force(&Policy::default(), &Map::new());
        assert_eq!(
            free.api_base(Some("http://127.0.0.1:1/api".into()))
                .map(|base| base.origin()),
            Ok("http://127.0.0.1:1".to_owned())
        );
    }

    /// Found by the simulation (issue 17, seed 652 of the first run): a
    /// settings save while the organisation enforced the server dropped
    /// the person's own server from what was kept; when the policy no
    /// longer enforced one, the app fell back to production and filed
    /// test tickets there. What the policy enforces leaves the person's own
    /// choice as it was.
    #[test]
    fn an_enforced_setting_keeps_the_persons_own_for_when_it_is_no_longer_enforced() {
        let own = object(serde_json::json!({"apiBase": "http://127.0.0.1:8101/api"}));
        let policy = policy(r#"{"enforced": {"ApiBaseUrl": "https://tickets.example.com/api"}}"#);
        let mut settings = Settings::in_force(&policy, &own);
        settings.default_channel = "support".into();
        let kept = settings.chosen(&policy, &own);
        assert_eq!(
            Value::Object(kept.clone()),
            serde_json::json!({"apiBase": "http://127.0.0.1:8101/api", "defaultChannel": "support"})
        );
        let lifted = Settings::in_force(&Policy::default(), &kept);
        assert_eq!(
            lifted.api_base(None).map(|base| base.origin()),
            Ok("http://127.0.0.1:8101".to_owned()),
            "the person's own server again, not production"
        );
    }
}
