//! Windows: the policy in the registry, where Group Policy (with the ADMX
//! template in `docs/policy/windows`) or an installer puts it:
//!
//! - `HKLM\SOFTWARE\Policies\Wemasy\Feedback`: enforced, for every user;
//! - `HKLM\SOFTWARE\Policies\Wemasy\Feedback\Recommended`: recommended;
//! - the same two under `HKCU`: per-user policies.
//!
//! Per key and level the machine's value wins over the user's (as in
//! Chrome); an enforced value wins over a recommended one either way.
//! Values are REG_SZ for text (and for `Templates`: its JSON list, as
//! Chrome keeps list policies) and REG_DWORD for flags (0 or 1) and
//! numbers. What the keys hold becomes a [`Policy`] in OS-independent code
//! ([`from_registry`], tested everywhere); only `read` (Windows only) opens the registry.

use serde_json::Value;

use super::{Kind, Level, Policy, reading::Reading};

/// The enforced key, under `HKLM` or `HKCU`.
pub const KEY: &str = r"SOFTWARE\Policies\Wemasy\Feedback";

/// The recommended key, under `HKLM` or `HKCU`.
pub const RECOMMENDED_KEY: &str = r"SOFTWARE\Policies\Wemasy\Feedback\Recommended";

/// Where a key is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hive {
    /// `HKEY_LOCAL_MACHINE`: the machine's policy.
    Machine,
    /// `HKEY_CURRENT_USER`: this user's.
    User,
}

/// A registry value as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegValue {
    /// REG_SZ.
    Text(String),
    /// REG_DWORD.
    Dword(u32),
    /// Any other type, named as regedit names it ("REG_QWORD").
    Other(String),
}

/// The values of one policy key that is there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegKey {
    pub hive: Hive,
    pub level: Level,
    /// Each value's name and value.
    pub values: Vec<(String, RegValue)>,
}

/// The key of `level` under `hive`, as an administrator would look for it.
pub fn place(hive: Hive, level: Level) -> String {
    let hive = match hive {
        Hive::Machine => "HKLM",
        Hive::User => "HKCU",
    };
    let path = match level {
        Level::Enforced => KEY,
        Level::Recommended => RECOMMENDED_KEY,
    };
    format!(r"{hive}\{path}")
}

/// The policy `keys` hold (the keys that are there, in any order), with
/// `unread`: the keys that could not be opened, and why (the policy is
/// then [`unreadable`](Policy::unreadable)).
pub fn from_registry(keys: &[RegKey], unread: Vec<String>) -> Policy {
    let mut reading = Reading::default();
    for problem in unread {
        reading.unreadable(problem);
    }
    let mut keys: Vec<&RegKey> = keys.iter().collect();
    // The machine's first: its values win.
    keys.sort_by_key(|key| key.hive != Hive::Machine);
    for key in keys {
        let place = place(key.hive, key.level);
        reading.source(place.clone());
        for (name, value) in &key.values {
            // The key's unnamed default value: not a policy.
            if name.is_empty() {
                continue;
            }
            reading.entry(&place, key.level, name, |kind| as_json(value, kind));
        }
    }
    reading.finish()
}

/// `value` as the key's `kind` wants it; `Err`: what was expected instead.
fn as_json(value: &RegValue, kind: Kind) -> Result<Value, String> {
    let found = match value {
        RegValue::Text(_) => "text (REG_SZ)".to_owned(),
        RegValue::Dword(number) => format!("a REG_DWORD ({number})"),
        RegValue::Other(kind) => format!("a {kind}"),
    };
    match (kind, value) {
        (Kind::Text, RegValue::Text(text)) => Ok(Value::from(text.as_str())),
        (Kind::Flag, RegValue::Dword(0)) => Ok(Value::from(false)),
        (Kind::Flag, RegValue::Dword(1)) => Ok(Value::from(true)),
        (Kind::Number, RegValue::Dword(number)) => Ok(Value::from(*number)),
        (Kind::List, RegValue::Text(text)) => serde_json::from_str(text)
            .map_err(|error| format!("expected a JSON list as text (REG_SZ): {error}")),
        (Kind::Text, _) => Err(format!("expected text (REG_SZ), not {found}")),
        (Kind::Flag, _) => Err(format!("expected a REG_DWORD of 0 or 1, not {found}")),
        (Kind::Number, _) => Err(format!("expected a number (REG_DWORD), not {found}")),
        (Kind::List, _) => Err(format!(
            "expected a JSON list as text (REG_SZ), not {found}"
        )),
    }
}

