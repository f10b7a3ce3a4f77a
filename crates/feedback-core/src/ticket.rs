//! [`Ticket`]: a created support ticket, the `data` of a 200 reply.

use serde::{Deserialize, Serialize};

/// The 20 `data.*` fields of the API documentation, with its nullability.
///
/// Read tolerantly: a field that is missing, null or of another type than
/// documented is left at its default (empty, 0 or `None`) instead of failing
/// the whole reply. A 2xx with a `data` object means the server stored the
/// ticket, and as it does not deduplicate, treating an odd field as a failed
/// delivery would file the ticket twice.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Ticket {
    #[serde(deserialize_with = "tolerant")]
    pub id: u64,
    #[serde(deserialize_with = "tolerant")]
    pub ticket_number: Option<String>,
    #[serde(deserialize_with = "tolerant")]
    pub channel_id: u64,
    #[serde(deserialize_with = "tolerant")]
    pub project_id: Option<u64>,
    #[serde(deserialize_with = "tolerant")]
    pub user_id: Option<u64>,
    #[serde(deserialize_with = "tolerant")]
    pub assigned_to: Option<u64>,
    #[serde(deserialize_with = "tolerant")]
    pub subject: String,
    #[serde(deserialize_with = "tolerant")]
    pub message: String,
    #[serde(deserialize_with = "tolerant")]
    pub status: String,
    #[serde(deserialize_with = "tolerant")]
    pub priority: String,
    #[serde(deserialize_with = "tolerant")]
    pub rating: Option<i64>,
    #[serde(rename = "type", deserialize_with = "tolerant")]
    pub kind: Option<String>,
    #[serde(deserialize_with = "tolerant")]
    pub tool_key: Option<String>,
    #[serde(deserialize_with = "tolerant")]
    pub page: Option<String>,
    #[serde(deserialize_with = "tolerant")]
    pub ip_address: Option<String>,
    #[serde(deserialize_with = "tolerant")]
    pub user_agent: Option<String>,
    /// Documented as `array|null`; kept as raw JSON.
    pub metadata: Option<serde_json::Value>,
    #[serde(deserialize_with = "tolerant")]
    pub migrated_from_id: Option<u64>,
    #[serde(deserialize_with = "tolerant")]
    pub created_at: Option<String>,
    #[serde(deserialize_with = "tolerant")]
    pub updated_at: Option<String>,
}

impl Ticket {
    /// What a person calls this ticket: its number, else `#id`, else a
    /// plain statement that the server gave neither.
    pub fn reference(&self) -> String {
        match (&self.ticket_number, self.id) {
            (Some(number), _) if !number.trim().is_empty() => number.clone(),
            (_, id) if id > 0 => format!("#{id}"),
            _ => "(no ticket number)".to_owned(),
        }
    }
}

/// Any JSON value; the field's type when it has that type, else its default.
fn tolerant<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned + Default,
{
    let value = serde_json::Value::deserialize(deserializer)?;
    Ok(serde_json::from_value(value).unwrap_or_default())
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
    fn odd_fields_are_left_at_their_default_not_an_error() {
        let ticket: Ticket = serde_json::from_str(
            r#"{"id": "seven", "ticket_number": "TCK-000007", "channel_id": null,
                "priority": null, "rating": "5", "extra": {"a": 1}}"#,
        )
        .unwrap();
        assert_eq!(ticket.id, 0);
        assert_eq!(ticket.reference(), "TCK-000007");
        assert_eq!(ticket.channel_id, 0);
        assert_eq!(ticket.priority, "");
        assert_eq!(ticket.rating, None);
        assert_eq!(ticket.subject, "");
    }

    #[test]
    fn a_ticket_without_number_or_id_says_so() {
        let ticket: Ticket = serde_json::from_str(r#"{"ticket_number": " "}"#).unwrap();
        assert_eq!(ticket.reference(), "(no ticket number)");
    }
}
