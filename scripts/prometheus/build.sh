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
source "$here/versions.env"
cache="${AGO_CACHE_DIR:-$HOME/.cache/ai-gateway-operator}/prometheus"
tree_name="prometheus-$PROMETHEUS_PACKAGE_VERSION"
tree="$cache/$tree_name"
downloads="$cache/downloads"
deb="$downloads/${PROMETHEUS_PACKAGE}_${PROMETHEUS_PACKAGE_VERSION}_$DEBIAN_ARCH.deb"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

started=$SECONDS
say() { echo "[prometheus:build] $*" >&2; }
fail() {
  say "error: $*"
  exit 1
}

if [ "${1:-}" = --check ]; then
  [ -f "$tree/.complete" ] || exit 1
  echo "cached: $tree"
  exit 0
fi

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# apt with a sources list of its own in the cache (the pinned suite, one architecture) and an empty
# package status, so that neither the machine's apt state nor its sources are read or changed.
apt_options=()
mirror=""
prepare_apt() {
  local state="$cache/apt"
  mirror="${DEBIAN_MIRROR:-$(apt-get indextargets --format '$(REPO_URI)' 'LABEL: Debian' 'IDENTIFIER: Packages' 2>/dev/null | head -n 1)}"
  [ -n "$mirror" ] ||
    fail "this machine's apt sources name no Debian mirror; set DEBIAN_MIRROR to one (the URL that holds dists/ and pool/)"
  [ -r "$keyring" ] || fail "$keyring is missing (Debian package debian-archive-keyring)"
  mkdir -p "$state/lists/partial" "$state/archives/partial" "$state/cache" "$state/empty"
  : >"$state/status"
  echo "deb [arch=$DEBIAN_ARCH target=Packages signed-by=$keyring] $mirror $DEBIAN_SUITE main" >"$state/sources.list"
  apt_options=(
    -o "Dir::Etc::SourceList=$state/sources.list"
    -o "Dir::Etc::SourceParts=$state/empty"
    -o "Dir::Etc::Preferences=$state/empty/none"
    -o "Dir::Etc::PreferencesParts=$state/empty"
    -o "Dir::State::Lists=$state/lists"
    -o "Dir::State::status=$state/status"
    -o "Dir::Cache=$state/cache"
    -o "Dir::Cache::archives=$state/archives"
    -o "APT::Architectures=$DEBIAN_ARCH"
    -o Acquire::Languages=none
    # The flock below keeps builds apart; apt's own locks would be the machine's.
    -o Debug::NoLocking=1
  )
  # As root apt downloads as the user _apt, who cannot write into root's cache.
  [ "$(id -u)" != 0 ] || apt_options+=(-o APT::Sandbox::User=root)
}

# field <entries> <version or ""> <field>: the field of the package's entry (at that version).
field() {
  awk -v version="$2" -v field="$3:" '
    /^$/ { if ((version == "" || v == version) && value != "") { print value; exit } v = value = "" }
    $1 == "Version:" { v = $2 }
    $1 == field { value = $2 }
  ' <<<"$1"$'\n'
}

