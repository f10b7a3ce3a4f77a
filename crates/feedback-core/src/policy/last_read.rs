//! [`LastRead`]: the last policy that could be read, kept beside the outbox
//! (`policy-last-read.json`, so the app and the CLI share it). While the
//! policy cannot be read (a roll-out with a stray comma, a file the app
//! may not read, a registry key that cannot be opened) that one stays in
//! force, across restarts, and the problem is told: a botched roll-out
//! never sends a fleet to production. A policy taken away (no file, no
//! key) is a deliberate change: no policy, and nothing kept.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use super::Policy;
use crate::diagnostics::iso8601;

/// The file's name, beside the outbox.
const FILE: &str = "policy-last-read.json";

/// Where the last policy that could be read is kept.
#[derive(Debug, Clone)]
pub struct LastRead {
    path: PathBuf,
    /// What this process last found or wrote in the file: a policy read
    /// again every few seconds, and the same, touches no disk. (Another
    /// process, the CLI, writes the same machine's policy there.)
    on_disk: Arc<Mutex<OnDisk>>,
}

/// What the file holds, as far as this process knows.
#[derive(Debug, Clone, Default, PartialEq)]
enum OnDisk {
    /// Not looked at yet.
    #[default]
    Unknown,
    /// No file: no policy kept.
    Nothing,
    /// This policy.
    Policy(Box<Policy>),
}

/// What the file holds: a policy has no secrets in it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Kept {
    /// When this policy was first read (Unix milliseconds).
    since: i64,
    policy: Policy,
}

