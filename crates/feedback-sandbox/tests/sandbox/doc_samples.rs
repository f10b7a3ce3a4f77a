//! The documentation's cURL sample, run with curl itself, and its response
//! example's shape.

use feedback_sandbox::Config;

use crate::support::{doc_body, post, start, store_url};

const FIELDS: [&str; 20] = [
    "id",
    "ticket_number",
    "channel_id",
    "project_id",
    "user_id",
    "assigned_to",
    "subject",
    "message",
    "status",
    "priority",
    "rating",
    "type",
    "tool_key",
    "page",
    "ip_address",
    "user_agent",
    "metadata",
    "migrated_from_id",
    "created_at",
    "updated_at",
];

#[tokio::test]
async fn the_curl_sample_creates_a_ticket() {
    let sandbox = start(Config::default()).await;
    let body = serde_json::to_string_pretty(&doc_body()).unwrap();
    let output = tokio::process::Command::new("curl")
        .args(["-sS", "-i", "-X", "POST", &store_url(&sandbox)])
        .args(["-H", "Authorization: Bearer demo-token"])
        .args(["-H", "Accept: application/json"])
        .args(["-H", "Content-Type: application/json"])
        .args(["-d", &body])
        .output()
        .await
        .expect("curl is installed (scripts/setup.sh)");
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    let lower = text.to_ascii_lowercase();
    assert!(lower.contains("x-ratelimit-limit: 10\r\n"), "{text}");
    assert!(lower.contains("x-ratelimit-remaining: 9\r\n"), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(text.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert_eq!(json["error"], false);
    assert_eq!(json["data"]["ticket_number"], "TCK-000001");
    assert_eq!(sandbox.tickets().len(), 1);
}

#[tokio::test]
async fn a_created_ticket_has_all_twenty_fields_in_the_documented_order() {
    let sandbox = start(Config::default()).await;
    let reply = post(&sandbox, "demo-token", &doc_body()).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    let json = reply.json();
    let data = json["data"].as_object().unwrap();
    let keys: Vec<&str> = data.keys().map(String::as_str).collect();
    let mut sorted_fields = FIELDS;
    sorted_fields.sort_unstable();
    assert_eq!(
        keys, sorted_fields,
        "serde_json sorts keys when read back; all 20 are there"
    );
    let raw_data = &reply.text[reply.text.find("\"data\":").unwrap()..];
    let raw_order: Vec<usize> = FIELDS
        .iter()
        .map(|field| raw_data.find(&format!("\"{field}\":")).unwrap())
        .collect();
    assert!(
        raw_order.windows(2).all(|w| w[0] < w[1]),
        "fields come in the documented order"
    );
    assert_eq!(data["status"], "open");
    assert_eq!(data["channel_id"], 1);
    assert_eq!(data["user_id"], 1);
    assert_eq!(data["ip_address"], "127.0.0.1");
    assert_eq!(data["metadata"], serde_json::Value::Null);
    let created = data["created_at"].as_str().unwrap();
    assert_eq!(
        created.len(),
        "2026-11-23T22:59:00.000000Z".len(),
        "{created}"
    );
    assert!(created.ends_with('Z'));
}

#[tokio::test]
async fn priority_defaults_to_normal_and_the_user_agent_header_fills_in() {
    let sandbox = start(Config::default()).await;
    let body = serde_json::json!({"channel_slug": "support", "subject": " s ", "message": "m", "page": ""});
    let reply = crate::support::send(
        reqwest::Client::new()
            .post(store_url(&sandbox))
            .bearer_auth("demo-token")
            .header("Accept", "application/json")
            .header("User-Agent", "curl/8.0")
            .json(&body),
    )
    .await;
    let data = &reply.json()["data"];
    assert_eq!(data["priority"], "normal");
    assert_eq!(data["channel_id"], 2);
    assert_eq!(data["subject"], "s", "trimmed");
    assert_eq!(data["page"], serde_json::Value::Null, "empty is null");
    assert!(
        data["user_agent"].as_str().is_some(),
        "the request's User-Agent: {data}"
    );
}

/// The documentation's Python sample, verbatim but for the URL and token.
const PYTHON_SAMPLE: &str = r#"
import requests

headers = {
    "Authorization": "Bearer demo-token",
    "Accept": "application/json"
}
data = {
    "channel_slug": "feedback",
    "subject": "Cannot connect my Google Ads account",
    "message": "I have been trying to connect my Google Ads account but keep getting an error.",
    "priority": "normal",
    "rating": 5,
    "type": "bug",
    "tool_key": "ads_protection",
    "page": "https://example.com/wm/ads-protection/dashboard",
    "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36"
}
r = requests.post(URL, headers=headers, json=data)
print(r.json())
"#;

#[tokio::test]
async fn the_python_sample_creates_a_ticket() {
    let sandbox = start(Config::default()).await;
    let script = format!("URL = {:?}\n{PYTHON_SAMPLE}", store_url(&sandbox));
    // Python for Windows installs `python`, not `python3`.
    let python = if cfg!(windows) { "python" } else { "python3" };
    let output = tokio::process::Command::new(python)
        .args(["-c", &script])
        .output()
        .await
        .unwrap_or_else(|error| panic!("{python} (with requests) is installed: {error}"));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed = String::from_utf8(output.stdout).unwrap();
    assert!(printed.starts_with("{'error': False,"), "{printed}");
    assert!(
        printed.contains("'ticket_number': 'TCK-000001'"),
        "{printed}"
    );
    let stored = sandbox.tickets();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].ticket.kind.as_deref(), Some("bug"));
}
