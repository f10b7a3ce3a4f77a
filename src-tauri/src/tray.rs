//! The tray icon: Open, New ticket, Send queued now, Quit, and the queued
//! count in its tooltip (and title, where the platform shows one).

use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Runtime};

use crate::state::Shell;
use crate::words::{self, Lang};
use crate::{capture, quit, window};

const TRAY_ID: &str = "main";

fn menu<R: Runtime>(handle: &AppHandle<R>, lang: Lang) -> tauri::Result<Menu<R>> {
    let open = MenuItem::with_id(handle, "open", lang.open(), true, None::<&str>)?;
    let new = MenuItem::with_id(handle, "new", lang.new_ticket(), true, None::<&str>)?;
    let send = MenuItem::with_id(handle, "send", lang.send_queued_now(), true, None::<&str>)?;
    let quit = MenuItem::with_id(handle, "quit", lang.quit(), true, None::<&str>)?;
    Menu::with_items(handle, &[&open, &new, &send, &quit])
}

pub(crate) fn create<R: Runtime>(handle: &AppHandle<R>) -> tauri::Result<()> {
    let lang = words::current(handle);
    let mut tray = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip(lang.tooltip(0))
        .menu(&menu(handle, lang)?)
        .on_menu_event(|handle, event| match event.id().as_ref() {
            "open" => window::show_main(handle),
            "new" => capture::new_ticket(handle),
            "send" => {
                let handle = handle.clone();
                tauri::async_runtime::spawn(async move {
                    if let Some(shell) = handle.try_state::<Shell>() {
                        let _ = shell.desk.send_now().await;
                    }
                });
            }
            "quit" => quit::quit_or_ask(handle),
            _ => {}
        });
    if let Some(icon) = handle.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(handle)?;
    Ok(())
}

/// The menu and tooltip in `lang`.
pub(crate) fn relabel<R: Runtime>(handle: &AppHandle<R>, lang: Lang) {
    if let Some(tray) = handle.tray_by_id(TRAY_ID)
        && let Ok(menu) = menu(handle, lang)
    {
        let _ = tray.set_menu(Some(menu));
    }
    let waiting = handle
        .try_state::<Shell>()
        .map_or(0, |shell| shell.desk.waiting());
    show_waiting(handle, waiting);
}

pub(crate) fn show_waiting<R: Runtime>(handle: &AppHandle<R>, waiting: usize) {
    if let Some(tray) = handle.tray_by_id(TRAY_ID) {
        let text = words::current(handle).tooltip(waiting);
        let _ = tray.set_tooltip(Some(&text));
        let _ = tray.set_title((waiting > 0).then(|| waiting.to_string()));
    }
}
