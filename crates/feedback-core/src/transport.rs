//! [`TransportError`]: a request that got no HTTP reply, told apart by whether
//! it may have reached the server, which decides whether a retry can create a
//! duplicate ticket.

use std::error::Error as _;
use std::fmt;

/// Why no reply came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportKind {
    /// No connection: refused, unreachable, or the name did not resolve.
    Connect,
    /// The connection was not made in time.
    ConnectTimeout,
    /// The TLS handshake failed (bad certificate, not a TLS server).
    Tls,
    /// Connected and sent, but no reply came in time.
    Timeout,
    /// The connection closed before a whole reply arrived.
    ConnectionLost,
}

impl TransportKind {
    /// Whether the server may have received (and stored) the request.
    pub fn may_have_arrived(self) -> bool {
        matches!(self, Self::Timeout | Self::ConnectionLost)
    }

    fn describe(self) -> &'static str {
        match self {
            Self::Connect => "could not connect to the server",
            Self::ConnectTimeout => "timed out connecting to the server",
            Self::Tls => "the secure connection to the server failed",
            Self::Timeout => "the server did not answer in time",
            Self::ConnectionLost => "the connection closed before the server answered",
        }
    }
}

/// A failed request, with the underlying cause in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportError {
    pub kind: TransportKind,
    /// The innermost cause, such as "Connection refused (os error 111)".
    pub detail: String,
}

impl TransportError {
    /// Classifies a reqwest error by the phase it happened in.
    pub fn from_reqwest(error: reqwest::Error) -> Self {
        // The URL is the caller's endpoint; leaving it out keeps messages short.
        let error = error.without_url();
        let kind = if is_tls(&error) {
            TransportKind::Tls
        } else if error.is_connect() && error.is_timeout() {
            TransportKind::ConnectTimeout
        } else if error.is_connect() {
            TransportKind::Connect
        } else if error.is_timeout() {
            TransportKind::Timeout
        } else {
            TransportKind::ConnectionLost
        };
        Self {
            kind,
            detail: causes(&error),
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.kind.describe(), self.detail)
    }
}

impl std::error::Error for TransportError {}

fn is_tls(error: &reqwest::Error) -> bool {
    let mut source = error.source();
    while let Some(cause) = source {
        if is_rustls(cause) {
            return true;
        }
        source = cause.source();
    }
    false
}

/// `io::Error::source` skips the error it wraps, and the TLS stack nests
/// `io::Error`s, so wrapped errors are unwrapped by hand.
fn is_rustls(error: &(dyn std::error::Error + 'static)) -> bool {
    if error.is::<rustls::Error>() {
        return true;
    }
    match error
        .downcast_ref::<std::io::Error>()
        .and_then(|io| io.get_ref())
    {
        Some(inner) => is_rustls(inner),
        None => false,
    }
}

/// The innermost cause says what happened ("Connection refused"); the outer
/// layers only say where.
fn causes(error: &reqwest::Error) -> String {
    let mut innermost: &dyn std::error::Error = error;
    while let Some(cause) = innermost.source() {
        innermost = cause;
    }
    innermost.to_string()
}
