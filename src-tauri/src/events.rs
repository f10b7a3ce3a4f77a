//! Forwards the delivery engine's events to the window (one `app://event`
//! whose `kind` says what happened), the tray's tooltip, and notifications.

use feedback_core::delivery::Quota;
use feedback_core::{DeliveryStatus, Event, Summary};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tauri_plugin_notification::NotificationExt;
use tokio::sync::broadcast::Receiver;
use tokio::sync::broadcast::error::RecvError;

use crate::settings::Settings;
use crate::state::App;
use crate::words;

/// The one event the window listens to (one subscription, not one per
/// kind: each costs a round trip at start-up); what it is says `kind`.
pub(crate) const APP_EVENT: &str = "app://event";

/// Everything the window hears from the shell.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub(crate) enum AppEvent {
    /// The outbox changed: counts by state; anything shown from it is stale.
    OutboxChanged { summary: Summary },
    /// How delivery to the configured server stands.
    Status { status: DeliveryStatus },
    /// The configured server's quota changed.
    Quota { quota: Quota },
    /// A ticket was delivered: the window's result panel follows it.
    #[serde(rename_all = "camelCase")]
    Delivered {
        id: String,
        ticket_number: Option<String>,
        possible_duplicate: bool,
    },
    /// Quitting would leave this many tickets behind: ask.
    QuitRequested { waiting: usize },
    /// Quick capture: an empty form, the cursor in the subject.
    NewTicket,
    /// The organisation's policy changed and is applied: the settings in
    /// force (their locks and a new ticket's defaults), the app's state (a
    /// server it enforces), and what in the new policy was ignored.
    PolicyChanged {
        settings: Box<crate::settings::Settings>,
        app: Box<crate::state::AppState>,
        problems: Vec<String>,
    },
    /// Where updates stand changed.
    Update { update: crate::updates::UpdateView },
}

/// Tells the window.
pub(crate) fn tell<R: Runtime>(handle: &AppHandle<R>, event: AppEvent) {
    let _ = handle.emit(APP_EVENT, event);
}

/// Runs until the engine behind `events`, which delivers `origin`'s
/// tickets, stops.
pub(crate) fn forward<R: Runtime>(
    handle: AppHandle<R>,
    origin: String,
    mut events: Receiver<Event>,
) {
    tauri::async_runtime::spawn(async move {
        loop {
            match events.recv().await {
                Ok(event) => on_event(&handle, &origin, event),
                // Fell behind: the outbox is the record; tell the window to look.
                Err(RecvError::Lagged(_)) => changed(&handle),
                Err(RecvError::Closed) => break,
            }
        }
    });
}

fn on_event<R: Runtime>(handle: &AppHandle<R>, origin: &str, event: Event) {
    match event {
        // The status line speaks of the configured server; another
        // server's engine reports through its tickets.
        Event::Status(status) => {
            let Some(app) = handle.try_state::<App>() else {
                return;
            };
            if !app.deliveries.is_current(origin) {
                return;
            }
            // One notification per change of state (the engine reports a
            // status once), saying which problem it is.
            let lang = words::current(handle);
            let problem = match &status {
                DeliveryStatus::SignInNeeded { .. } => Some(lang.sign_in_needed()),
                DeliveryStatus::Forbidden { .. } => Some(lang.forbidden()),
                DeliveryStatus::KeyringUnavailable { .. } => Some(lang.keyring_unavailable()),
                _ => None,
            };
            if let Some((title, body)) = problem {
                notify(handle, title, body);
            }
            tell(handle, AppEvent::Status { status });
        }
        Event::OutboxChanged => changed(handle),
        Event::Delivered {
            id,
            ticket_number,
            possible_duplicate,
        } => {
            if !window_focused(handle) {
                let number = ticket_number.clone().unwrap_or_default();
                let (title, body) = words::current(handle).delivered(&number);
                notify(handle, title, &body);
            }
            tell(
                handle,
                AppEvent::Delivered {
                    id,
                    ticket_number,
                    possible_duplicate,
                },
            );
            changed(handle);
        }
        Event::Quota(quota) => {
            if handle
                .try_state::<App>()
                .is_some_and(|app| app.deliveries.is_current(origin))
            {
                tell(handle, AppEvent::Quota { quota });
            }
        }
        Event::NeedsAttention { reason, .. } => {
            notify(handle, words::current(handle).needs_attention(), &reason);
            changed(handle);
        }
        Event::WillRetry { .. } => changed(handle),
    }
}

/// Tells the window and the tray that the outbox changed (this process's
/// own writes are not seen by the engines' look at the file).
pub(crate) fn changed<R: Runtime>(handle: &AppHandle<R>) {
    if let Some(summary) = crate::summary(handle) {
        crate::tray::show_waiting(handle, summary.waiting());
        tell(handle, AppEvent::OutboxChanged { summary });
    }
    if crate::waiting(handle) == 0 {
        crate::login::nothing_waits(handle);
    }
}

fn window_focused<R: Runtime>(handle: &AppHandle<R>) -> bool {
    handle
        .get_webview_window("main")
        .and_then(|window| window.is_focused().ok())
        .unwrap_or(false)
}

fn notify<R: Runtime>(handle: &AppHandle<R>, title: &str, body: &str) {
    if Settings::load(handle).notifications {
        let _ = handle
            .notification()
            .builder()
            .title(title)
            .body(body)
            .show();
    }
}
