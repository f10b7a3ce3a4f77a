//! [`Shell`]: the app's managed state: its [`Desk`], through which every
//! use case goes, and what the window is shown of it with the shell's own
//! (the quick-capture shortcut, whether a tray is shown).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use feedback_core::{Desk, DeskState, Draft, Settings};
use serde::Serialize;
use tauri::{AppHandle, Runtime};

use crate::capture::{self, ShortcutReport};
use crate::ipc_error::IpcError;

pub(crate) struct Shell {
    pub(crate) desk: Arc<Desk>,
    /// Whether a tray host shows the tray icon (read once at start).
    pub(crate) tray_available: AtomicBool,
}

/// What the window shows in its header and status line.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AppState {
    #[serde(flatten)]
    pub(crate) desk: DeskState,
    pub(crate) shortcut: ShortcutReport,
    pub(crate) tray_available: bool,
}

/// All the window needs to show its form, in one answer: start-up time
/// is the form's, and every round trip counts.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WindowStart {
    pub(crate) settings: Settings,
    pub(crate) app: AppState,
    pub(crate) draft: Option<Draft>,
    /// What a new ticket starts with.
    pub(crate) new_form: Draft,
}

impl Shell {
    pub(crate) fn new(desk: Arc<Desk>) -> Self {
        Self {
            desk,
            tray_available: AtomicBool::new(false),
        }
    }

    /// The state once the start-up keyring read is done.
    pub(crate) async fn state<R: Runtime>(
        &self,
        handle: &AppHandle<R>,
    ) -> Result<AppState, IpcError> {
        Ok(self.with_shell(handle, self.desk.state().await?))
    }

    /// What the window shows first: the settings, the state (without
    /// waiting for the keyring), the saved draft and what a new ticket
    /// starts with; a draft that cannot
    /// be read is a notice, not a window that cannot start.
    pub(crate) fn window_start<R: Runtime>(
        &self,
        handle: &AppHandle<R>,
    ) -> Result<WindowStart, IpcError> {
        let draft = self.desk.load_draft().unwrap_or_else(|error| {
            self.desk
                .notice(format!("The saved draft could not be read: {error}"));
            None
        });
        Ok(WindowStart {
            settings: self.settings(),
            app: self.with_shell(handle, self.desk.state_now()?),
            draft,
            new_form: self.desk.new_form(),
        })
    }

    /// The settings in force (the app's desk always keeps settings).
    pub(crate) fn settings(&self) -> Settings {
        self.desk.settings().unwrap_or_default()
    }

    /// Saves and applies the settings, the shortcut among them; the state
    /// the window then shows.
    pub(crate) async fn save_settings<R: Runtime>(
        &self,
        handle: &AppHandle<R>,
        settings: Settings,
    ) -> Result<AppState, IpcError> {
        let settings = self.desk.save_settings(settings).await?;
        capture::refresh(handle, settings.quick_capture_shortcut).await;
        self.state(handle).await
    }

    pub(crate) fn tray_available(&self) -> bool {
        self.tray_available.load(Ordering::SeqCst)
    }

    fn with_shell<R: Runtime>(&self, handle: &AppHandle<R>, desk: DeskState) -> AppState {
        AppState {
            desk,
            shortcut: capture::report(handle),
            tray_available: self.tray_available(),
        }
    }
}
