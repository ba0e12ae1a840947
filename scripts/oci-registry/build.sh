#!/usr/bin/env bash
# Builds (once) the OCI registry the chart tests push the packaged charts to:
# distribution's registry (github.com/distribution/distribution/v3, pinned in
# go.mod beside this script) from the Go module proxy. The binary lands under
# ${XDG_CACHE_HOME:-~/.cache}/magnum-capi-sidecar/bin, keyed by the Go version
# and this folder's sources, so a warm run reuses it. Progress goes to stderr;
# the last line on stdout is the binary's path.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lib/build-cache.sh
. "$here/../lib/build-cache.sh"

log() { echo "oci-registry: $*" >&2; }

# A lock of its own, so it never waits on the API server's build.
hold_build_lock build-oci-registry

key=$({ go env GOVERSION; cat "$here/go.mod" "$here/go.sum" "$here/main.go"; } | sha256sum | cut -c1-16)
out=$cache/bin/oci-registry-$key
if [ -x "$out/registry" ]; then
  log "reusing $out/registry"
else
  log "building distribution's registry (first run only; a few minutes)"
  mkdir -p "$out"
  started=$SECONDS
  (cd "$here" && GOFLAGS=-mod=mod go build -trimpath -ldflags='-s -w' -o "$out/registry.partial" .)
  mv "$out/registry.partial" "$out/registry"
  log "built the registry in $((SECONDS - started))s"
fi
printf '%s\n' "$out/registry"