/// The policy in this machine's registry.
#[cfg(windows)]
pub fn read() -> Policy {
    use windows_registry::{CURRENT_USER, LOCAL_MACHINE};
    read_under(
        &[(Hive::Machine, LOCAL_MACHINE), (Hive::User, CURRENT_USER)],
        KEY,
    )
}

/// The policy in the keys at `path` (and its `Recommended` subkey) under
/// each of `roots`.
#[cfg(windows)]
fn read_under(roots: &[(Hive, &windows_registry::Key)], path: &str) -> Policy {
    /// ERROR_FILE_NOT_FOUND as an HRESULT: the key is not there.
    const NOT_FOUND: i32 = 0x8007_0002_u32 as i32;

    let mut keys = Vec::new();
    let mut problems = Vec::new();
    for (hive, root) in roots {
        for level in [Level::Enforced, Level::Recommended] {
            let path = match level {
                Level::Enforced => path.to_owned(),
                Level::Recommended => format!(r"{path}\Recommended"),
            };
            match root.open(&path).and_then(|key| values_of(&key)) {
                Ok(values) => keys.push(RegKey {
                    hive: *hive,
                    level,
                    values,
                }),
                Err(error) if error.code().0 == NOT_FOUND => {}
                Err(error) => problems.push(format!(
                    "{} could not be read: {error}",
                    place(*hive, level)
                )),
            }
        }
    }
    from_registry(&keys, problems)
}

/// Every value of `key`, named.
#[cfg(windows)]
fn values_of(key: &windows_registry::Key) -> windows_registry::Result<Vec<(String, RegValue)>> {
    use windows_registry::Type;
    Ok(key
        .values()?
        .map(|(name, value)| {
            let value = match value.ty() {
                Type::String => String::try_from(value).map(RegValue::Text),
                Type::U32 => u32::try_from(value).map(RegValue::Dword),
                other => Ok(RegValue::Other(type_name(other))),
            };
            // A value that does not decode is told as what it is.
            let value = value.unwrap_or_else(|error| {
                RegValue::Other(format!("value that cannot be read ({error})"))
            });
            (name, value)
        })
        .collect())
}

