//! [`Reading`]: a policy put together from its sources (a file, registry
//! keys, property lists), read in order of precedence: per key and level,
//! the first source with a usable value wins. Every source's values are
//! checked by the key table ([`super::KEYS`]) and its problems told alike.

use serde_json::Value;

use super::{Key, Kind, Level, Policy};

#[derive(Debug, Default)]
pub(crate) struct Reading {
    policy: Policy,
    sources: Vec<String>,
}

impl Reading {
    /// `place` was found: it is named as (one of) the policy's sources.
    pub(crate) fn source(&mut self, place: impl Into<String>) {
        self.sources.push(place.into());
    }

    /// Something ignored, and why.
    pub(crate) fn problem(&mut self, problem: impl Into<String>) {
        self.policy.problems.push(problem.into());
    }

    /// A source that could not be read, and why: what it holds is unknown.
    pub(crate) fn unreadable(&mut self, problem: impl Into<String>) {
        self.policy.unreadable = true;
        self.problem(problem);
    }

    /// Key `name` of `level`, found at `place` (which its problems name).
    /// `value` gives the value as the key's kind wants it, or says what
    /// was expected instead. A key an earlier source set keeps that value.
    pub(crate) fn entry(
        &mut self,
        place: &str,
        level: Level,
        name: &str,
        value: impl FnOnce(Kind) -> Result<Value, String>,
    ) {
        let Some(key) = Key::named(name) else {
            self.problem(format!("{place}: unknown key \"{name}\": ignored"));
            return;
        };
        let values = match level {
            Level::Enforced => &mut self.policy.enforced,
            Level::Recommended => &mut self.policy.recommended,
        };
        if key.is_set_in(values) {
            return;
        }
        let value = match value(key.kind) {
            Ok(value) => value,
            Err(why) => {
                self.problem(format!("{place}: {name}: {why}; ignored"));
                return;
            }
        };
        let mut skipped = Vec::new();
        if let Err(expected) = key.read(&value, values, &mut skipped) {
            self.problem(format!(
                "{place}: {name} = {value}: expected {expected}; ignored"
            ));
        }
        for why in skipped {
            self.problem(format!("{place}: {name}: {why}"));
        }
    }

    /// The policy read; its source names every place found, in order.
    pub(crate) fn finish(self) -> Policy {
        let mut policy = self.policy;
        policy.source = (!self.sources.is_empty()).then(|| self.sources.join(", "));
        policy
    }
}
