//! What the desktop offers the app: whether a tray is shown anywhere
//! (vanilla GNOME shows none without an extension, and a window hidden "to
//! the tray" there could never be found again), and whether global
//! shortcuts can work (Wayland keeps keys from other apps to itself), and
//! whether notifications render markup.

/// Whether a StatusNotifier/AppIndicator host shows tray icons. On Linux
/// that is a host registered with `org.kde.StatusNotifierWatcher` on the
/// session bus; Windows and macOS always have one.
pub(crate) fn tray_host_available() -> bool {
    #[cfg(target_os = "linux")]
    {
        status_notifier_host().unwrap_or(false)
    }
    #[cfg(not(target_os = "linux"))]
    {
        true
    }
}

#[cfg(target_os = "linux")]
fn status_notifier_host() -> zbus::Result<bool> {
    let bus = zbus::blocking::Connection::session()?;
    let watcher: zbus::blocking::Proxy<'_> = zbus::blocking::proxy::Builder::new(&bus)
        .destination("org.kde.StatusNotifierWatcher")?
        .path("/StatusNotifierWatcher")?
        .interface("org.kde.StatusNotifierWatcher")?
        // One property, read once: nothing to cache (and no warning when
        // there is no watcher at all).
        .cache_properties(zbus::proxy::CacheProperties::No)
        .build()?;
    watcher.get_property::<bool>("IsStatusNotifierHostRegistered")
}

/// Why global shortcuts cannot work here, if they cannot.
pub(crate) fn shortcuts_unavailable() -> Option<&'static str> {
    let wayland = std::env::var("XDG_SESSION_TYPE").is_ok_and(|kind| kind == "wayland")
        || std::env::var_os("WAYLAND_DISPLAY").is_some();
    (cfg!(target_os = "linux") && wayland)
        .then_some("Wayland does not let an app listen for keys pressed in other apps; use the tray's New ticket instead")
}

/// Whether the OS's notification server renders markup in bodies: on
/// Linux, one that lists `body-markup` among its capabilities (asked once;
/// a server that cannot be asked counts as one that does, as most do, so
/// text is escaped rather than rendered); Windows and macOS never do.
pub(crate) fn markup_in_notifications() -> bool {
    #[cfg(target_os = "linux")]
    {
        static MARKUP: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        *MARKUP.get_or_init(|| {
            notification_capabilities().map_or(true, |capabilities| {
                capabilities.iter().any(|c| c == "body-markup")
            })
        })
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

#[cfg(target_os = "linux")]
fn notification_capabilities() -> zbus::Result<Vec<String>> {
    let bus = zbus::blocking::Connection::session()?;
    let reply = bus.call_method(
        Some("org.freedesktop.Notifications"),
        "/org/freedesktop/Notifications",
        Some("org.freedesktop.Notifications"),
        "GetCapabilities",
        &(),
    )?;
    reply.body().deserialize()
}
