//! The OS's file dialogs: Export asks where a file goes, with a suggested
//! name; Import asks which file to read. Nothing is read or written here;
//! the core reads or writes the place chosen (and so measures a file
//! before it reads it: the page never holds it).

use std::path::PathBuf;

use tauri::{Manager, Runtime, WebviewWindow};

/// Where the person chose to save a file named `name` (in `start`, the
/// Downloads folder), or `None` when they cancelled.
pub(crate) async fn ask_where_to_save<R: Runtime>(
    window: &WebviewWindow<R>,
    title: &str,
    name: &str,
    start: Option<PathBuf>,
) -> Option<PathBuf> {
    let name = name.to_owned();
    ask(window, title, start, move |dialog| {
        Box::pin(
            dialog
                .set_file_name(name)
                .set_can_create_directories(true)
                .save_file(),
        )
    })
    .await
}

/// The JSON file the person chose to open (from `start`), or `None` when
/// they cancelled.
pub(crate) async fn ask_which_to_open<R: Runtime>(
    window: &WebviewWindow<R>,
    title: &str,
    start: Option<PathBuf>,
) -> Option<PathBuf> {
    ask(window, title, start, |dialog| Box::pin(dialog.pick_file())).await
}

type Picked = std::pin::Pin<Box<dyn std::future::Future<Output = Option<rfd::FileHandle>> + Send>>;

/// A JSON file dialog titled `title` over `window`, made by `show`.
///
/// The dialog is made on the main thread, where the OS's toolkit lives
/// (GTK on Linux), and waited for here without holding it.
async fn ask<R: Runtime>(
    window: &WebviewWindow<R>,
    title: &str,
    start: Option<PathBuf>,
    show: impl FnOnce(rfd::AsyncFileDialog) -> Picked + Send + 'static,
) -> Option<PathBuf> {
    let (chosen, answer) = tokio::sync::oneshot::channel();
    let parent = window.clone();
    let title = title.to_owned();
    let asked = window.run_on_main_thread(move || {
        let mut dialog = rfd::AsyncFileDialog::new()
            .set_title(title)
            .add_filter("JSON", &["json"])
            .set_parent(&parent);
        if let Some(start) = start {
            dialog = dialog.set_directory(start);
        }
        let picked = show(dialog);
        tauri::async_runtime::spawn(async move {
            let path = picked.await.map(|file| file.path().to_path_buf());
            let _ = chosen.send(path);
        });
    });
    if let Err(error) = asked {
        log::warn!("the file dialog could not be shown: {error}");
        return None;
    }
    answer.await.ok().flatten()
}

/// The folder a file dialog starts in: Downloads, else home.
pub(crate) fn start_folder<R: Runtime>(window: &WebviewWindow<R>) -> Option<PathBuf> {
    let paths = window.path();
    paths.download_dir().or_else(|_| paths.home_dir()).ok()
}
