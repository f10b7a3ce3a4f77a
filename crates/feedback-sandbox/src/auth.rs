//! Bearer tokens to users, as Sanctum resolves them.

use std::collections::HashMap;

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;

use crate::config::Config;

/// An authenticated caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct User {
    pub id: u64,
    pub forbidden: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Users(HashMap<String, User>);

impl Users {
    /// Users get the ids given, else 1, 2, 3… in the order listed; forbidden
    /// tokens come after the others.
    pub fn from_config(config: &Config) -> Self {
        let mut users = HashMap::new();
        let mut next_id = 1;
        for spec in &config.tokens {
            let id = spec.user_id.unwrap_or(next_id);
            next_id = next_id.max(id) + 1;
            users.insert(
                spec.token.clone(),
                User {
                    id,
                    forbidden: false,
                },
            );
        }
        for token in &config.forbidden_tokens {
            users.insert(
                token.clone(),
                User {
                    id: next_id,
                    forbidden: true,
                },
            );
            next_id += 1;
        }
        Self(users)
    }

    /// The user of the request's `Authorization: Bearer` token.
    pub fn authenticate(&self, headers: &HeaderMap) -> Option<User> {
        self.0.get(bearer_token(headers)?).copied()
    }

    /// Whether `token` belongs to a user.
    pub fn knows(&self, token: &str) -> bool {
        self.0.contains_key(token)
    }
}

/// The token of an `Authorization: Bearer` header.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::TokenSpec;
    use axum::http::HeaderValue;

    fn bearer(token: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
        );
        headers
    }

    #[test]
    fn ids_are_given_or_assigned_in_order() {
        let config = Config {
            tokens: vec![
                TokenSpec {
                    token: "a".into(),
                    user_id: None,
                },
                TokenSpec {
                    token: "b".into(),
                    user_id: Some(42),
                },
                TokenSpec {
                    token: "c".into(),
                    user_id: None,
                },
            ],
            forbidden_tokens: vec!["f".into()],
            ..Config::default()
        };
        let users = Users::from_config(&config);
        assert_eq!(users.authenticate(&bearer("a")).unwrap().id, 1);
        assert_eq!(users.authenticate(&bearer("b")).unwrap().id, 42);
        assert_eq!(users.authenticate(&bearer("c")).unwrap().id, 43);
        assert!(users.authenticate(&bearer("f")).unwrap().forbidden);
        assert_eq!(users.authenticate(&bearer("nope")), None);
        assert_eq!(users.authenticate(&HeaderMap::new()), None);
    }
}
