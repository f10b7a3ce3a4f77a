//! The server a command-line command sends to under the policy
//! ([`Policy::server_for`]): the app's rule, with the one difference that
//! a command names its server itself, so another one than the enforced
//! server is refused rather than passed over in silence.

use super::Policy;
use crate::api_base::{ApiBase, ApiBaseError};

/// Why a command gets no server.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ServerError {
    /// The server asked for is not a usable API base.
    #[error("invalid API base `{asked}`: {error}")]
    Invalid { asked: String, error: ApiBaseError },
    /// The organisation enforces another server than the one asked for.
    #[error("your organisation's policy ({place}) sends tickets to {enforced}, not to {asked}")]
    NotEnforced {
        asked: String,
        enforced: String,
        /// Where the policy comes from.
        place: String,
    },
}

impl Policy {
    /// The API base a command sends to, given the one it was `asked` for
    /// (`--api-base`, `FEEDBACK_API_BASE`). An enforced server wins: the
    /// same one asked for is fine, another one is refused with the reason.
    /// Otherwise it is as in the app ([`crate::Settings::api_base`]): the one
    /// asked for, else the recommended one, else production.
    pub fn server_for(&self, asked: Option<&str>) -> Result<ApiBase, ServerError> {
        let asked = asked.filter(|text| !text.trim().is_empty());
        let parsed = asked.map(parse).transpose()?;
        // Values are checked when the policy is read: these parse.
        if let Some(enforced) = &self.enforced.api_base {
            let enforced = parse(enforced)?;
            return match (asked, parsed) {
                (Some(asked), Some(parsed)) if parsed != enforced => {
                    Err(ServerError::NotEnforced {
                        asked: asked.trim().to_owned(),
                        enforced: enforced.to_string(),
                        place: self.source.clone().unwrap_or_default(),
                    })
                }
                _ => Ok(enforced),
            };
        }
        match (parsed, &self.recommended.api_base) {
            (Some(parsed), _) => Ok(parsed),
            (None, Some(recommended)) => parse(recommended),
            (None, None) => Ok(ApiBase::production()),
        }
    }
}

fn parse(text: &str) -> Result<ApiBase, ServerError> {
    ApiBase::parse(text).map_err(|error| ServerError::Invalid {
        asked: text.to_owned(),
        error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENFORCED: &str = r#"{"enforced": {"ApiBaseUrl": "https://tickets.example.com/api"}}"#;
    const RECOMMENDED: &str =
        r#"{"recommended": {"ApiBaseUrl": "https://tickets.example.com/api"}}"#;

    fn origin(result: Result<ApiBase, ServerError>) -> String {
        result.expect("a server").origin()
    }

    #[test]
    fn an_enforced_server_wins_and_another_one_asked_for_is_refused() {
        let policy = Policy::from_json(ENFORCED);
        assert_eq!(
            origin(policy.server_for(None)),
            "https://tickets.example.com"
        );
        assert_eq!(
            origin(policy.server_for(Some("https://tickets.example.com/api/"))),
            "https://tickets.example.com",
            "the enforced server itself, written with a slash, is fine"
        );
        for other in [
            "http://127.0.0.1:8787/api",
            "https://api.wemasy.nl/api",
            "https://tickets.example.com/other",
        ] {
            let refused = policy.server_for(Some(other));
            let Err(ServerError::NotEnforced { enforced, .. }) = &refused else {
                panic!("{other}: {refused:?}: the policy would be got round");
            };
            assert_eq!(enforced, "https://tickets.example.com/api");
        }
        assert!(
            matches!(
                policy.server_for(Some("not a url")),
                Err(ServerError::Invalid { .. })
            ),
            "an invalid one is invalid first"
        );
    }

    #[test]
    fn a_recommended_server_is_the_default_the_command_may_change() {
        let policy = Policy::from_json(RECOMMENDED);
        assert_eq!(
            origin(policy.server_for(None)),
            "https://tickets.example.com"
        );
        assert_eq!(
            origin(policy.server_for(Some(" "))),
            "https://tickets.example.com",
            "an empty variable counts as unset"
        );
        assert_eq!(
            origin(policy.server_for(Some("http://127.0.0.1:8787/api"))),
            "http://127.0.0.1:8787"
        );
        assert!(
            origin(Policy::default().server_for(None)) == ApiBase::production().origin(),
            "no policy and nothing asked: production"
        );
    }
}
