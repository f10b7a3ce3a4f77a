//! The desk's events, passed on: to the window as they are (each an
//! `app://event` whose `kind` says what happened), to the tray's count,
//! and as notifications where the person should know without looking.

use feedback_core::{DeliveryStatus, DeskEvent};
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_notification::NotificationExt;
use tokio::sync::broadcast::error::RecvError;

use crate::state::Shell;
use crate::{desktop, tray, window, words};

/// Passes the desk's events on until the app ends.
pub(crate) fn forward<R: Runtime>(handle: AppHandle<R>) {
    let Some(mut events) = handle
        .try_state::<Shell>()
        .map(|shell| shell.desk.subscribe())
    else {
        return;
    };
    tauri::async_runtime::spawn(async move {
        loop {
            match events.recv().await {
                Ok(event) => on_event(&handle, &event),
                // Fell behind: the outbox is the record; have the window look.
                Err(RecvError::Lagged(_)) => recount(&handle),
                Err(RecvError::Closed) => break,
            }
        }
    });
}

fn on_event<R: Runtime>(handle: &AppHandle<R>, event: &DeskEvent) {
    let lang = words::current(handle);
    match event {
        DeskEvent::OutboxChanged { waiting, .. } => tray::show_waiting(handle, *waiting),
        // The engine reports a status once per change: one notification
        // per problem, saying which.
        DeskEvent::Status { status } => {
            let problem = match status {
                DeliveryStatus::SignInNeeded { .. } => Some(lang.sign_in_needed()),
                DeliveryStatus::Forbidden { .. } => Some(lang.forbidden()),
                DeliveryStatus::KeyringUnavailable { .. } => Some(lang.keyring_unavailable()),
                _ => None,
            };
            if let Some((title, body)) = problem {
                notify(handle, title, body);
            }
        }
        DeskEvent::Delivered { ticket_number, .. } if !window::focused(handle) => {
            let (title, body) = lang.delivered(ticket_number.as_deref().unwrap_or_default());
            notify(handle, title, &body);
        }
        DeskEvent::NeedsAttention { reason, .. } => {
            notify(handle, lang.needs_attention(), reason);
        }
        DeskEvent::Delivered { .. } | DeskEvent::Quota { .. } => {}
    }
    window::tell(handle, event);
}

/// The counts, told afresh.
fn recount<R: Runtime>(handle: &AppHandle<R>) {
    let Some(shell) = handle.try_state::<Shell>() else {
        return;
    };
    if let Ok(summary) = shell.desk.outbox().summary() {
        let waiting = shell.desk.waiting();
        on_event(handle, &DeskEvent::OutboxChanged { summary, waiting });
    }
}

/// Shows a notification, off the async threads (asking the notification
/// server what it renders is a D-Bus round trip). `body` may hold words
/// from outside the app: escaped where the server renders markup.
fn notify<R: Runtime>(handle: &AppHandle<R>, title: &str, body: &str) {
    let on = handle
        .try_state::<Shell>()
        .is_none_or(|shell| shell.settings().notifications);
    if !on {
        return;
    }
    let handle = handle.clone();
    let (title, body) = (title.to_owned(), body.to_owned());
    tauri::async_runtime::spawn_blocking(move || {
        let body = feedback_core::notification::body(&body, desktop::markup_in_notifications());
        let _ = handle
            .notification()
            .builder()
            .title(title)
            .body(body)
            .show();
    });
}
