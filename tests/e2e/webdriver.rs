//! A small WebDriver client over reqwest: the W3C calls these tests need
//! (session, find, click, type, read, screenshot), nothing more.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// WebDriver's key codes.
pub(crate) const TAB: char = '\u{E004}';
pub(crate) const ENTER: char = '\u{E007}';
pub(crate) const ESCAPE: char = '\u{E00C}';
pub(crate) const CONTROL: char = '\u{E009}';
pub(crate) const SHIFT: char = '\u{E008}';

/// How long one WebDriver command may take before the test fails.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a launch may take to become a session.
const LAUNCH_TIMEOUT: Duration = Duration::from_secs(60);

/// The W3C key for a web element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// How a test finds a control: the way a person does, by its label or its
/// text, or by `data-testid` for things without either. While a modal dialog
/// is open, only its controls are found, as only they can be used.
#[derive(Debug, Clone)]
pub(crate) enum By {
    /// The form control a `<label>` with this text names.
    Label(&'static str),
    /// A button with this text.
    Button(&'static str),
    /// `[data-testid=…]`.
    TestId(&'static str),
    /// A CSS selector, for what a person finds by looking (an error under a field).
    Css(String),
}

impl From<&str> for By {
    fn from(css: &str) -> Self {
        By::Css(css.to_owned())
    }
}

impl By {
    fn query(&self) -> (&'static str, String) {
        // Inside the open dialog if there is one, else outside every dialog.
        let scoped = |inner: &str| {
            format!(
                "//dialog[@open]{inner} | //body[not(.//dialog[@open])]{inner}[not(ancestor::dialog)]"
            )
        };
        match self {
            By::Label(text) => {
                let label = format!("label[normalize-space()={}]", xpath_literal(text));
                (
                    "xpath",
                    format!(
                        "{} | {}",
                        scoped(&format!("//*[@id = //{label}/@for]")),
                        scoped(&format!("//{label}//input"))
                    ),
                )
            }
            By::Button(text) => (
                "xpath",
                scoped(&format!(
                    "//*[self::button or self::summary][normalize-space()={}]",
                    xpath_literal(text)
                )),
            ),
            By::TestId(id) => ("css selector", format!("[data-testid=\"{id}\"]")),
            By::Css(css) => ("css selector", css.clone()),
        }
    }
}

/// `text` as an XPath 1.0 string literal (no escapes in XPath 1.0).
fn xpath_literal(text: &str) -> String {
    if text.contains('\'') {
        format!("\"{text}\"")
    } else {
        format!("'{text}'")
    }
}

pub(crate) struct Session {
    http: reqwest::Client,
    base: String,
}

impl Session {
    /// Starts the app at `application` through the driver at `driver`.
    /// A launch that never connects (WebKitWebDriver waits for it without
    /// limit) fails the test after 60 s instead of hanging it.
    pub(crate) async fn start(
        driver: &str,
        application: &std::path::Path,
        args: &[&str],
    ) -> Session {
        let http = reqwest::Client::builder()
            .timeout(COMMAND_TIMEOUT)
            .build()
            .expect("an HTTP client");
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "wry",
            "tauri:options": {"application": application, "args": args}
        }}});
        let reply: Value = http
            .post(format!("{driver}/session"))
            .timeout(LAUNCH_TIMEOUT)
            .json(&capabilities)
            .send()
            .await
            .unwrap_or_else(|error| {
                panic!(
                    "no session for {} within {LAUNCH_TIMEOUT:?}: {error}",
                    application.display()
                )
            })
            .json()
            .await
            .expect("a JSON reply");
        let id = reply["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {reply}"))
            .to_owned();
        Session {
            http,
            base: format!("{driver}/session/{id}"),
        }
    }

    /// Waits until the page has marked itself ready (its controls listen),
    /// polling every `poll`; up to 60 s. Whatever fails before (an error in
    /// the page's start) fails here, with a screenshot.
    pub(crate) async fn wait_ready(&self, poll: Duration) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            // The page notes when a poll first found it ready (a mark the
            // start-up benchmark reads: how long the answer then took).
            let ready = self
                .script(
                    "const ready = document.documentElement.dataset.ready === 'true';
                     if (ready && !performance.getEntriesByName('start:poll').length)
                       performance.mark('start:poll');
                     return ready;",
                )
                .await;
            if ready == Value::Bool(true) {
                return;
            }
            if Instant::now() >= deadline {
                let shot = self.failure_screenshot().await;
                panic!("the page never became ready (screenshot: {shot})");
            }
            tokio::time::sleep(poll).await;
        }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let reply: Value = request
            .send()
            .await
            .unwrap_or_else(|error| panic!("{path}: the driver did not answer: {error}"))
            .json()
            .await
            .expect("JSON");
        reply["value"].clone()
    }

    /// A call that must succeed: an element that cannot be clicked or typed
    /// into fails the test instead of being skipped.
    async fn act(&self, path: &str, body: Value) {
        let value = self.call(reqwest::Method::POST, path, Some(body)).await;
        if value.get("error").is_some() {
            let shot = self.failure_screenshot().await;
            panic!("{path}: {value} (screenshot: {shot})");
        }
    }

    /// What the window looked like when a step failed:
    /// `target/e2e-screenshots/failed-*.png`; returns its path.
    async fn failure_screenshot(&self) -> String {
        let shot = crate::harness::screenshot_path(&format!(
            "failed-{}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis())
                .unwrap_or_default()
        ));
        let data = self.call(reqwest::Method::GET, "/screenshot", None).await;
        if let Some(data) = data.as_str() {
            let _ = std::fs::write(&shot, base64_decode(data));
        }
        shot.display().to_string()
    }

    /// The element `by` finds, waiting up to 15 s for it to appear.
    pub(crate) async fn find(&self, by: impl Into<By>) -> String {
        let by = by.into();
        let (using, value) = by.query();
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let found = self
                .call(
                    reqwest::Method::POST,
                    "/element",
                    Some(json!({"using": using, "value": value})),
                )
                .await;
            if let Some(id) = found[ELEMENT].as_str() {
                return id.to_owned();
            }
            assert!(Instant::now() < deadline, "no element {by:?}: {found}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Clicks what `by` finds. A list the page redrew between finding and
    /// clicking (a retry's new time, say) has a new control in the same
    /// place, as a person would see it: found again and clicked.
    pub(crate) async fn click(&self, by: impl Into<By>) {
        let by = by.into();
        for _ in 0..5 {
            let id = self.find(by.clone()).await;
            let path = format!("/element/{id}/click");
            let value = self
                .call(reqwest::Method::POST, &path, Some(json!({})))
                .await;
            if value.get("error").and_then(Value::as_str) == Some("stale element reference") {
                continue;
            }
            if value.get("error").is_some() {
                let shot = self.failure_screenshot().await;
                panic!("{path}: {value} (screenshot: {shot})");
            }
            return;
        }
        let shot = self.failure_screenshot().await;
        panic!("{by:?} was redrawn under every click (screenshot: {shot})");
    }

    /// Clicks a control that ends the app: the click's own reply may never
    /// come, so only finding the control must succeed.
    pub(crate) async fn click_to_quit(&self, by: impl Into<By>) {
        let id = self.find(by).await;
        let _ = self
            .http
            .post(format!("{}/element/{id}/click", self.base))
            .json(&json!({}))
            .send()
            .await;
    }

    pub(crate) async fn type_into(&self, by: impl Into<By>, text: &str) {
        let id = self.find(by).await;
        // WebKitWebDriver clears only what is in view (a click scrolls by itself).
        self.call(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({
                "script": "arguments[0].scrollIntoView({block: 'center'});",
                "args": [{ELEMENT: id}]
            })),
        )
        .await;
        self.act(&format!("/element/{id}/clear"), json!({})).await;
        self.act(&format!("/element/{id}/value"), json!({"text": text}))
            .await;
    }

    /// What the person sees of the element `css` finds: its rendered text.
    /// (WebKitWebDriver's element text includes a closed disclosure's
    /// content, which is not shown.)
    pub(crate) async fn shown(&self, css: &str) -> String {
        let script = format!("return document.querySelector('{css}').innerText;");
        self.script(&script)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub(crate) async fn text(&self, by: impl Into<By>) -> String {
        let id = self.find(by).await;
        self.call(reqwest::Method::GET, &format!("/element/{id}/text"), None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Waits up to 20 s for the element's text to contain `wanted`.
    pub(crate) async fn wait_for_text(&self, by: impl Into<By>, wanted: &str) -> String {
        let by = by.into();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let text = self.text(by.clone()).await;
            if text.contains(wanted) {
                return text;
            }
            if Instant::now() >= deadline {
                let shot = self.failure_screenshot().await;
                panic!("{by:?} never said {wanted:?}; it says {text:?} (screenshot: {shot})");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Waits up to 20 s for an input's value to be `wanted`.
    pub(crate) async fn wait_for_value(&self, by: impl Into<By>, wanted: &str) {
        let by = by.into();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let id = self.find(by.clone()).await;
            let value = self
                .call(
                    reqwest::Method::GET,
                    &format!("/element/{id}/property/value"),
                    None,
                )
                .await;
            if value.as_str() == Some(wanted) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{by:?} never held {wanted:?}; it holds {value}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Waits up to 30 s for the element to be hidden.
    pub(crate) async fn wait_for_hidden(&self, by: impl Into<By>) {
        let by = by.into();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let id = self.find(by.clone()).await;
            let shown = self
                .call(
                    reqwest::Method::GET,
                    &format!("/element/{id}/displayed"),
                    None,
                )
                .await;
            if shown == Value::Bool(false) {
                return;
            }
            assert!(Instant::now() < deadline, "{by:?} stayed visible");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Presses and releases `key` (a WebDriver key code such as [`TAB`]), on
    /// whatever has the focus, as a keyboard would.
    pub(crate) async fn press(&self, key: char) {
        let key = key.to_string();
        let actions = json!({"actions": [{"type": "key", "id": "keyboard", "actions": [
            {"type": "keyDown", "value": key},
            {"type": "keyUp", "value": key}
        ]}]});
        self.act("/actions", actions).await;
    }

    /// Holds `modifier` while pressing `key`: Ctrl+Enter.
    pub(crate) async fn chord(&self, modifier: char, key: char) {
        let (modifier, key) = (modifier.to_string(), key.to_string());
        let actions = json!({"actions": [{"type": "key", "id": "keyboard", "actions": [
            {"type": "keyDown", "value": modifier},
            {"type": "keyDown", "value": key},
            {"type": "keyUp", "value": key},
            {"type": "keyUp", "value": modifier}
        ]}]});
        self.act("/actions", actions).await;
    }

    /// Holds every key of `keys` down in order, then lets go: Ctrl+Shift+C.
    pub(crate) async fn shortcut(&self, keys: &[char]) {
        let mut actions: Vec<Value> = keys
            .iter()
            .map(|key| json!({"type": "keyDown", "value": key.to_string()}))
            .collect();
        actions.extend(
            keys.iter()
                .rev()
                .map(|key| json!({"type": "keyUp", "value": key.to_string()})),
        );
        let actions = json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]});
        self.act("/actions", actions).await;
    }

    /// Picks `file` in a file input, as the file chooser does.
    pub(crate) async fn upload(&self, by: impl Into<By>, file: &std::path::Path) {
        let id = self.find(by).await;
        let path = file.display().to_string();
        self.act(&format!("/element/{id}/value"), json!({"text": path}))
            .await;
    }

    /// Runs `script` (a function body whose last argument is a callback)
    /// in the window and returns what it passes to the callback.
    pub(crate) async fn script_async(&self, script: &str) -> Value {
        self.call(
            reqwest::Method::POST,
            "/execute/async",
            Some(json!({"script": script, "args": []})),
        )
        .await
    }

    /// Types `text` into whatever has the focus.
    pub(crate) async fn type_keys(&self, text: &str) {
        let mut keys = Vec::new();
        for c in text.chars() {
            keys.push(json!({"type": "keyDown", "value": c.to_string()}));
            keys.push(json!({"type": "keyUp", "value": c.to_string()}));
        }
        let actions = json!({"actions": [{"type": "key", "id": "keyboard", "actions": keys}]});
        self.act("/actions", actions).await;
    }

    /// Runs `script` (a function body) in the window and returns its value.
    pub(crate) async fn script(&self, script: &str) -> Value {
        self.call(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
        .await
    }

    /// Saves a PNG of the window to `path`, once the page has painted what
    /// the DOM holds (a screenshot right after a change can show the frame
    /// before it).
    pub(crate) async fn screenshot(&self, path: &std::path::Path) {
        self.call(
            reqwest::Method::POST,
            "/execute/async",
            Some(json!({
                "script": "const done = arguments[arguments.length - 1]; \
                           requestAnimationFrame(() => requestAnimationFrame(() => done(null)));",
                "args": []
            })),
        )
        .await;
        let data = self.call(reqwest::Method::GET, "/screenshot", None).await;
        let png = base64_decode(data.as_str().expect("base64 PNG data"));
        std::fs::write(path, png).expect("the screenshot is written");
    }

    pub(crate) async fn end(self) {
        let _ = self.http.delete(&self.base).send().await;
    }
}

/// Standard base64, as WebDriver sends screenshots.
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            _ => 63,
        }
    };
    let clean: Vec<u8> = text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
        .collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let mut bits = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            bits |= value(*c) << (18 - 6 * i);
        }
        let bytes = bits.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}
