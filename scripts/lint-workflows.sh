#!/usr/bin/env bash
# The GitHub workflows pass zizmor (static analysis for GitHub Actions) with
# every audit it can run offline, at its strictest persona: every action
# pinned to a commit, least permissions, no token left behind by checkout,
# secrets only inside the protected `release` environment, no expression
# spliced into a script, no cache in the release build. A finding that is
# accepted carries `# zizmor: ignore[audit]` and the reason on its line.
# docs/release-pipeline.md says what this protects.
set -euo pipefail
cd "$(dirname "$0")/.."

version=1.32.0
tools="${CARGO_TARGET_DIR:-target}/tools/zizmor-$version"
if [[ ! -x $tools/bin/zizmor ]]; then
  echo "lint-workflows: installing zizmor $version"
  rm -rf "$tools"
  python3 -m venv "$tools"
  "$tools/bin/pip" install --quiet --disable-pip-version-check "zizmor==$version"
fi
# --strict-collection: a workflow that is not valid YAML or breaks the
# workflow schema fails too, instead of being skipped with a warning.
"$tools/bin/zizmor" --offline --persona auditor --strict-collection \
  --no-progress --color never .github/workflows
