#!/usr/bin/env bash
# Builds (once) the local management cluster's kube-apiserver and etcd from
# the Go module proxy, and gathers the Cluster API, kubeadm and CAPO CRDs
# from the Go module cache. Everything lands under
# ${XDG_CACHE_HOME:-~/.cache}/magnum-capi-sidecar, keyed by the pinned
# versions, so a warm run reuses it. Progress goes to stderr; the last line
# on stdout is JSON: {"kubeApiserver": ..., "etcd": ..., "crds": ...}.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/magnum-capi-sidecar
capi_version=v1.10.4
capo_version=v0.11.3

log() { echo "mgmt-cluster: $*" >&2; }

# Test runs that start at once (two suites, two checkouts on one machine) share
# this cache: one builds while the others wait, rather than all writing the
# same .partial file.
mkdir -p "$cache"
exec 9> "$cache/.build.lock"
if ! flock -n 9; then
  log "waiting for another build in $cache"
  flock 9
fi

key_of() {
  { go env GOVERSION; cat "$1/go.mod" "$1/main.go"; [ -f "$1/go.sum" ] && cat "$1/go.sum"; } | sha256sum | cut -c1-16
}

build() {
  local name=$1 dir=$here/$1
  local out
  out=$cache/bin/$name-$(key_of "$dir")
  if [ -x "$out/$name" ]; then
    log "reusing $out/$name"
  else
    log "building $name (first run only; several minutes)"
    mkdir -p "$out"
    local started=$SECONDS
    (cd "$dir" && GOFLAGS=-mod=mod go build -trimpath -ldflags='-s -w' -o "$out/$name.partial" .)
    mv "$out/$name.partial" "$out/$name"
    log "built $name in $((SECONDS - started))s"
  fi
  printf '%s' "$out/$name"
}

module_dir() {
  (cd "$here/etcd" && GOFLAGS=-mod=mod go mod download -json "$1") | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'
}

gather_crds() {
  local out=$cache/crds/capi-$capi_version-capo-$capo_version
  if [ -f "$out/.complete" ]; then
    log "reusing CRDs in $out"
  else
    log "gathering CRDs of cluster-api $capi_version and cluster-api-provider-openstack $capo_version"
    local capi capo
    capi=$(module_dir "sigs.k8s.io/cluster-api@$capi_version")
    capo=$(module_dir "sigs.k8s.io/cluster-api-provider-openstack@$capo_version")
    mkdir -p "$out"
    cp "$capi"/config/crd/bases/cluster.x-k8s.io_*.yaml \
       "$capi"/bootstrap/kubeadm/config/crd/bases/*.yaml \
       "$capi"/controlplane/kubeadm/config/crd/bases/*.yaml \
       "$capo"/config/crd/bases/*.yaml "$out/"
    chmod u+w "$out"/*.yaml
    touch "$out/.complete"
  fi
  printf '%s' "$out"
}

kas=$(build kube-apiserver)
etcd=$(build etcd)
crds=$(gather_crds)
printf '{"kubeApiserver":"%s","etcd":"%s","crds":"%s"}\n' "$kas" "$etcd" "$crds"
