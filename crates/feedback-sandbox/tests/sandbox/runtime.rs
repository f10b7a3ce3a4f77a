//! Changes to a running sandbox: permissions revoked and granted, faults
//! switched on and off, through `/__sandbox/*` and in process.

use std::time::{Duration, Instant};

use feedback_sandbox::{Config, Faults};
use serde_json::json;

use crate::support::{admin, doc_body, post, send, start};

/// The documented 403 body.
fn forbidden_body() -> serde_json::Value {
    json!({"error": true, "message": "This action is unauthorized.", "data": []})
}

#[tokio::test]
async fn a_token_forbidden_at_run_time_gets_403_until_allowed_again() {
    let sandbox = start(Config::default()).await;
    assert_eq!(
        post(&sandbox, "demo-token", &doc_body()).await.status,
        200,
        "allowed to begin with"
    );

    let forbid = admin(&sandbox, "forbid", &json!({"token": "demo-token"})).await;
    assert_eq!(
        forbid.json(),
        json!({"token": "demo-token", "forbidden": true}),
        "the switch says what it did"
    );
    let refused = post(&sandbox, "demo-token", &doc_body()).await;
    assert_eq!(refused.status, 403, "the permission is gone");
    assert_eq!(refused.json(), forbidden_body(), "the documented 403 body");
    assert_eq!(
        refused.header("x-ratelimit-remaining"),
        Some("8"),
        "a policy 403 comes after the throttle: quota spent, headers sent"
    );
    assert_eq!(refused.header("x-ratelimit-limit"), Some("10"));

    let allow = admin(&sandbox, "allow", &json!({"token": "demo-token"})).await;
    assert_eq!(allow.json()["forbidden"], false, "the switch is undone");
    let again = post(&sandbox, "demo-token", &doc_body()).await;
    assert_eq!(again.status, 200, "allowed again");
    assert_eq!(again.header("x-ratelimit-remaining"), Some("7"));
    assert_eq!(sandbox.tickets().len(), 2, "the 403 stored nothing");
}

#[tokio::test]
async fn the_permission_switches_refuse_what_they_cannot_do() {
    let sandbox = start(Config::default()).await;
    let unknown = admin(&sandbox, "forbid", &json!({"token": "nobody"})).await;
    assert_eq!(
        unknown.status, 404,
        "a typo in a test must not pass silently"
    );
    assert!(
        unknown.json()["message"]
            .as_str()
            .unwrap()
            .contains("nobody"),
        "{}",
        unknown.text
    );
    for body in [
        json!({}),
        json!({"token": 7}),
        json!({"tokn": "demo-token"}),
    ] {
        let bad = admin(&sandbox, "forbid", &body).await;
        assert_eq!(bad.status, 422, "{body} is not {{\"token\": \"…\"}}");
    }
    assert_eq!(
        post(&sandbox, "demo-token", &doc_body()).await.status,
        200,
        "nothing was forbidden by the refused calls"
    );
}

#[tokio::test]
async fn forbid_and_allow_in_process_also_lift_a_configured_403() {
    let sandbox = start(Config {
        forbidden_tokens: vec!["reader".into()],
        ..Config::default()
    })
    .await;
    sandbox.forbid("demo-token");
    let refused = post(&sandbox, "demo-token", &doc_body()).await;
    assert_eq!(refused.status, 403, "forbidden in process");
    assert_eq!(refused.json(), forbidden_body());
    sandbox.allow("demo-token");
    assert_eq!(
        post(&sandbox, "demo-token", &doc_body()).await.status,
        200,
        "allowed again in process"
    );

    assert_eq!(
        post(&sandbox, "reader", &doc_body()).await.status,
        403,
        "a configured forbidden token"
    );
    sandbox.allow("reader");
    assert_eq!(
        post(&sandbox, "reader", &doc_body()).await.status,
        200,
        "a permission granted at run time"
    );
    sandbox.forbid("nobody");
    assert_eq!(
        post(&sandbox, "nobody", &doc_body()).await.status,
        401,
        "an unknown token stays unauthenticated"
    );
}

async fn timed_post(sandbox: &feedback_sandbox::Sandbox) -> Duration {
    let started = Instant::now();
    let reply = post(sandbox, "demo-token", &doc_body()).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    started.elapsed()
}

#[tokio::test]
async fn slowness_switches_on_and_off_at_run_time() {
    let sandbox = start(Config::default()).await;
    let wait = Duration::from_millis(700);

    let on = admin(&sandbox, "faults", &json!({"slow_after_store_ms": 700})).await;
    assert_eq!(on.status, 200, "{}", on.text);
    assert_eq!(
        on.json()["slow_after_store_ms"],
        700,
        "the reply shows the faults now"
    );
    assert!(timed_post(&sandbox).await >= wait, "slow while switched on");

    let off = admin(&sandbox, "faults", &json!({"slow_after_store_ms": 0})).await;
    assert_eq!(off.json()["slow_after_store_ms"], 0, "switched off");
    assert!(timed_post(&sandbox).await < wait, "fast once switched off");
    assert_eq!(sandbox.tickets().len(), 2, "both requests stored a ticket");

    let shown =
        send(reqwest::Client::new().get(format!("http://{}/__sandbox/faults", sandbox.addr())))
            .await;
    assert_eq!(
        shown.json()["fail_every"],
        0,
        "GET shows every switch, 0 for off"
    );
}

#[tokio::test]
async fn the_faults_switch_changes_only_what_it_is_given() {
    let sandbox = start(Config {
        faults: Faults {
            latency: Duration::from_millis(5),
            ..Faults::default()
        },
        ..Config::default()
    })
    .await;
    let changed = admin(&sandbox, "faults", &json!({"fail_every": 1})).await;
    assert_eq!(changed.json()["latency_ms"], 5, "left out, left alone");
    assert_eq!(
        post(&sandbox, "demo-token", &doc_body()).await.status,
        500,
        "fail_every switched on"
    );
    admin(&sandbox, "faults", &json!({"fail_every": 0})).await;
    assert_eq!(
        post(&sandbox, "demo-token", &doc_body()).await.status,
        200,
        "and off"
    );

    let typo = admin(&sandbox, "faults", &json!({"slow_after_stor_ms": 5})).await;
    assert_eq!(
        typo.status, 422,
        "an unknown switch is refused, not ignored"
    );
    assert_eq!(
        sandbox.faults().slow_after_store,
        Duration::ZERO,
        "and changes nothing"
    );
}

#[tokio::test]
async fn set_faults_in_process_applies_from_the_next_request() {
    let sandbox = start(Config::default()).await;
    sandbox.set_faults(Faults {
        fail_every: Some(1),
        ..Faults::default()
    });
    assert_eq!(
        post(&sandbox, "demo-token", &doc_body()).await.status,
        500,
        "the new faults apply"
    );
    sandbox.set_faults(Faults::default());
    assert_eq!(
        post(&sandbox, "demo-token", &doc_body()).await.status,
        200,
        "and are gone again"
    );
}
