#!/usr/bin/env bash
# Builds (once) the local management cluster's kube-apiserver and etcd, and
# the real Cluster API managers (core, kubeadm bootstrap, kubeadm control
# plane), from the Go module proxy, and gathers the Cluster API, kubeadm and
# CAPO CRDs and the managers' webhook configurations from the Go module cache.
# Everything lands under ${XDG_CACHE_HOME:-~/.cache}/magnum-capi-sidecar,
# keyed by the pinned versions and the build flags, so a warm run reuses it.
# MCS_CAPI_VERSION chooses the Cluster API release (default: the one
# capi/go.mod pins; `newest`: the newest line below). Progress and build times go to stderr; the last line on
# stdout is JSON: {"kubeApiserver", "etcd", "crds", "capi": {...}}.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lib/build-cache.sh
. "$here/../lib/build-cache.sh"
pinned_capi_version=$(sed -n 's/^require sigs.k8s.io\/cluster-api \(v[^ ]*\)$/\1/p' "$here/capi/go.mod")
# The newest Cluster API line whose managers build from the Go module proxy and whose real
# controllers pass the status suites; it still serves the v1beta1 API the chart renders, and stores
# v1beta2. CI runs the status suites against it too (MCS_CAPI_VERSION=newest).
newest_capi_version=v1.14.2
capi_version=${MCS_CAPI_VERSION:-$pinned_capi_version}
[ "$capi_version" = newest ] && capi_version=$newest_capi_version
capo_version=v0.11.3

log() { echo "mgmt-cluster: $*" >&2; }

hold_build_lock build

