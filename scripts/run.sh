#!/usr/bin/env bash
# The run command: installs what is missing, builds, starts the local API
# sandbox with a demo token, and files a demo ticket through the CLI.
# The sandbox keeps running until Ctrl-C, so you can file more.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cargo build --locked --quiet -p feedback-sandbox -p feedback-cli

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
echo "sandbox: $base (token: $token, tickets in $data/)"

export FEEDBACK_API_BASE="$base" FEEDBACK_TOKEN="$token"
target/debug/feedback submit --channel feedback --priority normal --type bug --rating 5 \
  --subject "Demo: cannot connect my Google Ads account" \
  --message "Filed by scripts/run.sh against the local sandbox." --json

cat <<EOT

File another:
  FEEDBACK_API_BASE=$base FEEDBACK_TOKEN=$token \\
    target/debug/feedback submit --channel support --subject Hello --message "It works"
See what the sandbox received: curl -s ${base%/api}/__sandbox/tickets
Ctrl-C stops the sandbox.
EOT
wait "$sandbox"
