#!/usr/bin/env bash
# The run command: installs what is missing, builds, starts the local API
# sandbox with a demo token, signs in to it (the token goes to the OS
# keyring), and opens the app pointed at it. Closing the app stops the sandbox.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cargo build --locked --quiet -p feedback-sandbox -p feedback-cli -p wemasy-feedback

port=${FEEDBACK_SANDBOX_PORT:-8787}
data=${FEEDBACK_SANDBOX_DATA:-.sandbox-data}
token=demo-token
log=$(mktemp)
target/debug/feedback-sandbox --port "$port" --token "$token" --data "$data" >"$log" 2>&1 &
sandbox=$!
trap 'kill "$sandbox" 2>/dev/null; rm -f "$log"' EXIT

for _ in $(seq 50); do
  grep -q '^listening on ' "$log" && break
  kill -0 "$sandbox" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.1
done
base="$(sed -n 's/^listening on //p' "$log" | head -n1)/api"
export FEEDBACK_API_BASE="$base"
echo "sandbox: $base (token: $token; tickets in $data/; see ${base%/api}/__sandbox/tickets)"

if ! echo "$token" | target/debug/feedback login; then
  echo "run: no OS keyring to sign in with; sign in from the app with the token $token" >&2
fi
target/debug/wemasy-feedback
