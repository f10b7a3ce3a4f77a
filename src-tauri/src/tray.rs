//! The tray icon: Open, Send queued now, Quit, and the queued count in its
//! tooltip (and title, where the platform shows one).

use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Runtime};

use crate::state::App;

const TRAY_ID: &str = "main";

pub(crate) fn create<R: Runtime>(handle: &AppHandle<R>) -> tauri::Result<()> {
    let open = MenuItem::with_id(handle, "open", "Open Wemasy Feedback", true, None::<&str>)?;
    let send = MenuItem::with_id(handle, "send", "Send queued now", true, None::<&str>)?;
    let quit = MenuItem::with_id(handle, "quit", "Quit", true, None::<&str>)?;
    let menu = Menu::with_items(handle, &[&open, &send, &quit])?;
    let mut tray = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip("Wemasy Feedback")
        .menu(&menu)
        .on_menu_event(|handle, event| match event.id().as_ref() {
            "open" => show_main(handle),
            "send" => {
                let handle = handle.clone();
                tauri::async_runtime::spawn(async move {
                    if let Some(app) = handle.try_state::<App>() {
                        let _ = app.send_queued_now().await;
                    }
                });
            }
            "quit" => handle.exit(0),
            _ => {}
        });
    if let Some(icon) = handle.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(handle)?;
    Ok(())
}

pub(crate) fn show_main<R: Runtime>(handle: &AppHandle<R>) {
    if let Some(window) = handle.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

pub(crate) fn show_waiting<R: Runtime>(handle: &AppHandle<R>, waiting: usize) {
    if let Some(tray) = handle.tray_by_id(TRAY_ID) {
        let text = match waiting {
            0 => "Wemasy Feedback".to_owned(),
            n => format!("Wemasy Feedback: {n} queued"),
        };
        let _ = tray.set_tooltip(Some(&text));
        let _ = tray.set_title((waiting > 0).then(|| waiting.to_string()));
    }
}
