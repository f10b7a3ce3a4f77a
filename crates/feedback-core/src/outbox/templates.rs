//! Ticket templates: named skeletons of the form's fields for tickets a
//! person files often, kept in the outbox file, and exported to or imported
//! from one JSON file to share them. A template is not a ticket: its fields
//! are not validated until the form built from it is sent.

use std::collections::HashMap;
use std::fs;
use std::io::Read;
use std::path::Path;

use rusqlite::{OptionalExtension, Row, TransactionBehavior, params};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Outbox, OutboxError, Result, write_whole};

/// The `format` of a templates file.
pub const TEMPLATES_FORMAT: &str = "wemasy-feedback-templates";

/// The `version` of the templates file format this code writes and reads.
pub const TEMPLATES_VERSION: u64 = 1;

/// The longest template name, in characters.
pub const MAX_TEMPLATE_NAME: usize = 100;

/// The largest templates file that is imported: far more than any real set
/// of templates, small enough to read whole.
pub const MAX_TEMPLATES_FILE: u64 = 1024 * 1024;

/// A templates file read and checked, to be imported: measured before it
/// is parsed (a file past [`MAX_TEMPLATES_FILE`] is refused unread), and
/// parsed once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadTemplates(Vec<(String, TemplateFields)>);

impl ReadTemplates {
    /// The templates file at `file`: no more than [`MAX_TEMPLATES_FILE`]
    /// bytes of it are read.
    pub fn from_file(file: &Path) -> Result<Self> {
        let refused = |problem| OutboxError::TemplateImport {
            path: file.to_owned(),
            problem,
        };
        let bytes = read_limited(file).map_err(refused)?;
        Ok(Self(parse_templates(&bytes).map_err(refused)?))
    }

    /// The templates' names, trimmed, in the file's order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(name, _)| name.as_str())
    }
}

/// The form's fields a template fills in; any may be absent. Names as in
/// the API (and [`crate::Draft`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TemplateFields {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel_slug: Option<String>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A saved template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Template {
    /// A UUID.
    pub id: String,
    /// Unique, ignoring the case of ASCII letters.
    pub name: String,
    pub fields: TemplateFields,
    /// Unix ms.
    pub updated_at: i64,
}

/// What an import changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// Templates whose name was new.
    pub added: usize,
    /// Templates that replaced the fields of one with the same name.
    pub replaced: usize,
}

/// Why a templates file was refused.
#[derive(Debug, thiserror::Error)]
pub enum TemplateFileProblem {
    #[error("it cannot be read ({0})")]
    Unreadable(std::io::Error),
    #[error("it is larger than {max} bytes, too large for a templates file")]
    TooBig { max: u64 },
    #[error("it is not JSON ({0})")]
    NotJson(serde_json::Error),
    #[error(
        "it is not a Wemasy Feedback templates file (it lacks \"format\": \"{TEMPLATES_FORMAT}\")"
    )]
    NotTemplates,
    #[error(
        "its templates format version is {0}; this version of the app reads version {TEMPLATES_VERSION}"
    )]
    Version(String),
    #[error("it has no \"templates\" list")]
    NoList,
    #[error("template {index} in it is not usable: {reason}")]
    BadEntry { index: usize, reason: String },
    #[error("templates {first} and {second} in it are both named \"{name}\"")]
    DuplicateName {
        first: usize,
        second: usize,
        name: String,
    },
}

/// One template in a file.
#[derive(Debug, Serialize)]
struct FileTemplate<'a> {
    name: &'a str,
    fields: &'a TemplateFields,
}

#[derive(Debug, Serialize)]
struct TemplatesFile<'a> {
    format: &'static str,
    version: u64,
    templates: Vec<FileTemplate<'a>>,
}

const COLUMNS: &str = "id, name, fields, updated_at";

