//! Ticket templates: the person's own, kept in the outbox, beside the
//! organisation's (its policy's), which can be applied but not renamed,
//! deleted, or replaced by one of the same name.

use std::path::Path;

use super::{Desk, DeskError, Result};
use crate::outbox::{ImportReport, OutboxError, ReadTemplates, Template, TemplateFields};
use crate::placeholders::{self, Filling};
use crate::policy::{self, Listed};

impl Desk {
    /// The organisation's templates, then the person's own.
    pub fn templates(&self) -> Result<Vec<Listed>> {
        let own = self.outbox().templates()?;
        Ok(policy::listed(self.policy().templates(), own))
    }

    /// The templates the picker offers for what is typed: names that start
    /// with it first, then names that hold it (ignoring case), each group
    /// in the list's order; every template when nothing is typed.
    pub fn template_choices(&self, typed: &str) -> Result<Vec<Listed>> {
        let typed = typed.trim().to_lowercase();
        let (mut starting, holding): (Vec<Listed>, Vec<Listed>) = self
            .templates()?
            .into_iter()
            .filter(|listed| listed.template.name.to_lowercase().contains(&typed))
            .partition(|listed| listed.template.name.to_lowercase().starts_with(&typed));
        starting.extend(holding);
        Ok(starting)
    }

    /// Template `id`'s fields for the form, its placeholders filled: the
    /// date and time as the window writes them, and the person's answers
    /// to its questions (one left out is filled with nothing).
    pub fn use_template(&self, id: &str, filling: &Filling) -> Result<TemplateFields> {
        let listed = self
            .templates()?
            .into_iter()
            .find(|listed| listed.template.id == id)
            .ok_or_else(|| OutboxError::TemplateNotFound(id.to_owned()))?;
        Ok(placeholders::fill(&listed.template.fields, filling))
    }

    /// Saves the person's template; never under the name of one of the
    /// organisation's, which it would seem to replace.
    pub fn save_template(&self, name: &str, fields: &TemplateFields) -> Result<Template> {
        self.not_the_organisations_name(name)?;
        Ok(self
            .outbox()
            .save_template(name, fields, self.clock.now_ms())?)
    }

    pub fn rename_template(&self, id: &str, name: &str) -> Result<Template> {
        not_the_organisations(id)?;
        self.not_the_organisations_name(name)?;
        Ok(self
            .outbox()
            .rename_template(id, name, self.clock.now_ms())?)
    }

    pub fn delete_template(&self, id: &str) -> Result<bool> {
        not_the_organisations(id)?;
        Ok(self.outbox().delete_template(id)?)
    }

    /// The name a save dialog suggests for the templates' file.
    pub fn templates_export_name(&self) -> String {
        "Wemasy Feedback templates.json".to_owned()
    }

    /// Writes every template as JSON to `file`, the place the person chose,
    /// whole or not at all; returns how many.
    pub fn export_templates(&self, file: &Path) -> Result<usize> {
        Ok(self.outbox().export_templates(file)?)
    }

    /// Imports templates from the file the person chose, all or nothing:
    /// nothing when one has the name of one of the organisation's. No more
    /// of the file is read than a templates file may hold.
    pub fn import_templates_file(&self, file: &Path) -> Result<ImportReport> {
        self.import_read(&ReadTemplates::from_file(file)?)
    }

    fn import_read(&self, read: &ReadTemplates) -> Result<ImportReport> {
        let policy = self.policy();
        if let Some(template) = read
            .names()
            .find_map(|name| policy::named(policy.templates(), name))
        {
            return Err(DeskError::Organisation(format!(
                "The file was not imported, so no template changed: {}",
                organisation_has(&template.name)
            )));
        }
        Ok(self.outbox().import_read(read, self.clock.now_ms())?)
    }

    /// Refuses `name` when one of the organisation's templates has it.
    fn not_the_organisations_name(&self, name: &str) -> Result<()> {
        match policy::named(self.policy().templates(), name) {
            Some(template) => Err(DeskError::Organisation(organisation_has(&template.name))),
            None => Ok(()),
        }
    }
}

/// Refuses to change template `id` when it is one of the organisation's.
fn not_the_organisations(id: &str) -> Result<()> {
    if policy::is_organisation_id(id) {
        return Err(DeskError::Organisation(
            "this template comes from your organisation: it can be used, not renamed or deleted"
                .into(),
        ));
    }
    Ok(())
}

fn organisation_has(name: &str) -> String {
    format!("a template named \"{name}\" comes from your organisation; choose another name")
}
