//! [`Outcome`]: what one submit attempt came to, and its [`Class`], which is
//! all a retry policy needs to know.

use std::fmt;
use std::time::SystemTime;

use crate::field_errors::FieldErrors;
use crate::rate_limit::RetryAfter;
use crate::ticket::Ticket;
use crate::transport::TransportError;

/// The result of one attempt. Every reply, however malformed, is one of
/// these: the client never panics and never returns a bare error.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// 200: the ticket exists on the server.
    Created(Box<Ticket>),
    /// 401: the token is missing, wrong or revoked.
    Unauthenticated { message: String },
    /// 403: the account may not file tickets.
    Forbidden { message: String },
    /// 404: for example an unknown `channel_slug`.
    NotFound { message: String },
    /// 422: the server's validation failed.
    Invalid {
        message: String,
        errors: FieldErrors,
    },
    /// 429: over the quota; nothing was spent.
    RateLimited {
        retry_after: Option<RetryAfter>,
        reset: Option<SystemTime>,
    },
    /// 5xx with the server's JSON error body.
    ServerError { status: u16, message: String },
    /// No HTTP reply at all.
    Transport(TransportError),
    /// A reply that is not the API's: another status, an HTML page from a
    /// proxy, an empty or malformed body.
    Unexpected { status: u16, problem: String },
}

/// How a caller should treat an [`Outcome`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Done.
    Delivered,
    /// Wait for the window to reset, then send again.
    RateLimited,
    /// Nothing of this account's can go until a new token is stored.
    SignInNeeded,
    /// This ticket will never be accepted as it is; a person must look.
    Rejected,
    /// Worth retrying later. `may_have_arrived`: the server may already have
    /// stored it, so a retry may duplicate it.
    Transient { may_have_arrived: bool },
}

impl Outcome {
    pub fn class(&self) -> Class {
        match self {
            Self::Created(_) => Class::Delivered,
            Self::RateLimited { .. } => Class::RateLimited,
            Self::Unauthenticated { .. } => Class::SignInNeeded,
            Self::Forbidden { .. } | Self::NotFound { .. } | Self::Invalid { .. } => {
                Class::Rejected
            }
            Self::ServerError { .. } => Class::Transient {
                may_have_arrived: false,
            },
            Self::Transport(error) => Class::Transient {
                may_have_arrived: error.kind.may_have_arrived(),
            },
            Self::Unexpected { status, .. } => Class::Transient {
                may_have_arrived: (200..300).contains(status),
            },
        }
    }

    /// The HTTP status, when a reply came.
    pub fn status(&self) -> Option<u16> {
        Some(match self {
            Self::Created(_) => 200,
            Self::Unauthenticated { .. } => 401,
            Self::Forbidden { .. } => 403,
            Self::NotFound { .. } => 404,
            Self::Invalid { .. } => 422,
            Self::RateLimited { .. } => 429,
            Self::ServerError { status, .. } | Self::Unexpected { status, .. } => *status,
            Self::Transport(_) => return None,
        })
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Created(ticket) => write!(f, "created ticket {}", ticket.reference()),
            Self::Unauthenticated { message } => {
                write!(
                    f,
                    "the API token was not accepted ({message}); sign in again"
                )
            }
            Self::Forbidden { message } => write!(f, "not allowed to file tickets ({message})"),
            Self::NotFound { message } => write!(f, "not found ({message})"),
            Self::Invalid { message, .. } => write!(f, "the server rejected the ticket: {message}"),
            Self::RateLimited { retry_after, .. } => match retry_after {
                Some(RetryAfter::Delay(delay)) => {
                    write!(
                        f,
                        "rate limited; the server asks to wait {} s",
                        delay.as_secs_f64().ceil()
                    )
                }
                Some(RetryAfter::At(at)) => {
                    write!(f, "rate limited until {}", httpdate::fmt_http_date(*at))
                }
                None => write!(f, "rate limited"),
            },
            Self::ServerError { status, message } => write!(f, "server error {status} ({message})"),
            Self::Transport(error) => error.fmt(f),
            Self::Unexpected { status, problem } => {
                write!(f, "unexpected reply, HTTP {status}: {problem}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::TransportKind;

    #[test]
    fn classes() {
        let message = String::new();
        assert_eq!(
            Outcome::Unauthenticated {
                message: message.clone()
            }
            .class(),
            Class::SignInNeeded
        );
        assert_eq!(
            Outcome::Forbidden {
                message: message.clone()
            }
            .class(),
            Class::Rejected
        );
        assert_eq!(
            Outcome::NotFound {
                message: message.clone()
            }
            .class(),
            Class::Rejected
        );
        let invalid = Outcome::Invalid {
            message,
            errors: FieldErrors::new(),
        };
        assert_eq!(invalid.class(), Class::Rejected);
        let limited = Outcome::RateLimited {
            retry_after: None,
            reset: None,
        };
        assert_eq!(limited.class(), Class::RateLimited);
        let proxy_page = Outcome::Unexpected {
            status: 502,
            problem: "html".into(),
        };
        assert_eq!(
            proxy_page.class(),
            Class::Transient {
                may_have_arrived: false
            }
        );
        let garbled_success = Outcome::Unexpected {
            status: 200,
            problem: "empty body".into(),
        };
        assert_eq!(
            garbled_success.class(),
            Class::Transient {
                may_have_arrived: true
            },
            "a 2xx means the server took it, whatever the body"
        );
    }

    #[test]
    fn only_failures_after_sending_may_have_arrived() {
        for (kind, arrived) in [
            (TransportKind::Connect, false),
            (TransportKind::ConnectTimeout, false),
            (TransportKind::Tls, false),
            (TransportKind::Timeout, true),
            (TransportKind::ConnectionLost, true),
        ] {
            let outcome = Outcome::Transport(TransportError {
                kind,
                detail: String::new(),
            });
            assert_eq!(
                outcome.class(),
                Class::Transient {
                    may_have_arrived: arrived
                },
                "{kind:?}"
            );
            assert_eq!(outcome.status(), None);
        }
    }
}