impl LastRead {
    /// Kept beside `outbox`, the outbox file.
    pub fn beside(outbox: &Path) -> Self {
        Self {
            path: outbox.with_file_name(FILE),
            on_disk: Arc::default(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// This machine's policy ([`Policy::read`]) as it is held at `now`
    /// (Unix milliseconds): see [`LastRead::keep`].
    pub fn read(&self, now: i64) -> Policy {
        self.keep(Policy::read(), now)
    }

    /// The policy in force, given `fresh`, just read at `now` (Unix
    /// milliseconds). One that could be read is the one, and is kept (the
    /// file is written only when it changes); none at all (taken away)
    /// forgets the kept one. One that could not be read
    /// ([`Policy::unreadable`]) gives way to the kept one, with its
    /// problems and a word that the kept one stays in force; with none
    /// kept, it is what it is.
    pub fn keep(&self, fresh: Policy, now: i64) -> Policy {
        if fresh.unreadable {
            return self.instead_of(fresh);
        }
        if let Err(error) = self.remember(&fresh, now) {
            tracing::warn!(
                "the policy could not be kept in {}: {error}",
                self.path.display()
            );
        }
        fresh
    }

    /// As [`LastRead::keep`], writing nothing: for a look (`feedback doctor`).
    pub fn look(&self, fresh: Policy) -> Policy {
        if fresh.unreadable {
            return self.instead_of(fresh);
        }
        fresh
    }

    fn remember(&self, fresh: &Policy, now: i64) -> std::io::Result<()> {
        let wanted = match fresh.source {
            None => OnDisk::Nothing,
            Some(_) => OnDisk::Policy(Box::new(fresh.clone())),
        };
        let mut on_disk = self
            .on_disk
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if *on_disk == OnDisk::Unknown {
            *on_disk = match self.load() {
                Some(kept) => OnDisk::Policy(Box::new(kept.policy)),
                None if self.path.exists() => OnDisk::Unknown,
                None => OnDisk::Nothing,
            };
        }
        if *on_disk == wanted {
            return Ok(());
        }
        match &wanted {
            OnDisk::Policy(policy) => crate::draft_file::write_json(
                &self.path,
                &Kept {
                    since: now,
                    policy: Policy::clone(policy),
                },
            )?,
            _ => match std::fs::remove_file(&self.path) {
                Err(error) if error.kind() != std::io::ErrorKind::NotFound => return Err(error),
                _ => {}
            },
        }
        *on_disk = wanted;
        Ok(())
    }

    fn instead_of(&self, fresh: Policy) -> Policy {
        let Some(kept) = self.load() else {
            return fresh;
        };
        let mut policy = kept.policy;
        let mut problems = fresh.problems;
        problems.push(format!(
            "the policy in force since {} stays in force until it can be read again",
            iso8601(kept.since)
        ));
        problems.append(&mut policy.problems);
        policy.problems = problems;
        policy.unreadable = true;
        policy
    }

    /// The kept policy; `None` when there is none, or the file is not one.
    fn load(&self) -> Option<Kept> {
        let bytes = std::fs::read(&self.path).ok()?;
        serde_json::from_slice(&bytes)
            .inspect_err(|error| {
                tracing::warn!(
                    "{} is not a kept policy ({error}): ignored",
                    self.path.display()
                );
            })
            .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;

    const ORGANISATION: &str = "https://tickets.example.com";

    /// Where the app sends under `policy`, with nothing of the person's own.
    fn server(policy: &Policy) -> String {
        Settings::in_force(policy, &serde_json::Map::new())
            .api_base(None)
            .expect("a server")
            .origin()
    }

    /// Puts `text` at `path` as an administrator's tool does: whole, at once.
    fn roll_out(path: &Path, text: &str) {
        let next = path.with_extension("new");
        std::fs::write(&next, text).unwrap();
        std::fs::rename(&next, path).unwrap();
    }

    #[test]
    fn a_policy_that_no_longer_parses_keeps_the_last_one_across_a_restart() {
        let machine = tempfile::tempdir().unwrap();
        let file = machine.path().join("policy.json");
        let data = tempfile::tempdir().unwrap();
        let outbox = data.path().join("outbox.sqlite3");

        roll_out(
            &file,
            r#"{"enforced": {"ApiBaseUrl": "https://tickets.example.com/api"}}"#,
        );
        let good = LastRead::beside(&outbox).keep(Policy::read_file(&file), 1_000);
        assert_eq!(server(&good), ORGANISATION);

        // A roll-out with a stray comma.
        roll_out(
            &file,
            r#"{"enforced": {"ApiBaseUrl": "https://tickets.example.com/api",}}"#,
        );
        for (read, at) in [("the same run", 2_000), ("after a restart", 3_000)] {
            let last_read = LastRead::beside(&outbox);
            let held = last_read.keep(Policy::read_file(&file), at);
            assert_eq!(
                server(&held),
                ORGANISATION,
                "{read}: the organisation's server, never production"
            );
            assert_eq!(held.enforced, good.enforced, "{read}");
            let told = held.problems.join("\n");
            assert!(
                told.contains("not valid JSON")
                    && told.contains("the policy in force since 1970-01-01T00:00:01Z stays"),
                "{read}: what is wrong and what stays: {told}"
            );
            assert_eq!(
                last_read.look(Policy::read_file(&file)),
                held,
                "{read}: the doctor sees the same"
            );
        }
    }

    #[test]
    fn a_policy_taken_away_is_no_policy_and_is_forgotten() {
        let machine = tempfile::tempdir().unwrap();
        let file = machine.path().join("policy.json");
        let data = tempfile::tempdir().unwrap();
        let last_read = LastRead::beside(&data.path().join("outbox.sqlite3"));
        roll_out(
            &file,
            r#"{"enforced": {"ApiBaseUrl": "https://tickets.example.com/api"}}"#,
        );
        last_read.keep(Policy::read_file(&file), 1_000);
        assert!(last_read.path().exists(), "kept");

        std::fs::remove_file(&file).unwrap();
        let held = last_read.keep(Policy::read_file(&file), 2_000);
        assert_eq!(held, Policy::default(), "a deliberate change: no policy");
        assert!(!last_read.path().exists(), "nothing kept any more");

        roll_out(&file, "{\"enforced\": ");
        let broken = last_read.keep(Policy::read_file(&file), 3_000);
        assert_eq!(broken.enforced, Default::default(), "nothing to keep");
        assert_eq!(broken.problems.len(), 1, "{:?}", broken.problems);
    }

    #[test]
    fn a_policy_read_again_later_replaces_the_kept_one() {
        let data = tempfile::tempdir().unwrap();
        let last_read = LastRead::beside(&data.path().join("outbox.sqlite3"));
        let first = Policy::from_json(r#"{"enforced": {"Language": "nl"}}"#);
        let second = Policy::from_json(r#"{"enforced": {"Language": "en"}}"#);
        let mut first = first;
        first.source = Some("policy.json".into());
        let mut second = second;
        second.source = Some("policy.json".into());
        last_read.keep(first, 1_000);
        last_read.keep(second.clone(), 2_000);
        let held = last_read.keep(Policy::from_json("[1, 2]"), 3_000);
        assert_eq!(
            held.enforced, second.enforced,
            "the newest that could be read"
        );
        assert!(
            held.problems
                .join("\n")
                .contains("since 1970-01-01T00:00:02Z"),
            "{:?}",
            held.problems
        );
    }
}
