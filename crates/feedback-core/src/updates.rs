//! Where an update of the app stands, and who installs it: what the window
//! shows of updates ([`UpdateView`]), decided here; the shell's updater
//! plugin only finds, downloads, checks and installs packages. An install
//! stops delivery first, after its attempt in flight
//! ([`Desk::shutdown`](crate::Desk::shutdown)).

use serde::Serialize;

/// How often a check is due, by the wall clock (a night's suspend counts).
pub const CHECK_EVERY_MS: i64 = 24 * 60 * 60 * 1000;

/// How an update gets installed here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Install {
    /// The app installs it (AppImage, Windows installers, macOS app).
    App,
    /// The OS package manager does (`.deb`, `.rpm`): the app only tells.
    PackageManager,
    /// Not installed from a package (a development build): the app only tells.
    Manual,
}

/// How this copy of the app was installed, as the bundler marked it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Package {
    /// A `.deb` or `.rpm`: the OS's package manager owns it.
    Managed,
    /// Any other installer (AppImage, MSI, NSIS, the macOS app).
    Other,
    /// Not marked: a development build, or an AppImage run as it is.
    Unmarked { appimage: bool },
}

impl Install {
    /// Who installs updates of `package`: the package manager what it
    /// owns, unless the policy lets the app (`AllowSelfUpdate`).
    pub fn of(package: Package, allow_self_update: bool) -> Self {
        match package {
            Package::Managed if allow_self_update => Self::App,
            Package::Managed => Self::PackageManager,
            Package::Other | Package::Unmarked { appimage: true } => Self::App,
            Package::Unmarked { appimage: false } => Self::Manual,
        }
    }
}

/// Where the update stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Phase {
    Idle,
    Checking,
    Downloading,
    /// Delivery is finishing its attempt in flight before the install.
    WaitingForSend,
    Installing,
}

/// A newer version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Available {
    pub version: String,
    pub notes: Option<String>,
    /// RFC 3339, when the release says.
    pub date: Option<String>,
}

/// Why an update was not installed: `kind` for the window's words
/// ("signature", "format", "denied", "other"), `detail` for the log and
/// diagnostics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Refusal {
    pub kind: &'static str,
    pub detail: String,
}

/// What the window shows of updates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateView {
    pub current: &'static str,
    /// A newer version, when one was found (and not put off with "Later").
    pub available: Option<Available>,
    pub install: Install,
    pub phase: Phase,
    /// Why the last install failed.
    pub error: Option<Refusal>,
    /// Whether this build has an update source and checks are on.
    pub checks: bool,
    /// When the last check answered (Unix ms).
    pub checked_at: Option<i64>,
}

/// What this run knows of updates.
#[derive(Debug, Clone, Default)]
pub struct UpdateState {
    found: Option<Available>,
    /// The version put off with "Later" (until the next start).
    later: Option<String>,
    phase: Option<Phase>,
    error: Option<Refusal>,
    checked_at: Option<i64>,
}

impl UpdateState {
    /// Whether a check is due at `now` (Unix ms): never checked, or a day ago.
    pub fn due(&self, now: i64) -> bool {
        self.checked_at
            .is_none_or(|at| now.saturating_sub(at) >= CHECK_EVERY_MS)
    }

    /// Whether a check or an install is under way.
    pub fn busy(&self) -> bool {
        self.phase.is_some()
    }

    /// A check answered at `now`: `found` is the newer version, if any.
    pub fn checked(&mut self, found: Option<Available>, now: i64) {
        self.phase = None;
        self.found = found;
        self.checked_at = Some(now);
    }

    /// A check that failed.
    pub fn check_failed(&mut self) {
        self.phase = None;
    }

    /// "Later": the version found is not shown again until the next start.
    pub fn later(&mut self) {
        self.later = self.found.as_ref().map(|found| found.version.clone());
        self.error = None;
    }

    pub fn set_phase(&mut self, phase: Option<Phase>) {
        self.phase = phase;
        if phase.is_some() {
            self.error = None;
        }
    }

    /// An install that did not happen, and why.
    pub fn refused(&mut self, refusal: Refusal) {
        self.phase = None;
        self.error = Some(refusal);
    }

    pub fn view(&self, install: Install, checks: bool) -> UpdateView {
        UpdateView {
            current: env!("CARGO_PKG_VERSION"),
            available: self
                .found
                .clone()
                .filter(|found| self.later.as_ref() != Some(&found.version)),
            install,
            phase: self.phase.unwrap_or(Phase::Idle),
            error: self.error.clone(),
            checks,
            checked_at: self.checked_at,
        }
    }
}

impl UpdateView {
    /// What diagnostics say of updates.
    pub fn report(&self) -> String {
        format!(
            "updates: {} ({:?}); available: {}; last check: {}",
            if self.checks {
                "checked daily"
            } else {
                "not checked"
            },
            self.install,
            self.available
                .as_ref()
                .map_or("none", |available| available.version.as_str()),
            self.checked_at
                .map_or_else(|| "never".into(), |at| at.to_string()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_package_manager_installs_what_it_owns_unless_the_policy_allows_the_app() {
        assert_eq!(
            Install::of(Package::Managed, false),
            Install::PackageManager
        );
        assert_eq!(Install::of(Package::Managed, true), Install::App);
        assert_eq!(Install::of(Package::Other, false), Install::App);
        assert_eq!(
            Install::of(Package::Unmarked { appimage: true }, false),
            Install::App,
            "an AppImage"
        );
        assert_eq!(
            Install::of(Package::Unmarked { appimage: false }, true),
            Install::Manual,
            "a build"
        );
    }

    #[test]
    fn a_version_put_off_is_not_shown_until_another_is_found() {
        let mut state = UpdateState::default();
        assert!(state.due(0), "never checked");
        let found = |version: &str| Available {
            version: version.into(),
            notes: None,
            date: None,
        };
        state.checked(Some(found("0.2.0")), 1_000);
        assert!(!state.due(1_000 + CHECK_EVERY_MS - 1));
        assert!(
            state.due(1_000 + CHECK_EVERY_MS),
            "a day later, by the wall clock"
        );
        state.later();
        assert_eq!(state.view(Install::App, true).available, None);
        state.checked(Some(found("0.3.0")), 2_000);
        assert_eq!(
            state.view(Install::App, true).available.map(|a| a.version),
            Some("0.3.0".into())
        );
    }
}
