//! macOS: managed preferences for the domain `nl.wemasy.feedback`, which
//! a configuration profile delivers (a sample is in `docs/policy/macos`):
//!
//! - `/Library/Managed Preferences/nl.wemasy.feedback.plist`: the
//!   machine's (a device profile);
//! - `/Library/Managed Preferences/<user name>/nl.wemasy.feedback.plist`:
//!   this user's (a user profile).
//!
//! The keys at the top level are enforced (a profile forces them); a
//! dictionary under the key `Recommended` holds the recommended values.
//! Per key and level the machine's value wins over the user's, as Chrome
//! ranks a machine-wide policy over a user's; an enforced value wins over
//! a recommended one either way. Text is a `<string>`, a flag `<true/>`
//! or `<false/>`, a number an `<integer>`, and `Templates` an `<array>` of
//! `<dict>`s (or a `<string>` holding the JSON list, as on Windows).
//!
//! Turning the files' bytes (XML or binary) into a [`Policy`] is
//! OS-independent ([`from_property_lists`], tested everywhere); only the
//! user's name, and so where to look, is macOS's (`read`).

use std::io::Cursor;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{Kind, Level, Policy, reading::Reading};

/// The preference domain: the app's bundle identifier.
pub const DOMAIN: &str = "nl.wemasy.feedback";

/// Where macOS puts what profiles set.
pub const FOLDER: &str = "/Library/Managed Preferences";

/// The key of the dictionary of recommended values.
pub const RECOMMENDED: &str = "Recommended";

/// The files to read, the machine's first: it wins.
pub fn files(user: Option<&str>) -> Vec<PathBuf> {
    let file = format!("{DOMAIN}.plist");
    let folder = Path::new(FOLDER);
    let mut files = vec![folder.join(&file)];
    // A name that could climb out of the folder is nobody's.
    let user = user.filter(|user| !["", ".", ".."].contains(user) && !user.contains(['/', '\0']));
    if let Some(user) = user {
        files.push(folder.join(user).join(&file));
    }
    files
}

