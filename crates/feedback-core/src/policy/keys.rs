//! [`KEYS`]: every key a policy may set, in one table: its name as
//! administrators write it, the setting it locks (by the name the window
//! knows it by), the kind of value it holds, and how that value is checked
//! and kept. The parsers, [`Values::keys`] and the window's locks all read
//! this table, so a key is added in one place.

use serde_json::Value;

use super::{Values, templates};
use crate::api_base::ApiBase;
use crate::new_ticket::{Priority, TicketType};

/// What kind of value a key holds: what a source that types its values
/// (the Windows registry, a property list) must hold for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string.
    Text,
    /// True or false.
    Flag,
    /// A whole number.
    Number,
    /// A list of objects (the Windows registry holds it as JSON text).
    List,
}

/// One key a policy may set.
#[derive(Debug)]
pub struct Key {
    /// As administrators write it.
    pub name: &'static str,
    /// The setting it sets, by the name the window knows it by: shown
    /// locked while enforced (`None`: a policy with no setting).
    pub setting: Option<&'static str>,
    pub kind: Kind,
    /// Checks `value` and keeps it in the values; `Err`: what was
    /// expected. Parts of it left out (a list's bad entries) are told in
    /// the `Vec`.
    read: fn(&Value, &mut Values, &mut Vec<String>) -> Result<(), String>,
    /// Whether the values set this key.
    set_in: fn(&Values) -> bool,
}

impl Key {
    /// The key named `name`, if there is one.
    pub fn named(name: &str) -> Option<&'static Key> {
        KEYS.iter().find(|key| key.name == name)
    }

    /// Checks `value` and keeps it in `values`; `Err`: what was expected.
    /// Parts of it left out (a list's bad entries) are told in `skipped`.
    pub(crate) fn read(
        &self,
        value: &Value,
        values: &mut Values,
        skipped: &mut Vec<String>,
    ) -> Result<(), String> {
        (self.read)(value, values, skipped)
    }

    /// Whether `values` set this key.
    pub fn is_set_in(&self, values: &Values) -> bool {
        (self.set_in)(values)
    }
}

