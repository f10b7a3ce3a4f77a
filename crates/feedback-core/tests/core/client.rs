//! Every status the endpoint answers with, over real HTTP to the sandbox,
//! and replies it never gives from a canned server.

use feedback_core::{Class, Outcome, Token};
use feedback_sandbox::Config;

use crate::canned::Canned;
use crate::support::{client_for, doc_ticket, sandbox, token};

#[tokio::test]
async fn the_doc_sample_creates_a_ticket_with_all_fields() {
    let sandbox = sandbox(Config::default()).await;
    let reply = client_for(&sandbox.base_url())
        .submit(&token(), &doc_ticket(), Some("key-1"))
        .await;
    let Outcome::Created(ticket) = reply.outcome else {
        panic!("expected a created ticket, got {:?}", reply.outcome);
    };
    let sent = doc_ticket();
    assert_eq!(ticket.subject, sent.subject);
    assert_eq!(ticket.message, sent.message);
    assert_eq!(ticket.priority, "normal");
    assert_eq!(ticket.rating, Some(5));
    assert_eq!(ticket.kind.as_deref(), Some("bug"));
    assert_eq!(ticket.status, "open");
    assert_eq!(ticket.ip_address.as_deref(), Some("127.0.0.1"));
    assert!(
        ticket
            .ticket_number
            .as_deref()
            .is_some_and(|n| n.starts_with("TCK-"))
    );
    assert_eq!(reply.rate_limit.limit, Some(10));
    assert_eq!(
        reply.rate_limit.remaining,
        Some(9),
        "the first request of a window"
    );
    let stored = sandbox.tickets();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].idempotency_key.as_deref(), Some("key-1"));
}

#[tokio::test]
async fn a_wrong_token_is_unauthenticated_without_rate_headers() {
    let sandbox = sandbox(Config::default()).await;
    let reply = client_for(&sandbox.base_url())
        .submit(&Token::new("wrong").unwrap(), &doc_ticket(), None)
        .await;
    assert!(
        matches!(reply.outcome, Outcome::Unauthenticated { .. }),
        "{:?}",
        reply.outcome
    );
    assert_eq!(reply.outcome.class(), Class::SignInNeeded);
    assert!(
        reply.rate_limit.is_empty(),
        "a 401 carries no rate-limit headers: {:?}",
        reply.rate_limit
    );
    assert!(sandbox.tickets().is_empty());
}

#[tokio::test]
async fn an_unknown_channel_is_not_found() {
    let sandbox = sandbox(Config::default()).await;
    let mut ticket = doc_ticket();
    ticket.channel_slug = "no-such-channel".into();
    let reply = client_for(&sandbox.base_url())
        .submit(&token(), &ticket, None)
        .await;
    assert!(
        matches!(reply.outcome, Outcome::NotFound { .. }),
        "{:?}",
        reply.outcome
    );
    assert_eq!(reply.rate_limit.remaining, Some(9), "a 404 spends quota");
}

#[tokio::test]
async fn server_validation_errors_arrive_per_field() {
    let sandbox = sandbox(Config::default()).await;
    // Built by hand: local validation would never let this through.
    let mut ticket = doc_ticket();
    ticket.subject = "é".repeat(256);
    ticket.channel_slug = "x".repeat(51);
    let reply = client_for(&sandbox.base_url())
        .submit(&token(), &ticket, None)
        .await;
    let Outcome::Invalid { message, errors } = &reply.outcome else {
        panic!("expected a 422, got {:?}", reply.outcome);
    };
    assert_eq!(
        errors.fields().collect::<Vec<_>>(),
        ["channel_slug", "subject"]
    );
    assert_eq!(
        errors.get("subject"),
        ["The subject field must not be greater than 255 characters."]
    );
    assert!(message.ends_with("(and 1 more error)"), "{message}");
    assert_eq!(reply.rate_limit.remaining, Some(9), "a 422 spends quota");
}

