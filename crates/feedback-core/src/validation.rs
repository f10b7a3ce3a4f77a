//! The server's validation rules, applied before anything is sent so that no
//! rate-limit quota is spent on a 422 we could have predicted.
//!
//! The input is prepared as Laravel's global middleware prepares it
//! (`TrimStrings`, then `ConvertEmptyStringsToNull`), and lengths are counted
//! as PHP's `mb_strlen` counts them: in Unicode scalar values, so 255 emoji are
//! a valid subject and 256 `é` are not.

use crate::draft::Draft;
use crate::field_errors::FieldErrors;
use crate::new_ticket::{NewTicket, Priority, TicketType};

/// Longest `channel_slug`, in characters.
pub const CHANNEL_SLUG_MAX: usize = 50;
/// Longest `subject`, in characters.
pub const SUBJECT_MAX: usize = 255;
/// Longest `message`, in characters.
pub const MESSAGE_MAX: usize = 5000;
/// Longest `tool_key`, in characters.
pub const TOOL_KEY_MAX: usize = 100;
/// Longest `page`, in characters.
pub const PAGE_MAX: usize = 500;
/// Longest `user_agent`, in characters.
pub const USER_AGENT_MAX: usize = 1000;
/// The allowed ratings.
pub const RATING_RANGE: std::ops::RangeInclusive<u8> = 1..=5;

/// Checks `draft` against the API's rules. On success the result holds the
/// trimmed values, with empty optional fields left out.
pub fn validate(draft: &Draft) -> Result<NewTicket, FieldErrors> {
    let mut errors = FieldErrors::new();
    let channel_slug = required(
        &mut errors,
        "channel_slug",
        &draft.channel_slug,
        CHANNEL_SLUG_MAX,
    );
    let subject = required(&mut errors, "subject", &draft.subject, SUBJECT_MAX);
    let message = required(&mut errors, "message", &draft.message, MESSAGE_MAX);
    let priority = one_of(
        &mut errors,
        "priority",
        draft.priority.as_deref(),
        &Priority::ALL,
        Priority::as_str,
    );
    let rating = rating(&mut errors, draft.rating.as_deref());
    let kind = one_of(
        &mut errors,
        "type",
        draft.kind.as_deref(),
        &TicketType::ALL,
        TicketType::as_str,
    );
    let tool_key = optional(
        &mut errors,
        "tool_key",
        draft.tool_key.as_deref(),
        TOOL_KEY_MAX,
    );
    let page = optional(&mut errors, "page", draft.page.as_deref(), PAGE_MAX);
    let user_agent = optional(
        &mut errors,
        "user_agent",
        draft.user_agent.as_deref(),
        USER_AGENT_MAX,
    );
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(NewTicket {
        channel_slug,
        subject,
        message,
        priority,
        rating,
        kind,
        tool_key,
        page,
        user_agent,
    })
}

/// Laravel's `TrimStrings`: Unicode white space plus the byte-order mark,
/// zero-width space and left-to-right mark.
pub fn trim(value: &str) -> &str {
    value.trim_matches(|c: char| {
        c.is_whitespace() || matches!(c, '\u{FEFF}' | '\u{200B}' | '\u{200E}')
    })
}

/// Length as the server counts it (`mb_strlen`).
pub fn char_count(value: &str) -> usize {
    value.chars().count()
}

fn required(errors: &mut FieldErrors, field: &str, value: &str, max: usize) -> String {
    let value = trim(value);
    if value.is_empty() {
        errors.add(field, "is required");
    } else {
        check_length(errors, field, value, max);
    }
    value.to_owned()
}

