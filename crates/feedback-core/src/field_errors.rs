//! [`FieldErrors`]: validation messages per field, in the shape of the
//! server's 422 `errors` object, so local and server errors read the same.

use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `field -> [messages]`, in the order the fields were checked (the server's
/// rule order), which is also the order a form shows them in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(Vec<(String, Vec<String>)>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `message` to `field`, keeping the field's first position.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        let message = message.into();
        match self.0.iter_mut().find(|(name, _)| name == field) {
            Some((_, messages)) => messages.push(message),
            None => self.0.push((field.to_owned(), vec![message])),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The messages for one field, empty when it has none.
    pub fn get(&self, field: &str) -> &[String] {
        self.0
            .iter()
            .find(|(name, _)| name == field)
            .map_or(&[], |(_, messages)| messages.as_slice())
    }

    /// Every `(field, message)` pair, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().flat_map(|(field, messages)| {
            messages
                .iter()
                .map(move |message| (field.as_str(), message.as_str()))
        })
    }

    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(field, _)| field.as_str())
    }

    /// Laravel's summary line: the first message, then `(and N more errors)`.
    pub fn summary(&self) -> String {
        let mut all = self.iter().map(|(_, message)| message);
        let Some(first) = all.next() else {
            return String::new();
        };
        match all.count() {
            0 => first.to_owned(),
            1 => format!("{first} (and 1 more error)"),
            more => format!("{first} (and {more} more errors)"),
        }
    }
}

impl fmt::Display for FieldErrors {
    /// One `field: message` per line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, (field, message)) in self.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(f, "{field}: {message}")?;
        }
        Ok(())
    }
}

impl Serialize for FieldErrors {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (field, messages) in &self.0 {
            map.serialize_entry(field, messages)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for FieldErrors {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct InOrder;

        impl<'de> Visitor<'de> for InOrder {
            type Value = FieldErrors;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of field names to lists of messages")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FieldErrors, A::Error> {
                let mut errors = FieldErrors::new();
                while let Some((field, messages)) = map.next_entry::<String, OneOrMany>()? {
                    for message in messages.into_vec() {
                        errors.add(&field, message);
                    }
                }
                Ok(errors)
            }
        }

        deserializer.deserialize_map(InOrder)
    }
}

/// Laravel always sends a list per field; a bare string is accepted too.
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            Self::One(message) => vec![message],
            Self::Many(messages) => messages,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_in_document_order() {
        let json = r#"{"subject":["a","b"],"channel_slug":["c"]}"#;
        let errors: FieldErrors = serde_json::from_str(json).unwrap();
        assert_eq!(
            errors.fields().collect::<Vec<_>>(),
            ["subject", "channel_slug"],
            "order is the server's, not alphabetical"
        );
        assert_eq!(serde_json::to_string(&errors).unwrap(), json);
    }

    #[test]
    fn summary_counts_like_laravel() {
        let mut errors = FieldErrors::new();
        assert_eq!(errors.summary(), "");
        errors.add("subject", "one");
        assert_eq!(errors.summary(), "one");
        errors.add("subject", "two");
        assert_eq!(errors.summary(), "one (and 1 more error)");
        errors.add("message", "three");
        assert_eq!(errors.summary(), "one (and 2 more errors)");
    }

    #[test]
    fn display_is_one_line_per_message() {
        let mut errors = FieldErrors::new();
        errors.add("subject", "is required");
        errors.add("rating", "must be 1 to 5");
        assert_eq!(
            errors.to_string(),
            "subject: is required\nrating: must be 1 to 5"
        );
    }
}
