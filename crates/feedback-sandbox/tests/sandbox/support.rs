//! Requests as the documentation's samples send them.

use feedback_sandbox::{Config, STORE_PATH, Sandbox};
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

pub(crate) async fn start(config: Config) -> Sandbox {
    Sandbox::start(config).await.unwrap()
}

pub(crate) fn store_url(sandbox: &Sandbox) -> String {
    format!("http://{}{STORE_PATH}", sandbox.addr())
}

/// The body of the documentation's samples.
pub(crate) fn doc_body() -> Value {
    json!({
        "channel_slug": "feedback",
        "subject": "Cannot connect my Google Ads account",
        "message": "I have been trying to connect my Google Ads account but keep getting an error.",
        "priority": "normal",
        "rating": 5,
        "type": "bug",
        "tool_key": "ads_protection",
        "page": "https://example.com/wm/ads-protection/dashboard",
        "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36"
    })
}

pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) text: String,
}

impl Reply {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|_| panic!("not JSON: {}", self.text))
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }
}

/// A POST of `body` with a bearer `token` and `Accept: application/json`,
/// as the documentation's samples send it, through `client`.
pub(crate) fn store_request(
    client: &reqwest::Client,
    sandbox: &Sandbox,
    token: &str,
    body: &Value,
) -> reqwest::RequestBuilder {
    client
        .post(store_url(sandbox))
        .bearer_auth(token)
        .header("Accept", "application/json")
        .json(body)
}

pub(crate) async fn post(sandbox: &Sandbox, token: &str, body: &Value) -> Reply {
    send(store_request(&reqwest::Client::new(), sandbox, token, body)).await
}

pub(crate) async fn send(request: reqwest::RequestBuilder) -> Reply {
    let response = request.send().await.unwrap();
    Reply {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        text: response.text().await.unwrap(),
    }
}

/// A POST of `body` to the sandbox's own `/__sandbox/{path}` route.
pub(crate) async fn admin(sandbox: &Sandbox, path: &str, body: &Value) -> Reply {
    let url = format!("http://{}/__sandbox/{path}", sandbox.addr());
    send(reqwest::Client::new().post(url).json(body)).await
}

/// The stored tickets as `GET /__sandbox/tickets` lists them.
pub(crate) async fn listed_tickets(sandbox: &Sandbox) -> Vec<Value> {
    let url = format!("http://{}/__sandbox/tickets", sandbox.addr());
    let listed = send(reqwest::Client::new().get(url)).await;
    assert_eq!(listed.status, 200, "the ticket list is always there");
    listed.json().as_array().unwrap().clone()
}
