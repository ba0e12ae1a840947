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
chart_repo_pid=
# shellcheck disable=SC2329  # called by the EXIT trap
cleanup() {
  for pid in $sidecar_pid $chart_repo_pid; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# The real openstack-cluster chart, served on loopback when the packaged
# charts are there (test/support/chart-repo.ts prints its URL first); else
# the fixture chart, and the suites that need the real one skip.
chart_repo='' chart_name="$root/test/fixtures/charts/openstack-cluster"
(cd "$root" && exec node --import tsx test/support/chart-repo.ts) > "$work/chart-repo.out" 2> "$work/chart-repo.err" &
chart_repo_pid=$!
for _ in $(seq 1 60); do
  if [ -s "$work/chart-repo.out" ] || ! kill -0 "$chart_repo_pid" 2>/dev/null; then break; fi
  sleep 0.5
done
if [ -s "$work/chart-repo.out" ]; then
  chart_repo=$(head -n 1 "$work/chart-repo.out") chart_name=openstack-cluster
  echo "shim: the real openstack-cluster chart is served at $chart_repo" >&2
else
  cat "$work/chart-repo.err" >&2
  chart_repo_pid=
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/token"
echo "shim: starting the sidecar on 127.0.0.1:$port with a local management cluster" >&2
(cd "$root" && MCS_LISTEN="127.0.0.1:$port" MCS_TOKENS_FILE="$work/token" MCS_DEV_DATA_DIR="$work/dev" \
  MCS_CHART__REPO="$chart_repo" MCS_CHART__NAME="$chart_name" MCS_LOG_LEVEL=warn \
  exec node --import tsx src/cli.ts serve) > "$work/sidecar.log" 2>&1 &
sidecar_pid=$!
for _ in $(seq 1 240); do
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
