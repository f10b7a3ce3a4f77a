//! [`KEYS`]: every key a policy may set, in one table: its name as
//! administrators write it, the setting it locks (by the name the window
//! knows it by), the kind of value it holds, and how that value is checked
//! and kept. The parsers, [`Values::keys`] and the window's locks all read
//! this table, so a key is added in one place.

use serde_json::Value;

use super::Values;
use crate::api_base::ApiBase;

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
}

/// One key a policy may set.
#[derive(Debug)]
pub struct Key {
    /// As administrators write it.
    pub name: &'static str,
    /// The setting it sets, by the name the window knows it by: shown
    /// locked while enforced.
    pub setting: &'static str,
    pub kind: Kind,
    /// Checks `value` and keeps it in the values; `Err`: what was expected.
    read: fn(&Value, &mut Values) -> Result<(), String>,
    /// Whether the values set this key.
    set_in: fn(&Values) -> bool,
}

impl Key {
    /// The key named `name`, if there is one.
    pub fn named(name: &str) -> Option<&'static Key> {
        KEYS.iter().find(|key| key.name == name)
    }

    /// Checks `value` and keeps it in `values`; `Err`: what was expected.
    pub(crate) fn read(&self, value: &Value, values: &mut Values) -> Result<(), String> {
        (self.read)(value, values)
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
        setting: "apiBase",
        kind: Kind::Text,
        read: |value, values| {
            let text = text(value)?;
            ApiBase::parse(&text).map_err(|error| error.to_string())?;
            values.api_base = Some(text);
            Ok(())
        },
        set_in: |values| values.api_base.is_some(),
    },
    Key {
        name: "DefaultChannel",
        setting: "defaultChannel",
        kind: Kind::Text,
        read: |value, values| {
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
        setting: "language",
        kind: Kind::Text,
        read: |value, values| {
            values.language = Some(one_of(value, &["en", "nl"])?);
            Ok(())
        },
        set_in: |values| values.language.is_some(),
    },
    Key {
        name: "Notifications",
        setting: "notifications",
        kind: Kind::Flag,
        read: |value, values| {
            values.notifications = Some(flag(value)?);
            Ok(())
        },
        set_in: |values| values.notifications.is_some(),
    },
    Key {
        name: "KeepRunningInTray",
        setting: "keepRunningInTray",
        kind: Kind::Flag,
        read: |value, values| {
            values.keep_running_in_tray = Some(flag(value)?);
            Ok(())
        },
        set_in: |values| values.keep_running_in_tray.is_some(),
    },
    Key {
        name: "DeliveredRetentionDays",
        setting: "keepDeliveredDays",
        kind: Kind::Number,
        read: |value, values| match value.as_u64() {
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
        setting: "quickCaptureShortcut",
        kind: Kind::Text,
        read: |value, values| {
            values.quick_capture_shortcut = Some(text(value)?);
            Ok(())
        },
        set_in: |values| values.quick_capture_shortcut.is_some(),
    },
    Key {
        name: "StartAtLogin",
        setting: "startAtLogin",
        kind: Kind::Flag,
        read: |value, values| {
            values.start_at_login = Some(flag(value)?);
            Ok(())
        },
        set_in: |values| values.start_at_login.is_some(),
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
                assert_ne!(key.setting, other.setting);
            }
        }
    }

    #[test]
    fn each_key_sets_only_itself() {
        let samples = |kind| match kind {
            Kind::Text => vec![
                Value::from("https://tickets.example.com/api"),
                Value::from("nl"),
            ],
            Kind::Flag => vec![Value::from(true)],
            Kind::Number => vec![Value::from(30)],
        };
        for key in KEYS {
            let mut values = Values::default();
            let read = samples(key.kind)
                .iter()
                .any(|sample| key.read(sample, &mut values).is_ok());
            assert!(read, "{}: no sample of its kind is accepted", key.name);
            assert_eq!(values.keys(), [key.name], "{} sets {:?}", key.name, values);
        }
    }
}
