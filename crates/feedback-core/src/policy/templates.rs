//! The organisation's ticket templates (the policy key `Templates`): read
//! entry by entry (a bad entry is told and skipped, the rest apply), and
//! listed beside the person's own, which never replace them.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::new_ticket::{Priority, TicketType};
use crate::outbox::{MAX_TEMPLATE_NAME, Template, TemplateFields};

/// What an `id` of an organisation's template starts with; the person's
/// own have UUIDs.
const ID_PREFIX: &str = "org:";

/// A template the organisation shares: applied like a person's own, but
/// never renamed, deleted or replaced from the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgTemplate {
    /// Trimmed, 1 to [`MAX_TEMPLATE_NAME`] characters.
    pub name: String,
    pub fields: TemplateFields,
}

/// A template as the Templates view lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Listed {
    #[serde(flatten)]
    pub template: Template,
    /// Shared by the organisation: it may be applied, not renamed,
    /// deleted or replaced.
    pub from_organisation: bool,
    /// What using it asks for: its `{name}` placeholders.
    pub questions: Vec<String>,
}

impl Listed {
    fn new(template: Template, from_organisation: bool) -> Self {
        let questions = crate::placeholders::questions(&template.fields);
        Self {
            template,
            from_organisation,
            questions,
        }
    }
}

/// The organisation's templates first, in the administrator's order, then
/// the person's own.
pub fn listed(organisation: &[OrgTemplate], own: Vec<Template>) -> Vec<Listed> {
    let shared = organisation.iter().map(|template| {
        let template = Template {
            id: format!("{ID_PREFIX}{}", template.name),
            name: template.name.clone(),
            fields: template.fields.clone(),
            updated_at: 0,
        };
        Listed::new(template, true)
    });
    let own = own.into_iter().map(|template| Listed::new(template, false));
    shared.chain(own).collect()
}

/// Whether template `id` is one of the organisation's.
pub fn is_organisation_id(id: &str) -> bool {
    id.starts_with(ID_PREFIX)
}

/// The organisation's template that a person's template named `name`
/// would stand in for (names compared as the outbox does: trimmed, ASCII
/// letters in any case).
pub fn named<'a>(organisation: &'a [OrgTemplate], name: &str) -> Option<&'a OrgTemplate> {
    let name = name.trim();
    organisation
        .iter()
        .find(|template| template.name.eq_ignore_ascii_case(name))
}

/// The templates in `value`, a list of objects with a `name` and the
/// form's fields; `Err`: what was expected. Each entry that cannot be used
/// is left out, and why goes into `skipped`.
pub(super) fn read(value: &Value, skipped: &mut Vec<String>) -> Result<Vec<OrgTemplate>, String> {
    let entries = value
        .as_array()
        .ok_or("a list of templates, each with a name")?;
    let mut templates: Vec<OrgTemplate> = Vec::with_capacity(entries.len());
    for (at, entry) in entries.iter().enumerate() {
        let number = at + 1;
        match entry_of(entry, skipped, number) {
            Ok(template) if named(&templates, &template.name).is_some() => skipped.push(format!(
                "template {number} is named \"{}\" as an earlier one; skipped",
                template.name
            )),
            Ok(template) => templates.push(template),
            Err(why) => skipped.push(format!("template {number} {why}; skipped")),
        }
    }
    Ok(templates)
}

/// The form's fields a template may hold, as administrators write them.
const FIELDS: [&str; 7] = [
    "channel_slug",
    "type",
    "priority",
    "tool_key",
    "page",
    "subject",
    "message",
];

