#!/usr/bin/env bash
# Installs what building, running and testing Wemasy Feedback need on a
# Debian or Ubuntu machine, skipping whatever is already there.
set -euo pipefail

packages=(
  python3                    # replays the API documentation's Python sample in tests
  build-essential pkg-config # compilers for crates that build C (aws-lc for rustls)
  dbus dbus-x11              # a private D-Bus session for keyring tests
  gnome-keyring              # a real Secret Service for keyring tests
  libsecret-tools            # secret-tool, to look into the keyring from tests
  curl                       # the API documentation's own cURL sample, replayed in tests
  libwebkit2gtk-4.1-dev libxdo-dev libssl-dev libayatana-appindicator3-dev librsvg2-dev # the Tauri app
  xvfb xauth webkit2gtk-driver # end-to-end tests: a virtual display and WebKitWebDriver
  xdotool                    # end-to-end tests: keys pressed outside the app (its global shortcut)
  desktop-file-utils rpm     # checks of the installers: desktop-file-validate, rpm -qip
  locales                    # a Dutch locale, for the test of a Dutch desktop
  hunspell-en-us hunspell-nl # dictionaries: spelling checked in Subject and Message, in English and Dutch
  faketime                   # libfaketime: a suspend (the wall clock jumps) for a real process
)
# Node.js runs the Tauri CLI (from npm) that builds the installers; any
# Node.js >= 18 will do, so an existing one (e.g. NodeSource's) is kept.
command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

sudo=()
[[ $(id -u) -eq 0 ]] || sudo=(sudo)
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# WebKit takes the page's language from the process locale, so a Dutch
# desktop needs the Dutch locale to exist (a Dutch user's machine has it).
if ! locale -a 2>/dev/null | grep -qix 'nl_NL.utf8'; then
  echo "setup: generating the nl_NL.UTF-8 locale"
  "${sudo[@]}" localedef -i nl_NL -c -f UTF-8 nl_NL.UTF-8
fi

# The API documentation's own Python sample is replayed in tests.
if ! python3 -c "import requests" 2>/dev/null; then
  echo "setup: installing python3 requests"
  python3 -m pip install --quiet requests 2>/dev/null ||
    { "${sudo[@]}" apt-get install -y -qq python3-requests >/dev/null; }
fi

# tauri-driver bridges WebDriver to WebKitWebDriver for the end-to-end tests.
if ! command -v tauri-driver >/dev/null; then
  echo "setup: installing tauri-driver"
  cargo install tauri-driver --locked --quiet
fi

for tool in cargo rustfmt cargo-clippy; do
  command -v "$tool" >/dev/null || { echo "setup: $tool is missing; install Rust with rustup (https://rustup.rs)" >&2; exit 1; }
done
