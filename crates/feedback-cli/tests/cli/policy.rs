//! The organisation's policy, as the CLI follows it: an enforced server
//! wins and another one asked for is refused before anything is saved or
//! sent; a recommended one is the default; `feedback doctor` shows the
//! policy in force. Production is never reached from here: the commands
//! get a proxy that is not there (a server on this machine goes round
//! proxies), so a ticket that went the wrong way queues instead.

use feedback_sandbox::Config;
use serde_json::json;

use crate::support::{Feedback, Run, TOKEN, sandbox, submit_args};

/// `feedback ARGS` of `cli`, its token from `FEEDBACK_TOKEN`, with
/// `FEEDBACK_API_BASE` set to `base` or, for `None`, not set at all.
async fn run(cli: &Feedback, base: Option<&str>, args: &[&str]) -> Run {
    let mut command = cli.command("", Some(TOKEN), args);
    match base {
        Some(base) => command.env("FEEDBACK_API_BASE", base),
        None => command.env_remove("FEEDBACK_API_BASE"),
    };
    // The sandbox's token never goes to production, whatever happens.
    for proxy in ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
        command.env(proxy, "http://127.0.0.1:9");
    }
    command.env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus");
    Run(command.output().await.expect("the feedback binary runs"))
}

/// Writes `policy` where `cli` reads it, as an administrator's tool does:
/// whole, at once.
fn roll_out(cli: &Feedback, policy: &str) {
    let next = cli.policy_path().with_extension("json.new");
    std::fs::write(&next, policy).unwrap();
    std::fs::rename(&next, cli.policy_path()).unwrap();
}

fn enforcing(base: &str) -> String {
    json!({"enforced": {"ApiBaseUrl": base}}).to_string()
}

#[tokio::test]
async fn an_enforced_server_is_where_submit_files() {
    let organisation = sandbox(Config::default()).await;
    let cli = Feedback::new();
    roll_out(&cli, &enforcing(&organisation.base_url()));

    let unset = run(&cli, None, &submit_args("No server given")).await;
    assert_eq!(unset.code(), 0, "{unset:?}");
    let same = format!("{}/", organisation.base_url());
    let given = run(&cli, Some(&same), &submit_args("The same server given")).await;
    assert_eq!(
        given.code(),
        0,
        "the enforced server itself is fine: {given:?}"
    );
    assert_eq!(
        organisation.tickets().len(),
        2,
        "both went to the organisation's server"
    );
}

#[tokio::test]
async fn another_server_than_the_enforced_one_is_refused_with_nothing_sent_or_queued() {
    let organisation = sandbox(Config::default()).await;
    let elsewhere = sandbox(Config::default()).await;
    let cli = Feedback::new();
    roll_out(&cli, &enforcing(&organisation.base_url()));

    let by_variable = run(&cli, Some(&elsewhere.base_url()), &submit_args("Elsewhere")).await;
    let by_flag = run(
        &cli,
        None,
        &[
            &["--api-base", &elsewhere.base_url()][..],
            &submit_args("Elsewhere"),
        ]
        .concat(),
    )
    .await;
    for refused in [by_variable, by_flag] {
        assert_eq!(refused.code(), 2, "a usage error: {refused:?}");
        let told = refused.stderr();
        assert!(
            told.contains("policy")
                && told.contains(&organisation.base_url())
                && told.contains(&elsewhere.base_url())
                && told.contains("nothing was sent or queued"),
            "the reason, with both servers: {refused:?}"
        );
    }
    assert_eq!(elsewhere.stats().requests, 0, "nothing went elsewhere");
    assert_eq!(organisation.stats().requests, 0, "nor to the organisation");
    assert!(
        !cli.outbox_path().exists(),
        "nothing was queued: the outbox was not even made"
    );
}

#[tokio::test]
async fn a_recommended_server_is_the_default_a_command_may_change() {
    let organisation = sandbox(Config::default()).await;
    let elsewhere = sandbox(Config::default()).await;
    let cli = Feedback::new();
    roll_out(
        &cli,
        &json!({"recommended": {"ApiBaseUrl": organisation.base_url()}}).to_string(),
    );

    let unset = run(&cli, None, &submit_args("No server given")).await;
    assert_eq!(unset.code(), 0, "{unset:?}");
    let given = run(&cli, Some(&elsewhere.base_url()), &submit_args("Given")).await;
    assert_eq!(given.code(), 0, "{given:?}");
    assert_eq!(organisation.tickets().len(), 1, "the default: recommended");
    assert_eq!(elsewhere.tickets().len(), 1, "the one given wins over it");
}

#[tokio::test]
async fn doctor_shows_the_policy_in_force_and_its_problems() {
    let organisation = sandbox(Config::default()).await;
    let cli = Feedback::new();
    roll_out(
        &cli,
        &json!({
            "enforced": {"ApiBaseUrl": organisation.base_url(), "DeliveredRetentionDays": 30},
            "recommended": {"DefaultChannel": "support", "Colour": "blue"}
        })
        .to_string(),
    );

    let doctor = run(&cli, None, &["doctor"]).await;
    let report = doctor.stdout();
    let source = cli.policy_path().display().to_string();
    assert!(
        report.contains(&format!(
            "policy from {source}: enforced ApiBaseUrl, DeliveredRetentionDays; recommended DefaultChannel"
        )),
        "where it comes from and what it sets: {doctor:?}"
    );
    assert!(
        report
            .lines()
            .any(|line| line.starts_with("warn") && line.contains("\"Colour\"")),
        "what it ignored: {doctor:?}"
    );
    assert!(
        report.contains(&format!(
            "API base {} (enforced by your organisation's policy)",
            organisation.base_url()
        )),
        "{doctor:?}"
    );
    assert_eq!(organisation.stats().requests, 0, "the doctor sends nothing");
}

#[tokio::test]
async fn a_policy_that_no_longer_parses_still_sends_to_the_enforced_server() {
    let organisation = sandbox(Config::default()).await;
    let cli = Feedback::new();
    roll_out(&cli, &enforcing(&organisation.base_url()));
    let before = run(&cli, None, &submit_args("Before the roll-out")).await;
    assert_eq!(before.code(), 0, "{before:?}");

    // A roll-out with a stray comma.
    roll_out(
        &cli,
        &format!(
            r#"{{"enforced": {{"ApiBaseUrl": "{}",}}}}"#,
            organisation.base_url()
        ),
    );
    let after = run(&cli, None, &submit_args("After the roll-out")).await;
    assert_eq!(after.code(), 0, "never production: {after:?}");
    assert_eq!(organisation.tickets().len(), 2, "both to the organisation");

    let doctor = run(&cli, None, &["doctor"]).await;
    let report = doctor.stdout();
    assert!(
        report
            .lines()
            .any(|line| line.starts_with("warn") && line.contains("not valid JSON")),
        "what is wrong: {doctor:?}"
    );
    assert!(
        report.contains("stays in force")
            && report.contains("(enforced by your organisation's policy)"),
        "and what stays: {doctor:?}"
    );
}
