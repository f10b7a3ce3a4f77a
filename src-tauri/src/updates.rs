//! Updates with tauri-plugin-updater: a check at start and daily (by the
//! wall clock, so a night's suspend counts), "Version X is available" in
//! the window with its notes, and an install only on the person's word,
//! never in the middle of a send: the desk stops delivery after its attempt
//! in flight, then the verified package is installed and the app starts
//! again. A package whose signature does not match the publisher's key is
//! refused before anything changes. What the window is shown, and who
//! installs (the package manager owns a `.deb` or `.rpm` unless the policy
//! says otherwise), is [`feedback_core::updates`]'s to decide.
//!
//! Where updates come from is the plugin's configuration, which the
//! release workflow writes (the publisher's public key and the release's
//! `latest.json`); a build without it has no update source and checks
//! nothing. Debug builds also take `FEEDBACK_UPDATE_URL` and
//! `FEEDBACK_UPDATE_PUBKEY`, for the tests' local update server.

use std::sync::Mutex;
use std::time::Duration;

use feedback_core::delivery::Clock;
use feedback_core::updates::{
    Available, Install, Package, Phase, Refusal, UpdateState, UpdateView,
};
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_updater::{Update, UpdaterExt};

use crate::state::Shell;
use crate::window;

/// How often the app looks at the wall clock to see whether a check is due.
const LOOK_EVERY: Duration = Duration::from_secs(10 * 60);
/// A check or a download that takes longer has failed.
const TIMEOUT: Duration = Duration::from_secs(120);

/// The window's news of updates.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
enum UpdateEvent {
    Update { update: UpdateView },
}

/// The managed state: where updates stand, and the update found.
#[derive(Default)]
struct Updates {
    state: Mutex<UpdateState>,
    found: Mutex<Option<Update>>,
}

impl Updates {
    fn with<T>(&self, f: impl FnOnce(&mut UpdateState) -> T) -> T {
        f(&mut self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    fn found(&self) -> Option<Update> {
        self.found
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
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
            let due = handle
                .state::<Updates>()
                .with(|state| state.due(Clock::system().now_ms()));
            if due && checks_on(&handle) {
                let _ = check(&handle).await;
            }
            tokio::time::sleep(LOOK_EVERY).await;
        }
    });
}

/// Whether this build has an update source and the settings let it check.
fn checks_on<R: Runtime>(handle: &AppHandle<R>) -> bool {
    Source::of(handle).is_some()
        && handle
            .try_state::<Shell>()
            .is_some_and(|shell| shell.settings().update_checks)
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
    let off = handle
        .try_state::<Shell>()
        .is_some_and(|shell| shell.desk.policy().enforced.update_checks == Some(false));
    if off {
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
    if updates.with(|state| state.busy()) {
        return Ok(());
    }
    set_phase(handle, Some(Phase::Checking));
    let answer = match source.updater(handle) {
        Ok(updater) => updater.check().await,
        Err(error) => Err(error),
    };
    let result = match answer {
        Ok(found) => {
            if let Some(update) = &found {
                log::info!("updates: version {} is available", update.version);
            }
            let available = found.as_ref().map(available);
            *updates
                .found
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = found;
            updates.with(|state| state.checked(available, Clock::system().now_ms()));
            Ok(())
        }
        Err(error) => {
            log::warn!("updates: the check failed: {error}");
            updates.with(UpdateState::check_failed);
            Err(NotAsked::new("update_check_failed", error.to_string()))
        }
    };
    tell(handle);
    result
}

/// What the window shows of `update`.
fn available(update: &Update) -> Available {
    Available {
        version: update.version.clone(),
        notes: update.body.clone().filter(|notes| !notes.trim().is_empty()),
        date: update
            .raw_json
            .get("pub_date")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned),
    }
}

/// "Later": the window stops showing this version until the next start.
pub(crate) fn later<R: Runtime>(handle: &AppHandle<R>) {
    if let Some(updates) = handle.try_state::<Updates>() {
        updates.with(UpdateState::later);
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
    let update = updates.found().ok_or("no update is available")?;
    if how(handle) != Install::App {
        return Err("this installation is updated by its package manager".into());
    }
    if updates.with(|state| state.busy()) {
        return Err("an update is already being checked or installed".into());
    }
    let Err(refusal) = install_found(handle, &update).await;
    log::warn!(
        "updates: version {} not installed: {}",
        update.version,
        refusal.detail
    );
    let detail = refusal.detail.clone();
    updates.with(|state| state.refused(refusal));
    tell(handle);
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
    let desk = handle.state::<Shell>().desk.clone();
    desk.shutdown().await;
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
        desk.start().await;
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
    use tauri::utils::config::BundleType;
    #[cfg(target_os = "linux")]
    let appimage = handle.env().appimage.is_some();
    #[cfg(not(target_os = "linux"))]
    let appimage = false;
    let package = match tauri::utils::platform::bundle_type() {
        Some(BundleType::Deb | BundleType::Rpm) => Package::Managed,
        Some(_) => Package::Other,
        None => Package::Unmarked { appimage },
    };
    let allow = handle
        .try_state::<Shell>()
        .is_some_and(|shell| shell.desk.policy().allow_self_update());
    Install::of(package, allow)
}

/// What the window shows now.
pub(crate) fn view<R: Runtime>(handle: &AppHandle<R>) -> UpdateView {
    let (install, checks) = (how(handle), checks_on(handle));
    handle.try_state::<Updates>().map_or_else(
        || UpdateState::default().view(install, checks),
        |updates| updates.with(|state| state.view(install, checks)),
    )
}

fn set_phase<R: Runtime>(handle: &AppHandle<R>, phase: Option<Phase>) {
    if let Some(updates) = handle.try_state::<Updates>() {
        updates.with(|state| state.set_phase(phase));
    }
    tell(handle);
}

/// Tells the window where updates stand (after a policy change, say).
pub(crate) fn changed<R: Runtime>(handle: &AppHandle<R>) {
    tell(handle);
}

fn tell<R: Runtime>(handle: &AppHandle<R>) {
    window::tell(
        handle,
        &UpdateEvent::Update {
            update: view(handle),
        },
    );
}
