//! Linux (and the BSDs): the policy in a JSON file,
//! `/etc/wemasy-feedback/policy.json`, with an `enforced` and a
//! `recommended` object:
//!
//! ```json
//! {
//!   "enforced":    { "ApiBaseUrl": "https://api.wemasy.nl/api", "DeliveredRetentionDays": 30 },
//!   "recommended": { "Language": "nl", "DefaultChannel": "support" }
//! }
//! ```

use std::path::Path;

use serde_json::Value;

use super::{Level, Policy, file_trust, reading::Reading};

/// Where Linux machines keep the policy.
pub const LINUX_FILE: &str = "/etc/wemasy-feedback/policy.json";

impl Policy {
    /// The policy in the file at `path`: none when there is no file; a file
    /// that cannot be read or parsed, or that others than root (or the
    /// reader) could have written (`file_trust.rs`), is a problem, and
    /// [`unreadable`](Policy::unreadable).
    pub fn read_file(path: &Path) -> Self {
        let mut reading = Reading::default();
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Self::default(),
            Err(error) => {
                reading.source(path.display().to_string());
                reading.unreadable(format!("{} could not be read: {error}", path.display()));
                return reading.finish();
            }
        };
        reading.source(path.display().to_string());
        if let Some(why) = file_trust::distrust(path) {
            reading.unreadable(why);
            return reading.finish();
        }
        read(&mut reading, &text);
        reading.finish()
    }

    /// The policy in `text`, a JSON object with `enforced` and
    /// `recommended` objects.
    pub fn from_json(text: &str) -> Self {
        let mut reading = Reading::default();
        read(&mut reading, text);
        reading.finish()
    }
}

fn read(reading: &mut Reading, text: &str) {
    let root = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(root)) => root,
        Ok(_) => return reading.unreadable("the policy is not a JSON object: ignored"),
        Err(error) => {
            return reading.unreadable(format!("the policy is not valid JSON ({error}): ignored"));
        }
    };
    for (place, value) in root {
        let level = match place.as_str() {
            "enforced" => Level::Enforced,
            "recommended" => Level::Recommended,
            _ => {
                reading.problem(format!(
                    "unknown level \"{place}\" (enforced or recommended): ignored"
                ));
                continue;
            }
        };
        let Value::Object(entries) = value else {
            reading.problem(format!("\"{place}\" is not an object: ignored"));
            continue;
        };
        for (name, value) in entries {
            // JSON says what kind a value is itself; the key checks it.
            reading.entry(&place, level, &name, |_| Ok(value));
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;
    use crate::policy::LastRead;

    fn chmod(path: &Path, mode: u32) {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .expect("a test changes the mode of its own files");
    }

    #[test]
    fn a_policy_file_or_folder_others_may_write_is_ignored_and_told() {
        let machine = tempfile::tempdir().unwrap();
        let file = machine.path().join("policy.json");
        std::fs::write(
            &file,
            r#"{"enforced": {"ApiBaseUrl": "https://tickets.example.com/api"}}"#,
        )
        .unwrap();
        chmod(&file, 0o644);
        let trusted = Policy::read_file(&file);
        assert!(trusted.problems.is_empty(), "{:?}", trusted.problems);
        assert!(trusted.enforced.api_base.is_some());

        for (place, mode, told) in [
            (file.clone(), 0o666, "policy file"),
            (machine.path().to_owned(), 0o777, "policy folder"),
        ] {
            let before = std::fs::metadata(&place).unwrap().permissions().mode();
            chmod(&place, mode);
            let ignored = Policy::read_file(&file);
            chmod(&place, before);
            assert_eq!(ignored.enforced, Default::default(), "{told}: ignored");
            assert!(
                ignored.unreadable,
                "{told}: as a policy that cannot be read"
            );
            assert_eq!(ignored.problems.len(), 1, "{:?}", ignored.problems);
            assert!(
                ignored.problems[0].contains(told)
                    && ignored.problems[0].contains(&format!("(mode {mode:04o})")),
                "{told}: {:?}",
                ignored.problems
            );
        }

        let reader = std::fs::metadata("/proc/self").unwrap();
        if std::os::unix::fs::MetadataExt::uid(&reader) == 0 {
            // Only root can give a file away.
            std::os::unix::fs::chown(&file, Some(12_345), None).unwrap();
            let ignored = Policy::read_file(&file);
            assert_eq!(ignored.enforced, Default::default());
            assert!(
                ignored.problems.join("\n").contains("owned by user 12345"),
                "{:?}",
                ignored.problems
            );
            std::os::unix::fs::chown(&file, Some(0), None).unwrap();
        }
    }

    /// A roll-out that set the wrong mode is told, and what could have
    /// been written by anyone is never applied: the last policy that could
    /// be read stays in force.
    #[test]
    fn a_policy_file_others_may_write_keeps_the_last_one_read() {
        let machine = tempfile::tempdir().unwrap();
        let file = machine.path().join("policy.json");
        let data = tempfile::tempdir().unwrap();
        let last_read = LastRead::beside(&data.path().join("outbox.sqlite3"));
        std::fs::write(
            &file,
            r#"{"enforced": {"ApiBaseUrl": "https://tickets.example.com/api"}}"#,
        )
        .unwrap();
        chmod(&file, 0o644);
        last_read.keep(Policy::read_file(&file), 1_000);

        std::fs::write(
            &file,
            r#"{"enforced": {"ApiBaseUrl": "https://elsewhere.example.com/api"}}"#,
        )
        .unwrap();
        chmod(&file, 0o666);
        let held = last_read.keep(Policy::read_file(&file), 2_000);
        assert_eq!(
            held.enforced.api_base.as_deref(),
            Some("https://tickets.example.com/api"),
            "what anyone could have written is not applied"
        );
        let told = held.problems.join("\n");
        assert!(
            told.contains("writable by its group or by others") && told.contains("stays in force"),
            "{told}"
        );
    }
}
