//! Laravel's validation of the store request, with its English messages.
//!
//! Input is first prepared as Laravel's global middleware does:
//! `TrimStrings` (Unicode white space, BOM, zero-width space and LRM at both
//! ends), then `ConvertEmptyStringsToNull`. Lengths are `mb_strlen`: Unicode
//! scalar values.

use serde_json::{Map, Value};

use crate::config::MaxLength;

/// Validation errors in rule order: `field -> [messages]`.
pub type Errors = Vec<(&'static str, Vec<String>)>;

/// What a field must be.
enum Kind {
    Text {
        max: usize,
        one_of: Option<&'static [&'static str]>,
    },
    Integer {
        min: i64,
        max: i64,
    },
}

struct Rule {
    field: &'static str,
    required: bool,
    kind: Kind,
}

const RULES: [Rule; 9] = [
    Rule {
        field: "channel_slug",
        required: true,
        kind: Kind::Text {
            max: 50,
            one_of: None,
        },
    },
    Rule {
        field: "subject",
        required: true,
        kind: Kind::Text {
            max: 255,
            one_of: None,
        },
    },
    Rule {
        field: "message",
        required: true,
        kind: Kind::Text {
            max: 5000,
            one_of: None,
        },
    },
    Rule {
        field: "priority",
        required: false,
        kind: Kind::Text {
            max: usize::MAX,
            one_of: Some(&["low", "normal", "high", "urgent"]),
        },
    },
    Rule {
        field: "rating",
        required: false,
        kind: Kind::Integer { min: 1, max: 5 },
    },
    Rule {
        field: "type",
        required: false,
        kind: Kind::Text {
            max: usize::MAX,
            one_of: Some(&["suggestion", "bug", "other"]),
        },
    },
    Rule {
        field: "tool_key",
        required: false,
        kind: Kind::Text {
            max: 100,
            one_of: None,
        },
    },
    Rule {
        field: "page",
        required: false,
        kind: Kind::Text {
            max: 500,
            one_of: None,
        },
    },
    Rule {
        field: "user_agent",
        required: false,
        kind: Kind::Text {
            max: 1000,
            one_of: None,
        },
    },
];

/// The request's input after `TrimStrings` and `ConvertEmptyStringsToNull`.
/// A body that is not a JSON object is no input at all.
pub fn prepare(body: &[u8]) -> Map<String, Value> {
    let Ok(Value::Object(input)) = serde_json::from_slice::<Value>(body) else {
        return Map::new();
    };
    input
        .into_iter()
        .map(|(key, value)| (key, prepare_value(value)))
        .collect()
}

fn prepare_value(value: Value) -> Value {
    match value {
        Value::String(text) => {
            let trimmed = text.trim_matches(|c: char| {
                c.is_whitespace() || matches!(c, '\u{FEFF}' | '\u{200B}' | '\u{200E}')
            });
            if trimmed.is_empty() {
                Value::Null
            } else {
                Value::String(trimmed.to_owned())
            }
        }
        Value::Array(items) => Value::Array(items.into_iter().map(prepare_value).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, prepare_value(v)))
                .collect(),
        ),
        other => other,
    }
}

/// Whether `field` is a text field with a `max:N` rule that `--max` may change.
pub fn has_max_length(field: &str) -> bool {
    RULES
        .iter()
        .any(|rule| rule.field == field && matches!(rule.kind, Kind::Text { one_of: None, .. }))
}

/// Checks prepared input; empty when valid. `max_lengths` replace the
/// documented limits of their fields.
pub fn validate(input: &Map<String, Value>, max_lengths: &[MaxLength]) -> Errors {
    let mut errors = Errors::new();
    for rule in &RULES {
        let max = max_lengths
            .iter()
            .find(|limit| limit.field == rule.field)
            .map(|limit| limit.max);
        let value = input.get(rule.field).unwrap_or(&Value::Null);
        let messages = check(rule, max, value);
        if !messages.is_empty() {
            errors.push((rule.field, messages));
        }
    }
    errors
}

fn check(rule: &Rule, max_override: Option<usize>, value: &Value) -> Vec<String> {
    let name = rule.field.replace('_', " ");
    let absent = match value {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        _ => false,
    };
    if absent {
        return if rule.required {
            vec![format!("The {name} field is required.")]
        } else {
            Vec::new()
        };
    }
    let mut messages = Vec::new();
    match rule.kind {
        Kind::Text { max, one_of } => {
            let Value::String(text) = value else {
                messages.push(format!("The {name} field must be a string."));
                if one_of.is_some() {
                    messages.push(format!("The selected {name} is invalid."));
                }
                return messages;
            };
            let max = max_override.unwrap_or(max);
            if text.chars().count() > max {
                messages.push(format!(
                    "The {name} field must not be greater than {max} characters."
                ));
            }
            if one_of.is_some_and(|options| !options.contains(&text.as_str())) {
                messages.push(format!("The selected {name} is invalid."));
            }
        }
        Kind::Integer { min, max } => match php_integer(value) {
            None => messages.push(format!("The {name} field must be an integer.")),
            Some(number) if number < min => {
                messages.push(format!("The {name} field must be at least {min}."))
            }
            Some(number) if number > max => {
                messages.push(format!("The {name} field must not be greater than {max}."))
            }
            Some(_) => {}
        },
    }
    messages
}

