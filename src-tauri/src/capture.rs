//! Quick capture: from the tray's "New ticket" or a global shortcut, the
//! window comes forward on an empty form with the cursor in the subject.

use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_global_shortcut::{GlobalShortcut, ShortcutState};

/// Whether the configured shortcut works, and why not when it does not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ShortcutReport {
    pub(crate) accelerator: Option<String>,
    pub(crate) available: bool,
    pub(crate) reason: Option<String>,
    /// The shortcut's plugin has not started yet: the saved shortcut is
    /// applied when it has (`finish_start`).
    pub(crate) pending: bool,
}

pub(crate) fn new_ticket<R: Runtime>(handle: &AppHandle<R>) {
    crate::tray::show_main(handle);
    crate::events::tell(handle, crate::events::AppEvent::NewTicket);
}

/// The global-shortcut plugin, calling [`new_ticket`] on a press.
pub(crate) fn plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_global_shortcut::Builder::new()
        .with_handler(|handle, _shortcut, event| {
            if event.state() == ShortcutState::Pressed {
                new_ticket(handle);
            }
        })
        .build()
}

/// Makes `accelerator` (none: no shortcut) the one global shortcut, and
/// says whether it works; `current` is what the last call made.
///
/// Only a change is asked of the plugin: on X11 each call waits for its
/// key thread, which looks for work every 50 ms, and the plugin makes the
/// main thread wait with it (one register and one unregister held the
/// window's first 100 ms after start-up, and every settings save).
pub(crate) fn apply<R: Runtime>(
    handle: &AppHandle<R>,
    current: &ShortcutReport,
    accelerator: Option<&str>,
) -> ShortcutReport {
    // The plugin starts once the window is interactive (`finish_start`),
    // which applies the saved shortcut then.
    let Some(shortcuts) = handle.try_state::<GlobalShortcut<R>>() else {
        return ShortcutReport {
            accelerator: accelerator.map(ToOwned::to_owned),
            pending: true,
            ..ShortcutReport::default()
        };
    };
    let wanted = accelerator.map(str::trim).filter(|a| !a.is_empty());
    let registered = current
        .accelerator
        .as_deref()
        .filter(|_| current.available && !current.pending);
    if registered.is_some() && registered == wanted {
        return current.clone();
    }
    if let Some(registered) = registered {
        let _ = shortcuts.unregister(registered);
    }
    let Some(accelerator) = wanted else {
        return ShortcutReport::default();
    };
    let unavailable = |reason: String| ShortcutReport {
        accelerator: Some(accelerator.to_owned()),
        reason: Some(reason),
        ..ShortcutReport::default()
    };
    if let Some(reason) = crate::desktop::shortcuts_unavailable() {
        return unavailable(reason.to_owned());
    }
    match shortcuts.register(accelerator) {
        Ok(()) => ShortcutReport {
            accelerator: Some(accelerator.to_owned()),
            available: true,
            ..ShortcutReport::default()
        },
        // Not a shortcut, or another app holds it.
        Err(error) => unavailable(error.to_string()),
    }
}
