//! [`ApiBase`]: the server tickets go to, checked so that a token is only
//! ever sent over HTTPS, or in plain HTTP to this machine (the sandbox).

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use url::{Host, Url};

/// The production API.
pub const PRODUCTION_API_BASE: &str = "https://api.wemasy.nl/api";

/// The path of the one endpoint, below the base.
const STORE_PATH: &str = "services/platforms/v1/support/tickets/store";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ApiBaseError {
    #[error("not a URL: {0}")]
    Invalid(#[from] url::ParseError),
    #[error("the API base must use https (plain http is allowed only to this machine), not {0}:")]
    Insecure(String),
    #[error("the API base must not contain a user name or password")]
    Credentials,
    #[error("the API base must not have a query or a fragment")]
    QueryOrFragment,
}

/// A checked API base URL such as `https://api.wemasy.nl/api`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiBase {
    url: Url,
}

impl ApiBase {
    pub fn production() -> Self {
        Self::parse(PRODUCTION_API_BASE).expect("the production base is valid")
    }

    pub fn parse(text: &str) -> Result<Self, ApiBaseError> {
        let mut url = Url::parse(text.trim())?;
        let secure = match url.scheme() {
            "https" => true,
            "http" => is_loopback(&url),
            _ => false,
        };
        if !secure || url.host().is_none() {
            return Err(ApiBaseError::Insecure(url.scheme().to_owned()));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(ApiBaseError::Credentials);
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(ApiBaseError::QueryOrFragment);
        }
        let path = url.path().trim_end_matches('/').to_owned();
        url.set_path(&path);
        Ok(Self { url })
    }

    /// The store endpoint's URL.
    pub fn endpoint(&self) -> Url {
        let mut url = self.url.clone();
        let path = format!("{}/{STORE_PATH}", self.url.path().trim_end_matches('/'));
        url.set_path(&path);
        url
    }

    /// `scheme://host[:port]`: what a token belongs to, so that a sandbox
    /// token is never sent to production or the other way round.
    pub fn origin(&self) -> String {
        self.url.origin().ascii_serialization()
    }

    /// Whether this is the production server (its origin; any path).
    pub fn is_production(&self) -> bool {
        self.origin() == Self::production().origin()
    }

    /// The host (without brackets for IPv6) and port a connection goes to.
    pub fn host_and_port(&self) -> (String, u16) {
        let host = match self.url.host() {
            Some(Host::Ipv6(ip)) => ip.to_string(),
            Some(host) => host.to_string(),
            None => String::new(),
        };
        let port = self
            .url
            .port_or_known_default()
            .unwrap_or(if self.is_https() { 443 } else { 80 });
        (host, port)
    }

    pub fn is_https(&self) -> bool {
        self.url.scheme() == "https"
    }

    /// Whether the server is this machine (a loopback address or `localhost`).
    pub fn is_loopback(&self) -> bool {
        is_loopback(&self.url)
    }

    pub fn as_str(&self) -> &str {
        self.url.as_str()
    }
}

impl FromStr for ApiBase {
    type Err = ApiBaseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl fmt::Display for ApiBase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.url.as_str())
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn production_endpoint_is_the_documented_one() {
        assert_eq!(
            ApiBase::production().endpoint().as_str(),
            "https://api.wemasy.nl/api/services/platforms/v1/support/tickets/store"
        );
        assert_eq!(ApiBase::production().origin(), "https://api.wemasy.nl");
    }

    #[test]
    fn trailing_slash_does_not_matter() {
        let with = ApiBase::parse("http://127.0.0.1:8787/api/").unwrap();
        let without = ApiBase::parse("http://127.0.0.1:8787/api").unwrap();
        assert_eq!(with, without);
        assert_eq!(
            with.endpoint().as_str(),
            "http://127.0.0.1:8787/api/services/platforms/v1/support/tickets/store"
        );
        let root = ApiBase::parse("https://example.com").unwrap();
        assert_eq!(
            root.endpoint().as_str(),
            "https://example.com/services/platforms/v1/support/tickets/store"
        );
    }

    #[test]
    fn plain_http_only_to_loopback() {
        for ok in [
            "http://127.0.0.1:1/api",
            "http://127.8.9.10/api",
            "http://[::1]:8/api",
            "http://localhost/api",
        ] {
            assert!(ApiBase::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://api.wemasy.nl/api",
            "http://10.0.0.1/api",
            "http://localhost.evil.com/",
            "ftp://x/",
        ] {
            assert!(
                matches!(ApiBase::parse(bad), Err(ApiBaseError::Insecure(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn rejects_credentials_queries_and_junk() {
        assert_eq!(
            ApiBase::parse("https://u:p@example.com/api"),
            Err(ApiBaseError::Credentials)
        );
        assert_eq!(
            ApiBase::parse("https://example.com/api?x=1"),
            Err(ApiBaseError::QueryOrFragment)
        );
        assert!(matches!(
            ApiBase::parse("not a url"),
            Err(ApiBaseError::Invalid(_))
        ));
    }

    #[test]
    fn production_is_told_by_its_origin_and_hosts_are_ready_to_connect() {
        assert!(ApiBase::production().is_production());
        assert!(
            ApiBase::parse("https://api.wemasy.nl/api/")
                .unwrap()
                .is_production()
        );
        let sandbox = ApiBase::parse("http://127.0.0.1:8787/api").unwrap();
        assert!(!sandbox.is_production());
        assert_eq!(sandbox.host_and_port(), ("127.0.0.1".to_owned(), 8787));
        assert_eq!(
            ApiBase::production().host_and_port(),
            ("api.wemasy.nl".to_owned(), 443),
            "the scheme's port when none is given"
        );
        assert_eq!(
            ApiBase::parse("http://[::1]:9/api")
                .unwrap()
                .host_and_port(),
            ("::1".to_owned(), 9),
            "no brackets around an IPv6 address"
        );
    }

    #[test]
    fn origins_tell_servers_apart() {
        let a = ApiBase::parse("http://127.0.0.1:8787/api").unwrap();
        let b = ApiBase::parse("http://127.0.0.1:8788/api").unwrap();
        assert_ne!(a.origin(), b.origin(), "a port is part of the origin");
    }
}
