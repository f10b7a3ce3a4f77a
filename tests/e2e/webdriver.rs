//! The steps these tests take in the window, as a person would (find a
//! control by its label, click it, type into it, read it), over fantoccini's
//! WebDriver client.

use std::fmt::Display;
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

/// WebDriver's key codes.
pub(crate) const TAB: Key = Key::Tab;
pub(crate) const ENTER: Key = Key::Enter;
pub(crate) const ESCAPE: Key = Key::Escape;
pub(crate) const ARROW_DOWN: Key = Key::Down;
pub(crate) const CONTROL: Key = Key::Control;
pub(crate) const SHIFT: Key = Key::Shift;

/// How long one WebDriver command may take before the test fails.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a launch may take to become a session.
const LAUNCH_TIMEOUT: Duration = Duration::from_secs(60);

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

/// A [`By`] as WebDriver looks for it.
enum Query {
    XPath(String),
    Css(String),
}

impl Query {
    fn locator(&self) -> Locator<'_> {
        match self {
            Query::XPath(xpath) => Locator::XPath(xpath),
            Query::Css(css) => Locator::Css(css),
        }
    }
}

impl By {
    fn query(&self) -> Query {
        // Inside the open dialog if there is one, else outside every dialog.
        let scoped = |inner: &str| {
            format!(
                "//dialog[@open]{inner} | //body[not(.//dialog[@open])]{inner}[not(ancestor::dialog)]"
            )
        };
        match self {
            By::Label(text) => {
                let label = format!("label[normalize-space()={}]", xpath_literal(text));
                Query::XPath(format!(
                    "{} | {}",
                    scoped(&format!("//*[@id = //{label}/@for]")),
                    scoped(&format!("//{label}//input"))
                ))
            }
            By::Button(text) => Query::XPath(scoped(&format!(
                "//*[self::button or self::summary][normalize-space()={}]",
                xpath_literal(text)
            ))),
            By::TestId(id) => Query::Css(format!("[data-testid=\"{id}\"]")),
            By::Css(css) => Query::Css(css.clone()),
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

/// What a command answered, or a failed test if the driver gives no answer
/// within [`COMMAND_TIMEOUT`].
async fn answer<T>(what: impl Display, command: impl Future<Output = T>) -> T {
    tokio::time::timeout(COMMAND_TIMEOUT, command)
        .await
        .unwrap_or_else(|_| panic!("{what}: the driver did not answer within {COMMAND_TIMEOUT:?}"))
}

pub(crate) struct Session {
    client: Client,
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
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".to_owned(), json!("wry"));
        capabilities.insert(
            "tauri:options".to_owned(),
            json!({"application": application, "args": args}),
        );
        // tauri-driver listens on 127.0.0.1: plain HTTP, no TLS.
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(capabilities);
        let client = tokio::time::timeout(LAUNCH_TIMEOUT, builder.connect(driver))
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "no session for {} within {LAUNCH_TIMEOUT:?}",
                    application.display()
                )
            })
            .unwrap_or_else(|error| panic!("no session for {}: {error}", application.display()));
        Session { client }
    }

    /// Waits until the page has marked itself ready (its controls listen),
    /// polling every `poll`; up to 60 s. Whatever fails before (an error in
    /// the page's start) fails here, with a screenshot.
    pub(crate) async fn wait_ready(&self, poll: Duration) {
        self.wait_until(
            poll,
            "ready",
            "return document.documentElement.dataset.ready === 'true';",
        )
        .await;
    }

    /// Waits until the form is usable as a person sees it: Subject and Send
    /// shown and enabled, and the page saying its form works (Send files,
    /// typing is kept); polling every `poll`, up to 60 s. The start-up
    /// benchmark's finish line, for the app and the bare window alike.
    pub(crate) async fn wait_usable(&self, poll: Duration) {
        self.wait_until(
            poll,
            "usable",
            "const shown = (id) => {
               const control = document.getElementById(id);
               return !!control && !control.disabled && !control.closest('[inert]')
                 && control.getClientRects().length > 0
                 && getComputedStyle(control).visibility === 'visible';
             };
             const page = document.documentElement.dataset;
             // A page that listens is usable (an older build marks only that).
             return (page.usable === 'true' || page.ready === 'true')
               && shown('subject') && shown('send');",
        )
        .await;
    }

    /// Waits until `condition` (a JavaScript function body returning a
    /// bool) holds, polling
    /// every `poll`, up to 60 s; the page notes when a poll first found it
    /// (the mark `start:NAME seen`, which the start-up benchmark reads: how
    /// long the answer then took).
    async fn wait_until(&self, poll: Duration, name: &str, condition: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        let script = format!(
            "const holds = (() => {{ {condition} }})();
             if (holds && !performance.getEntriesByName('start:{name} seen').length)
               performance.mark('start:{name} seen');
             return holds;"
        );
        loop {
            let holds = answer(
                format!("is the page {name}"),
                self.client.execute(&script, Vec::new()),
            )
            .await;
            // An error (the page not there yet) is not there either.
            if matches!(holds, Ok(Value::Bool(true))) {
                return;
            }
            if Instant::now() >= deadline {
                let shot = self.failure_screenshot().await;
                panic!("the page never became {name}: {holds:?} (screenshot: {shot})");
            }
            tokio::time::sleep(poll).await;
        }
    }

    /// A step that must succeed: an element that cannot be clicked or typed
    /// into fails the test (with a screenshot) instead of being skipped.
    async fn must<T>(
        &self,
        what: impl Display,
        step: impl Future<Output = Result<T, CmdError>>,
    ) -> T {
        match answer(&what, step).await {
            Ok(value) => value,
            Err(error) => {
                let shot = self.failure_screenshot().await;
                panic!("{what}: {error} (screenshot: {shot})");
            }
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
        if let Ok(Ok(png)) = tokio::time::timeout(COMMAND_TIMEOUT, self.client.screenshot()).await {
            let _ = std::fs::write(&shot, png);
        }
        shot.display().to_string()
    }

    /// The element `by` finds, waiting up to 15 s for it to appear.
    pub(crate) async fn find(&self, by: impl Into<By>) -> Element {
        let by = by.into();
        let query = by.query();
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let found = answer(
                format_args!("find {by:?}"),
                self.client.find(query.locator()),
            )
            .await;
            let error = match found {
                Ok(element) => return element,
                Err(error) => error,
            };
            assert!(
                Instant::now() < deadline,
                "no element {by:?}: {error} ({error:?})"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Clicks what `by` finds. A list the page redrew between finding and
    /// clicking (a retry's new time, say) has a new control in the same
    /// place, as a person would see it: found again and clicked.
    pub(crate) async fn click(&self, by: impl Into<By>) {
        let by = by.into();
        for _ in 0..5 {
            let element = self.find(by.clone()).await;
            self.uncover(&by, &element).await;
            let clicked = answer(format_args!("click {by:?}"), element.click()).await;
            match clicked {
                Ok(()) => return,
                Err(error) if error.is_stale_element_reference() => {}
                Err(error) => {
                    let shot = self.failure_screenshot().await;
                    panic!("click {by:?}: {error:?} (screenshot: {shot})");
                }
            }
        }
        let shot = self.failure_screenshot().await;
        panic!("{by:?} was redrawn under every click (screenshot: {shot})");
    }

    /// Clicks a control that ends the app: the click's own reply may never
    /// come, so only finding the control must succeed.
    pub(crate) async fn click_to_quit(&self, by: impl Into<By>) {
        let element = self.find(by).await;
        let _ = tokio::time::timeout(COMMAND_TIMEOUT, element.click()).await;
    }

    pub(crate) async fn type_into(&self, by: impl Into<By>, text: &str) {
        let by = by.into();
        let element = self.find(by.clone()).await;
        self.scroll_to(&by, &element).await;
        self.must(format_args!("clear {by:?}"), element.clear())
            .await;
        self.must(format_args!("type into {by:?}"), element.send_keys(text))
            .await;
    }

    /// Scrolls `element` to the middle of the window, as a person would
    /// before typing into it: WebKitWebDriver clears only what is in view.
    async fn scroll_to(&self, by: &By, element: &Element) {
        self.run_on(
            by,
            element,
            "arguments[0].scrollIntoView({block: 'center'});",
        )
        .await;
    }

    /// Scrolls `element` to the middle of the window only where something
    /// covers it (the sticky header over a panel's button scrolled up under
    /// it), as a person would: WebKitWebDriver's click then fails. What is
    /// in sight is left where it is.
    async fn uncover(&self, by: &By, element: &Element) {
        let script = "const e = arguments[0]; const r = e.getBoundingClientRect();
            if (r.width === 0 || r.height === 0) return;
            const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            if (!hit || !(hit === e || e.contains(hit))) e.scrollIntoView({block: 'center'});";
        self.run_on(by, element, script).await;
    }

    async fn run_on(&self, by: &By, element: &Element, script: &str) {
        let target = serde_json::to_value(element).expect("an element reference");
        let _ = answer(
            format_args!("scroll to {by:?}"),
            self.client.execute(script, vec![target]),
        )
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

    /// The element's text; one the page redrew while it was read is found
    /// again.
    pub(crate) async fn text(&self, by: impl Into<By>) -> String {
        let by = by.into();
        for _ in 0..5 {
            let element = self.find(by.clone()).await;
            match answer(format_args!("text of {by:?}"), element.text()).await {
                Ok(text) => return text,
                Err(error) if error.is_stale_element_reference() => {}
                Err(error) => {
                    let shot = self.failure_screenshot().await;
                    panic!("text of {by:?}: {error} (screenshot: {shot})");
                }
            }
        }
        let shot = self.failure_screenshot().await;
        panic!("{by:?} was redrawn under every read (screenshot: {shot})");
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
            let element = self.find(by.clone()).await;
            let value = answer(format_args!("value of {by:?}"), element.prop("value")).await;
            if matches!(&value, Ok(Some(value)) if value == wanted) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{by:?} never held {wanted:?}; it holds {value:?}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Waits up to 30 s for the element to be hidden.
    pub(crate) async fn wait_for_hidden(&self, by: impl Into<By>) {
        let by = by.into();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let element = self.find(by.clone()).await;
            let shown = answer(format_args!("is {by:?} shown"), element.is_displayed()).await;
            if matches!(shown, Ok(false)) {
                return;
            }
            assert!(Instant::now() < deadline, "{by:?} stayed visible");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Presses and releases the keys of `actions` in order, as a keyboard would.
    async fn keys(&self, actions: impl IntoIterator<Item = KeyAction>) {
        let keyboard = actions
            .into_iter()
            .fold(KeyActions::new("keyboard".to_owned()), InputSource::then);
        self.must("key presses", self.client.perform_actions(keyboard))
            .await;
    }

    /// Presses and releases `key` (a WebDriver key code such as [`TAB`]), on
    /// whatever has the focus, as a keyboard would.
    pub(crate) async fn press(&self, key: impl Into<char>) {
        let value = key.into();
        self.keys([KeyAction::Down { value }, KeyAction::Up { value }])
            .await;
    }

    /// Holds `modifier` while pressing `key`: Ctrl+Enter.
    pub(crate) async fn chord(&self, modifier: Key, key: impl Into<char>) {
        self.shortcut(&[modifier], key).await;
    }

    /// Holds every key of `modifiers` down in order, presses `key`, then lets
    /// go: Ctrl+Shift+C.
    pub(crate) async fn shortcut(&self, modifiers: &[Key], key: impl Into<char>) {
        let held: Vec<char> = modifiers
            .iter()
            .map(|&modifier| char::from(modifier))
            .chain([key.into()])
            .collect();
        let down = held.iter().map(|&value| KeyAction::Down { value });
        let up = held.iter().rev().map(|&value| KeyAction::Up { value });
        self.keys(down.chain(up)).await;
    }
    /// Runs `script` (a function body whose last argument is a callback)
    /// in the window and returns what it passes to the callback.
    pub(crate) async fn script_async(&self, script: &str) -> Value {
        self.must("script", self.client.execute_async(script, Vec::new()))
            .await
    }

    /// Types `text` into whatever has the focus.
    pub(crate) async fn type_keys(&self, text: &str) {
        self.keys(
            text.chars()
                .flat_map(|value| [KeyAction::Down { value }, KeyAction::Up { value }]),
        )
        .await;
    }

    /// Runs `script` (a function body) in the window and returns its value.
    pub(crate) async fn script(&self, script: &str) -> Value {
        self.must("script", self.client.execute(script, Vec::new()))
            .await
    }

    /// Saves a PNG of the window to `path`, once the page has painted what
    /// the DOM holds (a screenshot right after a change can show the frame
    /// before it).
    pub(crate) async fn screenshot(&self, path: &std::path::Path) {
        self.script_async(
            "const done = arguments[arguments.length - 1]; \
             requestAnimationFrame(() => requestAnimationFrame(() => done(null)));",
        )
        .await;
        let png = self.must("screenshot", self.client.screenshot()).await;
        std::fs::write(path, png).expect("the screenshot is written");
    }

    /// Resizes the window to `width` × `height`, as a person dragging its
    /// corner would, and waits until the page has laid itself out anew.
    pub(crate) async fn set_window_size(&self, width: u32, height: u32) {
        self.must(
            format_args!("resize the window to {width}×{height}"),
            self.client.set_window_size(width, height),
        )
        .await;
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let inner = self.script("return window.innerWidth;").await;
            if inner.as_u64() == Some(u64::from(width)) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the page is {inner} px wide, not {width} px"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Where the window is and how large: (x, y, width, height).
    pub(crate) async fn window_rect(&self) -> (u64, u64, u64, u64) {
        self.must("the window's place", self.client.get_window_rect())
            .await
    }

    /// Moves and resizes the window, as a person would.
    pub(crate) async fn set_window_rect(&self, x: u32, y: u32, width: u32, height: u32) {
        self.must(
            "move and resize the window",
            self.client.set_window_rect(x, y, width, height),
        )
        .await;
    }

    pub(crate) async fn end(self) {
        let _ = tokio::time::timeout(COMMAND_TIMEOUT, self.client.close()).await;
    }
}
