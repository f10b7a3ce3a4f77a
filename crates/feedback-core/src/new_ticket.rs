//! [`NewTicket`]: a request body that passed [`crate::validate`], with typed
//! enums and trimmed text. The client sends nothing else.

use serde::{Deserialize, Serialize};

/// How urgent a ticket is; the server defaults to `normal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

/// What kind of feedback a ticket is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TicketType {
    Suggestion,
    Bug,
    Other,
}

impl Priority {
    pub const ALL: [Priority; 4] = [Self::Low, Self::Normal, Self::High, Self::Urgent];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Normal => "normal",
            Self::High => "high",
            Self::Urgent => "urgent",
        }
    }
}

impl TicketType {
    pub const ALL: [TicketType; 3] = [Self::Suggestion, Self::Bug, Self::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Suggestion => "suggestion",
            Self::Bug => "bug",
            Self::Other => "other",
        }
    }
}

/// A validated ticket, serialized as the request body. Absent optional
/// fields are left out rather than sent as `null`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTicket {
    pub channel_slug: String,
    pub subject: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub priority: Option<Priority>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub rating: Option<u8>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none", default)]
    pub kind: Option<TicketType>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tool_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub page: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub user_agent: Option<String>,
}

impl NewTicket {
    /// Stands in for a stored ticket that cannot be read, so it can still be
    /// listed, exported and discarded; it is never sent.
    pub fn unreadable(stored: &str) -> Self {
        let excerpt: String = stored.chars().take(80).collect();
        Self {
            channel_slug: String::new(),
            subject: format!("(unreadable) {excerpt}"),
            message: stored.to_owned(),
            priority: None,
            rating: None,
            kind: None,
            tool_key: None,
            page: None,
            user_agent: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_with_the_apis_names_and_omits_absent_fields() {
        let ticket = NewTicket {
            channel_slug: "feedback".into(),
            subject: "s".into(),
            message: "m".into(),
            priority: Some(Priority::Urgent),
            rating: Some(4),
            kind: Some(TicketType::Suggestion),
            tool_key: None,
            page: None,
            user_agent: None,
        };
        assert_eq!(
            serde_json::to_string(&ticket).unwrap(),
            r#"{"channel_slug":"feedback","subject":"s","message":"m","priority":"urgent","rating":4,"type":"suggestion"}"#
        );
    }

    #[test]
    fn as_str_matches_serde() {
        for priority in Priority::ALL {
            assert_eq!(serde_json::to_value(priority).unwrap(), priority.as_str());
        }
        for kind in TicketType::ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
    }
}
