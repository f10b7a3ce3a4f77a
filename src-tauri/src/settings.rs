//! [`Settings`]: what the user can change, kept with tauri-plugin-store in
//! `settings.json`. (Tickets never go there: the store rewrites its file in
//! place; they live in the outbox.)

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Runtime};
use tauri_plugin_store::StoreExt;

const FILE: &str = "settings.json";
const KEY: &str = "settings";

/// Quick capture's shortcut until the person picks another.
pub(crate) const DEFAULT_SHORTCUT: &str = "CommandOrControl+Alt+N";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct Settings {
    /// `None`: production.
    pub(crate) api_base: Option<String>,
    pub(crate) default_channel: String,
    /// `None`: follow the OS; else "en" or "nl".
    pub(crate) language: Option<String>,
    pub(crate) notifications: bool,
    pub(crate) keep_running_in_tray: bool,
    /// How many days delivered tickets are kept as a record.
    pub(crate) keep_delivered_days: u32,
    /// The global shortcut that brings the window forward on a new
    /// ticket (`None`: none).
    pub(crate) quick_capture_shortcut: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            api_base: None,
            default_channel: "feedback".into(),
            language: None,
            notifications: true,
            keep_running_in_tray: true,
            keep_delivered_days: 90,
            quick_capture_shortcut: Some(DEFAULT_SHORTCUT.into()),
        }
    }
}

impl Settings {
    pub(crate) fn load<R: Runtime>(app: &AppHandle<R>) -> Self {
        app.store(FILE)
            .ok()
            .and_then(|store| store.get(KEY))
            .and_then(|value| serde_json::from_value(value).ok())
            .unwrap_or_default()
    }

    pub(crate) fn save<R: Runtime>(&self, app: &AppHandle<R>) -> Result<(), String> {
        let store = app.store(FILE).map_err(|error| error.to_string())?;
        store.set(
            KEY,
            serde_json::to_value(self).map_err(|error| error.to_string())?,
        );
        store.save().map_err(|error| error.to_string())
    }
}
