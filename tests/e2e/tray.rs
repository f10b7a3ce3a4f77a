//! A stand-in tray host, named as such: it owns
//! `org.kde.StatusNotifierWatcher` on the test's session bus and says a
//! host is registered, as a desktop with a tray (KDE, GNOME with the
//! AppIndicator extension) does. The app's real tray icon
//! (libayatana-appindicator) registers with it over real D-Bus, and its
//! menu is clicked through the real `com.canonical.dbusmenu` interface,
//! as a tray shows and clicks it. Dropping it leaves the bus with no host.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Deserialize;
use zbus::zvariant::{OwnedObjectPath, OwnedValue, Type, Value};

pub(crate) struct TrayHost {
    connection: zbus::Connection,
    items: Arc<Mutex<Vec<(String, String)>>>,
}

struct Watcher {
    items: Arc<Mutex<Vec<(String, String)>>>,
}

#[zbus::interface(name = "org.kde.StatusNotifierWatcher")]
impl Watcher {
    async fn register_status_notifier_item(
        &self,
        service: String,
        #[zbus(header)] header: zbus::message::Header<'_>,
    ) {
        let sender = header.sender().map(ToString::to_string).unwrap_or_default();
        self.items.lock().unwrap().push((sender, service));
    }

    async fn register_status_notifier_host(&self, _service: String) {}

    #[zbus(property)]
    async fn registered_status_notifier_items(&self) -> Vec<String> {
        let items = self.items.lock().unwrap();
        items
            .iter()
            .map(|(sender, path)| format!("{sender}{path}"))
            .collect()
    }

    #[zbus(property)]
    async fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    async fn protocol_version(&self) -> i32 {
        0
    }
}

/// A dbusmenu layout node: `(ia{sv}av)`.
#[derive(Debug, Deserialize, Type, Value, zbus::zvariant::OwnedValue)]
struct Layout {
    id: i32,
    properties: HashMap<String, OwnedValue>,
    children: Vec<OwnedValue>,
}

impl Layout {
    /// The id of the item labelled `label` (mnemonic underscores aside).
    fn find(&self, label: &str) -> Option<i32> {
        let own = self
            .properties
            .get("label")
            .and_then(|value| String::try_from(value.try_clone().ok()?).ok());
        if own.is_some_and(|own| own.replace('_', "") == label) {
            return Some(self.id);
        }
        self.children.iter().find_map(|child| {
            let child = Layout::try_from(child.try_clone().ok()?).ok()?;
            child.find(label)
        })
    }
}

impl TrayHost {
    pub(crate) async fn start() -> Self {
        let items = Arc::new(Mutex::new(Vec::new()));
        let watcher = Watcher {
            items: items.clone(),
        };
        let connection = zbus::connection::Builder::session()
            .unwrap()
            .name("org.kde.StatusNotifierWatcher")
            .unwrap()
            .serve_at("/StatusNotifierWatcher", watcher)
            .unwrap()
            .build()
            .await
            .expect("the stand-in tray host takes its name on the session bus");
        Self { connection, items }
    }

    /// Clicks the tray menu's item labelled `label`, once the app's icon
    /// has registered (within 20 s).
    pub(crate) async fn click(&self, label: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        let (sender, service) = loop {
            if let Some(item) = self.items.lock().unwrap().last().cloned() {
                break item;
            }
            assert!(
                Instant::now() < deadline,
                "the app's tray icon never registered"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        // The item names itself by object path (on its own connection) or by bus name.
        let (destination, path) = if service.starts_with('/') {
            (sender, service)
        } else {
            (service, "/StatusNotifierItem".to_owned())
        };
        let item = zbus::Proxy::new(
            &self.connection,
            destination.clone(),
            path,
            "org.kde.StatusNotifierItem",
        )
        .await
        .unwrap();
        let menu: OwnedObjectPath = item
            .get_property("Menu")
            .await
            .expect("the item has a menu");
        let menu = zbus::Proxy::new(
            &self.connection,
            destination,
            menu,
            "com.canonical.dbusmenu",
        )
        .await
        .unwrap();
        let (_, layout): (u32, Layout) = menu
            .call("GetLayout", &(0i32, -1i32, Vec::<String>::new()))
            .await
            .expect("the menu's layout");
        let id = layout
            .find(label)
            .unwrap_or_else(|| panic!("no tray menu item {label:?} in {layout:?}"));
        let () = menu
            .call("Event", &(id, "clicked", Value::from(0i32), 0u32))
            .await
            .expect("the click is delivered");
    }
}
