//! The form's own decisions: what a new ticket starts with (the channel
//! and priority last filed from it, unless the organisation enforces
//! them), and the channel chosen from a list as one types, a channel
//! Wemasy never accepted told with the known one it is likely a typo of.

use serde::Serialize;

use super::{Desk, Result};
use crate::channel_match;
use crate::draft::Draft;
use crate::last_used::{LastUsed, LastUsedFile};
use crate::outbox::{Problem, SuggestionKind};
use crate::settings::Settings;
use crate::submission::Submitted;

/// The channel list as it stands for what is typed in Channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelChoices {
    /// The known channels that match what is typed: the default first,
    /// then those Wemasy accepted, most recently used first.
    pub options: Vec<String>,
    /// Whether what is typed is a known channel (the default, or one
    /// Wemasy accepted before); one that is not is asked about before it
    /// is sent.
    pub known: bool,
    /// The known channel nearest to what is typed, where that looks like
    /// a typo of it: the correction to offer.
    pub nearest: Option<String>,
}

/// A ticket filed from the form, and the form the next one starts with.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FiledFromForm {
    #[serde(flatten)]
    pub submitted: Submitted,
    pub next_form: Draft,
}

impl Desk {
    /// Files `draft` from the form, as [`Desk::keep`] does (which
    /// remembers its channel and priority), and says what the next new
    /// form starts with.
    pub fn keep_from_form(&self, draft: &Draft) -> Result<FiledFromForm> {
        let submitted = self.keep(draft)?;
        Ok(FiledFromForm {
            submitted,
            next_form: self.new_form(),
        })
    }

    /// What a new ticket starts with: the channel and priority of the last
    /// ticket filed from the form, else the defaults; a channel or priority
    /// the organisation enforces always. The type is the default type.
    pub fn new_form(&self) -> Draft {
        let settings = self.settings().unwrap_or_default();
        let enforced = &self.policy().enforced;
        let last = self.last_used().map(|file| file.load()).unwrap_or_default();
        let channel_slug = match (&enforced.default_channel, last.channel_slug) {
            (None, Some(channel)) => channel,
            _ => settings.default_channel,
        };
        let priority = match enforced.default_priority.is_none() && last.remembers_priority {
            true => last.priority,
            false => settings.default_priority,
        };
        Draft {
            channel_slug,
            priority,
            kind: settings.default_type,
            ..Draft::default()
        }
    }

    /// The channel list for what is typed in Channel, and whether it is a
    /// channel the person knows (else the nearest known one, if it looks
    /// like a typo of it).
    pub fn channel_choices(&self, typed: &str) -> Result<ChannelChoices> {
        let known = self.known_channels()?;
        let typed = typed.trim();
        Ok(ChannelChoices {
            options: channel_match::matching(typed, &known),
            known: known.iter().any(|channel| channel == typed),
            nearest: channel_match::nearest(typed, &known).map(str::to_owned),
        })
    }

    /// The default channel (the organisation's, else the person's), then
    /// the channels Wemasy accepted, most recently used first.
    fn known_channels(&self) -> Result<Vec<String>> {
        let default = self.settings().unwrap_or_default().default_channel;
        let mut known = vec![default];
        for channel in self.outbox().suggestions(SuggestionKind::Channel)? {
            if !known.contains(&channel) {
                known.push(channel);
            }
        }
        known.retain(|channel| !channel.trim().is_empty());
        Ok(known)
    }

    /// Where the form's last channel and priority are kept, where the desk
    /// has a form.
    fn last_used(&self) -> Option<LastUsedFile> {
        self.form
            .as_ref()
            .map(crate::draft_file::DraftFile::last_used)
    }

    /// Remembers the channel and priority of `draft`, just filed from the
    /// form. Not remembering is no reason to refuse a ticket already kept.
    pub(super) fn remember_filed(&self, draft: &Draft) {
        let Some(file) = self.last_used() else { return };
        if let Err(error) = file.save(&LastUsed::of(draft)) {
            tracing::warn!(%error, "the last channel and priority could not be remembered");
        }
    }

    /// Ticket `id` was refused for a channel the server does not have: if
    /// that is the channel remembered, the next form starts with the
    /// default instead of the typo.
    pub(super) fn forget_refused_channel(&self, id: &str) {
        let Some(file) = self.last_used() else { return };
        let Ok(entry) = self.outbox().get(id) else {
            return;
        };
        let unknown = entry
            .attention
            .is_some_and(|attention| attention.problem == Problem::UnknownChannel);
        let remembered = file.load().channel_slug;
        if unknown
            && remembered.as_deref() == Some(entry.ticket.channel_slug.trim())
            && let Err(error) = file.forget(true, false)
        {
            tracing::warn!(%error, "a refused channel could not be forgotten");
        }
    }

    /// A default channel or priority the person changed in the settings
    /// takes the place of the one last filed: the form starts with it.
    pub(super) fn forget_replaced_defaults(&self, before: &Settings, after: &Settings) {
        let Some(file) = self.last_used() else { return };
        let channel = before.default_channel != after.default_channel;
        let priority = before.default_priority != after.default_priority;
        if !(channel || priority) {
            return;
        }
        if let Err(error) = file.forget(channel, priority) {
            tracing::warn!(%error, "the last channel and priority could not be forgotten");
        }
    }
}
