//! The long run: 100,000 simulated desktop days (`SIM_DAYS` to change),
//! on every core, and how many days a minute that is.
//!
//!     cargo bench -p feedback-sim --bench days

use std::time::Instant;

fn main() {
    let days: u64 = std::env::var("SIM_DAYS")
        .ok()
        .and_then(|days| days.parse().ok())
        .unwrap_or(100_000);
    let from: u64 = std::env::var("SIM_FROM")
        .ok()
        .and_then(|from| from.parse().ok())
        .unwrap_or(1_000_000);
    let began = Instant::now();
    let mut broken = 0;
    let chunk = 1_000;
    let mut done = 0;
    while done < days {
        let count = chunk.min(days - done);
        for report in feedback_sim::run_days(from + done..from + done + count) {
            if !report.violations.is_empty() {
                broken += 1;
                println!("day {}:", report.seed);
                for violation in &report.violations {
                    println!("  {violation}");
                }
                println!("  replay: {}", report.replay());
            }
        }
        done += count;
        let elapsed = began.elapsed().as_secs_f64();
        eprintln!(
            "{done} days in {elapsed:.0} s: {:.0} days a minute, {broken} with a broken promise",
            done as f64 / elapsed * 60.0
        );
    }
    println!(
        "{days} days from seed {from}: {broken} with a broken promise, {:.0} days a minute",
        days as f64 / began.elapsed().as_secs_f64() * 60.0
    );
    if broken > 0 {
        std::process::exit(1);
    }
}
