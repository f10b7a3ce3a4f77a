//! Failures with no HTTP reply, told apart by whether the request may have
//! reached the server.

use std::time::Duration;

use feedback_core::{Outcome, TransportKind};
use feedback_sandbox::Config;

use crate::support::{client_for, client_with_timeout, doc_ticket, sandbox, token};

fn kind_of(outcome: &Outcome) -> TransportKind {
    match outcome {
        Outcome::Transport(error) => error.kind,
        other => panic!("expected a transport failure, got {other:?}"),
    }
}

#[tokio::test]
async fn a_closed_port_is_a_connect_failure_that_never_arrived() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let reply = client_for(&format!("http://127.0.0.1:{port}/api"))
        .submit(&token(), &doc_ticket(), None)
        .await;
    assert_eq!(kind_of(&reply.outcome), TransportKind::Connect);
    assert!(!TransportKind::Connect.may_have_arrived());
}

#[tokio::test]
async fn tls_to_a_plain_http_server_is_a_tls_failure() {
    let sandbox = sandbox(Config::default()).await;
    let base = sandbox.base_url().replace("http://", "https://");
    let reply = client_for(&base)
        .submit(&token(), &doc_ticket(), None)
        .await;
    assert_eq!(
        kind_of(&reply.outcome),
        TransportKind::Tls,
        "{:?}",
        reply.outcome
    );
    assert!(sandbox.tickets().is_empty());
}

#[tokio::test]
async fn a_stalled_server_is_a_timeout_after_sending() {
    let mut config = Config::default();
    config.faults.stall_every = Some(1);
    let sandbox = sandbox(config).await;
    let reply = client_with_timeout(&sandbox.base_url(), Duration::from_millis(500))
        .submit(&token(), &doc_ticket(), None)
        .await;
    let kind = kind_of(&reply.outcome);
    assert_eq!(kind, TransportKind::Timeout);
    assert!(
        kind.may_have_arrived(),
        "the request was sent; the server may have it"
    );
}

#[tokio::test]
async fn a_dropped_connection_may_have_arrived() {
    for stored in [false, true] {
        let mut config = Config::default();
        if stored {
            config.faults.drop_after_store_every = Some(1);
        } else {
            config.faults.drop_before_store_every = Some(1);
        }
        let sandbox = sandbox(config).await;
        let reply = client_for(&sandbox.base_url())
            .submit(&token(), &doc_ticket(), None)
            .await;
        assert_eq!(
            kind_of(&reply.outcome),
            TransportKind::ConnectionLost,
            "stored: {stored}"
        );
        assert_eq!(sandbox.tickets().len(), usize::from(stored));
    }
}
