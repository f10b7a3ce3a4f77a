//! [`TokenShelf`]: the tokens this process holds, one per API origin, and
//! the engines' [`TokenSource`] over it. An engine asks with its own origin
//! and gets that origin's token or nothing: switching servers can never hand
//! one server's token to another server's engine.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use super::engine::{TokenLookup, TokenSource};
use crate::token::Token;

#[derive(Debug, Clone, Default)]
pub struct TokenShelf(Arc<RwLock<HashMap<String, TokenLookup>>>);

impl TokenShelf {
    pub fn new() -> Self {
        Self::default()
    }

    /// What is known of `origin`'s token: an origin never looked up is
    /// "not read yet", which is not the same as signed out.
    pub fn get(&self, origin: &str) -> TokenLookup {
        self.0
            .read()
            .ok()
            .and_then(|shelf| shelf.get(origin).cloned())
            .unwrap_or_else(|| TokenLookup::Unavailable("the keyring has not been read yet".into()))
    }

    pub fn set(&self, origin: &str, lookup: TokenLookup) {
        if let Ok(mut shelf) = self.0.write() {
            shelf.insert(origin.to_owned(), lookup);
        }
    }

    /// `origin`'s token, if one was found.
    pub fn token(&self, origin: &str) -> Option<Token> {
        match self.get(origin) {
            TokenLookup::Found(token) => Some(token),
            _ => None,
        }
    }

    /// The engines' view of this shelf.
    pub fn source(&self) -> TokenSource {
        let shelf = self.clone();
        Arc::new(move |origin| shelf.get(origin))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_engine_gets_only_its_own_origins_token() {
        let shelf = TokenShelf::new();
        let source = shelf.source();
        shelf.set(
            "https://a.example",
            TokenLookup::Found(Token::new("token-a").unwrap()),
        );
        shelf.set("http://127.0.0.1:8787", TokenLookup::SignedOut);
        assert!(
            matches!(source("https://a.example"), TokenLookup::Found(t) if t.expose() == "token-a")
        );
        assert!(matches!(
            source("http://127.0.0.1:8787"),
            TokenLookup::SignedOut
        ));
        assert!(
            matches!(source("https://b.example"), TokenLookup::Unavailable(_)),
            "never another origin's token"
        );
    }
}
