//! Spelling checked in Subject and Message, in the window's language.
//!
//! WebView2 and WKWebView check a field by its `lang` (the window sets it);
//! WebKitGTK checks nothing until the app turns checking on, and then in
//! the languages the app names, with the dictionaries the system has
//! (hunspell's, which the packages recommend).

use std::sync::atomic::{AtomicBool, Ordering};

use tauri::{AppHandle, Runtime};

use crate::words::Lang;

/// The dictionary WebKitGTK (through Enchant) checks `lang` with.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn dictionary(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en_US",
        Lang::Nl => "nl_NL",
    }
}

/// Set once the window is interactive: WebKitGTK loads a dictionary when
/// checking is turned on (some 60 ms on the main thread, which the start-up
/// benchmark saw between the form and its listeners), so the first turn
/// waits for [`start`].
static STARTED: AtomicBool = AtomicBool::new(false);

/// Turns checking on in the window's language, once the window is
/// interactive (one of `setup::finish_start`'s steps).
pub(crate) fn start<R: Runtime>(handle: &AppHandle<R>) {
    STARTED.store(true, Ordering::SeqCst);
    check_in(handle, crate::words::current(handle));
}

/// Checks spelling in `lang` from now on (from [`start`] on, when the
/// window is not interactive yet). On Linux the languages WebKit then
/// loaded are logged: one without a dictionary is left out by WebKit, and
/// the log says which package brings it.
pub(crate) fn check_in<R: Runtime>(handle: &AppHandle<R>, lang: Lang) {
    if !STARTED.load(Ordering::SeqCst) {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        use tauri::Manager;
        let Some(window) = handle.get_webview_window("main") else {
            return;
        };
        let wanted = dictionary(lang);
        let _ = window.with_webview(move |webview| {
            use webkit2gtk::{WebContextExt, WebViewExt};
            let Some(context) = webview.inner().context() else {
                return;
            };
            context.set_spell_checking_enabled(true);
            context.set_spell_checking_languages(&[wanted]);
            let loaded = context.spell_checking_languages();
            if loaded.iter().any(|language| language.as_str() == wanted) {
                log::info!(
                    "spelling checked in {wanted} (on: {})",
                    context.is_spell_checking_enabled()
                );
            } else {
                log::warn!(
                    "spelling cannot be checked in {wanted}: no dictionary for it (the package hunspell-{} brings one)",
                    &wanted[..2]
                );
            }
        });
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (handle, lang);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_has_the_dictionary_the_packages_recommend() {
        // tauri.conf.json recommends hunspell-en-us and hunspell-nl, which
        // install these names.
        assert_eq!(dictionary(Lang::En), "en_US");
        assert_eq!(dictionary(Lang::Nl), "nl_NL");
    }
}
