//! The policy read again while the app runs ([`watch`]): a changed one is
//! applied once two reads a second apart agree, so that a file an
//! administrator's tool is halfway through writing is never applied. The
//! app reads through [`super::LastRead`], so a policy that cannot be read
//! is a change only in what is told: the last one read stays in force.

use std::future::Future;
use std::time::Duration;

use super::Policy;

/// How often the policy is read again. Reading it (a small file, four
/// registry keys) costs next to nothing; a file watcher would be one more
/// dependency per OS, and the registry has none that Group Policy's
/// refresh reliably triggers.
pub const POLL: Duration = Duration::from_secs(5);

/// A changed policy is applied once two reads this far apart agree.
pub const SETTLE: Duration = Duration::from_secs(1);

/// Reads the policy with `read` every [`POLL`], for ever; a policy that
/// differs from `held()` and reads the same again [`SETTLE`] later is
/// given to `apply`.
pub async fn watch<Read, Apply>(
    held: impl Fn() -> std::sync::Arc<Policy>,
    mut read: impl FnMut() -> Read,
    mut apply: impl FnMut(Policy) -> Apply,
) where
    Read: Future<Output = Policy>,
    Apply: Future<Output = ()>,
{
    let mut ticks = tokio::time::interval(POLL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // The first tick is now: the start has just read it.
    ticks.tick().await;
    loop {
        ticks.tick().await;
        if let Some(policy) = settled_change(&held(), &mut read, SETTLE).await {
            tracing::info!("the organisation's policy changed: applying it");
            apply(policy).await;
        }
    }
}

/// The policy `read` gives if it differs from `held` and reads the same
/// again `settle` later (`None`: no change, or one still being written).
pub async fn settled_change<F: Future<Output = Policy>>(
    held: &Policy,
    mut read: impl FnMut() -> F,
    settle: Duration,
) -> Option<Policy> {
    let fresh = read().await;
    if fresh == *held {
        return None;
    }
    tokio::time::sleep(settle).await;
    (read().await == fresh).then_some(fresh)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that gives `reads` in turn.
    fn reading(reads: Vec<Policy>) -> impl FnMut() -> std::future::Ready<Policy> {
        let mut reads = reads.into_iter();
        move || std::future::ready(reads.next().expect("read no more than planned"))
    }

    #[tokio::test]
    async fn a_change_is_applied_once_it_reads_the_same_twice() {
        let held = Policy::default();
        let whole = Policy::from_json(r#"{"enforced": {"Language": "nl"}}"#);
        let half = Policy::from_json(r#"{"enforced": {"Langu"#);
        let settle = Duration::ZERO;
        assert_eq!(
            settled_change(&held, reading(vec![Policy::default()]), settle).await,
            None,
            "no change"
        );
        assert_eq!(
            settled_change(&held, reading(vec![half.clone(), whole.clone()]), settle).await,
            None,
            "a file still being written is not applied"
        );
        assert_eq!(
            settled_change(&held, reading(vec![whole.clone(), whole.clone()]), settle).await,
            Some(whole.clone())
        );
        assert_eq!(
            settled_change(&whole, reading(vec![held.clone(), held.clone()]), settle).await,
            Some(Policy::default()),
            "a policy taken away is a change too"
        );
    }

    #[tokio::test]
    async fn a_policy_that_cannot_be_read_changes_only_what_is_told() {
        let machine = tempfile::tempdir().unwrap();
        let file = machine.path().join("policy.json");
        let data = tempfile::tempdir().unwrap();
        let last_read = super::super::LastRead::beside(&data.path().join("outbox.sqlite3"));
        std::fs::write(
            &file,
            r#"{"enforced": {"ApiBaseUrl": "https://tickets.example.com/api"}}"#,
        )
        .unwrap();
        let held = last_read.keep(Policy::read_file(&file), 1_000);
        std::fs::write(
            &file,
            r#"{"enforced": {"ApiBaseUrl": "https://tickets.example.com/api",}}"#,
        )
        .unwrap();
        let read = || std::future::ready(last_read.keep(Policy::read_file(&file), 2_000));
        let applied = settled_change(&held, read, Duration::ZERO)
            .await
            .expect("what is told changed");
        assert_eq!(applied.enforced, held.enforced, "the server stays");
        assert!(
            applied
                .problems
                .iter()
                .any(|problem| problem.contains("stays in force")),
            "{:?}",
            applied.problems
        );
        assert_eq!(
            settled_change(&applied, read, Duration::ZERO).await,
            None,
            "and then nothing changes"
        );
    }
}