/// The keys a policy may set.
pub const KEYS: &[Key] = &[
    Key {
        name: "ApiBaseUrl",
        setting: Some("apiBase"),
        kind: Kind::Text,
        read: |value, values, _| {
            let text = text(value)?;
            ApiBase::parse(&text).map_err(|error| error.to_string())?;
            values.api_base = Some(text);
            Ok(())
        },
        set_in: |values| values.api_base.is_some(),
    },
    Key {
        name: "DefaultChannel",
        setting: Some("defaultChannel"),
        kind: Kind::Text,
        read: |value, values, _| {
            let text = text(value)?;
            if text.trim().is_empty() || text.chars().count() > 255 {
                return Err("a channel slug of 1 to 255 characters".into());
            }
            values.default_channel = Some(text);
            Ok(())
        },
        set_in: |values| values.default_channel.is_some(),
    },
    Key {
        name: "Language",
        setting: Some("language"),
        kind: Kind::Text,
        read: |value, values, _| {
            values.language = Some(one_of(value, &["en", "nl"])?);
            Ok(())
        },
        set_in: |values| values.language.is_some(),
    },
    Key {
        name: "Notifications",
        setting: Some("notifications"),
        kind: Kind::Flag,
        read: |value, values, _| {
            values.notifications = Some(flag(value)?);
            Ok(())
        },
        set_in: |values| values.notifications.is_some(),
    },
    Key {
        name: "KeepRunningInTray",
        setting: Some("keepRunningInTray"),
        kind: Kind::Flag,
        read: |value, values, _| {
            values.keep_running_in_tray = Some(flag(value)?);
            Ok(())
        },
        set_in: |values| values.keep_running_in_tray.is_some(),
    },
    Key {
        name: "DeliveredRetentionDays",
        setting: Some("keepDeliveredDays"),
        kind: Kind::Number,
        read: |value, values, _| match value.as_u64() {
            Some(days @ 1..=3650) => {
                values.delivered_retention_days = u32::try_from(days).ok();
                Ok(())
            }
            _ => Err("a whole number of days from 1 to 3650".into()),
        },
        set_in: |values| values.delivered_retention_days.is_some(),
    },
    Key {
        name: "QuickCaptureShortcut",
        setting: Some("quickCaptureShortcut"),
        kind: Kind::Text,
        read: |value, values, _| {
            values.quick_capture_shortcut = Some(text(value)?);
            Ok(())
        },
        set_in: |values| values.quick_capture_shortcut.is_some(),
    },
    Key {
        name: "StartAtLogin",
        setting: Some("startAtLogin"),
        kind: Kind::Flag,
        read: |value, values, _| {
            values.start_at_login = Some(flag(value)?);
            Ok(())
        },
        set_in: |values| values.start_at_login.is_some(),
    },
    Key {
        name: "DefaultPriority",
        setting: Some("defaultPriority"),
        kind: Kind::Text,
        read: |value, values, _| {
            values.default_priority = Some(one_of(value, &Priority::ALL.map(Priority::as_str))?);
            Ok(())
        },
        set_in: |values| values.default_priority.is_some(),
    },
    Key {
        name: "DefaultType",
        setting: Some("defaultType"),
        kind: Kind::Text,
        read: |value, values, _| {
            values.default_type = Some(one_of(value, &TicketType::ALL.map(TicketType::as_str))?);
            Ok(())
        },
        set_in: |values| values.default_type.is_some(),
    },
    Key {
        name: "UpdateChecks",
        setting: Some("updateChecks"),
        kind: Kind::Flag,
        read: |value, values, _| {
            values.update_checks = Some(flag(value)?);
            Ok(())
        },
        set_in: |values| values.update_checks.is_some(),
    },
    Key {
        name: "AllowSelfUpdate",
        setting: None,
        kind: Kind::Flag,
        read: |value, values, _| {
            values.allow_self_update = Some(flag(value)?);
            Ok(())
        },
        set_in: |values| values.allow_self_update.is_some(),
    },
    Key {
        name: "Templates",
        setting: None,
        kind: Kind::List,
        read: |value, values, skipped| {
            values.templates = Some(templates::read(value, skipped)?);
            Ok(())
        },
        set_in: |values| values.templates.is_some(),
    },
];

fn text(value: &Value) -> Result<String, String> {
    value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| "text".into())
}

fn flag(value: &Value) -> Result<bool, String> {
    value.as_bool().ok_or_else(|| "true or false".into())
}

/// `value` if it is one of `allowed`.
fn one_of(value: &Value, allowed: &[&str]) -> Result<String, String> {
    match value.as_str() {
        Some(text) if allowed.contains(&text) => Ok(text.to_owned()),
        _ => Err(allowed
            .iter()
            .map(|choice| format!("\"{choice}\""))
            .collect::<Vec<_>>()
            .join(" or ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_and_setting_name_is_unique() {
        for (at, key) in KEYS.iter().enumerate() {
            for other in &KEYS[at + 1..] {
                assert_ne!(key.name, other.name);
                assert!(key.setting.is_none() || key.setting != other.setting);
            }
        }
    }

    #[test]
    fn each_key_sets_only_itself() {
        let samples = |kind| match kind {
            Kind::Text => vec![
                Value::from("https://tickets.example.com/api"),
                Value::from("nl"),
                Value::from("high"),
                Value::from("bug"),
            ],
            Kind::Flag => vec![Value::from(true)],
            Kind::Number => vec![Value::from(30)],
            Kind::List => vec![serde_json::json!([{"name": "Printer"}])],
        };
        for key in KEYS {
            let mut values = Values::default();
            let read = samples(key.kind)
                .iter()
                .any(|sample| key.read(sample, &mut values, &mut Vec::new()).is_ok());
            assert!(read, "{}: no sample of its kind is accepted", key.name);
            assert_eq!(values.keys(), [key.name], "{} sets {:?}", key.name, values);
        }
    }
}
