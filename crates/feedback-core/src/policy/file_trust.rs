//! Whether a Linux policy file may be trusted ([`distrust`]), as Chrome
//! trusts its policy folder: neither the file nor its folder may be
//! writable by its group or by others, and both must be owned by root or
//! by the user reading them.
//!
//! Root or the reader: whoever owns a file that no one else may write is
//! the only one (with root) who can change it. A file of the person's own
//! gives them nothing they could not have otherwise (they can start any
//! program they like with any server); what the rule keeps out is a policy
//! that *another* user or a service could have written. It also lets the
//! tests, run as root on CI and as themselves elsewhere, use a file of
//! their own.
//!
//! A file that is not trusted is not read at all: it counts as a policy
//! that cannot be read ([`Policy::unreadable`](super::Policy::unreadable)),
//! so the last policy that could be read stays in force, as after a
//! roll-out with a stray comma. An administrator expects a roll-out that
//! set the wrong mode to be told, not to send the fleet to production, and
//! whoever could write the file gets nothing from it: what they wrote is
//! never applied, nor kept.

use std::path::Path;

/// Why the policy file at `path` (which is there) may not be trusted;
/// `None`: it may. Only Linux is checked: elsewhere the policy is kept in
/// the registry or managed preferences, which the OS guards itself.
pub(crate) fn distrust(path: &Path) -> Option<String> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        // The owner of /proc/self is this process's effective user.
        let reader = std::fs::metadata("/proc/self").ok().map(|me| me.uid());
        let folder = path
            .parent()
            .filter(|folder| !folder.as_os_str().is_empty());
        let folder = folder.unwrap_or(Path::new("."));
        for (what, place) in [("file", path), ("folder", folder)] {
            let found = match std::fs::metadata(place) {
                Ok(found) => found,
                Err(error) => {
                    return Some(format!(
                        "the policy {what} {} cannot be checked ({error})",
                        place.display()
                    ));
                }
            };
            if let Some(why) = untrusted(found.mode(), found.uid(), reader) {
                return Some(format!(
                    "the policy {what} {} {why}: it is ignored (it should be owned by root and writable by root only: chown root:root, chmod go-w)",
                    place.display()
                ));
            }
        }
        None
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = path;
        None
    }
}

/// Why a file or folder with `mode` owned by `owner` may not be trusted
/// by `reader` (the effective user, when known).
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn untrusted(mode: u32, owner: u32, reader: Option<u32>) -> Option<String> {
    if mode & 0o022 != 0 {
        return Some(format!(
            "is writable by its group or by others (mode {:04o})",
            mode & 0o7777
        ));
    }
    if owner != 0 && Some(owner) != reader {
        return Some(format!("is owned by user {owner}, not by root"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_root_or_the_reader_may_write() {
        assert_eq!(untrusted(0o100_644, 0, Some(1000)), None);
        assert_eq!(
            untrusted(0o100_644, 1000, Some(1000)),
            None,
            "the reader's own"
        );
        assert_eq!(untrusted(0o040_755, 0, None), None);
        for mode in [0o100_664, 0o100_646, 0o040_777, 0o041_777] {
            let why = untrusted(mode, 0, Some(0)).expect("others may write");
            assert!(why.contains("writable by its group or by others"), "{why}");
        }
        let why = untrusted(0o100_644, 1000, Some(0)).expect("another user's");
        assert_eq!(why, "is owned by user 1000, not by root");
        assert!(untrusted(0o100_644, 1000, None).is_some(), "reader unknown");
    }
}
