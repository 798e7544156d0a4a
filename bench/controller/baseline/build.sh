#!/usr/bin/env bash
# Builds the controller-runtime baseline of bench:controller (the Go module beside this script) into
# ${AGO_CACHE_DIR:-$HOME/.cache/ai-gateway-operator}/bench/controller-runtime-baseline-<key>/, where the key
# is a hash of the module's sources and the Go version: only the first run after a change compiles. Prints
# the binary's path on standard output; everything else goes to standard error.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cache="${AGO_CACHE_DIR:-$HOME/.cache/ai-gateway-operator}/bench"
binary=controller-runtime-baseline
export CGO_ENABLED=0

say() { echo "[baseline:build] $*" >&2; }
fail() {
  say "error: $*"
  exit 1
}

# The official Go tarball's location, for shells that do not have it on PATH.
command -v go >/dev/null || [ ! -x /usr/local/go/bin/go ] || PATH="/usr/local/go/bin:$PATH"
command -v go >/dev/null ||
  fail "building the baseline needs the go tool (Go >= 1.26) on PATH: install it from https://go.dev/dl/"
command -v flock >/dev/null || fail "flock is not on PATH (Debian package util-linux)"

main() {
  local key target partial started=$SECONDS
  # Sorted names, so the key does not depend on the order the shell lists files in.
  key="$(
    cd "$here"
    { go env GOVERSION; LC_ALL=C ls go.mod go.sum ./*.go | xargs sha256sum; } | sha256sum | cut -c1-16
  )"
  target="$cache/$binary-$key"
  if [ -f "$target/.complete" ]; then
    say "cached: $target"
    echo "$target/$binary"
    return
  fi

  mkdir -p "$cache"
  # Two runs starting at once build once; the second waits and then finds the cache warm.
  exec 9>"$cache/.build.lock"
  if ! flock -n 9; then
    say "another build is running; waiting for it to finish ($cache/.build.lock)"
    flock 9
  fi
  if [ ! -f "$target/.complete" ]; then
    say "building $target (the first on a machine downloads controller-runtime's Go modules)"
    partial="$target.partial.$$"
    rm -rf "$partial"
    mkdir -p "$partial"
    # -buildvcs=false: this module sits inside the project's git checkout, whose state is not the binary's.
    if ! (cd "$here" && go build -trimpath -buildvcs=false -ldflags "-s -w" -o "$partial/$binary" .); then
      rm -rf "$partial"
      fail "building the baseline failed: see the go output above"
    fi
    touch "$partial/.complete"
    rm -rf "$target"
    mv "$partial" "$target"
    say "built in $((SECONDS - started)) s"
  else
    say "cached: $target"
  fi
  echo "$target/$binary"
}

# Parsed whole before it runs: editing this file during a build cannot change what the build executes.
main "$@"; exit
