//! The global shortcut on X11: the key grabbed on the root window, and one
//! thread that sleeps on the X connection until a key event comes (no
//! timer: idle, it never wakes; global-hotkey's thread looked 20 times a
//! second).

use std::sync::{Arc, Mutex};

use x11rb::connection::Connection;
use x11rb::cookie::VoidCookie;
use x11rb::errors::ReplyError;
use x11rb::protocol::xproto::{ConnectionExt, GrabMode, Keycode, Keysym, ModMask, Window};
use x11rb::protocol::{ErrorKind, Event};
use x11rb::rust_connection::RustConnection;

use crate::accelerator;

/// Caps Lock's modifier bit.
const LOCK: u16 = 1 << 1;
/// Num Lock's modifier bit on every common layout.
const MOD2: u16 = 1 << 4;
/// On or off, Caps Lock and Num Lock leave the shortcut the same: it is
/// grabbed with each. (Mod5 is not among them: it is AltGr on many
/// layouts, which makes a key another key.)
const LOCKS: [u16; 4] = [0, LOCK, MOD2, LOCK | MOD2];
/// The modifier bits of a key event's state (above them: mouse buttons).
const MODIFIERS: u16 = 0xff;

/// A key with modifiers, grabbed on the root window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Grab {
    keycode: Keycode,
    modifiers: u16,
}

/// A connection to the X display, the shortcut grabbed on it, and the
/// thread that listens for it.
///
/// The main thread grabs and lets go while the thread waits for events on
/// the same connection: x11rb's `RustConnection` is made to be shared
/// between threads (one of them reads the socket and hands each reply to
/// the thread that asked), so a grab waits for the X server, never for
/// the listening thread.
pub(crate) struct Keys {
    connection: Arc<RustConnection>,
    root: Window,
    /// What is grabbed now; the listening thread compares each press with it.
    grabbed: Arc<Mutex<Option<Grab>>>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys")
            .field("root", &self.root)
            .field("grabbed", &self.grabbed)
            .finish_non_exhaustive()
    }
}

impl Keys {
    /// Connects to the X display (`DISPLAY`) and starts the thread that
    /// calls `pressed` for each press of the grabbed shortcut (a key held
    /// down counts once); why not, in plain words, when it cannot.
    pub(crate) fn connect(pressed: impl Fn() + Send + 'static) -> Result<Self, String> {
        if std::env::var_os("DISPLAY").is_none_or(|display| display.is_empty()) {
            return Err("there is no X display to listen for keys on (DISPLAY is not set)".into());
        }
        let (connection, screen) = x11rb::connect(None)
            .map_err(|error| format!("the X display could not be reached ({error})"))?;
        let root = connection
            .setup()
            .roots
            .get(screen)
            .map(|screen| screen.root)
            .ok_or("the X display has no screen to listen on")?;
        let keys = Self {
            connection: Arc::new(connection),
            root,
            grabbed: Arc::default(),
        };
        let (connection, grabbed) = (Arc::clone(&keys.connection), Arc::clone(&keys.grabbed));
        std::thread::Builder::new()
            .name("x11-shortcut".into())
            .spawn(move || listen(&connection, &grabbed, pressed))
            .map_err(|error| format!("no thread could listen for the shortcut ({error})"))?;
        Ok(keys)
    }