# The key covers everything the binary depends on: Go, the module files, the
# package built and the link flags (a version stamp changes the binary).
key_of() {
  local dir=$1; shift
  { go env GOVERSION; cat "$dir"/go.mod "$dir"/*.go; [ -f "$dir/go.sum" ] && cat "$dir/go.sum"; printf '%s\n' "$@"; } | sha256sum | cut -c1-16
}

# build NAME MODULE_DIR PACKAGE LDFLAGS: prints the cached binary's path.
build() {
  local name=$1 dir=$2 pkg=$3 ldflags=$4
  local out
  out=$cache/bin/$name-$(key_of "$dir" "$pkg" "$ldflags")
  if [ -x "$out/$name" ]; then
    log "reusing $out/$name"
  else
    log "building $name (first run only; several minutes)"
    mkdir -p "$out"
    local started=$SECONDS
    (cd "$dir" && GOFLAGS=-mod=mod go build -trimpath -ldflags="$ldflags" -o "$out/$name.partial" "$pkg")
    mv "$out/$name.partial" "$out/$name"
    log "built $name in $((SECONDS - started))s"
  fi
  printf '%s' "$out/$name"
}

# Cluster API's managers refuse an API server that reports v0.0.0-master, so
# the kube-apiserver carries the version of the Kubernetes module it is built from.
kube_version=$(sed -n 's/^[[:space:]]*k8s.io\/kubernetes \(v[0-9.]*\)$/\1/p' "$here/kube-apiserver/go.mod")
kube_minor=${kube_version#v1.}; kube_minor=${kube_minor%%.*}
kube_ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$kube_version -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$kube_minor"

# The module that pins the Cluster API managers: capi/ as committed for the
# pinned release, else a copy of it moved to MCS_CAPI_VERSION (go.sum from the proxy).
capi_module() {
  if [ "$capi_version" = "$pinned_capi_version" ]; then
    printf '%s' "$here/capi"
    return
  fi
  local dir=$cache/src/capi-$capi_version
  if [ ! -f "$dir/.complete" ]; then
    log "pinning cluster-api $capi_version"
    rm -rf "$dir" && mkdir -p "$dir"
    cp "$here/capi/go.mod" "$here/capi/tools.go" "$dir/"
    local src
    src=$(module_dir "sigs.k8s.io/cluster-api@$capi_version")
    # From v1.14 the core manager is the core/ package, and the root module
    # takes its api module through a replace to ./api, which a dependent
    # ignores: point it at the same release of that module on the proxy.
    if [ -f "$src/core/main.go" ]; then
      sed -i 's#_ "sigs.k8s.io/cluster-api"$#_ "sigs.k8s.io/cluster-api/core"#' "$dir/tools.go"
    fi
    (cd "$dir" && go mod edit -require="sigs.k8s.io/cluster-api@$capi_version") >&2
    if grep -q '^replace sigs.k8s.io/cluster-api/api => ./api' "$src/go.mod"; then
      (cd "$dir" && go mod edit -replace="sigs.k8s.io/cluster-api/api=sigs.k8s.io/cluster-api/api@$capi_version") >&2
    fi
    (cd "$dir" && GOFLAGS=-mod=mod go mod tidy) >&2
    touch "$dir/.complete"
  fi
  printf '%s' "$dir"
}

module_dir() {
  (cd "$here/etcd" && GOFLAGS=-mod=mod go mod download -json "$1") | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'
}

# The contract a Cluster API release's own providers implement: v1beta2 from
# v1.11 on (its kubeadm API's storage version), v1beta1 before.
contract_of() {
  if awk '/- name: v1beta2$/{v=1} v && /storage: true/{found=1} END{exit !found}' \
       "$1"/bootstrap/kubeadm/config/crd/bases/bootstrap.cluster.x-k8s.io_kubeadmconfigs.yaml; then
    printf v1beta2
  else
    printf v1beta1
  fi
}

# A CRD file with one more label under metadata (controller-gen writes none).
with_label() {
  awk -v k="$2" -v v="$3" '{print} /^metadata:$/ && !done {print "  labels:"; print "    " k ": " v; done=1}' "$1"
}

gather_crds() {
  # "-2": the layout with contract labels, ClusterResourceSet CRDs and webhook configurations.
  local out=$cache/crds/capi-$capi_version-capo-$capo_version-2
  if [ -f "$out/.complete" ]; then
    log "reusing CRDs in $out"
  else
    log "gathering CRDs of cluster-api $capi_version and cluster-api-provider-openstack $capo_version"
    local capi capo
    capi=$(module_dir "sigs.k8s.io/cluster-api@$capi_version")
    capo=$(module_dir "sigs.k8s.io/cluster-api-provider-openstack@$capo_version")
    rm -rf "$out" && mkdir -p "$out/webhooks"
    # The core manager's config moved under core/ in v1.14.
    local core_config=$capi/config
    [ -d "$capi/core/config" ] && core_config=$capi/core/config
    cp "$core_config"/crd/bases/cluster.x-k8s.io_*.yaml "$core_config"/crd/bases/addons.cluster.x-k8s.io_*.yaml "$out/"
    # The contract labels kustomize adds when the providers are released: the
    # core controllers find a provider's API version for their contract by them.
    local contract
    contract=$(contract_of "$capi")
    for f in "$capi"/bootstrap/kubeadm/config/crd/bases/*.yaml "$capi"/controlplane/kubeadm/config/crd/bases/*.yaml; do
      with_label "$f" "cluster.x-k8s.io/$contract" "$contract" > "$out/$(basename "$f")"
    done
    for f in "$capo"/config/crd/bases/*.yaml; do
      with_label "$f" cluster.x-k8s.io/v1beta1 v1alpha6_v1alpha7_v1beta1 > "$out/$(basename "$f")"
    done
    cp "$core_config"/webhook/manifests.yaml "$out/webhooks/core.yaml"
    cp "$capi"/bootstrap/kubeadm/config/webhook/manifests.yaml "$out/webhooks/bootstrap.yaml"
    cp "$capi"/controlplane/kubeadm/config/webhook/manifests.yaml "$out/webhooks/control-plane.yaml"
    chmod -R u+w "$out"
    touch "$out/.complete"
  fi
  printf '%s' "$out"
}

started=$SECONDS
kas=$(build kube-apiserver "$here/kube-apiserver" . "$kube_ldflags")
etcd=$(build etcd "$here/etcd" . '-s -w')
crds=$(gather_crds)
capi_dir=$(capi_module)
capi_ldflags="-s -w -X sigs.k8s.io/cluster-api/version.gitVersion=$capi_version -X sigs.k8s.io/cluster-api/version.gitTreeState=clean"
core_pkg=sigs.k8s.io/cluster-api
grep -q '"sigs.k8s.io/cluster-api/core"' "$capi_dir/tools.go" && core_pkg=sigs.k8s.io/cluster-api/core
core=$(build capi-core "$capi_dir" "$core_pkg" "$capi_ldflags")
bootstrap=$(build capi-kubeadm-bootstrap "$capi_dir" sigs.k8s.io/cluster-api/bootstrap/kubeadm "$capi_ldflags")
control_plane=$(build capi-kubeadm-control-plane "$capi_dir" sigs.k8s.io/cluster-api/controlplane/kubeadm "$capi_ldflags")
log "binaries ready in $((SECONDS - started))s (cluster-api $capi_version, kubernetes $kube_version)"
printf '{"kubeApiserver":"%s","etcd":"%s","crds":"%s","capi":{"version":"%s","core":"%s","bootstrap":"%s","controlPlane":"%s","webhooks":"%s"}}\n' \
  "$kas" "$etcd" "$crds" "$capi_version" "$core" "$bootstrap" "$control_plane" "$crds/webhooks"
