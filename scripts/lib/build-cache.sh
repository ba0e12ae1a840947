# Sourced by the project's Go build scripts: the cache they all build into, and the lock that
# makes test runs starting at once (two suites, two checkouts on one machine) wait for one
# build instead of each writing the same .partial file. The caller defines log().
# shellcheck shell=bash
cache=${XDG_CACHE_HOME:-$HOME/.cache}/magnum-capi-sidecar

# Holds $cache/.<name>.lock on descriptor 9 until the script exits.
hold_build_lock() {
  mkdir -p "$cache"
  exec 9> "$cache/.$1.lock"
  if ! flock -n 9; then
    log "waiting for another build in $cache"
    flock 9
  fi
}
