//! The Sent view at scale, in the real window: 10,000 delivered tickets in
//! the app's outbox, then the time from a click on "Sent" until the first
//! page is on screen, and from a search typed until its matches are on
//! screen, each measured in the page (`performance.now()`, around the
//! click or the input event and the render that follows the answer from
//! Rust). The release build as shipped (`tauri/custom-protocol`).
//!
//! `scripts/in-test-session.sh cargo bench -p feedback-e2e --bench history`
//! (`HISTORY_TICKETS`, default 10000; `HISTORY_RUNS`, default 20).

#![allow(clippy::unwrap_used)]

#[path = "../../crates/feedback-core/benches/common/fill.rs"]
mod fill;
#[path = "../e2e/harness.rs"]
#[allow(dead_code)]
mod harness;
#[path = "../e2e/tray.rs"]
#[allow(dead_code)]
mod tray;
#[path = "../e2e/webdriver.rs"]
#[allow(dead_code)]
mod webdriver;

use std::time::Instant;

use feedback_core::outbox::Outbox;
use feedback_sandbox::Config;

use crate::harness::{World, built_binary};
use crate::webdriver::Session;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    harness::build_release(&["wemasy-feedback"]);
    let (tickets, runs) = (
        env_or("HISTORY_TICKETS", 10_000),
        env_or("HISTORY_RUNS", 20),
    );

    let app = built_binary("release", "wemasy-feedback");
    let (world, session) = World::start_binary(app, Config::default(), &[]).await;
    // Not signed in: the app's engine sends nothing and leaves the
    // account's drainer lease to this process, which records deliveries
    // the way the engine does (enqueue, claim, record), into the same file.
    let filling = Instant::now();
    fill(&world, tickets);
    println!(
        "{tickets} delivered tickets in the app's outbox ({:.0} s to put them there)",
        filling.elapsed().as_secs_f64()
    );

    let mut open = Vec::new();
    let mut by_number = Vec::new();
    let mut by_text = Vec::new();
    for run in 0..runs {
        open.push(open_sent(&session).await);
        let number = format!("TCK-{:06}", (run * 397) % tickets + 1);
        by_number.push(search(&session, &number, 1).await);
        // Subjects of tickets 8k + 4 mention the printer: one of them.
        let text = format!("printer on floor 2 jams ({})", (8 * run + 4) % tickets);
        by_text.push(search(&session, &text, 1).await);
        close_sent(&session).await;
    }
    for (what, samples) in [
        ("open Sent (first page of 50)", &mut open),
        ("search by ticket number", &mut by_number),
        ("search by text", &mut by_text),
    ] {
        samples.sort_by(f64::total_cmp);
        let median = samples[samples.len() / 2];
        let p95 = samples[(samples.len() * 95 / 100).min(samples.len() - 1)];
        println!("{what}: median {median:.1} ms, p95 {p95:.1} ms (of {runs}, in the window)");
    }
    session.end().await;
    drop(world);
}

/// The app's own outbox file, filled beside it.
fn fill(world: &World, tickets: usize) {
    let outbox = Outbox::open(
        &world
            .data_dir()
            .join("data/nl.wemasy.feedback/outbox.sqlite3"),
    )
    .unwrap();
    // The last `tickets` minutes: well within the 90 days kept.
    let now = feedback_core::delivery::Clock::system().now_ms();
    fill::fill(
        &outbox,
        &world.origin(),
        tickets,
        now - tickets as i64 * 60_000,
    );
}

/// Milliseconds from the click on "Sent" to its first page on screen.
async fn open_sent(session: &Session) -> f64 {
    measured(
        session,
        "const t0 = performance.now();
         document.querySelector('[data-view=sent]').click();
         const shown = () => /\\|50$/.test(document.documentElement.dataset.sentShown || '');",
    )
    .await
}

/// Milliseconds from typing `search` (one input event) to its `count`
/// matches on screen.
async fn search(session: &Session, search: &str, count: usize) -> f64 {
    let search = serde_json::to_string(search).unwrap();
    measured(
        session,
        &format!(
            "const input = document.getElementById('sent-search');
             const t0 = performance.now();
             input.value = {search};
             input.dispatchEvent(new Event('input', {{ bubbles: true }}));
             const shown = () => document.documentElement.dataset.sentShown === `${{input.value.trim()}}|{count}`;"
        ),
    )
    .await
}

async fn close_sent(session: &Session) {
    session
        .script(
            "const input = document.getElementById('sent-search');
             input.value = '';
             input.dispatchEvent(new Event('input', { bubbles: true }));
             document.querySelector('[data-view=ticket]').click();
             document.documentElement.dataset.sentShown = '';
             return true;",
        )
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
}

/// Runs `start` (which sets `t0` and defines `shown()`), then resolves
/// with the milliseconds until `shown()` first holds, checked every frame
/// and after every task.
async fn measured(session: &Session, start: &str) -> f64 {
    let value = session
        .script_async(&format!(
            "const done = arguments[arguments.length - 1];
             {start}
             const check = () => shown() ? done(performance.now() - t0) : setTimeout(check, 0);
             check();"
        ))
        .await;
    value
        .as_f64()
        .unwrap_or_else(|| panic!("the page answered {value}"))
}
