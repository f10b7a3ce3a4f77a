//! A stand-in notification server, named as such: it owns
//! `org.freedesktop.Notifications` on the test's session bus, says it
//! renders markup in bodies (as GNOME Shell, Plasma, dunst and mako do),
//! and keeps what the app's real notification plugin sends it over real
//! D-Bus. Dropping it leaves the bus with no notification server.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use feedback_sandbox::{Config, Faults};
use zbus::zvariant::OwnedValue;

use crate::harness::World;
use crate::webdriver::By;

/// A notification as shown: its summary and body.
#[derive(Debug, Clone)]
struct Shown {
    summary: String,
    body: String,
}

struct NotificationServer {
    _connection: zbus::Connection,
    shown: Arc<Mutex<Vec<Shown>>>,
}

struct Server {
    shown: Arc<Mutex<Vec<Shown>>>,
}

#[zbus::interface(name = "org.freedesktop.Notifications")]
impl Server {
    async fn get_capabilities(&self) -> Vec<String> {
        vec![
            "body".into(),
            "body-markup".into(),
            "body-hyperlinks".into(),
        ]
    }

    #[allow(clippy::too_many_arguments)]
    async fn notify(
        &self,
        _app_name: String,
        _replaces_id: u32,
        _app_icon: String,
        summary: String,
        body: String,
        _actions: Vec<String>,
        _hints: HashMap<String, OwnedValue>,
        _expire_timeout: i32,
    ) -> u32 {
        let mut shown = self.shown.lock().unwrap();
        shown.push(Shown { summary, body });
        u32::try_from(shown.len()).unwrap_or(u32::MAX)
    }

    async fn close_notification(&self, _id: u32) {}

    async fn get_server_information(&self) -> (String, String, String, String) {
        (
            "stand-in".into(),
            "feedback-e2e".into(),
            "1".into(),
            "1.2".into(),
        )
    }
}

impl NotificationServer {
    async fn start() -> Self {
        let shown = Arc::new(Mutex::new(Vec::new()));
        let server = Server {
            shown: shown.clone(),
        };
        let connection = zbus::connection::Builder::session()
            .unwrap()
            .name("org.freedesktop.Notifications")
            .unwrap()
            .serve_at("/org/freedesktop/Notifications", server)
            .unwrap()
            .build()
            .await
            .expect("the stand-in notification server takes its name on the session bus");
        Self {
            _connection: connection,
            shown,
        }
    }

    /// The first notification whose body holds `words` (within 20 s).
    async fn wait_for(&self, words: &str) -> Shown {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let found = self
                .shown
                .lock()
                .unwrap()
                .iter()
                .find(|shown| shown.body.contains(words))
                .cloned();
            if let Some(shown) = found {
                return shown;
            }
            assert!(
                Instant::now() < deadline,
                "no notification says {words:?}: {:?}",
                self.shown.lock().unwrap()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Words a server sent, with markup in them.
const HOSTILE: &str = r#"Unknown <b>channel</b>: <a href="https://evil.example/login">sign in again</a> & <img src="https://evil.example/pixel">"#;

/// Issue 19: a notification's body carries the server's words, and a
/// notification server that renders markup would have shown a link and
/// loaded an image from them. They are escaped where the server renders
/// markup, so they show as written.
#[tokio::test]
#[ignore = "needs Xvfb, tauri-driver and a Secret Service: scripts/test.sh runs it"]
async fn a_servers_words_in_a_notification_show_as_written() {
    let config = Config {
        faults: Faults {
            channel_not_found_message: Some(HOSTILE.into()),
            ..Faults::default()
        },
        ..Config::default()
    };
    let (world, app) = World::start_with(config).await;
    crate::harness::sign_in(&app).await;
    let notifications = NotificationServer::start().await;
    app.type_into(By::Label("Channel"), "suport").await;
    app.type_into(By::Label("Subject"), "Refund missing").await;
    app.type_into(By::Label("Message"), "Invoice 2024-0031.")
        .await;
    crate::form::send_to_a_new_channel(&app, "suport").await;
    app.wait_for_text(By::TestId("result"), "Unknown channel")
        .await;

    let shown = notifications.wait_for("sign in again").await;
    assert_eq!(shown.summary, "A ticket needs attention");
    assert!(
        !shown.body.contains('<') && !shown.body.contains('>'),
        "no markup reaches the server: {shown:?}"
    );
    assert!(
        shown
            .body
            .contains("&lt;a href=&quot;https://evil.example/login&quot;&gt;sign in again&lt;/a&gt; &amp; &lt;img"),
        "the words show as written: {shown:?}"
    );
    drop(world);
    app.end().await;
}
