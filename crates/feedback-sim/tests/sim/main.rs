//! The simulation's CI seeds: a fixed set of desktop days, each of which
//! must keep every promise, and a day that replays exactly from its seed.
//! A failure prints the broken promise and the command that replays the day.

/// The days CI runs (seeds 0..CI_DAYS): about two minutes in the debug
/// build on the project's two-core machines.
const CI_DAYS: u64 = 3_000;

/// Days past the CI range that broke a promise in issue 17's long runs,
/// before the fixes they led to, kept as days CI runs. The generator has
/// grown since they were found (each new fault or action changes what a
/// seed's day holds), so they are extra days now, not replays of their
/// defect. Which CI days break a promise with a fix taken out, on this
/// generator, is in the README. Day 1,002,665 is on this generator: it
/// counted a ticket the person discarded while another process's filing
/// of it had not yet returned as lost (a hole in the checker, not the app).
/// Day 1,008,593 (issue 18's long run): a ticket whose earlier attempts
/// may have reached a server, then refused with a 404 once the API base
/// was changed, was taken back into the form to be changed and sent again.
const REGRESSIONS: &[u64] = &[
    4_225, 9_020, 12_602, 16_013, 20_224, 27_959, 28_564, 1_002_665, 1_008_593,
];

#[test]
fn the_ci_days_keep_every_promise() {
    let days: u64 = std::env::var("SIM_DAYS")
        .ok()
        .and_then(|days| days.parse().ok())
        .unwrap_or(CI_DAYS);
    let reports = feedback_sim::run_days(0..days);
    assert_kept(&reports);
}

#[test]
fn the_regression_days_keep_every_promise() {
    let reports: Vec<_> = REGRESSIONS
        .iter()
        .map(|&seed| feedback_sim::run_day(seed))
        .collect();
    assert_kept(&reports);
}

fn assert_kept(reports: &[feedback_sim::DayReport]) {
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
