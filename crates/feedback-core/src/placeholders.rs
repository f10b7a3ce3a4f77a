//! Placeholders in a template's text, filled in when the template is used.
//!
//! - `{date}` and `{time}` (or `{datum}`, `{tijd}`) become the moment the
//!   template is used, as the window writes a date and a time in its
//!   language.
//! - Any other `{name}` is a question the person answers when using the
//!   template: `Customer {customer id} cannot log in to shop {shop id}`
//!   asks for a customer id and a shop id. The same name asked twice is
//!   asked once, whatever its case.
//!
//! Only a short name written against its braces, starting with a letter,
//! counts as a placeholder (letters, digits, spaces, `-`, `_`, `.`, `#`,
//! `/`, up to 40 characters): braces that hold anything else (JSON, code,
//! `{}`, `{ x }`) stay as they are.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::outbox::TemplateFields;

/// The longest name a placeholder has.
const NAME_MAX: usize = 40;

/// What fills a template's placeholders.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Filling {
    /// Today's date, as the window writes it.
    pub date: String,
    /// The time now, as the window writes it.
    pub time: String,
    /// The person's answers, by the question as [`questions`] gave it.
    #[serde(default)]
    pub answers: BTreeMap<String, String>,
}

/// One placeholder in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Placeholder {
    Date,
    Time,
    Question(String),
}

/// The questions a template asks when it is used, each once (the first
/// spelling of a name, whatever its case), in the order the form shows
/// its fields.
pub fn questions(fields: &TemplateFields) -> Vec<String> {
    let mut asked: Vec<String> = Vec::new();
    for text in texts(fields).into_iter().flatten() {
        for (_, placeholder) in placeholders(text) {
            if let Placeholder::Question(name) = placeholder
                && !asked.iter().any(|known| same_name(known, &name))
            {
                asked.push(name);
            }
        }
    }
    asked
}

/// The template's fields with every placeholder filled: a question left
/// unanswered becomes empty text.
pub fn fill(fields: &TemplateFields, filling: &Filling) -> TemplateFields {
    let fill_text = |text: &Option<String>| text.as_deref().map(|text| fill_one(text, filling));
    TemplateFields {
        tool_key: fill_text(&fields.tool_key),
        page: fill_text(&fields.page),
        subject: fill_text(&fields.subject),
        message: fill_text(&fields.message),
        ..fields.clone()
    }
}

/// The fields placeholders are looked for in, in the form's order.
fn texts(fields: &TemplateFields) -> [Option<&str>; 4] {
    [
        fields.tool_key.as_deref(),
        fields.page.as_deref(),
        fields.subject.as_deref(),
        fields.message.as_deref(),
    ]
}

fn fill_one(text: &str, filling: &Filling) -> String {
    let mut filled = String::with_capacity(text.len());
    let mut from = 0;
    for (span, placeholder) in placeholders(text) {
        filled.push_str(&text[from..span.start]);
        match placeholder {
            Placeholder::Date => filled.push_str(&filling.date),
            Placeholder::Time => filled.push_str(&filling.time),
            Placeholder::Question(name) => {
                let answer = filling
                    .answers
                    .iter()
                    .find(|(question, _)| same_name(question, &name))
                    .map(|(_, answer)| answer.trim());
                filled.push_str(answer.unwrap_or(""));
            }
        }
        from = span.end;
    }
    filled.push_str(&text[from..]);
    filled
}

/// Every placeholder in `text`, with the byte range it takes.
fn placeholders(text: &str) -> Vec<(std::ops::Range<usize>, Placeholder)> {
    let mut found = Vec::new();
    let mut rest = 0;
    while let Some(open) = text[rest..].find('{').map(|at| rest + at) {
        let inner_start = open + 1;
        let Some(close) = text[inner_start..]
            .find(['{', '}'])
            .map(|at| inner_start + at)
        else {
            break;
        };
        if text.as_bytes()[close] == b'{' {
            // `{ {name}`: the second brace may open one.
            rest = close;
            continue;
        }
        if let Some(placeholder) = placeholder(&text[inner_start..close]) {
            found.push((open..close + 1, placeholder));
        }
        rest = close + 1;
    }
    found
}

/// What the text between braces stands for, if it is a placeholder.
fn placeholder(inner: &str) -> Option<Placeholder> {
    // `{ y }` in code is no placeholder: a name is written against its braces.
    let name = inner;
    let starts_with_letter = name.chars().next().is_some_and(char::is_alphabetic);
    let ends_written = name.chars().last().is_some_and(|c| !c.is_whitespace());
    let allowed = |c: char| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | '#' | '/');
    if !starts_with_letter
        || !ends_written
        || name.chars().count() > NAME_MAX
        || !name.chars().all(allowed)
    {
        return None;
    }
    Some(match name.to_lowercase().as_str() {
        "date" | "datum" => Placeholder::Date,
        "time" | "tijd" => Placeholder::Time,
        _ => Placeholder::Question(name.to_owned()),
    })
}

fn same_name(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(text: &str) -> TemplateFields {
        TemplateFields {
            message: Some(text.into()),
            ..TemplateFields::default()
        }
    }

    #[test]
    fn braces_that_hold_no_name_stay_as_they_are() {
        for text in [
            "{}",
            r#"{"id": 3}"#,
            "{ }",
            "{1st}",
            "fn x() { y }",
            "{a:b}",
            "unclosed {name",
            "{{}}",
        ] {
            assert_eq!(questions(&message(text)), Vec::<String>::new(), "{text}");
            assert_eq!(
                fill(&message(text), &Filling::default()).message.as_deref(),
                Some(text),
                "{text}"
            );
        }
    }

    #[test]
    fn a_brace_before_a_placeholder_leaves_it_a_placeholder() {
        let filled = fill(
            &message("{ {customer}"),
            &Filling {
                answers: [("customer".into(), "C-1".into())].into(),
                ..Filling::default()
            },
        );
        assert_eq!(filled.message.as_deref(), Some("{ C-1"));
    }
}
