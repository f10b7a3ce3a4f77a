//! Updates with tauri-plugin-updater: a check at start and daily (by the
//! wall clock, so a night's suspend counts), "Version X is available" in
//! the window with its notes, and an install only on the person's word,
//! never in the middle of a send: delivery stops after its attempt in
//! flight is recorded, then the verified package is installed and the app
//! starts again. A package whose signature does not match the publisher's
//! key is refused before anything changes.
//!
//! Where the OS package manager owns the install (`.deb`, `.rpm`) the app
//! only says that an update exists, unless the administrator's policy
//! allows it to install the package itself (`AllowSelfUpdate`). The
//! `UpdateChecks` setting (or policy) turns checking off.
//!
//! Where updates come from is the plugin's configuration, which the
//! release workflow writes (the publisher's public key and the release's
//! `latest.json`); a build without it has no update source and checks
//! nothing. Debug builds also take `FEEDBACK_UPDATE_URL` and
//! `FEEDBACK_UPDATE_PUBKEY`, for the tests' local update server.

use std::sync::Mutex;
use std::time::Duration;

use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_updater::{Update, UpdaterExt};

use crate::events::{self, AppEvent};
use crate::settings::Settings;
use crate::state::App;

/// How often a check is due.
const EVERY: Duration = Duration::from_secs(24 * 60 * 60);
/// How often the app looks at the wall clock to see whether one is due.
const LOOK_EVERY: Duration = Duration::from_secs(10 * 60);
/// A check or a download that takes longer has failed.
const TIMEOUT: Duration = Duration::from_secs(120);

/// How an update gets installed here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) enum Install {
    /// The app installs it (AppImage, Windows installers, macOS app).
    App,
    /// The OS package manager does (`.deb`, `.rpm`): the app only tells.
    PackageManager,
    /// Not installed from a package (a development build): the app only tells.
    Manual,
}

/// Where the update stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) enum Phase {
    Idle,
    Checking,
    Downloading,
    /// Delivery is finishing its attempt in flight before the install.
    WaitingForSend,
    Installing,
}

/// What the window shows of updates.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UpdateView {
    pub(crate) current: &'static str,
    /// A newer version, when one was found (and not put off with "Later").
    pub(crate) available: Option<Available>,
    pub(crate) install: Install,
    pub(crate) phase: Phase,
    /// Why the last install failed.
    pub(crate) error: Option<Refusal>,
    /// Whether this build has an update source and checks are on.
    pub(crate) checks: bool,
    /// When the last check answered (Unix ms).
    pub(crate) checked_at: Option<i64>,
}

/// Why an update was not installed: `kind` for the window's words
/// ("signature", "format", "denied", "other"), `detail` for the log and
/// diagnostics.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Refusal {
    pub(crate) kind: &'static str,
    pub(crate) detail: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Available {
    pub(crate) version: String,
    pub(crate) notes: Option<String>,
    /// RFC 3339, when the release says.
    pub(crate) date: Option<String>,
}

/// The managed state behind [`UpdateView`].
#[derive(Default)]
pub(crate) struct Updates {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    found: Option<Update>,
    /// The version put off with "Later" (until the next start).
    later: Option<String>,
    phase: Option<Phase>,
    error: Option<Refusal>,
    checked_at: Option<i64>,
}

impl Updates {
    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        let mut inner = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut inner)
    }
}

/// Where updates come from.
enum Source {
    /// The updater plugin's configuration (`plugins.updater`, written by
    /// the release workflow): the publisher's key and the manifest's URL.
    Configured,
    /// A debug build's test source: `FEEDBACK_UPDATE_URL`, signed with the
    /// key in `FEEDBACK_UPDATE_PUBKEY`.
    #[cfg(debug_assertions)]
    Test {
        pubkey: Option<String>,
        endpoint: Option<tauri::Url>,
    },
}

