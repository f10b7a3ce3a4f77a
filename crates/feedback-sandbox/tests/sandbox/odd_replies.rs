//! Replies the API does not document: a 200 with an odd body for a ticket
//! that was stored (`--odd-2xx`), and foreign statuses (`--status-every`).

use feedback_sandbox::{Config, Faults, OddKind, StatusEvery};
use serde_json::json;

use crate::support::{doc_body, listed_tickets, post, send, start, store_request};

fn with_faults(faults: Faults) -> Config {
    Config {
        faults,
        ..Config::default()
    }
}

#[tokio::test]
async fn each_odd_2xx_kind_stores_the_ticket_and_spends_quota() {
    // The body a normal 200 has, to compare the truncated one with; the
    // same request gives the same length (fixed-width timestamps, same IP).
    let normal = post(&start(Config::default()).await, "demo-token", &doc_body()).await;
    assert_eq!(normal.status, 200, "{}", normal.text);

    for kind in OddKind::ALL {
        let sandbox = start(with_faults(Faults {
            odd_2xx: Some(kind),
            ..Faults::default()
        }))
        .await;
        let reply = post(&sandbox, "demo-token", &doc_body()).await;
        assert_eq!(reply.status, 200, "{kind:?}: still a success status");
        assert_eq!(
            reply.header("x-ratelimit-remaining"),
            Some("9"),
            "{kind:?}: quota spent as for a normal 200"
        );
        let listed = listed_tickets(&sandbox).await;
        assert_eq!(
            listed.len(),
            1,
            "{kind:?}: the ticket reached the server, whatever the body says"
        );
        let content_type = reply.header("content-type").unwrap_or_default();
        match kind {
            OddKind::Html => {
                assert!(
                    content_type.starts_with("text/html"),
                    "an HTML page says so: {content_type}"
                );
                assert!(reply.text.contains("<html"), "an HTML page: {}", reply.text);
            }
            OddKind::DataArray => assert_eq!(
                reply.json(),
                json!({"error": false, "message": "Ticket created", "data": []}),
                "a success without the ticket object"
            ),
            OddKind::Empty => {
                assert_eq!(content_type, "application/json", "labelled JSON");
                assert!(reply.text.is_empty(), "but no body at all: {}", reply.text);
            }
            OddKind::ErrorTrue => {
                let body = reply.json();
                assert_eq!(body["error"], true, "an error flag on a 200");
                assert_eq!(body["message"], "Something went wrong");
                assert_eq!(
                    body["data"], listed[0]["ticket"],
                    "with the stored ticket as data"
                );
            }
            OddKind::Truncated => {
                assert_eq!(content_type, "application/json", "labelled JSON");
                assert!(
                    serde_json::from_str::<serde_json::Value>(&reply.text).is_err(),
                    "half a body does not parse: {}",
                    reply.text
                );
                assert_eq!(
                    reply.text.len(),
                    normal.text.len() / 2,
                    "the normal body cut in half"
                );
                assert!(
                    normal.text.starts_with(&reply.text),
                    "its first half: {}",
                    reply.text
                );
            }
        }
    }
}

#[tokio::test]
async fn odd_2xx_every_leaves_the_other_requests_normal() {
    let sandbox = start(with_faults(Faults {
        odd_2xx: Some(OddKind::Empty),
        odd_2xx_every: Some(2),
        ..Faults::default()
    }))
    .await;
    let first = post(&sandbox, "demo-token", &doc_body()).await;
    let second = post(&sandbox, "demo-token", &doc_body()).await;
    let third = post(&sandbox, "demo-token", &doc_body()).await;
    assert_eq!(first.json()["error"], false, "the 1st is a normal success");
    assert!(second.text.is_empty(), "the 2nd is odd: {}", second.text);
    assert_eq!(third.json()["error"], false, "the 3rd is normal again");
    assert_eq!(
        listed_tickets(&sandbox).await.len(),
        3,
        "all three reached the server"
    );
    assert_eq!(
        sandbox.stats().by_status.get(&200),
        Some(&3),
        "an odd 200 is a 200"
    );
}

#[tokio::test]
async fn status_every_answers_a_foreign_status_and_stores_nothing() {
    for (status, reason) in [
        (400, "Bad Request"),
        (405, "Method Not Allowed"),
        (409, "Conflict"),
        (413, "Payload Too Large"),
        (415, "Unsupported Media Type"),
        (418, "I'm a teapot"),
    ] {
        let sandbox = start(with_faults(Faults {
            status_every: vec![StatusEvery { every: 1, status }],
            ..Faults::default()
        }))
        .await;
        let reply = post(&sandbox, "demo-token", &doc_body()).await;
        assert_eq!(reply.status, status, "the configured status");
        assert_eq!(
            reply.json(),
            json!({ "message": reason }),
            "{status}: the reason phrase as the message"
        );
        assert_eq!(
            reply.header("x-ratelimit-remaining"),
            Some("9"),
            "{status}: after auth, so it counts"
        );
        assert!(sandbox.tickets().is_empty(), "{status}: nothing stored");
    }
}

#[tokio::test]
async fn status_every_redirects_elsewhere_without_a_body() {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for status in [301, 302, 307] {
        let sandbox = start(with_faults(Faults {
            status_every: vec![StatusEvery { every: 1, status }],
            ..Faults::default()
        }))
        .await;
        let reply = send(store_request(&client, &sandbox, "demo-token", &doc_body())).await;
        assert_eq!(reply.status, status, "the configured redirect");
        assert_eq!(
            reply.header("location"),
            Some("https://elsewhere.example/"),
            "{status}: points away from the API"
        );
        assert!(reply.text.is_empty(), "{status}: no body: {}", reply.text);
        assert_eq!(
            reply.header("x-ratelimit-remaining"),
            Some("9"),
            "{status}: counted like any reply after auth"
        );
        assert!(sandbox.tickets().is_empty(), "{status}: nothing stored");
    }
}

#[tokio::test]
async fn status_every_n_hits_only_every_nth_request() {
    let sandbox = start(with_faults(Faults {
        status_every: vec![StatusEvery {
            every: 2,
            status: 409,
        }],
        ..Faults::default()
    }))
    .await;
    let statuses = [
        post(&sandbox, "demo-token", &doc_body()).await.status,
        post(&sandbox, "demo-token", &doc_body()).await.status,
        post(&sandbox, "demo-token", &doc_body()).await.status,
    ];
    assert_eq!(statuses, [200, 409, 200], "only the 2nd request gets 409");
    let fourth = post(&sandbox, "demo-token", &doc_body()).await;
    assert_eq!(fourth.status, 409, "and the 4th");
    assert_eq!(
        fourth.header("x-ratelimit-remaining"),
        Some("6"),
        "each 409 spent quota"
    );
    assert_eq!(sandbox.tickets().len(), 2, "the 409s stored nothing");
}
