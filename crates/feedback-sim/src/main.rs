//! `feedback-sim`: runs simulated desktop days and says which promise
//! broke, with the command that replays the day.
//!
//!     feedback-sim --seed 42 --trace      one day, with what happened in it
//!     feedback-sim --from 0 --days 1000   a thousand days, two at a time

use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (mut from, mut days, mut trace) = (0u64, 1u64, false);
    while let Some(arg) = args.next() {
        let mut number = || args.next().and_then(|value| value.parse().ok());
        match arg.as_str() {
            "--seed" | "--from" => from = number().unwrap_or(0),
            "--days" => days = number().unwrap_or(1),
            "--trace" => trace = true,
            _ => {
                eprintln!("usage: feedback-sim [--seed N | --from N --days K] [--trace]");
                return ExitCode::from(2);
            }
        }
    }
    let began = Instant::now();
    let reports = feedback_sim::run_days(from..from + days);
    let mut failed = 0;
    for report in &reports {
        if trace {
            for line in report.trace.iter().chain(&report.exchanges) {
                println!("{line}");
            }
        }
        if !report.violations.is_empty() {
            failed += 1;
            println!("day {}:", report.seed);
            for violation in &report.violations {
                println!("  {violation}");
            }
            println!("  replay: {}", report.replay());
        }
    }
    let elapsed = began.elapsed();
    println!(
        "{} days, {failed} with a broken promise, in {:.1} s ({:.0} days a minute); {} tickets filed, {} requests",
        reports.len(),
        elapsed.as_secs_f64(),
        reports.len() as f64 / elapsed.as_secs_f64() * 60.0,
        reports.iter().map(|report| report.filed).sum::<usize>(),
        reports.iter().map(|report| report.requests).sum::<usize>(),
    );
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
