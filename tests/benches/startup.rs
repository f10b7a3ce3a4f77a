//! Start-up to a usable form, idle memory and idle CPU, of the app beside a
//! bare Tauri window built the same way (release with Tauri's
//! `custom-protocol`, as `tauri build` builds the installed app), on the same
//! machine, in one run.
//!
//! Run inside a D-Bus session with a Secret Service, as the tests are:
//! `scripts/in-test-session.sh cargo bench -p feedback-e2e --bench startup`
//! (it builds both binaries in release first). `STARTUP_ROUNDS` sets the
//! number of launches of each (default 7); launches alternate.
//! `STARTUP_BEFORE=/path/to/an/older/wemasy-feedback` measures an older
//! build of the app too, alternating with the others in the same run, and
//! reports it as "before": a regression is then told apart from a slower
//! machine or a noisier hour.
//!
//! Start-up is the time from asking tauri-driver for a session (which
//! launches the binary) until the form is usable as a person sees it
//! (`Session::wait_usable`): Subject and Send shown and enabled, and the
//! page saying its form works: for the app, once its form is filled in
//! from settings and draft and Send files; for the bare window (the same
//! nine fields and one stylesheet), once its page is parsed and styled.
//! When this process may write
//! `/proc/sys/vm/drop_caches`, the page cache is dropped before every launch
//! (a cold start); otherwise the disk cache is warm and the report says so.
//! Idle memory is the proportional set size (PSS) of the binary's process
//! and every process under it (WebKit's web and network processes), 5 s
//! after it listened, also reported per process. Idle CPU is the CPU time
//! the same processes' threads take in the `IDLE_SECONDS` (default 10)
//! after that, with nothing done to the window, and how many times they
//! were woken (the scheduler's own account, in ns), per process and, for
//! the binary's own process, per thread (by name): who wakes up while idle.
//!
//! Where the time goes, each in ms after the session request: the process
//! started (from `/proc`, 10 ms ticks), its window mapped on the X display
//! (polled every 5 ms), then the page's own milestones (navigation, HTML
//! loaded, DOM parsed, the app's `start:*` marks) and ready.

#![allow(clippy::unwrap_used)]

#[path = "../e2e/harness.rs"]
#[allow(dead_code)]
mod harness;
#[path = "../e2e/tray.rs"]
#[allow(dead_code)]
mod tray;
#[path = "../e2e/webdriver.rs"]
#[allow(dead_code)]
mod webdriver;

use std::path::Path;
use std::time::{Duration, Instant};

use feedback_sandbox::Config;

use crate::harness::{World, built_binary};
use crate::webdriver::Session;

/// CPU time and wakeups over a span.
#[derive(Debug, Clone, Copy, Default)]
struct CpuUse {
    ms: f64,
    wakeups: f64,
}

struct Sample {
    start: Duration,
    pss_kib: u64,
    /// PSS by process: the binary's own ("app"), WebKit's web and network
    /// processes, by their program's name.
    pss_by_process: Vec<(String, u64)>,
    /// CPU taken while idle, by process kind, and the binary's own threads
    /// by name (`app:NAME`).
    idle_cpu: Vec<(String, CpuUse)>,
    /// Milestones in the page, in ms from the session request: the page's
    /// time origin (the window's web view navigating), its HTML loaded,
    /// its DOM parsed (module scripts run), then the app's own `start:*`
    /// marks, and ready. (WebKitGTK keeps no resource timing for the
    /// custom protocol's styles and scripts.)
    phases: Vec<(String, f64)>,
}