impl Outbox {
    /// Every template, by name.
    pub fn templates(&self) -> Result<Vec<Template>> {
        let connection = self.lock();
        let mut statement = connection.prepare(&format!(
            "SELECT {COLUMNS} FROM templates ORDER BY name COLLATE NOCASE, id"
        ))?;
        let templates = statement
            .query_map([], read_template)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(templates)
    }

    /// Saves `fields` under `name` (trimmed): a new template, or new fields
    /// for the one of that name, whatever the case of its letters.
    pub fn save_template(&self, name: &str, fields: &TemplateFields, now: i64) -> Result<Template> {
        let name = template_name(name)?;
        let json = serde_json::to_string(fields)?;
        let id = uuid::Uuid::new_v4().to_string();
        let template = self.lock().query_row(
            &format!(
                "INSERT INTO templates (id, name, fields, updated_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (name) DO UPDATE
                 SET name = excluded.name, fields = excluded.fields, updated_at = excluded.updated_at
                 RETURNING {COLUMNS}"
            ),
            params![id, name, json, now],
            read_template,
        )?;
        Ok(template)
    }

    /// Gives template `id` another name; refused when another template has it.
    pub fn rename_template(&self, id: &str, name: &str, now: i64) -> Result<Template> {
        let name = template_name(name)?;
        let renamed = self
            .lock()
            .query_row(
                &format!(
                    "UPDATE templates SET name = ?2, updated_at = ?3 WHERE id = ?1 RETURNING {COLUMNS}"
                ),
                params![id, name, now],
                read_template,
            )
            .optional();
        match renamed {
            Ok(Some(template)) => Ok(template),
            Ok(None) => Err(OutboxError::TemplateNotFound(id.to_owned())),
            Err(error) if is_unique_violation(&error) => Err(OutboxError::TemplateNameTaken(name)),
            Err(error) => Err(error.into()),
        }
    }

    /// Deletes template `id`; deleting one that is gone succeeds. Returns
    /// whether there was one.
    pub fn delete_template(&self, id: &str) -> Result<bool> {
        Ok(self
            .lock()
            .execute("DELETE FROM templates WHERE id = ?1", [id])?
            == 1)
    }

    /// Writes every template to `file` in the templates format, whole or
    /// not at all. Returns how many.
    pub fn export_templates(&self, file: &Path) -> Result<usize> {
        let templates = self.templates()?;
        let contents = TemplatesFile {
            format: TEMPLATES_FORMAT,
            version: TEMPLATES_VERSION,
            templates: templates
                .iter()
                .map(|template| FileTemplate {
                    name: &template.name,
                    fields: &template.fields,
                })
                .collect(),
        };
        write_whole(file, &(serde_json::to_string_pretty(&contents)? + "\n"))?;
        Ok(templates.len())
    }

    /// Adds the templates in `file`, replacing those with the same name,
    /// all in one transaction: a file with any problem changes nothing.
    pub fn import_templates(&self, file: &Path, now: i64) -> Result<ImportReport> {
        self.import_read(&ReadTemplates::from_file(file)?, now)
    }

    /// Adds templates read from a file (see [`Outbox::import_templates`]).
    pub fn import_read(&self, read: &ReadTemplates, now: i64) -> Result<ImportReport> {
        self.import(&read.0, now)
    }

    fn import(&self, templates: &[(String, TemplateFields)], now: i64) -> Result<ImportReport> {
        let mut connection = self.lock();
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut report = ImportReport::default();
        for (name, fields) in templates {
            let json = serde_json::to_string(fields)?;
            let replaced = transaction.execute(
                "UPDATE templates SET name = ?1, fields = ?2, updated_at = ?3 WHERE name = ?1",
                params![name, json, now],
            )?;
            if replaced > 0 {
                report.replaced += 1;
                continue;
            }
            transaction.execute(
                "INSERT INTO templates (id, name, fields, updated_at) VALUES (?1, ?2, ?3, ?4)",
                params![uuid::Uuid::new_v4().to_string(), name, json, now],
            )?;
            report.added += 1;
        }
        transaction.commit()?;
        Ok(report)
    }
}

