//! An accelerator ("CommandOrControl+Alt+N", "Ctrl+Shift+F5", the syntax
//! Tauri's global shortcuts take) read as X11's modifier mask and keysym.

/// X11's modifier bits (the core protocol's `ModMask`).
const SHIFT: u16 = 1 << 0;
const CONTROL: u16 = 1 << 2;
/// Alt on every common layout.
const MOD1: u16 = 1 << 3;
/// Super (the Windows key) on every common layout.
const MOD4: u16 = 1 << 6;

/// What an accelerator asks for: these modifiers held, this key pressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Accelerator {
    /// X11 modifier bits (Shift, Control, Mod1 = Alt, Mod4 = Super).
    pub(crate) modifiers: u16,
    /// The X keysym of the key (the lower-case one for a letter).
    pub(crate) keysym: u32,
}

/// Reads `text` as modifiers joined by `+`, then one key, in any case;
/// the reason in plain words when it is not one.
pub(crate) fn parse(text: &str) -> Result<Accelerator, String> {
    let mut modifiers = 0;
    let mut keysym = None;
    for token in text.split('+').map(str::trim) {
        if token.is_empty() {
            return Err(format!("\"{text}\" has an empty part between two +"));
        }
        if keysym.is_some() {
            return Err(format!(
                "\"{text}\" names more than one key, or a modifier after the key"
            ));
        }
        match modifier(token) {
            Some(bit) => modifiers |= bit,
            None => {
                keysym =
                    Some(key(token).ok_or_else(|| {
                        format!("\"{token}\" is not a key a shortcut can use here")
                    })?);
            }
        }
    }
    let keysym = keysym.ok_or_else(|| format!("\"{text}\" has modifiers but no key"))?;
    Ok(Accelerator { modifiers, keysym })
}

fn modifier(token: &str) -> Option<u16> {
    Some(match token.to_ascii_uppercase().as_str() {
        // Command on macOS; Control here.
        "COMMANDORCONTROL" | "COMMANDORCTRL" | "CMDORCTRL" | "CMDORCONTROL" | "CONTROL"
        | "CTRL" => CONTROL,
        "ALT" | "OPTION" => MOD1,
        "SHIFT" => SHIFT,
        "SUPER" | "META" | "COMMAND" | "CMD" => MOD4,
        _ => return None,
    })
}

/// The keysym of a key's name (X11's `keysymdef.h`), as Tauri names keys.
fn key(token: &str) -> Option<u32> {
    let upper = token.to_ascii_uppercase();
    let name = upper.as_str();
    // One letter or digit, also as "KeyN" and "Digit5".
    let single = name
        .strip_prefix("KEY")
        .or_else(|| name.strip_prefix("DIGIT"))
        .filter(|rest| rest.len() == 1)
        .unwrap_or(name);
    if let [c] = single.as_bytes()
        && c.is_ascii_alphanumeric()
    {
        // Latin keysyms are their (lower-case) ASCII codes.
        return Some(u32::from(c.to_ascii_lowercase()));
    }
    if let Some(number) = name.strip_prefix('F').and_then(|n| n.parse::<u32>().ok())
        && (1..=24).contains(&number)
    {
        return Some(0xffbe + number - 1);
    }
    if let Some(digit) = name
        .strip_prefix("NUMPAD")
        .or_else(|| name.strip_prefix("NUM"))
        .and_then(|n| n.parse::<u32>().ok())
        .filter(|digit| *digit <= 9)
    {
        return Some(0xffb0 + digit);
    }
    Some(match name {
        "SPACE" => 0x20,
        "ENTER" | "RETURN" => 0xff0d,
        "TAB" => 0xff09,
        "ESCAPE" | "ESC" => 0xff1b,
        "BACKSPACE" => 0xff08,
        "DELETE" => 0xffff,
        "INSERT" => 0xff63,
        "HOME" => 0xff50,
        "END" => 0xff57,
        "PAGEUP" => 0xff55,
        "PAGEDOWN" => 0xff56,
        "ARROWLEFT" | "LEFT" => 0xff51,
        "ARROWUP" | "UP" => 0xff52,
        "ARROWRIGHT" | "RIGHT" => 0xff53,
        "ARROWDOWN" | "DOWN" => 0xff54,
        "PRINTSCREEN" => 0xff61,
        "PAUSE" | "PAUSEBREAK" => 0xff13,
        "SCROLLLOCK" => 0xff14,
        "BACKQUOTE" | "`" => 0x60,
        "MINUS" | "-" => 0x2d,
        "EQUAL" | "=" => 0x3d,
        "BRACKETLEFT" | "[" => 0x5b,
        "BRACKETRIGHT" | "]" => 0x5d,
        "BACKSLASH" | "\\" => 0x5c,
        "SEMICOLON" | ";" => 0x3b,
        "QUOTE" | "'" => 0x27,
        "COMMA" | "," => 0x2c,
        "PERIOD" | "." => 0x2e,
        "SLASH" | "/" => 0x2f,
        "NUMPADADD" | "NUMADD" => 0xffab,
        "NUMPADSUBTRACT" | "NUMSUBTRACT" => 0xffad,
        "NUMPADMULTIPLY" | "NUMMULTIPLY" => 0xffaa,
        "NUMPADDIVIDE" | "NUMDIVIDE" => 0xffaf,
        "NUMPADDECIMAL" | "NUMDECIMAL" => 0xffae,
        "NUMPADENTER" | "NUMENTER" => 0xff8d,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> (u16, u32) {
        let accelerator = parse(text).unwrap();
        (accelerator.modifiers, accelerator.keysym)
    }

    #[test]
    fn the_default_and_the_settings_spelling_are_control_alt_n() {
        assert_eq!(parsed("CommandOrControl+Alt+N"), (CONTROL | MOD1, 0x6e));
        assert_eq!(parsed("ctrl + alt + n"), (CONTROL | MOD1, 0x6e));
        assert_eq!(parsed("CmdOrCtrl+Alt+KeyN"), (CONTROL | MOD1, 0x6e));
    }

    #[test]
    fn modifiers_and_named_keys() {
        assert_eq!(parsed("Ctrl+Shift+F5"), (CONTROL | SHIFT, 0xffc2));
        assert_eq!(parsed("Super+F24"), (MOD4, 0xffd5));
        assert_eq!(parsed("Meta+Space"), (MOD4, 0x20));
        assert_eq!(parsed("Alt+Digit7"), (MOD1, 0x37));
        assert_eq!(parsed("Control+9"), (CONTROL, 0x39));
        assert_eq!(parsed("Shift+ArrowUp"), (SHIFT, 0xff52));
        assert_eq!(parsed("Ctrl+/"), (CONTROL, 0x2f));
        assert_eq!(parsed("Ctrl+Enter"), (CONTROL, 0xff0d));
        assert_eq!(parsed("F1"), (0, 0xffbe));
        assert_eq!(parsed("Alt+Num4"), (MOD1, 0xffb4));
    }

    #[test]
    fn what_is_not_a_shortcut_says_why() {
        for (text, words) in [
            ("Ctrl+Alt", "no key"),
            ("Ctrl+N+M", "more than one key"),
            ("N+Ctrl", "more than one key"),
            ("Ctrl++N", "empty part"),
            ("Ctrl+Hyper", "\"Hyper\" is not a key"),
            ("Ctrl+F25", "\"F25\" is not a key"),
            ("", "empty part"),
        ] {
            let reason = parse(text).unwrap_err();
            assert!(reason.contains(words), "{text}: {reason}");
        }
    }
}
