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

use super::{Level, Policy, reading::Reading};

/// Where Linux machines keep the policy.
pub const LINUX_FILE: &str = "/etc/wemasy-feedback/policy.json";

impl Policy {
    /// The policy in the file at `path`: none when there is no file; a file
    /// that cannot be read or parsed is a problem, and
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
