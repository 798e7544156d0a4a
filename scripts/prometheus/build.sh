#!/usr/bin/env bash
# Puts Prometheus and promtool in the cache for the monitoring tests (e2e/monitoring finds them there):
# Debian's package prometheus of the suite and at the version pinned in versions.env, the .deb checked
# against its pinned sha256 and unpacked; nothing is installed on the machine, root is not needed and the
# machine's own apt sources and packages are left alone. Debian's build rather than one from Go modules:
# the same Prometheus, in seconds instead of many minutes of compiling. Its binaries need only the C
# library (2.34 or later, as the package says), which every supported Debian has.
#
# The result: ${AGO_CACHE_DIR:-$HOME/.cache/ai-gateway-operator}/prometheus/prometheus-<version>/
# (bin/prometheus, bin/promtool, packages.txt: the .deb used, with its sha256). It is made in a .partial
# directory and renamed once checked, so an interrupted build leaves nothing half made. The .deb stays in
# prometheus/downloads/, so building again needs no network; the first build reads the suite's index
# (about 9 MB) and downloads the package (about 19 MB).
# `build.sh --check` builds nothing: it exits 0 when the pinned version is in the cache, 1 otherwise.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=/dev/null
source "$here/versions.env"
cache="${AGO_CACHE_DIR:-$HOME/.cache/ai-gateway-operator}/prometheus"
tree="$cache/prometheus-$PROMETHEUS_PACKAGE_VERSION"
say() { echo "[prometheus:build] $*" >&2; }
# shellcheck source=scripts/lib/debian-package-cache.sh
source "$here/../lib/debian-package-cache.sh"
deb="$downloads/${PROMETHEUS_PACKAGE}_${PROMETHEUS_PACKAGE_VERSION}_$DEBIAN_ARCH.deb"
# The package of this tree, as a line of the lib's package lists.
package_line="$PROMETHEUS_PACKAGE $PROMETHEUS_PACKAGE_VERSION $PROMETHEUS_PACKAGE_SHA256 ${deb##*/}"

answer_check "$@"

# Downloads the pinned .deb into downloads/ after checking the suite's signed index pins the same sha256.
get_packages() {
  if packages_downloaded <<<"$package_line"; then
    say "package already downloaded: $deb"
    return
  fi
  read_index "$PROMETHEUS_PACKAGE"
  check_pinned "$PROMETHEUS_PACKAGE" "$PROMETHEUS_PACKAGE_VERSION" "$PROMETHEUS_PACKAGE_SHA256" \
    scripts/prometheus/versions.env
  download_packages "$package_line"
}

# check_tree <dir>: both binaries run on this machine and are the pinned version.
check_tree() {
  local dir="$1" tool version
  for tool in prometheus promtool; do
    version="$("$dir/bin/$tool" --version 2>&1 | head -n 1)" ||
      fail "bin/$tool does not run on this machine: $version"
    [[ $version == "$tool, version ${PROMETHEUS_PACKAGE_VERSION%-*} "* ]] ||
      fail "bin/$tool --version says \"$version\", not version ${PROMETHEUS_PACKAGE_VERSION%-*}"
  done
}

build_tree() {
  start_tree
  unpack_packages <<<"$package_line"
  ln -s ../root/usr/bin/prometheus "$partial/bin/prometheus"
  ln -s ../root/usr/bin/promtool "$partial/bin/promtool"
  check_tree "$partial"
  finish_tree
  say "unpacked Prometheus ${PROMETHEUS_PACKAGE_VERSION%%+*} (Debian $DEBIAN_SUITE) in $((SECONDS - started))s: $tree"
}

main() {
  lock_cache "package is"
  ! tree_cached || return 0
  get_packages
  build_tree
}

# Everything runs from this one call, which bash parses whole first: editing this file while a build runs
# cannot change what that build executes.
main "$@"
exit
