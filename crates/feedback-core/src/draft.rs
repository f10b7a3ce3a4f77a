//! [`Draft`]: the nine request fields as the user typed them, before any
//! validation. Its JSON names are exactly the API's.

use serde::{Deserialize, Deserializer, Serialize};

/// A ticket as typed: untrimmed, unchecked, possibly invalid.
///
/// Required fields are plain strings (missing ones deserialize as empty, which
/// validation reports as "required"); optional fields are `None` when absent.
/// `rating` is kept as text so that "abc" reaches validation and gets a
/// message instead of failing to parse; JSON numbers are accepted too.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    pub channel_slug: String,
    pub subject: String,
    pub message: String,
    pub priority: Option<String>,
    #[serde(deserialize_with = "text_or_number")]
    pub rating: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub tool_key: Option<String>,
    pub page: Option<String>,
    pub user_agent: Option<String>,
}

impl From<&crate::NewTicket> for Draft {
    /// A stored ticket back as a form's fields, to edit and send again.
    fn from(ticket: &crate::NewTicket) -> Self {
        Self {
            channel_slug: ticket.channel_slug.clone(),
            subject: ticket.subject.clone(),
            message: ticket.message.clone(),
            priority: ticket.priority.map(|p| p.as_str().to_owned()),
            rating: ticket.rating.map(|r| r.to_string()),
            kind: ticket.kind.map(|k| k.as_str().to_owned()),
            tool_key: ticket.tool_key.clone(),
            page: ticket.page.clone(),
            user_agent: ticket.user_agent.clone(),
        }
    }
}

fn text_or_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum TextOrNumber {
        Text(String),
        Number(serde_json::Number),
    }
    Ok(
        Option::<TextOrNumber>::deserialize(deserializer)?.map(|value| match value {
            TextOrNumber::Text(text) => text,
            TextOrNumber::Number(number) => number.to_string(),
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_names_are_the_apis() {
        let draft: Draft = serde_json::from_str(
            r#"{"channel_slug":"feedback","subject":"s","message":"m","priority":"low",
                "rating":5,"type":"bug","tool_key":"k","page":"p","user_agent":"ua"}"#,
        )
        .unwrap();
        assert_eq!(draft.kind.as_deref(), Some("bug"), "`type` maps to `kind`");
        assert_eq!(
            draft.rating.as_deref(),
            Some("5"),
            "a JSON number becomes text"
        );
        let back = serde_json::to_value(&draft).unwrap();
        assert_eq!(back["type"], "bug");
        assert_eq!(back["rating"], "5");
    }

    #[test]
    fn missing_fields_are_empty_or_absent() {
        let draft: Draft = serde_json::from_str(r#"{"rating":"abc"}"#).unwrap();
        assert_eq!(draft.subject, "");
        assert_eq!(draft.priority, None);
        assert_eq!(draft.rating.as_deref(), Some("abc"));
    }
}