fn optional(
    errors: &mut FieldErrors,
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Option<String> {
    let value = present(value)?;
    check_length(errors, field, value, max);
    Some(value.to_owned())
}

fn check_length(errors: &mut FieldErrors, field: &str, value: &str, max: usize) {
    if char_count(value) > max {
        errors.add(field, format!("must not be longer than {max} characters"));
    }
}

fn one_of<T: Copy>(
    errors: &mut FieldErrors,
    field: &str,
    value: Option<&str>,
    all: &[T],
    name: fn(T) -> &'static str,
) -> Option<T> {
    let value = present(value)?;
    let found = all.iter().copied().find(|option| name(*option) == value);
    if found.is_none() {
        let names: Vec<_> = all.iter().map(|option| name(*option)).collect();
        errors.add(field, format!("must be one of: {}", names.join(", ")));
    }
    found
}

fn rating(errors: &mut FieldErrors, value: Option<&str>) -> Option<u8> {
    let value = present(value)?;
    let Some(number) = php_integer(value) else {
        errors.add("rating", "must be a whole number");
        return None;
    };
    match u8::try_from(number) {
        Ok(rating) if RATING_RANGE.contains(&rating) => Some(rating),
        _ => {
            let (min, max) = (RATING_RANGE.start(), RATING_RANGE.end());
            errors.add("rating", format!("must be from {min} to {max}"));
            None
        }
    }
}

/// After trimming, an empty string is absent (`ConvertEmptyStringsToNull`).
fn present(value: Option<&str>) -> Option<&str> {
    value.map(trim).filter(|value| !value.is_empty())
}

/// PHP's `FILTER_VALIDATE_INT`, which Laravel's `integer` rule uses: an
/// optional sign, then `0` or digits without a leading zero.
fn php_integer(value: &str) -> Option<i64> {
    let digits = value.strip_prefix(['+', '-']).unwrap_or(value);
    let well_formed = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    if well_formed {
        value.parse().ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> Draft {
        Draft {
            channel_slug: "feedback".into(),
            subject: "Cannot connect".into(),
            message: "It fails.".into(),
            ..Draft::default()
        }
    }

    fn errors_of(draft: &Draft) -> FieldErrors {
        validate(draft).expect_err("the draft should be invalid")
    }

    #[test]
    fn the_docs_example_is_valid() {
        let ticket = validate(&Draft {
            priority: Some("normal".into()),
            rating: Some("5".into()),
            kind: Some("bug".into()),
            tool_key: Some("ads_protection".into()),
            page: Some("https://example.com/wm/ads-protection/dashboard".into()),
            user_agent: Some("Mozilla/5.0".into()),
            ..draft()
        })
        .unwrap();
        assert_eq!(ticket.priority, Some(Priority::Normal));
        assert_eq!(ticket.rating, Some(5));
        assert_eq!(ticket.kind, Some(TicketType::Bug));
    }

    #[test]
    fn length_boundaries_for_every_text_field() {
        type Set = fn(&mut Draft, String);
        let fields: [(&str, usize, Set); 6] = [
            ("channel_slug", CHANNEL_SLUG_MAX, |d, v| d.channel_slug = v),
            ("subject", SUBJECT_MAX, |d, v| d.subject = v),
            ("message", MESSAGE_MAX, |d, v| d.message = v),
            ("tool_key", TOOL_KEY_MAX, |d, v| d.tool_key = Some(v)),
            ("page", PAGE_MAX, |d, v| d.page = Some(v)),
            ("user_agent", USER_AGENT_MAX, |d, v| d.user_agent = Some(v)),
        ];
        for (field, max, set) in fields {
            for (len, valid) in [(1, true), (max, true), (max + 1, false)] {
                let mut d = draft();
                set(&mut d, "a".repeat(len));
                assert_eq!(validate(&d).is_ok(), valid, "{field} with {len} characters");
            }
            let mut d = draft();
            set(&mut d, "é".repeat(max + 1));
            assert_eq!(
                errors_of(&d).get(field),
                [format!("must not be longer than {max} characters")],
                "{field}: {} é is too long even though it is {} bytes",
                max + 1,
                2 * (max + 1)
            );
        }
    }

    #[test]
    fn length_counts_characters_not_bytes_or_utf16_units() {
        let emoji = "😀".repeat(SUBJECT_MAX);
        assert_eq!(emoji.len(), 4 * SUBJECT_MAX);
        assert_eq!(emoji.encode_utf16().count(), 2 * SUBJECT_MAX);
        assert!(
            validate(&Draft {
                subject: emoji,
                ..draft()
            })
            .is_ok(),
            "255 emoji are valid"
        );
        let e_acute = "é".repeat(SUBJECT_MAX + 1);
        assert!(
            validate(&Draft {
                subject: e_acute,
                ..draft()
            })
            .is_err(),
            "256 é are not"
        );
        let combining = "e\u{301}".repeat(128);
        assert!(
            validate(&Draft {
                subject: combining,
                ..draft()
            })
            .is_err(),
            "a combining accent is a character of its own to mb_strlen"
        );
    }

    #[test]
    fn length_is_counted_after_trimming() {
        let padded = format!("  {}  ", "a".repeat(SUBJECT_MAX));
        let ticket = validate(&Draft {
            subject: padded,
            ..draft()
        })
        .unwrap();
        assert_eq!(
            ticket.subject.len(),
            SUBJECT_MAX,
            "surrounding spaces are trimmed"
        );
    }

    #[test]
    fn required_fields_missing_empty_or_blank() {
        for blank in ["", "   ", "\t\n", "\u{200B}\u{FEFF}"] {
            let d = Draft {
                channel_slug: blank.into(),
                subject: blank.into(),
                message: blank.into(),
                ..Draft::default()
            };
            let errors = errors_of(&d);
            assert_eq!(
                errors.fields().collect::<Vec<_>>(),
                ["channel_slug", "subject", "message"]
            );
            assert!(
                errors.iter().all(|(_, m)| m == "is required"),
                "{blank:?}: {errors}"
            );
        }
    }

    #[test]
    fn empty_optional_fields_are_absent() {
        let ticket = validate(&Draft {
            priority: Some(" ".into()),
            rating: Some(String::new()),
            kind: Some("".into()),
            tool_key: Some("  ".into()),
            page: Some(String::new()),
            user_agent: Some("\n".into()),
            ..draft()
        })
        .unwrap();
        assert_eq!(ticket.priority, None);
        assert_eq!(ticket.rating, None);
        assert_eq!(ticket.kind, None);
        assert_eq!(ticket.tool_key, None);
        assert_eq!(ticket.page, None);
        assert_eq!(ticket.user_agent, None);
    }

    #[test]
    fn every_enum_value_and_some_that_are_not() {
        for priority in ["low", "normal", "high", "urgent", " high "] {
            let d = Draft {
                priority: Some(priority.into()),
                ..draft()
            };
            assert!(validate(&d).is_ok(), "priority {priority:?}");
        }
        for kind in ["suggestion", "bug", "other"] {
            let d = Draft {
                kind: Some(kind.into()),
                ..draft()
            };
            assert!(validate(&d).is_ok(), "type {kind:?}");
        }
        for bad in ["Normal", "critical", "bugs"] {
            let d = Draft {
                priority: Some(bad.into()),
                kind: Some(bad.into()),
                ..draft()
            };
            let errors = errors_of(&d);
            assert_eq!(
                errors.get("priority"),
                ["must be one of: low, normal, high, urgent"]
            );
            assert_eq!(
                errors.get("type"),
                ["must be one of: suggestion, bug, other"]
            );
        }
    }

    #[test]
    fn rating_boundaries_and_non_numbers() {
        for (rating, expected) in [
            ("0", Err("must be from 1 to 5")),
            ("1", Ok(1)),
            ("5", Ok(5)),
            ("6", Err("must be from 1 to 5")),
            ("-1", Err("must be from 1 to 5")),
            ("+3", Ok(3)),
            (" 4 ", Ok(4)),
            ("99999999999999999999", Err("must be a whole number")),
            ("abc", Err("must be a whole number")),
            ("4.5", Err("must be a whole number")),
            ("05", Err("must be a whole number")),
            ("5e0", Err("must be a whole number")),
        ] {
            let result = validate(&Draft {
                rating: Some(rating.into()),
                ..draft()
            });
            match expected {
                Ok(value) => assert_eq!(result.unwrap().rating, Some(value), "rating {rating:?}"),
                Err(message) => assert_eq!(
                    result.unwrap_err().get("rating"),
                    [message],
                    "rating {rating:?}"
                ),
            }
        }
    }

    #[test]
    fn errors_come_in_the_servers_rule_order() {
        let d = Draft {
            channel_slug: String::new(),
            subject: "a".repeat(300),
            message: String::new(),
            priority: Some("x".into()),
            rating: Some("9".into()),
            kind: Some("x".into()),
            tool_key: Some("a".repeat(101)),
            page: Some("a".repeat(501)),
            user_agent: Some("a".repeat(1001)),
        };
        let errors = errors_of(&d);
        assert_eq!(
            errors.fields().collect::<Vec<_>>(),
            [
                "channel_slug",
                "subject",
                "message",
                "priority",
                "rating",
                "type",
                "tool_key",
                "page",
                "user_agent"
            ]
        );
        assert_eq!(errors.summary(), "is required (and 8 more errors)");
    }
}
