#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked GNOME Keyring
# Secret Service, so keyring tests use a real store and never the user's own.
#
#   scripts/in-test-session.sh cargo test
set -euo pipefail

if [[ "${1:-}" != "--inside" ]]; then
  exec dbus-run-session -- "$0" --inside "$@"
fi
shift

# Secrets go to a throwaway home for the keyring only; HOME itself stays
# (rustup and cargo live there).
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
export XDG_DATA_HOME="$keyring_home/data" XDG_RUNTIME_DIR="$keyring_home/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"

echo -n test-keyring-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null

# Without this wait a second, locked daemon can be activated by the first
# request and win the race for the bus name.
for _ in $(seq 100); do
  if busctl --user status org.freedesktop.secrets >/dev/null 2>&1; then
    break
  fi
  sleep 0.1
done
busctl --user status org.freedesktop.secrets >/dev/null 2>&1 || {
  echo "in-test-session: the Secret Service did not start" >&2
  exit 1
}

export FEEDBACK_TEST_SECRET_SERVICE=1
# The keyring tests may write here: this keyring is the tests' own.
export FEEDBACK_TEST_OS_KEYRING=1
"$@"