    /// Grabs `accelerator` ("CommandOrControl+Alt+N"), so that its presses
    /// come to this app whichever window has the keyboard; why not, in
    /// plain words, when it cannot be (another app holds it, it is not a
    /// shortcut). Call [`Keys::ungrab`] first: one shortcut at a time.
    pub(crate) fn grab(&self, accelerator: &str) -> Result<(), String> {
        let wanted = accelerator::parse(accelerator)?;
        let keycode = self.keycode(wanted.keysym)?.ok_or_else(|| {
            format!("no key on this keyboard types the last part of \"{accelerator}\"")
        })?;
        let grab = Grab {
            keycode,
            modifiers: wanted.modifiers,
        };
        let cookies = LOCKS
            .iter()
            .map(|locks| {
                self.connection.grab_key(
                    false,
                    self.root,
                    ModMask::from(grab.modifiers | locks),
                    grab.keycode,
                    GrabMode::ASYNC,
                    GrabMode::ASYNC,
                )
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|error| format!("the X display stopped answering ({error})"))?;
        // One round trip for the four: the first check waits for all.
        let refused = cookies
            .into_iter()
            .filter_map(|cookie| cookie.check().err())
            .map(|error| match error {
                ReplyError::X11Error(error) if error.error_kind == ErrorKind::Access => {
                    "another app already uses this shortcut".to_owned()
                }
                error => format!("the X display refused the shortcut ({error})"),
            })
            .next();
        if let Some(reason) = refused {
            // Those that were grabbed before one was refused.
            self.release(grab);
            return Err(reason);
        }
        if let Ok(mut grabbed) = self.grabbed.lock() {
            *grabbed = Some(grab);
        }
        Ok(())
    }

    /// Lets go of the grabbed shortcut, if one is.
    pub(crate) fn ungrab(&self) {
        let grab = self
            .grabbed
            .lock()
            .ok()
            .and_then(|mut grabbed| grabbed.take());
        if let Some(grab) = grab {
            self.release(grab);
        }
    }

    /// Ungrabs `grab` with each lock (the X server ignores those this app
    /// did not grab), and waits until the server has done it.
    fn release(&self, grab: Grab) {
        let connection: &RustConnection = &self.connection;
        let cookies: Vec<VoidCookie<'_, RustConnection>> = LOCKS
            .iter()
            .filter_map(|locks| {
                connection
                    .ungrab_key(
                        grab.keycode,
                        self.root,
                        ModMask::from(grab.modifiers | locks),
                    )
                    .ok()
            })
            .collect();
        for cookie in cookies {
            let _ = cookie.check();
        }
    }

    /// The keycode of the first key whose keyboard mapping holds `keysym`.
    fn keycode(&self, keysym: Keysym) -> Result<Option<Keycode>, String> {
        let setup = self.connection.setup();
        let (first, last) = (setup.min_keycode, setup.max_keycode);
        let mapping = self
            .connection
            .get_keyboard_mapping(first, last.saturating_sub(first).saturating_add(1))
            .map_err(|error| error.to_string())
            .and_then(|cookie| cookie.reply().map_err(|error| error.to_string()))
            .map_err(|error| format!("the keyboard's layout could not be read ({error})"))?;
        let per_key = usize::from(mapping.keysyms_per_keycode).max(1);
        Ok(mapping
            .keysyms
            .chunks(per_key)
            .position(|keysyms| keysyms.contains(&keysym))
            .and_then(|index| u8::try_from(index).ok())
            .map(|index| first + index))
    }
}

/// Waits on the X connection for key events, for as long as it lasts, and
/// calls `pressed` for a press of the grabbed shortcut. Auto-repeat sends
/// a held key as release and press with the same timestamp: such a press
/// is the same press. (Not "no press until a release": a release that went
/// to another app's grab would then silence the shortcut for good.)
fn listen(connection: &RustConnection, grabbed: &Mutex<Option<Grab>>, pressed: impl Fn()) {
    let mut released: Option<(Keycode, u32)> = None;
    loop {
        match connection.wait_for_event() {
            Ok(Event::KeyPress(event)) => {
                let repeat = released == Some((event.detail, event.time));
                let press = Grab {
                    keycode: event.detail,
                    modifiers: u16::from(event.state) & MODIFIERS & !(LOCK | MOD2),
                };
                let ours = grabbed.lock().is_ok_and(|grab| *grab == Some(press));
                if ours && repeat {
                    log::debug!("the global shortcut is held: its auto-repeat is not a new press");
                } else if ours {
                    log::debug!("the global shortcut was pressed");
                    pressed();
                }
            }
            Ok(Event::KeyRelease(event)) => {
                released = Some((event.detail, event.time));
            }
            Ok(_) => {}
            Err(error) => {
                log::warn!("the global shortcut stops: the X connection ended ({error})");
                return;
            }
        }
    }
}