#[tokio::main]
async fn main() {
    // `cargo bench` passes --bench; nothing here takes arguments.
    harness::build_release(&["wemasy-feedback", "bare-window"]);
    let rounds: usize = std::env::var("STARTUP_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(7);
    let cold = drop_caches();

    let app = built_binary("release", "wemasy-feedback");
    let bare = built_binary("release", "bare-window");
    let (app_world, first) = World::start_binary(app.clone(), Config::default(), &[]).await;
    // The first launch creates the app's data and settings: not measured.
    first.end().await;
    let (mut app_samples, mut bare_samples) = (Vec::new(), Vec::new());
    // The bare window gets a world of its own (a data directory, a display).
    let (bare_world, first) = World::start_binary(bare.clone(), Config::default(), &[]).await;
    first.end().await;
    let before = std::env::var_os("STARTUP_BEFORE").map(std::path::PathBuf::from);
    let mut before_samples = Vec::new();
    let before_world = match &before {
        Some(binary) => {
            let (world, first) = World::start_binary(binary.clone(), Config::default(), &[]).await;
            first.end().await;
            Some(world)
        }
        None => None,
    };
    for _ in 0..rounds {
        bare_samples.push(measure(&bare_world, &bare).await);
        app_samples.push(measure(&app_world, &app).await);
        if let (Some(world), Some(binary)) = (&before_world, &before) {
            before_samples.push(measure(world, binary).await);
        }
    }
    drop(before_world);
    drop(bare_world);
    drop(app_world);

    let median = |samples: &[Sample], pick: fn(&Sample) -> f64| {
        let mut values: Vec<f64> = samples.iter().map(pick).collect();
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    let start_ms = |s: &Sample| s.start.as_secs_f64() * 1000.0;
    let pss_mib = |s: &Sample| s.pss_kib as f64 / 1024.0;
    let (app_start, bare_start) = (
        median(&app_samples, start_ms),
        median(&bare_samples, start_ms),
    );
    let (app_pss, bare_pss) = (
        median(&app_samples, pss_mib),
        median(&bare_samples, pss_mib),
    );
    println!(
        "start-up to a usable form ({}, median of {rounds}): app {app_start:.0} ms, \
         bare window {bare_start:.0} ms, ratio {:.2}",
        if cold {
            "page cache dropped before each launch"
        } else {
            "warm page cache"
        },
        app_start / bare_start
    );
    println!(
        "idle memory (PSS of the process tree, median of {rounds}): app {app_pss:.1} MiB, \
         bare window {bare_pss:.1} MiB, ratio {:.2}",
        app_pss / bare_pss
    );
    if !before_samples.is_empty() {
        let before_start = median(&before_samples, start_ms);
        println!(
            "  the app before (STARTUP_BEFORE): {before_start:.0} ms, ratio {:.2}; \
             this build against it: {:.2}",
            before_start / bare_start,
            app_start / before_start
        );
    }
    let mut reports = vec![("app", &app_samples), ("bare", &bare_samples)];
    if !before_samples.is_empty() {
        reports.push(("before", &before_samples));
    }
    for (name, samples) in reports {
        // Each milestone's median, in ms since the session request.
        let names: Vec<String> = samples[0].phases.iter().map(|(n, _)| n.clone()).collect();
        let at: Vec<String> = names
            .iter()
            .map(|wanted| {
                let mut values: Vec<f64> = samples
                    .iter()
                    .filter_map(|s| s.phases.iter().find(|(n, _)| n == wanted).map(|(_, v)| *v))
                    .collect();
                values.sort_by(f64::total_cmp);
                format!("{wanted} {:.0}", values[values.len() / 2])
            })
            .collect();
        println!(
            "  {name} milestones (median ms after the launch was asked): {}, usable {:.0}",
            at.join(", "),
            median(samples, start_ms)
        );
        let memory: Vec<String> = medians_by_kind(samples, |s| {
            s.pss_by_process
                .iter()
                .map(|(kind, kib)| (kind.clone(), *kib as f64 / 1024.0))
                .collect()
        })
        .into_iter()
        .map(|(kind, mib)| format!("{kind} {mib:.1}"))
        .collect();
        println!(
            "  {name} idle memory by process (median MiB PSS): {}",
            memory.join(", ")
        );
        let cpu = medians_by_kind(samples, |s| {
            s.idle_cpu.iter().map(|(k, u)| (k.clone(), u.ms)).collect()
        });
        let wakeups = medians_by_kind(samples, |s| {
            s.idle_cpu
                .iter()
                .map(|(k, u)| (k.clone(), u.wakeups))
                .collect()
        });
        let cpu: Vec<String> = cpu
            .into_iter()
            .zip(wakeups)
            .filter(|((kind, ms), _)| *ms >= 0.05 || kind == "total")
            .map(|((kind, ms), (_, woke))| format!("{kind} {ms:.1} ms/{woke:.0}"))
            .collect();
        println!(
            "  {name} idle CPU in {} s (median CPU ms/wakeups): {}",
            std::env::var("IDLE_SECONDS").unwrap_or_else(|_| "10".into()),
            cpu.join(", ")
        );
        let all: Vec<String> = samples
            .iter()
            .map(|s| format!("{:.0} ms/{:.1} MiB", start_ms(s), pss_mib(s)))
            .collect();
        println!("  {name}: {}", all.join(", "));
    }
}

/// One launch: time to ready, then the process tree's PSS when idle.
async fn measure(world: &World, binary: &Path) -> Sample {
    drop_caches();
    let title = if binary.ends_with("bare-window") {
        "Bare Window"
    } else {
        "Wemasy Feedback"
    };
    let display = world.display().to_owned();
    let uptime_at_request = uptime_ms();
    let started = Instant::now();
    // The window's mapping, watched beside the launch.
    let watcher = std::thread::spawn(move || {
        while started.elapsed() < Duration::from_secs(30) {
            if harness::window_titled(&display, title) {
                return Some(started.elapsed());
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        None
    });
    // Launching waits until the form is usable; then until it listens.
    let session = world.launch_until_usable_with(&[]).await;
    let start = started.elapsed();
    session.wait_ready(Duration::from_millis(5)).await;
    let mapped = watcher.join().unwrap();
    let mut phases = phases(&session, start).await;
    let tree = process_tree(binary);
    if let Some(began) = process_start_ms(tree[0]) {
        phases.insert(0, ("process started".into(), began - uptime_at_request));
    }
    if let Some(mapped) = mapped {
        phases.insert(1, ("window mapped".into(), mapped.as_secs_f64() * 1000.0));
    }
    tokio::time::sleep(Duration::from_secs(5)).await;
    let tree = process_tree(binary);
    let total_kib = tree.iter().map(|pid| pss_kib(*pid)).sum();
    let mut pss_by_process: Vec<(String, u64)> = Vec::new();
    for pid in &tree {
        let kind = process_kind(*pid, binary);
        let kib = pss_kib(*pid);
        match pss_by_process.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, sum)) => *sum += kib,
            None => pss_by_process.push((kind, kib)),
        }
    }
    let idle = Duration::from_secs(
        std::env::var("IDLE_SECONDS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(10),
    );
    let before = cpu_use(&tree, binary);
    tokio::time::sleep(idle).await;
    let after = cpu_use(&tree, binary);
    let idle_cpu: Vec<(String, CpuUse)> = after
        .iter()
        .map(|(kind, now)| {
            let was = before
                .iter()
                .find(|(k, _)| k == kind)
                .map_or(CpuUse::default(), |(_, was)| *was);
            (
                kind.clone(),
                CpuUse {
                    ms: (now.ms - was.ms).max(0.0),
                    wakeups: (now.wakeups - was.wakeups).max(0.0),
                },
            )
        })
        .collect();
    session.end().await;
    // Let the processes exit before the next launch.
    tokio::time::sleep(Duration::from_millis(500)).await;
    Sample {
        start,
        pss_kib: total_kib,
        pss_by_process,
        idle_cpu,
        phases,
    }
}

/// The median of each kind's value over `samples` (0 in a sample without
/// it), by kind in name order.
fn medians_by_kind(
    samples: &[Sample],
    values: impl Fn(&Sample) -> Vec<(String, f64)>,
) -> Vec<(String, f64)> {
    let each: Vec<Vec<(String, f64)>> = samples.iter().map(values).collect();
    let mut kinds: Vec<String> = each
        .iter()
        .flatten()
        .map(|(kind, _)| kind.clone())
        .collect();
    kinds.sort();
    kinds.dedup();
    kinds
        .into_iter()
        .map(|kind| {
            let mut values: Vec<f64> = each
                .iter()
                .map(|sample| {
                    sample
                        .iter()
                        .filter(|(k, _)| *k == kind)
                        .map(|(_, v)| v)
                        .sum()
                })
                .collect();
            values.sort_by(f64::total_cmp);
            let median = values[values.len() / 2];
            (kind, median)
        })
        .collect()
}

/// CPU time in ms and times scheduled (each a wakeup) so far, by process
/// kind, with "total", and the binary's own threads by name as
/// `app:NAME`: the sum over each process's threads of the scheduler's
/// own account (`/proc/PID/task/TID/schedstat`: nanoseconds on a CPU, and
/// timeslices), exact where `/proc/PID/stat`'s 10 ms ticks round a quiet
/// process to 0 or 10.
fn cpu_use(tree: &[u32], binary: &Path) -> Vec<(String, CpuUse)> {
    let thread = |task: &std::path::Path| -> Option<(String, CpuUse)> {
        let name = std::fs::read_to_string(task.join("comm")).ok()?;
        let stat = std::fs::read_to_string(task.join("schedstat")).ok()?;
        let mut fields = stat.split_whitespace();
        let ns: u64 = fields.next()?.parse().ok()?;
        let slices: u64 = fields.nth(1)?.parse().ok()?;
        Some((
            name.trim().to_owned(),
            CpuUse {
                ms: ns as f64 / 1e6,
                wakeups: slices as f64,
            },
        ))
    };
    let mut all: Vec<(String, CpuUse)> = Vec::new();
    let mut add = |kind: String, value: CpuUse| match all.iter_mut().find(|(k, _)| *k == kind) {
        Some((_, sum)) => {
            sum.ms += value.ms;
            sum.wakeups += value.wakeups;
        }
        None => all.push((kind, value)),
    };
    for pid in tree {
        let kind = process_kind(*pid, binary);
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
            continue;
        };
        for task in tasks.flatten() {
            let Some((name, used)) = thread(&task.path()) else {
                continue;
            };
            add("total".into(), used);
            add(kind.clone(), used);
            if kind == "app" {
                add(format!("app:{name}"), used);
            }
        }
    }
    all
}

/// "app" for the binary itself, else the program's name (WebKit's
/// `WebKitWebProcess`, `WebKitNetworkProcess`).
fn process_kind(pid: u32, binary: &Path) -> String {
    let exe = std::fs::read_link(format!("/proc/{pid}/exe")).ok();
    match exe {
        Some(exe) if exe.file_name() == binary.file_name() => "app".into(),
        Some(exe) => exe
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default(),
        None => "?".into(),
    }
}

/// Milliseconds since boot, from `/proc/uptime`.
fn uptime_ms() -> f64 {
    std::fs::read_to_string("/proc/uptime")
        .ok()
        .and_then(|text| text.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |seconds| seconds * 1000.0)
}

/// When `pid` started, in ms since boot (`/proc/PID/stat` field 22, in
/// clock ticks of 10 ms).
fn process_start_ms(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let ticks: f64 = stat
        .rsplit_once(')')?
        .1
        .split_whitespace()
        .nth(19)?
        .parse()
        .ok()?;
    Some(ticks * 10.0)
}

/// The page's milestones as ms since the session request, given that its
/// form was seen usable `usable` after it: the page's clock is anchored at
/// the poll that saw it so (its `start:usable seen` mark).
async fn phases(session: &Session, usable: Duration) -> Vec<(String, f64)> {
    let found = session
        .script(
            "const nav = performance.getEntriesByType('navigation')[0];
             const seen = performance.getEntriesByName('start:usable seen')[0];
             const now = seen ? seen.startTime : performance.now();
             const marks = performance.getEntriesByType('mark')
               .filter((m) => m.name.startsWith('start:'))
               .map((m) => [m.name.slice(6), m.startTime]);
             return [now, [['navigation', 0], ['HTML loaded', nav ? nav.responseEnd : 0],
               ['DOM parsed', nav ? nav.domContentLoadedEventEnd : 0], ...marks]];",
        )
        .await;
    let now = found[0].as_f64().unwrap_or_default();
    let usable_ms = usable.as_secs_f64() * 1000.0;
    found[1]
        .as_array()
        .map(|marks| {
            marks
                .iter()
                .map(|mark| {
                    let at = mark[1].as_f64().unwrap_or_default();
                    // `now` is a little after the form was usable: a
                    // conservative anchor.
                    (
                        mark[0].as_str().unwrap_or("?").to_owned(),
                        usable_ms - (now - at),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Drops the page cache when allowed; whether it was.
fn drop_caches() -> bool {
    // Sync first, so that dirty pages can be dropped too.
    let _ = std::process::Command::new("sync").status();
    std::fs::write("/proc/sys/vm/drop_caches", "3").is_ok()
}

/// The process running `binary`, and every process under it.
fn process_tree(binary: &Path) -> Vec<u32> {
    let binary = binary.canonicalize().unwrap();
    let processes = harness::processes();
    let mut tree: Vec<u32> = processes
        .iter()
        .filter(|process| process.exe.as_deref() == Some(binary.as_path()))
        .map(|process| process.pid)
        .collect();
    assert!(!tree.is_empty(), "{} is not running", binary.display());
    let mut index = 0;
    while index < tree.len() {
        let parent = tree[index];
        tree.extend(
            processes
                .iter()
                .filter(|process| process.parent == parent)
                .map(|process| process.pid),
        );
        index += 1;
    }
    tree
}

fn pss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|line| line.strip_prefix("Pss:"))
                .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}
