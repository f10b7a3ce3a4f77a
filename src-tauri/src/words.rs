//! The few words the shell itself shows (the tray menu and tooltip,
//! notifications, and the save dialogs' titles), in the language the window shows: English or Dutch.
//!
//! The window decides the language (the setting, else the OS language as the
//! web view reports it) and tells the shell with `set_window_language`.

use std::sync::Mutex;

use tauri::{AppHandle, Manager, Runtime};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Lang {
    #[default]
    En,
    Nl,
}

impl Lang {
    /// A BCP 47 tag such as `nl-NL` or `en`; anything but Dutch is English.
    pub(crate) fn from_tag(tag: &str) -> Self {
        if tag
            .get(..2)
            .is_some_and(|code| code.eq_ignore_ascii_case("nl"))
        {
            Self::Nl
        } else {
            Self::En
        }
    }

    pub(crate) fn open(self) -> &'static str {
        match self {
            Self::En => "Open Wemasy Feedback",
            Self::Nl => "Wemasy Feedback openen",
        }
    }

    pub(crate) fn new_ticket(self) -> &'static str {
        match self {
            Self::En => "New ticket",
            Self::Nl => "Nieuw ticket",
        }
    }

    pub(crate) fn send_queued_now(self) -> &'static str {
        match self {
            Self::En => "Send queued now",
            Self::Nl => "Wachtrij nu versturen",
        }
    }

    /// The title of the save dialog of Export in the Templates view.
    pub(crate) fn save_templates(self) -> &'static str {
        match self {
            Self::En => "Export templates",
            Self::Nl => "Sjablonen exporteren",
        }
    }

    /// The title of the open dialog of Import in the Templates view.
    pub(crate) fn open_templates(self) -> &'static str {
        match self {
            Self::En => "Import templates",
            Self::Nl => "Sjablonen importeren",
        }
    }

    /// The title of the save dialog of Export in the Outbox.
    pub(crate) fn save_unsent(self) -> &'static str {
        match self {
            Self::En => "Export unsent tickets",
            Self::Nl => "Niet-verstuurde tickets exporteren",
        }
    }

    pub(crate) fn quit(self) -> &'static str {
        match self {
            Self::En => "Quit",
            Self::Nl => "Afsluiten",
        }
    }

    pub(crate) fn tooltip(self, waiting: usize) -> String {
        match (self, waiting) {
            (_, 0) => "Wemasy Feedback".to_owned(),
            (Self::En, n) => format!("Wemasy Feedback: {n} queued"),
            (Self::Nl, n) => format!("Wemasy Feedback: {n} in wachtrij"),
        }
    }

    pub(crate) fn sign_in_needed(self) -> (&'static str, &'static str) {
        match self {
            Self::En => (
                "Sign-in needed",
                "The server refused the token; tickets wait until you sign in again.",
            ),
            Self::Nl => (
                "Inloggen nodig",
                "De server weigerde het token; tickets wachten tot u opnieuw inlogt.",
            ),
        }
    }

    pub(crate) fn forbidden(self) -> (&'static str, &'static str) {
        match self {
            Self::En => (
                "Not allowed to file tickets",
                "The server says this account may not file tickets. They wait; once the permission is back, choose Send queued now.",
            ),
            Self::Nl => (
                "Geen toestemming voor tickets",
                "De server zegt dat dit account geen tickets mag indienen. Ze wachten; kies Wachtrij nu versturen zodra de toestemming terug is.",
            ),
        }
    }

    pub(crate) fn keyring_unavailable(self) -> (&'static str, &'static str) {
        match self {
            Self::En => (
                "The keyring did not answer",
                "The token could not be read from the system keyring (it may be locked). Tickets wait and are sent once it answers.",
            ),
            Self::Nl => (
                "De sleutelbos antwoordde niet",
                "Het token kon niet uit de sleutelbos van het systeem worden gelezen (misschien is die vergrendeld). Tickets wachten en gaan zodra die antwoordt.",
            ),
        }
    }

    pub(crate) fn delivered(self, number: &str) -> (&'static str, String) {
        match self {
            Self::En => (
                "Ticket delivered",
                format!("Queued ticket {number} was delivered."),
            ),
            Self::Nl => (
                "Ticket verstuurd",
                format!("Ticket {number} uit de wachtrij is verstuurd."),
            ),
        }
    }

    pub(crate) fn needs_attention(self) -> &'static str {
        match self {
            Self::En => "A ticket needs attention",
            Self::Nl => "Een ticket vraagt aandacht",
        }
    }
}

/// The language the window shows, as managed state.
#[derive(Default)]
pub(crate) struct WindowLanguage(Mutex<Lang>);

pub(crate) fn current<R: Runtime>(handle: &AppHandle<R>) -> Lang {
    handle
        .try_state::<WindowLanguage>()
        .and_then(|language| language.0.lock().ok().map(|lang| *lang))
        .unwrap_or_default()
}

/// Remembers `tag` as the window's language.
pub(crate) fn set<R: Runtime>(handle: &AppHandle<R>, tag: &str) -> Lang {
    let lang = Lang::from_tag(tag);
    if let Some(language) = handle.try_state::<WindowLanguage>()
        && let Ok(mut current) = language.0.lock()
    {
        *current = lang;
    }
    lang
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_tags_are_dutch_and_the_rest_english() {
        for tag in ["nl", "nl-NL", "NL-be", "nl_NL.UTF-8"] {
            assert_eq!(Lang::from_tag(tag), Lang::Nl, "{tag}");
        }
        for tag in ["en-US", "de", "", "n"] {
            assert_eq!(Lang::from_tag(tag), Lang::En, "{tag}");
        }
    }
}
