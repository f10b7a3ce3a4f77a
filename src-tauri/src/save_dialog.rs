//! The OS's save dialog, for Export: asks where a file goes, with a
//! suggested name, over the window. Nothing is written here; the core
//! writes to the place chosen.

use std::path::PathBuf;

use tauri::{Manager, Runtime, WebviewWindow};

/// Where the person chose to save a file named `name` (in `start`, the
/// Downloads folder), or `None` when they cancelled.
///
/// The dialog is made on the main thread, where the OS's toolkit lives
/// (GTK on Linux), and waited for here without holding it.
pub(crate) async fn ask_where_to_save<R: Runtime>(
    window: &WebviewWindow<R>,
    title: &str,
    name: &str,
    start: Option<PathBuf>,
) -> Option<PathBuf> {
    let (chosen, answer) = tokio::sync::oneshot::channel();
    let parent = window.clone();
    let (title, name) = (title.to_owned(), name.to_owned());
    let asked = window.run_on_main_thread(move || {
        let mut dialog = rfd::AsyncFileDialog::new()
            .set_title(title)
            .set_file_name(name)
            .add_filter("JSON", &["json"])
            .set_can_create_directories(true)
            .set_parent(&parent);
        if let Some(start) = start {
            dialog = dialog.set_directory(start);
        }
        let picked = dialog.save_file();
        tauri::async_runtime::spawn(async move {
            let path = picked.await.map(|file| file.path().to_path_buf());
            let _ = chosen.send(path);
        });
    });
    if let Err(error) = asked {
        log::warn!("the save dialog could not be shown: {error}");
        return None;
    }
    answer.await.ok().flatten()
}

/// The folder a save dialog starts in: Downloads, else home.
pub(crate) fn start_folder<R: Runtime>(window: &WebviewWindow<R>) -> Option<PathBuf> {
    let paths = window.path();
    paths.download_dir().or_else(|_| paths.home_dir()).ok()
}