#[tokio::test]
async fn a_server_error_is_transient() {
    let mut config = Config::default();
    config.faults.fail_every = Some(1);
    let sandbox = sandbox(config).await;
    let reply = client_for(&sandbox.base_url())
        .submit(&token(), &doc_ticket(), None)
        .await;
    assert!(
        matches!(reply.outcome, Outcome::ServerError { status: 500, .. }),
        "{:?}",
        reply.outcome
    );
    assert_eq!(
        reply.outcome.class(),
        Class::Transient {
            may_have_arrived: false,
            answered: true
        }
    );
    assert_eq!(reply.rate_limit.remaining, Some(9), "a 500 spends quota");
    assert!(sandbox.tickets().is_empty());
}

#[tokio::test]
async fn a_proxys_html_page_is_an_unexpected_reply() {
    let mut config = Config::default();
    config.faults.html_502_every = Some(1);
    let sandbox = sandbox(config).await;
    let reply = client_for(&sandbox.base_url())
        .submit(&token(), &doc_ticket(), None)
        .await;
    let Outcome::Unexpected { status, problem } = &reply.outcome else {
        panic!("expected an unexpected reply, got {:?}", reply.outcome);
    };
    assert_eq!(*status, 502);
    assert!(
        problem.contains("not JSON") && problem.contains("text/html"),
        "{problem}"
    );
}

#[tokio::test]
async fn malformed_success_bodies_are_reported_not_panicked_on() {
    for body in [
        "",
        "{\"error\":false",
        "{\"error\":false,\"message\":\"ok\",\"data\":[]}",
        "null",
    ] {
        let server = Canned::reply("200 OK", "application/json", body).await;
        let reply = client_for(&server.base)
            .submit(&token(), &doc_ticket(), None)
            .await;
        assert!(
            matches!(reply.outcome, Outcome::Unexpected { status: 200, .. }),
            "{body:?} gave {:?}",
            reply.outcome
        );
        assert_eq!(
            reply.outcome.class(),
            Class::Delivered,
            "a 200 means the server took it: resending would file it twice"
        );
    }
}

#[tokio::test]
async fn a_redirect_is_not_followed_so_the_token_stays_home() {
    let elsewhere = Canned::reply("200 OK", "application/json", "{}").await;
    let redirect = Canned::start(format!(
        "HTTP/1.1 307 Temporary Redirect\r\nLocation: {}/services/platforms/v1/support/tickets/store\r\nContent-Length: 0\r\n\r\n",
        elsewhere.base.replace("127.0.0.1", "localhost")
    ))
    .await;
    let reply = client_for(&redirect.base)
        .submit(&token(), &doc_ticket(), None)
        .await;
    let Outcome::Unexpected { status, problem } = &reply.outcome else {
        panic!("expected an unexpected reply, got {:?}", reply.outcome);
    };
    assert_eq!(*status, 307);
    assert!(
        problem.contains("redirected to http://localhost"),
        "{problem}"
    );
    assert_eq!(
        elsewhere.connections(),
        0,
        "nothing, and so no token, went to the other host"
    );
}

/// Defect (issue 17): a 201 whose connection broke after the status line and
/// part of the body was classified as a lost reply and sent again, though
/// the status line said the server had stored it.
#[tokio::test]
async fn a_success_cut_off_after_its_status_line_is_delivered_not_sent_again() {
    let part = r#"{"error":false,"message":"Support ticket created successfully.","data":{"id":7,"ticket_"#;
    for (status, body) in [("201 Created", part), ("200 OK", ""), ("202 Accepted", "{")] {
        // The head promises more than is sent, then the server hangs up.
        let server = Canned::start(format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: 4000\r\nConnection: close\r\n\r\n{body}"
        ))
        .await;
        let reply = client_for(&server.base)
            .submit(&token(), &doc_ticket(), None)
            .await;
        assert_eq!(
            reply.outcome.class(),
            Class::Delivered,
            "{status} then a broken body gave {:?}: the server said it stored the ticket, a resend files it twice",
            reply.outcome
        );
        assert_eq!(server.connections(), 1);
    }
}
