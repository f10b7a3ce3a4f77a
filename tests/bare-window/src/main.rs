//! The baseline: one Tauri window with a static page (the app's nine-field
//! form and one stylesheet), nothing else.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .unwrap_or_else(|error| {
            eprintln!("bare-window: {error}");
            std::process::exit(1);
        });
}