impl Source {
    /// The environment's test source (debug builds), else the plugin's
    /// configuration when it names a key and an endpoint.
    fn of<R: Runtime>(handle: &AppHandle<R>) -> Option<Self> {
        #[cfg(debug_assertions)]
        if let Some(url) = std::env::var("FEEDBACK_UPDATE_URL")
            .ok()
            .filter(|url| !url.is_empty())
        {
            return Some(Self::Test {
                pubkey: std::env::var("FEEDBACK_UPDATE_PUBKEY").ok(),
                endpoint: url.parse().ok(),
            });
        }
        let config = handle.config().plugins.0.get("updater")?;
        let pubkey = config.get("pubkey")?.as_str()?;
        let endpoints = config.get("endpoints")?.as_array()?;
        (!pubkey.is_empty() && !endpoints.is_empty()).then_some(Self::Configured)
    }

    fn updater<R: Runtime>(
        &self,
        handle: &AppHandle<R>,
    ) -> Result<tauri_plugin_updater::Updater, tauri_plugin_updater::Error> {
        let builder = handle.updater_builder().timeout(TIMEOUT);
        match self {
            Self::Configured => builder.build(),
            #[cfg(debug_assertions)]
            Self::Test { pubkey, endpoint } => {
                let mut builder = builder;
                if let Some(pubkey) = pubkey {
                    builder = builder.pubkey(pubkey);
                }
                if let Some(endpoint) = endpoint {
                    builder = builder.endpoints(vec![endpoint.clone()])?;
                }
                builder.build()
            }
        }
    }
}

/// Adds the plugin and starts checking: at once, then whenever a day has
/// passed by the wall clock. Called once the window is ready.
pub(crate) fn start<R: Runtime>(handle: &AppHandle<R>) {
    if let Err(error) = handle.plugin(tauri_plugin_updater::Builder::new().build()) {
        log::warn!("updates: the updater could not start: {error}");
        return;
    }
    handle.manage(Updates::default());
    let handle = handle.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            let due = handle.state::<Updates>().with(|inner| {
                inner
                    .checked_at
                    .is_none_or(|at| now_ms().saturating_sub(at) >= EVERY.as_millis() as i64)
            });
            if due && checks_on(&handle) {
                let _ = check(&handle).await;
            }
            tokio::time::sleep(LOOK_EVERY).await;
        }
    });
}

/// Whether this build has an update source and the settings let it check.
fn checks_on<R: Runtime>(handle: &AppHandle<R>) -> bool {
    Source::of(handle).is_some() && update_checks(handle)
}

/// Why "Check now" did not ask: `code` for the window's words.
#[derive(Debug)]
pub(crate) struct NotAsked {
    pub(crate) code: &'static str,
    pub(crate) reason: String,
}

impl NotAsked {
    fn new(code: &'static str, reason: impl Into<String>) -> Self {
        Self {
            code,
            reason: reason.into(),
        }
    }
}

/// "Check now": as [`check`], unless the organisation turned checks off.
pub(crate) async fn check_now<R: Runtime>(handle: &AppHandle<R>) -> Result<(), NotAsked> {
    if crate::policy::held(handle).enforced.update_checks == Some(false) {
        return Err(NotAsked::new(
            "update_checks_off",
            "your organisation turned update checks off",
        ));
    }
    check(handle).await
}

/// Asks the update source now. `Err`: why it could not be asked.
async fn check<R: Runtime>(handle: &AppHandle<R>) -> Result<(), NotAsked> {
    let Some(updates) = handle.try_state::<Updates>() else {
        return Err(NotAsked::new("starting", "updates are still starting"));
    };
    let Some(source) = Source::of(handle) else {
        return Err(NotAsked::new(
            "no_update_source",
            "this build has no update source",
        ));
    };
    if updates.with(|inner| inner.phase.is_some()) {
        return Ok(());
    }
    set_phase(handle, Some(Phase::Checking));
    let answer = match source.updater(handle) {
        Ok(updater) => updater.check().await,
        Err(error) => Err(error),
    };
    let result = updates.with(|inner| {
        inner.phase = None;
        match answer {
            Ok(found) => {
                if let Some(update) = &found {
                    log::info!("updates: version {} is available", update.version);
                }
                inner.found = found;
                inner.checked_at = Some(now_ms());
                Ok(())
            }
            Err(error) => {
                log::warn!("updates: the check failed: {error}");
                Err(NotAsked::new("update_check_failed", error.to_string()))
            }
        }
    });
    tell(handle);
    result
}