/// The policy in the property lists at `files`, the first winning: a file
/// that is not there is no policy; one that cannot be read is a problem.
pub fn read_files(files: &[PathBuf]) -> Policy {
    let mut lists = Vec::new();
    let mut problems = Vec::new();
    for file in files {
        match std::fs::read(file) {
            Ok(bytes) => lists.push((file.display().to_string(), bytes)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => problems.push(format!("{} could not be read: {error}", file.display())),
        }
    }
    from_property_lists(&lists, problems)
}

/// The policy in property lists (each a place, named in problems, and its
/// bytes, XML or binary), the first winning per key and level, with
/// `unread`: the files that could not be read, and why. A file that could
/// not be read, or is not a property list of a `<dict>`, makes the policy
/// [`unreadable`](Policy::unreadable).
pub fn from_property_lists(lists: &[(String, Vec<u8>)], unread: Vec<String>) -> Policy {
    let mut reading = Reading::default();
    for problem in unread {
        reading.unreadable(problem);
    }
    for (place, bytes) in lists {
        reading.source(place.clone());
        let top = match plist::Value::from_reader(Cursor::new(bytes)) {
            Ok(plist::Value::Dictionary(top)) => top,
            Ok(other) => {
                reading.unreadable(format!(
                    "{place} holds {}, not a <dict>: ignored",
                    found(&other)
                ));
                continue;
            }
            Err(error) => {
                reading.unreadable(format!("{place} is not a property list ({error}): ignored"));
                continue;
            }
        };
        for (name, value) in &top {
            if name != RECOMMENDED {
                reading.entry(place, Level::Enforced, name, |kind| as_json(value, kind));
                continue;
            }
            let here = format!("{place}: {RECOMMENDED}");
            let Some(recommended) = value.as_dictionary() else {
                reading.problem(format!("{here} is {}, not a <dict>: ignored", found(value)));
                continue;
            };
            for (name, value) in recommended {
                reading.entry(&here, Level::Recommended, name, |kind| as_json(value, kind));
            }
        }
    }
    reading.finish()
}

/// `value` as the key's `kind` wants it; `Err`: what was expected instead.
fn as_json(value: &plist::Value, kind: Kind) -> Result<Value, String> {
    match (kind, value) {
        (Kind::Text, plist::Value::String(text)) => Ok(Value::from(text.as_str())),
        (Kind::Flag, plist::Value::Boolean(on)) => Ok(Value::from(*on)),
        (Kind::Number, plist::Value::Integer(number)) => Ok(number
            .as_unsigned()
            .map(Value::from)
            .or_else(|| number.as_signed().map(Value::from))
            .unwrap_or_default()),
        (Kind::List, plist::Value::Array(_)) => json_of(value),
        (Kind::List, plist::Value::String(text)) => serde_json::from_str(text)
            .map_err(|error| format!("expected an <array>, or its JSON as a <string>: {error}")),
        (Kind::Text, _) => Err(format!("expected a <string>, not {}", found(value))),
        (Kind::Flag, _) => Err(format!(
            "expected <true/> or <false/>, not {}",
            found(value)
        )),
        (Kind::Number, _) => Err(format!("expected an <integer>, not {}", found(value))),
        (Kind::List, _) => Err(format!("expected an <array>, not {}", found(value))),
    }
}

/// A property list value as JSON (a template's fields and the like).
fn json_of(value: &plist::Value) -> Result<Value, String> {
    Ok(match value {
        plist::Value::Array(items) => {
            Value::Array(items.iter().map(json_of).collect::<Result<_, _>>()?)
        }
        plist::Value::Dictionary(entries) => Value::Object(
            entries
                .iter()
                .map(|(name, value)| Ok((name.clone(), json_of(value)?)))
                .collect::<Result<_, String>>()?,
        ),
        plist::Value::String(text) => Value::from(text.as_str()),
        plist::Value::Boolean(on) => Value::from(*on),
        plist::Value::Integer(_) => as_json(value, Kind::Number)?,
        other => return Err(format!("expected no {} in it", found(other))),
    })
}

/// What `value` is, as the XML names it.
fn found(value: &plist::Value) -> String {
    match value {
        plist::Value::Array(_) => "an <array>".into(),
        plist::Value::Dictionary(_) => "a <dict>".into(),
        plist::Value::Boolean(true) => "<true/>".into(),
        plist::Value::Boolean(false) => "<false/>".into(),
        plist::Value::Data(_) => "<data>".into(),
        plist::Value::Date(_) => "a <date>".into(),
        plist::Value::Real(number) => format!("<real>{number}</real>"),
        plist::Value::Integer(number) => format!("<integer>{number}</integer>"),
        plist::Value::String(text) => format!("<string>{text}</string>"),
        _ => "another kind of value".into(),
    }
}

/// The policy that profiles set for this machine and its user.
#[cfg(target_os = "macos")]
pub fn read() -> Policy {
    read_files(&files(user_name()))
}

/// This process's user's short name, as `id -un` says it (not `$USER`,
/// which a person could point at someone else's folder); asked once.
#[cfg(target_os = "macos")]
fn user_name() -> Option<&'static str> {
    static NAME: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    NAME.get_or_init(|| {
        let output = std::process::Command::new("/usr/bin/id")
            .arg("-un")
            .output()
            .ok()
            .filter(|output| output.status.success())?;
        let name = String::from_utf8(output.stdout).ok()?;
        Some(name.trim().to_owned()).filter(|name| !name.is_empty())
    })
    .as_deref()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `body` as an XML property list's top-level dictionary.
    fn plist(body: &str) -> Vec<u8> {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>{body}</dict></plist>"#
        )
        .into_bytes()
    }

    fn read(lists: &[(&str, Vec<u8>)]) -> Policy {
        let lists: Vec<(String, Vec<u8>)> = lists
            .iter()
            .map(|(place, bytes)| ((*place).to_owned(), bytes.clone()))
            .collect();
        from_property_lists(&lists, Vec::new())
    }

    const MACHINE: &str = "/Library/Managed Preferences/nl.wemasy.feedback.plist";
    const USER: &str = "/Library/Managed Preferences/ann/nl.wemasy.feedback.plist";

    #[test]
    fn top_level_keys_are_enforced_and_the_recommended_dict_recommends() {
        let policy = read(&[(
            MACHINE,
            plist(
                r#"<key>ApiBaseUrl</key><string>https://api.wemasy.nl/api</string>
                <key>DeliveredRetentionDays</key><integer>30</integer>
                <key>UpdateChecks</key><true/>
                <key>Templates</key><array><dict>
                  <key>name</key><string>Login problem</string>
                  <key>type</key><string>bug</string>
                  <key>message</key><string>What I did:

What happened:</string>
                </dict></array>
                <key>Recommended</key><dict>
                  <key>DefaultChannel</key><string>support</string>
                  <key>KeepRunningInTray</key><false/>
                </dict>"#,
            ),
        )]);
        assert!(policy.problems.is_empty(), "{:?}", policy.problems);
        assert_eq!(
            policy.enforced.api_base.as_deref(),
            Some("https://api.wemasy.nl/api")
        );
        assert_eq!(policy.enforced.delivered_retention_days, Some(30));
        assert_eq!(policy.enforced.update_checks, Some(true));
        let templates = policy.templates();
        assert_eq!(templates[0].name, "Login problem");
        assert_eq!(templates[0].fields.kind.as_deref(), Some("bug"));
        assert_eq!(
            templates[0].fields.message.as_deref(),
            Some("What I did:\n\nWhat happened:")
        );
        assert_eq!(
            policy.recommended.default_channel.as_deref(),
            Some("support")
        );
        assert_eq!(policy.recommended.keep_running_in_tray, Some(false));
        assert_eq!(policy.enforced.default_channel, None, "recommended only");
        assert_eq!(policy.source.as_deref(), Some(MACHINE));
    }

    #[test]
    fn the_sample_profiles_payload_reads_without_a_problem() {
        // What docs/policy/macos's profile puts in the managed file: the
        // settings it forces for the domain, as they are.
        let profile =
            include_bytes!("../../../../docs/policy/macos/nl.wemasy.feedback.mobileconfig");
        let profile = plist::Value::from_reader_xml(&profile[..]).unwrap();
        let settings = [
            "PayloadContent",
            "0",
            "PayloadContent",
            DOMAIN,
            "Forced",
            "0",
        ]
        .iter()
        .fold(&profile, |value, step| match step.parse::<usize>() {
            Ok(index) => &value.as_array().unwrap()[index],
            Err(_) => value.as_dictionary().unwrap().get(step).unwrap(),
        })
        .as_dictionary()
        .unwrap()
        .get("mcx_preference_settings")
        .unwrap();
        let mut bytes = Vec::new();
        settings.to_writer_xml(&mut bytes).unwrap();
        let policy = read(&[(MACHINE, bytes)]);
        assert!(policy.problems.is_empty(), "{:?}", policy.problems);
        assert!(policy.enforced.api_base.is_some());
        assert_eq!(policy.templates().len(), 1);
        assert!(policy.recommended.default_priority.is_some());
    }

    #[test]
    fn a_binary_property_list_reads_as_the_xml_one() {
        let xml = plist(r#"<key>Language</key><string>nl</string>"#);
        let value = plist::Value::from_reader_xml(Cursor::new(&xml)).unwrap();
        let mut binary = Vec::new();
        value.to_writer_binary(&mut binary).unwrap();
        assert!(binary.starts_with(b"bplist"));
        let policy = read(&[(MACHINE, binary)]);
        assert_eq!(policy.enforced.language.as_deref(), Some("nl"));
    }

    #[test]
    fn values_of_the_wrong_kind_are_told_and_ignored() {
        let policy = read(&[(
            MACHINE,
            plist(
                r#"<key>DefaultChannel</key><integer>5</integer>
                <key>Notifications</key><string>yes</string>
                <key>DeliveredRetentionDays</key><real>30.5</real>
                <key>Templates</key><dict><key>name</key><string>One</string></dict>
                <key>Colour</key><string>blue</string>
                <key>Recommended</key><string>everything</string>"#,
            ),
        )]);
        assert_eq!(policy.enforced, Default::default());
        crate::policy::assert_told(
            &policy.problems,
            &[
                "nl.wemasy.feedback.plist: DefaultChannel: expected a <string>, not <integer>5</integer>; ignored",
                "Notifications: expected <true/> or <false/>, not <string>yes</string>",
                "DeliveredRetentionDays: expected an <integer>, not <real>30.5</real>",
                "Templates: expected an <array>, not a <dict>",
                "unknown key \"Colour\"",
                "Recommended is <string>everything</string>, not a <dict>",
            ],
        );
    }

    #[test]
    fn templates_may_also_be_json_in_a_string() {
        let policy = read(&[(
            MACHINE,
            plist(
                r#"<key>Templates</key><string>[{"name": "Printer", "priority": "high"}]</string>"#,
            ),
        )]);
        assert!(policy.problems.is_empty(), "{:?}", policy.problems);
        assert_eq!(
            policy.templates()[0].fields.priority.as_deref(),
            Some("high")
        );
    }

    #[test]
    fn the_machines_values_win_over_the_users_key_by_key() {
        let policy = read(&[
            (
                MACHINE,
                plist(
                    r#"<key>DefaultChannel</key><string>machine</string>
                    <key>Recommended</key><dict><key>Language</key><string>nl</string></dict>"#,
                ),
            ),
            (
                USER,
                plist(
                    r#"<key>DefaultChannel</key><string>user</string>
                    <key>Language</key><string>en</string>
                    <key>Recommended</key><dict><key>Language</key><string>en</string>
                    <key>DefaultType</key><string>other</string></dict>"#,
                ),
            ),
        ]);
        assert!(policy.problems.is_empty(), "{:?}", policy.problems);
        assert_eq!(policy.enforced.default_channel.as_deref(), Some("machine"));
        assert_eq!(
            policy.enforced.language.as_deref(),
            Some("en"),
            "the user's enforced value: the machine only recommends one"
        );
        assert_eq!(policy.recommended.language.as_deref(), Some("nl"));
        assert_eq!(policy.recommended.default_type.as_deref(), Some("other"));
        assert_eq!(policy.source, Some(format!("{MACHINE}, {USER}")));
    }

    #[test]
    fn a_file_that_is_not_a_property_list_is_told_and_the_next_applies() {
        let policy = read(&[
            (MACHINE, b"<plist><dict><key>Language".to_vec()),
            (USER, plist(r#"<key>Language</key><string>nl</string>"#)),
        ]);
        assert_eq!(policy.enforced.language.as_deref(), Some("nl"));
        assert_eq!(policy.problems.len(), 1, "{:?}", policy.problems);
        assert!(
            policy.problems[0].starts_with(&format!("{MACHINE} is not a property list")),
            "{:?}",
            policy.problems
        );
    }

    #[test]
    fn the_machines_file_is_read_first_and_a_user_cannot_climb_out() {
        assert_eq!(
            files(Some("ann")),
            [PathBuf::from(MACHINE), PathBuf::from(USER)]
        );
        for name in [None, Some(""), Some(".."), Some("../ann"), Some(".")] {
            assert_eq!(files(name), [PathBuf::from(MACHINE)], "{name:?}");
        }
    }

    #[test]
    fn missing_files_are_no_policy_and_unreadable_ones_are_told() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            read_files(&[dir.path().join("nl.wemasy.feedback.plist")]),
            Policy::default()
        );
        let folder_not_file = read_files(&[dir.path().to_owned()]);
        assert_eq!(folder_not_file.problems.len(), 1, "{folder_not_file:?}");
        assert!(folder_not_file.problems[0].contains("could not be read"));
        let file = dir.path().join("nl.wemasy.feedback.plist");
        std::fs::write(&file, plist(r#"<key>StartAtLogin</key><true/>"#)).unwrap();
        assert_eq!(read_files(&[file]).enforced.start_at_login, Some(true));
    }
}
