//! [`PluginStore`]: where the person's settings are kept: tauri-plugin-store's
//! `settings.json` in the app's config folder (only what they chose; see
//! [`feedback_core::settings`]).

use serde_json::{Map, Value};
use tauri::{AppHandle, Runtime};
use tauri_plugin_store::StoreExt;

const FILE: &str = "settings.json";
const KEY: &str = "settings";

pub(crate) struct PluginStore<R: Runtime>(pub(crate) AppHandle<R>);

impl<R: Runtime> std::fmt::Debug for PluginStore<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PluginStore(settings.json)")
    }
}

impl<R: Runtime> feedback_core::SettingsStore for PluginStore<R> {
    fn load(&self) -> Map<String, Value> {
        match self.0.store(FILE).ok().and_then(|store| store.get(KEY)) {
            Some(Value::Object(object)) => object,
            _ => Map::new(),
        }
    }

    fn save(&self, chosen: Map<String, Value>) -> Result<(), String> {
        let store = self.0.store(FILE).map_err(|error| error.to_string())?;
        store.set(KEY, Value::Object(chosen));
        store.save().map_err(|error| error.to_string())
    }
}