/// "Later": the window stops showing this version until the next start.
pub(crate) fn later<R: Runtime>(handle: &AppHandle<R>) {
    if let Some(updates) = handle.try_state::<Updates>() {
        updates.with(|inner| {
            inner.later = inner.found.as_ref().map(|update| update.version.clone());
            inner.error = None;
        });
    }
    tell(handle);
}

/// Installs the update found, on the person's word: downloads and
/// verifies it, lets delivery finish its attempt in flight and stop,
/// installs, and starts the app again. On any failure nothing has
/// changed and delivery goes on; the error says why.
pub(crate) async fn install<R: Runtime>(handle: &AppHandle<R>) -> Result<(), String> {
    let updates = handle
        .try_state::<Updates>()
        .ok_or("updates are still starting")?;
    let update = updates
        .with(|inner| inner.found.clone())
        .ok_or("no update is available")?;
    if how(handle) != Install::App {
        return Err("this installation is updated by its package manager".into());
    }
    if updates.with(|inner| inner.phase.is_some()) {
        return Err("an update is already being checked or installed".into());
    }
    let Err(refusal) = install_found(handle, &update).await;
    log::warn!(
        "updates: version {} not installed: {}",
        update.version,
        refusal.detail
    );
    let detail = refusal.detail.clone();
    updates.with(|inner| inner.error = Some(refusal));
    set_phase(handle, None);
    Err(detail)
}

/// Returns only when the update was not installed.
async fn install_found<R: Runtime>(
    handle: &AppHandle<R>,
    update: &Update,
) -> Result<std::convert::Infallible, Refusal> {
    set_phase(handle, Some(Phase::Downloading));
    let bytes = update
        .download(|_, _| {}, || {})
        .await
        .map_err(|error| refused(&error))?;
    set_phase(handle, Some(Phase::WaitingForSend));
    let app = handle.state::<App>();
    app.shutdown().await;
    set_phase(handle, Some(Phase::Installing));
    let installing = update.clone();
    let installed = tauri::async_runtime::spawn_blocking(move || installing.install(bytes))
        .await
        .map_err(|error| Refusal {
            kind: "other",
            detail: error.to_string(),
        })
        .and_then(|done| done.map_err(|error| refused(&error)));
    if let Err(error) = installed {
        // Nothing was installed: delivery goes on as before.
        app.deliveries.start().await;
        return Err(error);
    }
    log::info!(
        "updates: version {} installed; starting again",
        update.version
    );
    handle.restart()
}

/// Why the plugin did not install: a signature that does not match the
/// publisher's key, a package of the wrong kind, a refused password
/// prompt, or anything else (the network, the disk).
fn refused(error: &tauri_plugin_updater::Error) -> Refusal {
    use tauri_plugin_updater::Error;
    let kind = match error {
        Error::Minisign(_) | Error::Base64(_) | Error::SignatureUtf8(_) => "signature",
        Error::InvalidUpdaterFormat | Error::BinaryNotFoundInArchive => "format",
        Error::AuthenticationFailed => "denied",
        _ => "other",
    };
    Refusal {
        kind,
        detail: error.to_string(),
    }
}

/// How this installation is updated: by the app, or by the package
/// manager that installed it (unless the policy allows the app to).
fn how<R: Runtime>(handle: &AppHandle<R>) -> Install {
    #[cfg(target_os = "linux")]
    let appimage = handle.env().appimage.is_some();
    #[cfg(not(target_os = "linux"))]
    let appimage = false;
    install_by(
        tauri::utils::platform::bundle_type(),
        appimage,
        allow_self_update(handle),
    )
}