#[cfg(windows)]
fn type_name(kind: windows_registry::Type) -> String {
    use windows_registry::Type;
    match kind {
        Type::U32 => "REG_DWORD".into(),
        Type::U64 => "REG_QWORD".into(),
        Type::String => "REG_SZ".into(),
        Type::ExpandString => "REG_EXPAND_SZ".into(),
        Type::MultiString => "REG_MULTI_SZ".into(),
        Type::Bytes => "REG_BINARY".into(),
        Type::Other(number) => format!("registry value of type {number}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(hive: Hive, level: Level, values: &[(&str, RegValue)]) -> RegKey {
        RegKey {
            hive,
            level,
            values: values
                .iter()
                .map(|(name, value)| ((*name).to_owned(), value.clone()))
                .collect(),
        }
    }

    fn text(text: &str) -> RegValue {
        RegValue::Text(text.into())
    }

    #[test]
    fn each_kind_is_read_from_its_registry_type() {
        let policy = from_registry(
            &[key(
                Hive::Machine,
                Level::Enforced,
                &[
                    ("ApiBaseUrl", text("https://tickets.example.com/api")),
                    ("Notifications", RegValue::Dword(0)),
                    ("StartAtLogin", RegValue::Dword(1)),
                    ("DeliveredRetentionDays", RegValue::Dword(30)),
                    ("Templates", text(r#"[{"name": "Printer", "type": "bug"}]"#)),
                    ("", text("the key's default value")),
                ],
            )],
            Vec::new(),
        );
        assert!(policy.problems.is_empty(), "{:?}", policy.problems);
        assert_eq!(
            policy.enforced.api_base.as_deref(),
            Some("https://tickets.example.com/api")
        );
        assert_eq!(policy.enforced.notifications, Some(false));
        assert_eq!(policy.enforced.start_at_login, Some(true));
        assert_eq!(policy.enforced.delivered_retention_days, Some(30));
        assert_eq!(policy.templates()[0].name, "Printer");
        assert_eq!(
            policy.source.as_deref(),
            Some(r"HKLM\SOFTWARE\Policies\Wemasy\Feedback")
        );
    }

    #[test]
    fn a_value_of_the_wrong_type_is_a_problem_and_ignored() {
        let policy = from_registry(
            &[key(
                Hive::User,
                Level::Recommended,
                &[
                    ("DefaultChannel", RegValue::Dword(5)),
                    ("Notifications", text("1")),
                    ("KeepRunningInTray", RegValue::Dword(2)),
                    (
                        "DeliveredRetentionDays",
                        RegValue::Other("REG_QWORD".into()),
                    ),
                    ("Templates", text("[{\"name\": ")),
                ],
            )],
            Vec::new(),
        );
        assert_eq!(policy.recommended, Default::default());
        crate::policy::assert_told(
            &policy.problems,
            &[
                r"HKCU\SOFTWARE\Policies\Wemasy\Feedback\Recommended: DefaultChannel: expected text (REG_SZ), not a REG_DWORD (5); ignored",
                "Notifications: expected a REG_DWORD of 0 or 1, not text (REG_SZ)",
                "KeepRunningInTray: expected a REG_DWORD of 0 or 1, not a REG_DWORD (2)",
                "DeliveredRetentionDays: expected a number (REG_DWORD), not a REG_QWORD",
                "Templates: expected a JSON list as text (REG_SZ)",
            ],
        );
    }

    #[test]
    fn the_machine_wins_over_the_user_key_by_key_and_enforced_over_recommended() {
        // The user's keys come first here: the order read does not matter.
        let policy = from_registry(
            &[
                key(
                    Hive::User,
                    Level::Enforced,
                    &[("DefaultChannel", text("user")), ("Language", text("en"))],
                ),
                key(
                    Hive::User,
                    Level::Recommended,
                    &[("DefaultPriority", text("low"))],
                ),
                key(
                    Hive::Machine,
                    Level::Enforced,
                    &[("DefaultChannel", text("machine"))],
                ),
                key(
                    Hive::Machine,
                    Level::Recommended,
                    &[("Language", text("nl")), ("DefaultPriority", text("high"))],
                ),
            ],
            Vec::new(),
        );
        assert!(policy.problems.is_empty(), "{:?}", policy.problems);
        assert_eq!(policy.enforced.default_channel.as_deref(), Some("machine"));
        assert_eq!(
            policy.enforced.language.as_deref(),
            Some("en"),
            "the user's enforced value: the machine only recommends one"
        );
        assert_eq!(policy.recommended.language.as_deref(), Some("nl"));
        assert_eq!(policy.recommended.default_priority.as_deref(), Some("high"));
        assert_eq!(
            policy.source.as_deref(),
            Some(concat!(
                r"HKLM\SOFTWARE\Policies\Wemasy\Feedback, ",
                r"HKLM\SOFTWARE\Policies\Wemasy\Feedback\Recommended, ",
                r"HKCU\SOFTWARE\Policies\Wemasy\Feedback, ",
                r"HKCU\SOFTWARE\Policies\Wemasy\Feedback\Recommended"
            ))
        );
    }

    #[test]
    fn a_bad_machine_value_leaves_the_users_good_one() {
        let policy = from_registry(
            &[
                key(
                    Hive::Machine,
                    Level::Enforced,
                    &[("DeliveredRetentionDays", RegValue::Dword(0))],
                ),
                key(
                    Hive::User,
                    Level::Enforced,
                    &[("DeliveredRetentionDays", RegValue::Dword(14))],
                ),
            ],
            Vec::new(),
        );
        assert_eq!(policy.enforced.delivered_retention_days, Some(14));
        assert_eq!(policy.problems.len(), 1, "{:?}", policy.problems);
        assert!(
            policy.problems[0].starts_with(r"HKLM\"),
            "{:?}",
            policy.problems
        );
    }

    #[test]
    fn unknown_value_names_and_unreadable_keys_are_told() {
        let policy = from_registry(
            &[key(
                Hive::Machine,
                Level::Enforced,
                &[("Colour", text("blue")), ("Language", text("nl"))],
            )],
            vec![r"HKCU\SOFTWARE\Policies\Wemasy\Feedback could not be read: access denied".into()],
        );
        assert_eq!(
            policy.enforced.language.as_deref(),
            Some("nl"),
            "the rest applies"
        );
        let problems = policy.problems.join("\n");
        assert!(
            problems.contains(
                r#"HKLM\SOFTWARE\Policies\Wemasy\Feedback: unknown key "Colour": ignored"#
            ),
            "{problems}"
        );
        assert!(problems.contains("access denied"), "{problems}");
        assert_eq!(policy.problems.len(), 2, "{problems}");
    }

    #[test]
    fn no_keys_is_no_policy() {
        assert_eq!(from_registry(&[], Vec::new()), Policy::default());
    }

    /// The real registry, in keys of the test's own under `HKCU` (standing
    /// in for `HKLM` too, which a test may not write).
    #[cfg(windows)]
    #[test]
    fn the_registry_is_read_as_group_policy_writes_it() {
        use windows_registry::CURRENT_USER;
        let base = format!(r"SOFTWARE\WemasyFeedbackTest-{}", uuid::Uuid::new_v4());
        let machine = CURRENT_USER.create(format!(r"{base}\machine")).unwrap();
        let user = CURRENT_USER.create(format!(r"{base}\user")).unwrap();
        let enforced = machine.create("Feedback").unwrap();
        enforced.set_string("DefaultChannel", "machine").unwrap();
        enforced.set_u32("DeliveredRetentionDays", 30).unwrap();
        enforced
            .set_string("Templates", r#"[{"name": "Printer"}]"#)
            .unwrap();
        enforced.set_u64("Notifications", 1).unwrap();
        let mine = user.create("Feedback").unwrap();
        mine.set_string("DefaultChannel", "user").unwrap();
        mine.set_u32("StartAtLogin", 1).unwrap();
        user.create(r"Feedback\Recommended")
            .unwrap()
            .set_string("Language", "nl")
            .unwrap();

        let policy = read_under(
            &[(Hive::Machine, &machine), (Hive::User, &user)],
            "Feedback",
        );
        let none = read_under(&[(Hive::Machine, &machine), (Hive::User, &user)], "Missing");
        CURRENT_USER.remove_tree(&base).unwrap();
        assert_eq!(none, Policy::default(), "no keys: no policy, no problem");

        assert_eq!(policy.enforced.default_channel.as_deref(), Some("machine"));
        assert_eq!(policy.enforced.delivered_retention_days, Some(30));
        assert_eq!(policy.enforced.start_at_login, Some(true));
        assert_eq!(policy.templates()[0].name, "Printer");
        assert_eq!(policy.recommended.language.as_deref(), Some("nl"));
        assert_eq!(policy.problems.len(), 1, "{:?}", policy.problems);
        assert!(
            policy.problems[0]
                .contains("Notifications: expected a REG_DWORD of 0 or 1, not a REG_QWORD"),
            "{:?}",
            policy.problems
        );
    }
}