# Downloads the pinned .deb into downloads/ after checking the suite's signed index pins the same sha256.
fetch_package() {
  prepare_apt
  say "reading the index of Debian $DEBIAN_SUITE ($mirror)"
  apt-get "${apt_options[@]}" -q=2 --error-on=any update >&2 ||
    fail "apt could not read the index of Debian $DEBIAN_SUITE from $mirror (see apt's words above)"
  local entries indexed now partial got
  entries="$(apt-cache "${apt_options[@]}" show "$PROMETHEUS_PACKAGE")" ||
    fail "Debian $DEBIAN_SUITE has no package $PROMETHEUS_PACKAGE (see apt's words above)"
  indexed="$(field "$entries" "$PROMETHEUS_PACKAGE_VERSION" SHA256)"
  if [ -z "$indexed" ]; then
    now="$(field "$entries" "" Version)"
    fail "Debian $DEBIAN_SUITE no longer has $PROMETHEUS_PACKAGE $PROMETHEUS_PACKAGE_VERSION but $now (SHA256" \
      "$(field "$entries" "$now" SHA256)): pin that in scripts/prometheus/versions.env"
  fi
  [ "$indexed" = "$PROMETHEUS_PACKAGE_SHA256" ] ||
    fail "Debian $DEBIAN_SUITE's index gives $PROMETHEUS_PACKAGE $PROMETHEUS_PACKAGE_VERSION the sha256 $indexed, not the $PROMETHEUS_PACKAGE_SHA256 of versions.env"
  say "downloading $PROMETHEUS_PACKAGE $PROMETHEUS_PACKAGE_VERSION"
  partial="$(mktemp -d "$downloads/.partial.XXXXXX")"
  if ! (cd "$partial" && apt-get "${apt_options[@]}" -q=2 download "$PROMETHEUS_PACKAGE=$PROMETHEUS_PACKAGE_VERSION" >&2); then
    rm -rf "$partial"
    fail "downloading $PROMETHEUS_PACKAGE $PROMETHEUS_PACKAGE_VERSION from $mirror failed (see apt's words above)"
  fi
  got=("$partial/${PROMETHEUS_PACKAGE}_"*.deb)
  [ "$(sha256_of "${got[0]}")" = "$PROMETHEUS_PACKAGE_SHA256" ] || {
    rm -rf "$partial"
    fail "$PROMETHEUS_PACKAGE $PROMETHEUS_PACKAGE_VERSION from $mirror has sha256 $(sha256_of "${got[0]}"), not $PROMETHEUS_PACKAGE_SHA256"
  }
  mv "${got[0]}" "$deb"
  rm -rf "$partial" "$cache/apt"
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
  partial="$tree.partial.$$"
  rm -rf "$partial"
  # A failed build leaves nothing behind.
  trap 'rm -rf "$partial"' EXIT
  mkdir -p "$partial/root" "$partial/bin"
  # Checked again here: the file may have changed since it was downloaded.
  [ "$(sha256_of "$deb")" = "$PROMETHEUS_PACKAGE_SHA256" ] || fail "$deb no longer has sha256 $PROMETHEUS_PACKAGE_SHA256"
  dpkg-deb -x "$deb" "$partial/root"
  echo "$PROMETHEUS_PACKAGE $PROMETHEUS_PACKAGE_VERSION $PROMETHEUS_PACKAGE_SHA256 ${deb##*/}" >"$partial/packages.txt"
  ln -s ../root/usr/bin/prometheus "$partial/bin/prometheus"
  ln -s ../root/usr/bin/promtool "$partial/bin/promtool"
  check_tree "$partial"
  touch "$partial/.complete"
  rm -rf "$tree"
  mv "$partial" "$tree"
  trap - EXIT
}

main() {
  local tool
  for tool in flock dpkg-deb sha256sum apt-get; do
    command -v "$tool" >/dev/null || fail "$tool is not on PATH (this needs a Debian system)"
  done
  [ "$(dpkg --print-architecture)" = "$DEBIAN_ARCH" ] ||
    fail "the pinned package is for $DEBIAN_ARCH, this machine is $(dpkg --print-architecture)"
  mkdir -p "$cache" "$downloads"
  # Two test runs starting at once build once; the second waits and then finds the cache warm.
  exec 9>"$cache/.build.lock"
  flock 9
  if [ -f "$tree/.complete" ]; then
    say "cached: $tree"
    return
  fi
  if [ -f "$deb" ] && [ "$(sha256_of "$deb")" = "$PROMETHEUS_PACKAGE_SHA256" ]; then
    say "package already downloaded: $deb"
  else
    fetch_package
  fi
  build_tree
  say "unpacked Prometheus ${PROMETHEUS_PACKAGE_VERSION%%+*} (Debian $DEBIAN_SUITE) in $((SECONDS - started))s: $tree"
}

# Everything runs from this one call, which bash parses whole first: editing this file while a build runs
# cannot change what that build executes.
main "$@"
exit
