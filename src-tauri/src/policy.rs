//! The organisation's policy as this app reads it: from the OS at start,
//! and again every few seconds while it runs ([`feedback_core::policy::watch`]),
//! the last one that could be read kept beside the outbox;
//! a change is applied through the desk, the shortcut with it, and told
//! to the window with the settings in force and what was ignored.

use feedback_core::Settings;
use feedback_core::delivery::Clock;
use feedback_core::policy::{LastRead, Policy};
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime};

use crate::state::{AppState, Shell};
use crate::{capture, updates, window};

/// The window's news of a changed policy: the settings in force (their
/// locks and a new ticket's defaults), the app's state (a server it
/// enforces), and what in the new policy was ignored.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
enum PolicyEvent {
    PolicyChanged {
        settings: Box<Settings>,
        app: Box<AppState>,
        problems: Vec<String>,
    },
}

/// Reads the policy again every few seconds while the app runs.
pub(crate) fn watch<R: Runtime>(handle: AppHandle<R>, last_read: LastRead) {
    tauri::async_runtime::spawn(async move {
        let held = {
            let handle = handle.clone();
            move || {
                handle
                    .try_state::<Shell>()
                    .map(|shell| shell.desk.policy())
                    .unwrap_or_default()
            }
        };
        let read_now = || {
            let last_read = last_read.clone();
            async move {
                tauri::async_runtime::spawn_blocking(move || read(&last_read))
                    .await
                    .unwrap_or_default()
            }
        };
        feedback_core::policy::watch::watch(held, read_now, |policy| apply(&handle, policy)).await;
    });
}

/// Applies `policy` as a settings save would and tells the window.
async fn apply<R: Runtime>(handle: &AppHandle<R>, policy: Policy) {
    let Some(shell) = handle.try_state::<Shell>() else {
        return;
    };
    let desk = &shell.desk;
    if let Err(error) = desk.apply_policy(policy).await {
        desk.notice(error.to_string());
    }
    let settings = shell.settings();
    capture::refresh(handle, settings.quick_capture_shortcut.clone()).await;
    match shell.state(handle).await {
        Ok(state) => window::tell(
            handle,
            &PolicyEvent::PolicyChanged {
                settings: Box::new(settings),
                app: Box::new(state),
                problems: desk.policy_problems(),
            },
        ),
        Err(error) => log::warn!("the app's state could not be read: {}", error.message),
    }
    // Update checks and who installs may have changed with it.
    updates::changed(handle);
}

/// The policy of this machine as the CLI reads it ([`LastRead::read`]):
/// while it cannot be read, the last one that could be.
pub(crate) fn read(last_read: &LastRead) -> Policy {
    last_read.read(Clock::system().now_ms())
}
