//! The simulation's CI seeds: a fixed set of desktop days, each of which
//! must keep every promise, and a day that replays exactly from its seed.
//! A failure prints the broken promise and the command that replays the day.

/// The days CI runs (seeds 0..CI_DAYS); under three minutes on the
/// project's two-core machines.
const CI_DAYS: u64 = 1_000;

#[test]
fn the_ci_days_keep_every_promise() {
    let days: u64 = std::env::var("SIM_DAYS")
        .ok()
        .and_then(|days| days.parse().ok())
        .unwrap_or(CI_DAYS);
    let reports = feedback_sim::run_days(0..days);
    let broken: Vec<String> = reports
        .iter()
        .filter(|report| !report.violations.is_empty())
        .map(|report| {
            let violations: Vec<String> =
                report.violations.iter().map(ToString::to_string).collect();
            format!(
                "day {}: {}\n  replay: {}",
                report.seed,
                violations.join("; "),
                report.replay()
            )
        })
        .collect();
    assert!(
        broken.is_empty(),
        "{} days broke a promise:\n{}",
        broken.len(),
        broken.join("\n")
    );
}

#[test]
fn a_day_replays_exactly_from_its_seed() {
    for seed in [3, 17, 256] {
        let (first, again) = (feedback_sim::run_day(seed), feedback_sim::run_day(seed));
        assert_eq!(first.trace, again.trace, "day {seed} replayed differently");
        assert!(first.trace.len() > 20, "a day has things happen in it");
    }
}