fn read_template(row: &Row<'_>) -> rusqlite::Result<Template> {
    let fields: String = row.get(2)?;
    Ok(Template {
        id: row.get(0)?,
        name: row.get(1)?,
        // Only this code writes them; a field edited into something else
        // by hand leaves an empty skeleton rather than hiding the list.
        fields: serde_json::from_str(&fields).unwrap_or_default(),
        updated_at: row.get(3)?,
    })
}

/// `name`, trimmed, if it is a usable template name.
fn template_name(name: &str) -> Result<String> {
    let name = name.trim();
    let chars = name.chars().count();
    if !(1..=MAX_TEMPLATE_NAME).contains(&chars) {
        return Err(OutboxError::TemplateName {
            chars,
            max: MAX_TEMPLATE_NAME,
        });
    }
    Ok(name.to_owned())
}

fn is_unique_violation(error: &rusqlite::Error) -> bool {
    matches!(error, rusqlite::Error::SqliteFailure(failure, _)
        if failure.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE)
}

/// The file's bytes, refused past [`MAX_TEMPLATES_FILE`] without reading more.
fn read_limited(file: &Path) -> std::result::Result<Vec<u8>, TemplateFileProblem> {
    let opened = fs::File::open(file).map_err(TemplateFileProblem::Unreadable)?;
    let mut bytes = Vec::new();
    opened
        .take(MAX_TEMPLATES_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(TemplateFileProblem::Unreadable)?;
    if bytes.len() as u64 > MAX_TEMPLATES_FILE {
        return Err(TemplateFileProblem::TooBig {
            max: MAX_TEMPLATES_FILE,
        });
    }
    Ok(bytes)
}

/// The templates in a templates file, names trimmed; unknown keys are
/// ignored, so a newer app's additions do not stop an older one.
fn parse_templates(
    bytes: &[u8],
) -> std::result::Result<Vec<(String, TemplateFields)>, TemplateFileProblem> {
    let value: Value = serde_json::from_slice(bytes).map_err(TemplateFileProblem::NotJson)?;
    let Some(file) = value.as_object() else {
        return Err(TemplateFileProblem::NotTemplates);
    };
    if file.get("format").and_then(Value::as_str) != Some(TEMPLATES_FORMAT) {
        return Err(TemplateFileProblem::NotTemplates);
    }
    match file.get("version") {
        Some(version) if version.as_u64() == Some(TEMPLATES_VERSION) => {}
        Some(version) => return Err(TemplateFileProblem::Version(version.to_string())),
        None => return Err(TemplateFileProblem::Version("missing".into())),
    }
    let Some(entries) = file.get("templates").and_then(Value::as_array) else {
        return Err(TemplateFileProblem::NoList);
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut templates = Vec::with_capacity(entries.len());
    for (at, entry) in entries.iter().enumerate() {
        let index = at + 1;
        let bad = |reason: String| TemplateFileProblem::BadEntry { index, reason };
        let Some(entry) = entry.as_object() else {
            return Err(bad("it is not an object with a name and fields".into()));
        };
        let Some(name) = entry.get("name").and_then(Value::as_str) else {
            return Err(bad("it has no name".into()));
        };
        let name = template_name(name).map_err(|error| bad(error.to_string()))?;
        let fields = match entry.get("fields") {
            None | Some(Value::Null) => TemplateFields::default(),
            Some(fields @ Value::Object(_)) => {
                TemplateFields::deserialize(fields).map_err(|error| {
                    bad(format!("\"{name}\" has a field that is not text ({error})"))
                })?
            }
            Some(_) => return Err(bad(format!("the fields of \"{name}\" are not an object"))),
        };
        // The same folding as the name column's NOCASE.
        if let Some(first) = seen.insert(name.to_ascii_lowercase(), index) {
            return Err(TemplateFileProblem::DuplicateName {
                first,
                second: index,
                name,
            });
        }
        templates.push((name, fields));
    }
    Ok(templates)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(
        json: &str,
    ) -> std::result::Result<Vec<(String, TemplateFields)>, TemplateFileProblem> {
        parse_templates(json.as_bytes())
    }

    #[test]
    fn a_file_in_the_format_is_read_and_unknown_keys_are_ignored() {
        let read = parse(
            r#"{"format": "wemasy-feedback-templates", "version": 1, "exportedBy": "a newer app",
                "templates": [
                    {"name": "  Printer  ", "fields": {"channel_slug": "support", "type": "bug",
                     "subject": "The printer", "colour": "blue"}, "icon": "🖨"},
                    {"name": "Empty", "fields": null},
                    {"name": "No fields"}
                ]}"#,
        )
        .unwrap();
        assert_eq!(read.len(), 3);
        assert_eq!(read[0].0, "Printer", "names are trimmed");
        assert_eq!(
            read[0].1.kind.as_deref(),
            Some("bug"),
            "\"type\" is the kind"
        );
        assert_eq!(read[0].1.channel_slug.as_deref(), Some("support"));
        assert_eq!(read[1].1, TemplateFields::default());
        assert_eq!(read[2].1, TemplateFields::default());
    }

    #[test]
    fn files_that_are_not_templates_are_refused_saying_why() {
        let cases = [
            ("[1, 2]", "not a Wemasy Feedback templates file"),
            (
                "{\"templates\": []}",
                "not a Wemasy Feedback templates file",
            ),
            ("not json", "not JSON"),
            (
                r#"{"format": "wemasy-feedback-templates", "version": 2, "templates": []}"#,
                "version is 2",
            ),
            (
                r#"{"format": "wemasy-feedback-templates", "templates": []}"#,
                "version is missing",
            ),
            (
                r#"{"format": "wemasy-feedback-templates", "version": 1}"#,
                "no \"templates\" list",
            ),
            (
                r#"{"format": "wemasy-feedback-templates", "version": 1, "templates": [{"name": "a"}, 3]}"#,
                "template 2 in it is not usable",
            ),
            (
                r#"{"format": "wemasy-feedback-templates", "version": 1, "templates": [{"name": " "}]}"#,
                "1 to 100 characters",
            ),
            (
                r#"{"format": "wemasy-feedback-templates", "version": 1, "templates": [{"fields": {}}]}"#,
                "has no name",
            ),
            (
                r#"{"format": "wemasy-feedback-templates", "version": 1, "templates": [{"name": "a", "fields": {"subject": 5}}]}"#,
                "not text",
            ),
            (
                r#"{"format": "wemasy-feedback-templates", "version": 1, "templates": [{"name": "a", "fields": "x"}]}"#,
                "not an object",
            ),
            (
                r#"{"format": "wemasy-feedback-templates", "version": 1, "templates": [{"name": "Bug"}, {"name": "BUG "}]}"#,
                "templates 1 and 2 in it are both named \"BUG\"",
            ),
        ];
        for (json, says) in cases {
            let problem = parse(json).expect_err(json).to_string();
            assert!(problem.contains(says), "{json}: {problem}");
        }
    }

    #[test]
    fn names_are_trimmed_and_limited_in_characters_not_bytes() {
        assert_eq!(template_name("  Daily check ").unwrap(), "Daily check");
        let emoji = "🎫".repeat(MAX_TEMPLATE_NAME);
        assert_eq!(template_name(&emoji).unwrap(), emoji, "100 characters fit");
        assert!(matches!(
            template_name(&"x".repeat(MAX_TEMPLATE_NAME + 1)),
            Err(OutboxError::TemplateName { chars: 101, .. })
        ));
        assert!(matches!(
            template_name(" \t "),
            Err(OutboxError::TemplateName { chars: 0, .. })
        ));
    }
}
