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

# Magnum, the API suite's client (as `openstack coe` uses it) and the test tools.
packages=("magnum==$version" python-magnumclient pytest fixtures testscenarios testtools oslotest)

# The virtualenv of those packages is built once per Magnum version, Python and package list,
# under ~/.cache (about 30 CPU-seconds each, at the start of every run of a fresh clone), and
# copied into the checkout, whose shim it then takes: checkouts never share one.
cache=${XDG_CACHE_HOME:-$HOME/.cache}/magnum-capi-sidecar
key=$( { python3 -VV; printf '%s\n' "${packages[@]}"; } | sha256sum | cut -c1-12)
template=$cache/venv-shim-$version-$key
# A virtualenv's scripts name the folder it was made in: those in DIR naming FROM are told TO.
relocate() {
  local dir=$1 from=$2 to=$3 f
  for f in "$dir"/bin/*; do
    if [ -f "$f" ] && [ ! -L "$f" ] && grep -qIF "$from" "$f"; then sed -i "s|$from|$to|g" "$f"; fi
  done
}
if [ ! -x "$venv/bin/pytest" ] || ! "$venv/bin/python" -m pip show magnum 2>/dev/null | grep "^Version: $version\$" > /dev/null; then
  if [ ! -x "$template/bin/pytest" ]; then
    echo "shim: building $template with magnum $version (once)" >&2
    mkdir -p "$cache"
    partial=$template.partial.$$
    python3 -m venv "$partial"
    "$partial/bin/python" -m pip install -q --upgrade pip
    "$partial/bin/python" -m pip install -q "${packages[@]}"
    relocate "$partial" "$partial" "$template"
    # Another run may have finished the same one meanwhile: the first in place is kept.
    mv -T "$partial" "$template" 2>/dev/null || rm -rf "$partial"
  fi
  echo "shim: copying $template to $venv" >&2
  rm -rf "$venv"
  cp -a "$template" "$venv.partial.$$"
  relocate "$venv.partial.$$" "$template" "$venv"
  mv -T "$venv.partial.$$" "$venv"
fi
"$venv/bin/python" -m pip install -q --no-deps "$here"

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
