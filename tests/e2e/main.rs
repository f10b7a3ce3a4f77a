//! The real app in a real window: Xvfb, tauri-driver with WebKitWebDriver,
//! the local sandbox, and the Secret Service of `scripts/in-test-session.sh`.
//! Ignored by a bare `cargo test`; `scripts/test.sh` builds the app and runs
//! these too.

// Test helpers outside #[test] functions may unwrap too: a failure is the test failing.
#![allow(clippy::unwrap_used)]

mod a11y;
mod day;
mod delivery;
#[cfg(target_os = "linux")]
mod engine;
mod fleet;
mod form;
mod harness;
mod login;
mod notifications;
mod screens;
// The app's own X11 grab (Windows and macOS use the plugin's).
#[cfg(target_os = "linux")]
mod shortcut;
mod spelling;
mod submit;
mod tray;
// An AppImage and a .deb: Linux's ways to be installed.
#[cfg(target_os = "linux")]
mod updates;
mod webdriver;
