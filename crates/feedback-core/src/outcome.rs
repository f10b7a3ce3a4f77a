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
    /// Done: the server stored it. Any 2xx counts, however odd its body,
    /// since the server does not deduplicate and a resend would file it twice.
    Delivered,
    /// Wait for the window to reset, then send again.
    RateLimited,
    /// 401: nothing of this account's can go with this token.
    SignInNeeded,
    /// 403: the account may not file tickets; nothing of its can go until
    /// the permission or the token changes.
    Forbidden,
    /// This ticket will never be accepted as it is (404, 422, another 4xx,
    /// a redirect); a person must look.
    Rejected,
    /// Worth retrying later. `may_have_arrived`: the server may already have
    /// stored it, so a retry may duplicate it. `answered`: the server (or a
    /// proxy) replied with an error, as opposed to no reply at all.
    Transient {
        may_have_arrived: bool,
        answered: bool,
    },
}

impl Outcome {
    pub fn class(&self) -> Class {
        match self {
            Self::Created(_) => Class::Delivered,
            Self::RateLimited { .. } => Class::RateLimited,
            Self::Unauthenticated { .. } => Class::SignInNeeded,
            Self::Forbidden { .. } => Class::Forbidden,
            Self::NotFound { .. } | Self::Invalid { .. } => Class::Rejected,
            Self::ServerError { .. } => Class::Transient {
                may_have_arrived: false,
                answered: true,
            },
            Self::Transport(error) => Class::Transient {
                may_have_arrived: error.kind.may_have_arrived(),
                answered: false,
            },
            Self::Unexpected { status, .. } => match status {
                200..=299 => Class::Delivered,
                // Request Timeout and Too Early: the same request may pass later.
                408 | 425 => Class::Transient {
                    may_have_arrived: false,
                    answered: true,
                },
                300..=499 => Class::Rejected,
                _ => Class::Transient {
                    may_have_arrived: false,
                    answered: true,
                },
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

/// How a 404 begins in [`Outcome`]'s words (the outbox keeps them).
pub const NOT_FOUND: &str = "not found ";

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
            Self::NotFound { message } => write!(f, "{NOT_FOUND}({message})"),
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
            Class::Forbidden,
            "a lost permission is the account's, not the ticket's"
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
                may_have_arrived: false,
                answered: true
            },
            "a server error, not offline"
        );
        for status in [200, 201, 204] {
            let garbled_success = Outcome::Unexpected {
                status,
                problem: "empty body".into(),
            };
            assert_eq!(
                garbled_success.class(),
                Class::Delivered,
                "a 2xx means the server took it, whatever the body: resending files it twice"
            );
        }
    }

    #[test]
    fn replies_that_will_never_succeed_need_attention() {
        for status in [301, 302, 307, 400, 405, 409, 413, 415, 418, 451] {
            let outcome = Outcome::Unexpected {
                status,
                problem: "no".into(),
            };
            assert_eq!(outcome.class(), Class::Rejected, "HTTP {status}");
        }
        for status in [408, 425, 500, 502, 503, 599] {
            let outcome = Outcome::Unexpected {
                status,
                problem: "later".into(),
            };
            assert!(
                matches!(outcome.class(), Class::Transient { answered: true, .. }),
                "HTTP {status} may pass later"
            );
        }
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
                    may_have_arrived: arrived,
                    answered: false
                },
                "{kind:?}"
            );
            assert_eq!(outcome.status(), None);
        }
    }
}