/// The policy's `AllowSelfUpdate`.
fn allow_self_update<R: Runtime>(handle: &AppHandle<R>) -> bool {
    handle
        .try_state::<crate::policy::OrgPolicy>()
        .is_some_and(|policy| policy.allow_self_update())
}

/// The "Check for updates" setting (or what the policy makes it).
fn update_checks<R: Runtime>(handle: &AppHandle<R>) -> bool {
    Settings::load(handle).update_checks
}

fn install_by(
    bundle: Option<tauri::utils::config::BundleType>,
    appimage: bool,
    allow_self_update: bool,
) -> Install {
    use tauri::utils::config::BundleType;
    match bundle {
        Some(BundleType::Deb | BundleType::Rpm) if allow_self_update => Install::App,
        Some(BundleType::Deb | BundleType::Rpm) => Install::PackageManager,
        Some(_) => Install::App,
        // An AppImage the bundler did not mark (a test's stand-in).
        None if appimage => Install::App,
        None => Install::Manual,
    }
}

/// What the window shows now.
pub(crate) fn view<R: Runtime>(handle: &AppHandle<R>) -> UpdateView {
    let install = how(handle);
    let checks = checks_on(handle);
    let Some(updates) = handle.try_state::<Updates>() else {
        return UpdateView {
            current: env!("CARGO_PKG_VERSION"),
            available: None,
            install,
            phase: Phase::Idle,
            error: None,
            checks,
            checked_at: None,
        };
    };
    updates.with(|inner| UpdateView {
        current: env!("CARGO_PKG_VERSION"),
        available: inner
            .found
            .as_ref()
            .filter(|update| inner.later.as_ref() != Some(&update.version))
            .map(|update| Available {
                version: update.version.clone(),
                notes: update.body.clone().filter(|notes| !notes.trim().is_empty()),
                date: update
                    .raw_json
                    .get("pub_date")
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_owned),
            }),
        install,
        phase: inner.phase.unwrap_or(Phase::Idle),
        error: inner.error.clone(),
        checks,
        checked_at: inner.checked_at,
    })
}

/// What diagnostics say of updates.
pub(crate) fn report<R: Runtime>(handle: &AppHandle<R>) -> String {
    let view = view(handle);
    format!(
        "updates: {} ({:?}); available: {}; last check: {}",
        if view.checks {
            "checked daily"
        } else {
            "not checked"
        },
        view.install,
        view.available
            .map(|available| available.version)
            .unwrap_or_else(|| "none".into()),
        view.checked_at
            .map(|at| at.to_string())
            .unwrap_or_else(|| "never".into()),
    )
}

fn set_phase<R: Runtime>(handle: &AppHandle<R>, phase: Option<Phase>) {
    if let Some(updates) = handle.try_state::<Updates>() {
        updates.with(|inner| {
            inner.phase = phase;
            if phase.is_some() {
                inner.error = None;
            }
        });
    }
    tell(handle);
}

/// Tells the window where updates stand (after a policy change, say).
pub(crate) fn changed<R: Runtime>(handle: &AppHandle<R>) {
    tell(handle);
}

fn tell<R: Runtime>(handle: &AppHandle<R>) {
    events::tell(
        handle,
        AppEvent::Update {
            update: view(handle),
        },
    );
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_millis() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tauri::utils::config::BundleType;

    #[test]
    fn the_package_manager_installs_what_it_owns_unless_the_policy_allows_the_app() {
        for bundle in [BundleType::Deb, BundleType::Rpm] {
            assert_eq!(
                install_by(Some(bundle.clone()), false, false),
                Install::PackageManager
            );
            assert_eq!(install_by(Some(bundle), false, true), Install::App);
        }
        for bundle in [
            BundleType::AppImage,
            BundleType::Msi,
            BundleType::Nsis,
            BundleType::App,
        ] {
            assert_eq!(install_by(Some(bundle), false, false), Install::App);
        }
        assert_eq!(install_by(None, true, false), Install::App, "an AppImage");
        assert_eq!(install_by(None, false, true), Install::Manual, "a build");
    }
}