/// PHP's `filter_var($value, FILTER_VALIDATE_INT)`: JSON integers, integral
/// floats, and strings of an optional sign and digits without a leading zero.
pub fn php_integer(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => number.as_i64().or_else(|| {
            number
                .as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        }),
        Value::String(text) => {
            let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
            let well_formed = !digits.is_empty()
                && digits.bytes().all(|b| b.is_ascii_digit())
                && (digits == "0" || !digits.starts_with('0'));
            if well_formed { text.parse().ok() } else { None }
        }
        _ => None,
    }
}

/// Laravel's summary: the first message, then `(and N more error[s])`.
pub fn summary(errors: &Errors) -> String {
    let mut all = errors.iter().flat_map(|(_, messages)| messages);
    let first = all.next().cloned().unwrap_or_default();
    match all.count() {
        0 => first,
        1 => format!("{first} (and 1 more error)"),
        more => format!("{first} (and {more} more errors)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn errors_for(body: Value) -> Errors {
        validate(&prepare(body.to_string().as_bytes()), &[])
    }

    fn valid() -> Value {
        json!({"channel_slug": "feedback", "subject": "s", "message": "m"})
    }

    fn with(field: &str, value: Value) -> Value {
        let mut body = valid();
        body[field] = value;
        body
    }

    #[test]
    fn the_minimal_ticket_is_valid() {
        assert!(errors_for(valid()).is_empty());
    }

    #[test]
    fn required_fields_after_trimming() {
        let errors = errors_for(json!({"subject": "   ", "message": "\u{200B}"}));
        assert_eq!(
            errors,
            vec![
                (
                    "channel_slug",
                    vec!["The channel slug field is required.".to_owned()]
                ),
                ("subject", vec!["The subject field is required.".to_owned()]),
                ("message", vec!["The message field is required.".to_owned()]),
            ]
        );
        assert_eq!(
            summary(&errors),
            "The channel slug field is required. (and 2 more errors)"
        );
    }

    #[test]
    fn lengths_are_characters() {
        assert!(errors_for(with("subject", json!("😀".repeat(255)))).is_empty());
        assert_eq!(
            errors_for(with("subject", json!("é".repeat(256)))),
            vec![(
                "subject",
                vec!["The subject field must not be greater than 255 characters.".to_owned()]
            )]
        );
    }

    #[test]
    fn ratings() {
        for ok in [
            json!(1),
            json!(5),
            json!("5"),
            json!(5.0),
            json!(null),
            json!(""),
        ] {
            assert!(errors_for(with("rating", ok.clone())).is_empty(), "{ok}");
        }
        for (bad, message) in [
            (json!(0), "The rating field must be at least 1."),
            (json!(6), "The rating field must not be greater than 5."),
            (json!("abc"), "The rating field must be an integer."),
            (json!(5.5), "The rating field must be an integer."),
            (json!("05"), "The rating field must be an integer."),
            (json!(true), "The rating field must be an integer."),
        ] {
            assert_eq!(
                errors_for(with("rating", bad.clone())),
                vec![("rating", vec![message.to_owned()])],
                "{bad}"
            );
        }
    }

    #[test]
    fn enums_and_types() {
        assert_eq!(
            errors_for(with("priority", json!("asap"))),
            vec![(
                "priority",
                vec!["The selected priority is invalid.".to_owned()]
            )]
        );
        assert_eq!(
            errors_for(with("type", json!(3))),
            vec![(
                "type",
                vec![
                    "The type field must be a string.".to_owned(),
                    "The selected type is invalid.".to_owned()
                ]
            )]
        );
        assert_eq!(
            errors_for(with("subject", json!(12))),
            vec![(
                "subject",
                vec!["The subject field must be a string.".to_owned()]
            )]
        );
    }

    #[test]
    fn a_stricter_server_limit_replaces_the_documented_one() {
        let stricter = [MaxLength {
            field: "subject".into(),
            max: 5,
        }];
        let body = with("subject", json!("ééééé!"));
        let input = prepare(body.to_string().as_bytes());
        assert_eq!(
            validate(&input, &stricter),
            vec![(
                "subject",
                vec!["The subject field must not be greater than 5 characters.".to_owned()]
            )]
        );
        assert!(validate(&input, &[]).is_empty());
        assert!(has_max_length("tool_key"));
        assert!(!has_max_length("priority") && !has_max_length("rating"));
    }

    #[test]
    fn a_body_that_is_not_an_object_is_no_input() {
        assert_eq!(validate(&prepare(b"not json"), &[]).len(), 3);
        assert_eq!(validate(&prepare(b"[1,2]"), &[]).len(), 3);
    }
}
