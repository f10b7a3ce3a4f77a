//! [`Ticket`]: a created support ticket, the `data` of a 200 reply.

use serde::{Deserialize, Serialize};

/// The 20 `data.*` fields of the API documentation, with its nullability.
///
/// Non-null fields are required when parsing; nullable ones may also be
/// missing, so a server that omits a null field is not an error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ticket {
    pub id: u64,
    #[serde(default)]
    pub ticket_number: Option<String>,
    pub channel_id: u64,
    #[serde(default)]
    pub project_id: Option<u64>,
    #[serde(default)]
    pub user_id: Option<u64>,
    #[serde(default)]
    pub assigned_to: Option<u64>,
    pub subject: String,
    pub message: String,
    pub status: String,
    pub priority: String,
    #[serde(default)]
    pub rating: Option<i64>,
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub tool_key: Option<String>,
    #[serde(default)]
    pub page: Option<String>,
    #[serde(default)]
    pub ip_address: Option<String>,
    #[serde(default)]
    pub user_agent: Option<String>,
    /// Documented as `array|null`; kept as raw JSON.
    #[serde(default)]
    pub metadata: Option<serde_json::Value>,
    #[serde(default)]
    pub migrated_from_id: Option<u64>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
}

impl Ticket {
    /// What a person calls this ticket: its number, else `#id`.
    pub fn reference(&self) -> String {
        self.ticket_number
            .clone()
            .unwrap_or_else(|| format!("#{}", self.id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The response example of the API documentation, verbatim.
    const DOC_EXAMPLE: &str = r#"{
        "id": 0, "ticket_number": "string", "channel_id": 0, "project_id": 0,
        "user_id": 0, "assigned_to": 0, "subject": "string", "message": "string",
        "status": "string", "priority": "string", "rating": 0, "type": "string",
        "tool_key": "string", "page": "string", "ip_address": "string",
        "user_agent": "string", "metadata": [], "migrated_from_id": 0,
        "created_at": "string", "updated_at": "string"
    }"#;

    #[test]
    fn parses_the_doc_example_and_writes_the_same_names_back() {
        let ticket: Ticket = serde_json::from_str(DOC_EXAMPLE).unwrap();
        let expected: serde_json::Value = serde_json::from_str(DOC_EXAMPLE).unwrap();
        assert_eq!(serde_json::to_value(&ticket).unwrap(), expected);
    }

    #[test]
    fn nullable_fields_may_be_null_or_missing() {
        let ticket: Ticket = serde_json::from_str(
            r#"{"id": 7, "ticket_number": null, "channel_id": 1, "subject": "s",
                "message": "m", "status": "open", "priority": "normal", "rating": null}"#,
        )
        .unwrap();
        assert_eq!(ticket.reference(), "#7");
        assert_eq!(ticket.metadata, None);
    }

    #[test]
    fn non_null_fields_are_required() {
        let missing_subject =
            r#"{"id": 7, "channel_id": 1, "message": "m", "status": "open", "priority": "normal"}"#;
        assert!(serde_json::from_str::<Ticket>(missing_subject).is_err());
    }
}
