//! [`Token`]: the API token. Its `Debug` is redacted and it has no
//! `Serialize`, so it cannot end up in a log, a file or the webview by accident.

use std::fmt;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("the token is empty")]
    Empty,
    #[error("the token contains spaces or control characters")]
    Malformed,
}

/// A bearer token. Read it with [`Token::expose`], only to put it in a header
/// or the keyring.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// Trims surrounding white space (a pasted token often has a newline) and
    /// refuses what could not be sent in an `Authorization` header.
    pub fn new(text: &str) -> Result<Self, TokenError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(TokenError::Empty);
        }
        if text
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || !c.is_ascii())
        {
            return Err(TokenError::Malformed);
        }
        Ok(Self(text.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// A short one-way digest (the first 16 hex digits of SHA-256), so the
    /// outbox can remember *which* token the server refused without storing
    /// the token: a different token clears the refusal.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(self.0.as_bytes());
        digest[..8]
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let token = Token::new("s3cr3t-value").unwrap();
        let printed = format!("{token:?} {:?} {:#?}", Some(&token), vec![token.clone()]);
        assert!(!printed.contains("s3cr3t"), "{printed}");
        assert!(printed.contains("<redacted>"));
    }

    #[test]
    fn pasted_tokens_are_trimmed() {
        assert_eq!(Token::new("  abc|123\n").unwrap().expose(), "abc|123");
    }

    #[test]
    fn empty_and_malformed_tokens_are_refused() {
        assert_eq!(Token::new(" \n"), Err(TokenError::Empty));
        assert_eq!(Token::new("two words"), Err(TokenError::Malformed));
        assert_eq!(Token::new("bell\u{7}"), Err(TokenError::Malformed));
        assert_eq!(Token::new("tökén"), Err(TokenError::Malformed));
    }

    #[test]
    fn a_fingerprint_tells_tokens_apart_without_showing_them() {
        let a = Token::new("s3cr3t-value").unwrap();
        let b = Token::new("s3cr3t-valuf").unwrap();
        assert_eq!(a.fingerprint(), a.clone().fingerprint(), "stable");
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.fingerprint().len(), 16);
        assert!(!a.fingerprint().contains("s3cr3t"));
    }
}
