#!/usr/bin/env bash
# The shim's tests in a virtualenv with the real magnum from PyPI, against a
# real sidecar on a local management cluster (started here, stopped on exit).
#   MAGNUM_VERSION  magnum release to test with (default: the newest pinned here)
#   SHIM_VENV       where the virtualenv lives (default: .venv-shim-<version>)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
version=${MAGNUM_VERSION:-23.0.0}
venv=${SHIM_VENV:-$root/.venv-shim-$version}

if [ ! -x "$venv/bin/pytest" ] || ! "$venv/bin/pip" show magnum 2>/dev/null | grep "^Version: $version\$" > /dev/null; then
  echo "shim: preparing $venv with magnum $version" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --upgrade pip
  "$venv/bin/pip" install -q "magnum==$version" pytest fixtures testscenarios testtools oslotest
fi
# The API suite's client, as `openstack coe` uses it.
"$venv/bin/pip" show python-magnumclient > /dev/null 2>&1 || "$venv/bin/pip" install -q python-magnumclient
"$venv/bin/pip" install -q --no-deps "$here"

work=$(mktemp -d)
sidecar_pid=
repo_pid=
# shellcheck disable=SC2329  # called by the EXIT trap
cleanup() {
  if [ -n "$sidecar_pid" ]; then kill "$sidecar_pid" 2>/dev/null || true; wait "$sidecar_pid" 2>/dev/null || true; fi
  if [ -n "$repo_pid" ]; then kill "$repo_pid" 2>/dev/null || true; wait "$repo_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# The sidecar installs the real openstack-cluster chart from a loopback repository of the
# packaged archives (MCS_TEST_CHARTS_DIR or ../shared/reference/charts). Without them the
# end-to-end suite skips and the shim's own tests still run.
mkfifo "$work/repo-url"
(cd "$root" && exec node --import tsx test/support/chart-repo.ts) > "$work/repo-url" 2> "$work/repo.log" &
repo_pid=$!
chart_repo=
read -r chart_repo < "$work/repo-url" || true
if [ -z "$chart_repo" ]; then
  wait "$repo_pid" 2>/dev/null || true
  repo_pid=
  cat "$work/repo.log" >&2
  echo "shim: skipped the end-to-end suites (tests/e2e, tests/api), which need the packaged charts" >&2
  cd "$here"
  "$venv/bin/python" -m pytest -q -p no:cacheprovider tests --ignore=tests/e2e --ignore=tests/api
  exit
fi
echo "shim: the sidecar installs the real chart openstack-cluster (its default version) from $chart_repo" >&2

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/token"
echo "shim: starting the sidecar on 127.0.0.1:$port with a local management cluster" >&2
(cd "$root" && MCS_LISTEN="127.0.0.1:$port" MCS_TOKENS_FILE="$work/token" MCS_DEV_DATA_DIR="$work/dev" \
  MCS_CHART__REPO="$chart_repo" MCS_CHART__NAME=openstack-cluster MCS_LOG_LEVEL=warn \
  exec node --import tsx src/cli.ts serve) > "$work/sidecar.log" 2>&1 &
sidecar_pid=$!
for _ in $(seq 1 480); do
  if curl -sf "http://127.0.0.1:$port/readyz" > /dev/null; then break; fi
  if ! kill -0 "$sidecar_pid" 2>/dev/null; then cat "$work/sidecar.log" >&2; echo "shim: the sidecar did not start" >&2; exit 1; fi
  sleep 0.5
done
curl -sf "http://127.0.0.1:$port/readyz" > /dev/null || { cat "$work/sidecar.log" >&2; echo "shim: the sidecar never became ready" >&2; exit 1; }

export MCS_SIDECAR_URL="http://127.0.0.1:$port" MCS_SIDECAR_TOKEN_FILE="$work/token"
export MCS_E2E_KUBECONFIG="$work/dev/cluster/kubeconfig" MCS_KUBECTL="$root/.tools/helm3/kubectl"
export MCS_E2E_CHART_REPO="$chart_repo" MCS_E2E_WORK="$work"
cd "$here"
status=0
"$venv/bin/python" -m pytest -q -p no:cacheprovider tests --ignore=tests/api || status=$?
# Magnum's API and conductor configure process-wide state (oslo.config,
# the RPC transport, the database): their suite runs in a process of its own.
api_status=0
"$venv/bin/python" -m pytest -q -rs -p no:cacheprovider tests/api || api_status=$?
if [ "$status" -eq 0 ]; then status=$api_status; fi
# pytest's 5 means it found no test: that is a failure here, not a pass.
if [ "$status" -ne 0 ]; then
  echo "shim: tests failed with magnum $version (pytest exit $status); sidecar log:" >&2
  tail -n 40 "$work/sidecar.log" >&2
fi
exit "$status"