/// Entry `number` as a template; `Err`: why it cannot be used. A key that
/// is not a field is told and ignored: a newer policy's field does not
/// cost an older app the template.
fn entry_of(
    entry: &Value,
    skipped: &mut Vec<String>,
    number: usize,
) -> Result<OrgTemplate, String> {
    let entry = entry.as_object().ok_or("is not an object with a name")?;
    let name = match entry.get("name") {
        Some(Value::String(name)) => name.trim(),
        Some(_) => return Err("has a name that is not text".into()),
        None => return Err("has no name".into()),
    };
    let chars = name.chars().count();
    if !(1..=MAX_TEMPLATE_NAME).contains(&chars) {
        return Err(format!(
            "has a name of {chars} characters (1 to {MAX_TEMPLATE_NAME})"
        ));
    }
    let mut fields = Map::new();
    for (key, value) in entry {
        if key == "name" {
            continue;
        }
        if !FIELDS.contains(&key.as_str()) {
            skipped.push(format!(
                "template {number} (\"{name}\"): unknown field \"{key}\" ignored (fields: name, {})",
                FIELDS.join(", ")
            ));
            continue;
        }
        let text = match value {
            Value::Null => continue,
            Value::String(text) if text.trim().is_empty() => continue,
            Value::String(text) => text,
            _ => return Err(format!("(\"{name}\") has a {key} that is not text")),
        };
        let allowed: Option<Vec<&str>> = match key.as_str() {
            "type" => Some(TicketType::ALL.map(TicketType::as_str).to_vec()),
            "priority" => Some(Priority::ALL.map(Priority::as_str).to_vec()),
            _ => None,
        };
        if let Some(allowed) = allowed
            && !allowed.contains(&text.as_str())
        {
            return Err(format!(
                "(\"{name}\") has {key} \"{text}\" ({})",
                allowed.join(", ")
            ));
        }
        fields.insert(key.clone(), Value::String(text.clone()));
    }
    let fields = serde_json::from_value(Value::Object(fields))
        .map_err(|error| format!("(\"{name}\") cannot be read: {error}"))?;
    Ok(OrgTemplate {
        name: name.to_owned(),
        fields,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_json(json: &str) -> (Result<Vec<OrgTemplate>, String>, Vec<String>) {
        let mut skipped = Vec::new();
        let read = read(&serde_json::from_str(json).unwrap(), &mut skipped);
        (read, skipped)
    }

    #[test]
    fn good_entries_are_read_and_bad_ones_skipped_saying_why() {
        let (read, skipped) = read_json(
            r#"[
              {"name": " Login problem ", "channel_slug": "support", "type": "bug",
               "priority": "high", "subject": "Cannot log in", "message": "What I did:"},
              {"name": "No fields"},
              {"channel_slug": "support"},
              {"name": ""},
              {"name": "Bad priority", "priority": "asap"},
              {"name": "LOGIN PROBLEM"},
              {"name": "Numbered", "subject": 5},
              "Printer",
              {"name": "Newer", "page": "", "icon": "printer"}
            ]"#,
        );
        let read = read.unwrap();
        let names: Vec<&str> = read.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["Login problem", "No fields", "Newer"]);
        assert_eq!(read[0].fields.kind.as_deref(), Some("bug"));
        assert_eq!(read[0].fields.priority.as_deref(), Some("high"));
        assert_eq!(read[0].fields.channel_slug.as_deref(), Some("support"));
        assert_eq!(read[2].fields, TemplateFields::default(), "empty is absent");
        let told = skipped.join("\n");
        for expected in [
            "template 3 has no name",
            "template 4 has a name of 0 characters",
            "template 5 (\"Bad priority\") has priority \"asap\"",
            "template 6 is named \"LOGIN PROBLEM\" as an earlier one",
            "template 7 (\"Numbered\") has a subject that is not text",
            "template 8 is not an object",
            "template 9 (\"Newer\"): unknown field \"icon\" ignored",
        ] {
            assert!(told.contains(expected), "{expected:?} not in:\n{told}");
        }
        assert_eq!(skipped.len(), 7, "{told}");
    }

    #[test]
    fn a_value_that_is_not_a_list_is_refused_whole() {
        for json in [r#"{"name": "One"}"#, r#""[]""#, "3"] {
            let (read, skipped) = read_json(json);
            assert!(read.is_err(), "{json}");
            assert!(skipped.is_empty());
        }
    }

    fn org(names: &[&str]) -> Vec<OrgTemplate> {
        names
            .iter()
            .map(|name| OrgTemplate {
                name: (*name).to_owned(),
                fields: TemplateFields::default(),
            })
            .collect()
    }

    #[test]
    fn the_organisations_come_first_marked_and_with_ids_of_their_own() {
        let own = Template {
            id: "6f1c1b7e-0000-4000-8000-000000000000".into(),
            name: "Mine".into(),
            fields: TemplateFields::default(),
            updated_at: 5,
        };
        let listed = listed(&org(&["Shared"]), vec![own.clone()]);
        assert_eq!(listed.len(), 2);
        assert!(listed[0].from_organisation);
        assert!(is_organisation_id(&listed[0].template.id));
        assert_eq!(listed[1].template, own);
        assert!(
            !is_organisation_id(&own.id),
            "a person's template is theirs"
        );
        let json = serde_json::to_value(&listed[0]).unwrap();
        assert_eq!(json["fromOrganisation"], true);
        assert_eq!(
            json["name"], "Shared",
            "flat, as the window reads a template"
        );
    }

    #[test]
    fn a_name_is_the_organisations_whatever_its_case_and_spaces() {
        let organisation = org(&["Login problem"]);
        assert!(named(&organisation, "  login PROBLEM ").is_some());
        assert!(named(&organisation, "Login problems").is_none());
    }
}
