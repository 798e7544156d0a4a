# shellcheck shell=bash
# shellcheck disable=SC2154 # cache, tree and say are the sourcing script's (below).
# Sourced by the build scripts that put Debian binary packages in the cache (scripts/nginx/build.sh,
# scripts/prometheus/build.sh): apt with a state of its own, the packages pinned by version and sha256 and
# checked against the suite's signed index, their .debs kept in downloads/ so that building again needs no
# network, and a tree made in a .partial directory and renamed once checked. Nothing is installed on the
# machine, root is not needed, and the machine's own apt sources and packages are left alone.
#
# The sourcing script sets, before calling anything here:
#   cache        its folder in the cache, e.g. ~/.cache/ai-gateway-operator/nginx
#   tree         the folder it builds, in $cache
#   DEBIAN_SUITE, DEBIAN_ARCH (from its versions.env)
# and defines say (one line to stderr, with its own prefix). A package is named by a line
# "<package> <version> <sha256> <file in downloads/>", as in the package lists kept in the cache.

downloads="$cache/downloads"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
# shellcheck disable=SC2034 # read by the sourcing script's messages
started=$SECONDS

fail() {
  say "error: $*"
  exit 1
}

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# answer_check "$@": `build.sh --check` builds nothing: it exits 0 when the tree is in the cache, 1 otherwise.
answer_check() {
  if [ "${1:-}" = --check ]; then
    [ -f "$tree/.complete" ] || exit 1
    echo "cached: $tree"
    exit 0
  fi
}

# apt, reading only a sources list of its own in the cache (the pinned suite, binary packages of one
# architecture) and an empty package status: the machine's own apt state and sources are left alone.
apt_options=()
mirror=""
prepare_apt() {
  local state="$cache/apt"
  # The machine's Debian mirror, as its apt sources name it, unless DEBIAN_MIRROR gives another.
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
    # The flock of lock_cache keeps builds apart; apt's own locks would be the machine's.
    -o Debug::NoLocking=1
  )
  # As root apt downloads as the user _apt, who cannot write into root's cache.
  [ "$(id -u)" != 0 ] || apt_options+=(-o APT::Sandbox::User=root)
}

# The index entries of the packages asked for, as `apt-cache show` prints them; read by index_field.
index=""

# read_index <package>...: reads the suite's signed index and keeps the entries of these packages.
read_index() {
  prepare_apt
  say "reading the index of Debian $DEBIAN_SUITE ($mirror)"
  apt-get "${apt_options[@]}" -q=2 --error-on=any update >&2 ||
    fail "apt could not read the index of Debian $DEBIAN_SUITE from $mirror (see apt's words above)"
  if [ $# = 1 ]; then
    index="$(apt-cache "${apt_options[@]}" show "$1")" ||
      fail "Debian $DEBIAN_SUITE has no package $1 (see apt's words above)"
  else
    index="$(apt-cache "${apt_options[@]}" show "$@")" ||
      fail "Debian $DEBIAN_SUITE lacks one of $* (see apt's words above)"
  fi
}

# index_field <package> <version or ""> <field>: the field of the package (at that version) in the index.
index_field() {
  awk -v package="$1" -v version="$2" -v field="$3:" '
    /^$/ { if (p == package && (version == "" || v == version) && value != "") { print value; exit } p = v = value = "" }
    $1 == "Package:" { p = $2 }
    $1 == "Version:" { v = $2 }
    $1 == field { value = $2 }
  ' <<<"$index"$'\n'
}

# check_pinned <package> <version> <sha256> <versions.env>: the index has the package at that version, with
# that sha256; else it stops, naming the version the suite has now to pin in versions.env.
check_pinned() {
  local package="$1" version="$2" sha256="$3" versions="$4" indexed now
  indexed="$(index_field "$package" "$version" SHA256)"
  if [ -z "$indexed" ]; then
    now="$(index_field "$package" "" Version)"
    fail "Debian $DEBIAN_SUITE no longer has $package $version but $now (SHA256" \
      "$(index_field "$package" "$now" SHA256)): pin that in $versions"
  fi
  [ "$indexed" = "$sha256" ] ||
    fail "Debian $DEBIAN_SUITE's index gives $package $version the sha256 $indexed, not the $sha256 of versions.env"
}

# indexed_line <package> <version>: the package's line, with the sha256 and file name of the index.
indexed_line() {
  local file
  file="$(index_field "$1" "$2" Filename)"
  echo "$1 $2 $(index_field "$1" "$2" SHA256) ${file##*/}"
}

# Whether every package of the lines on stdin is in downloads/ with its sha256: then no network is needed.
packages_downloaded() {
  local package version sha256 file
  while read -r package version sha256 file; do
    [ -f "$downloads/$file" ] && [ "$(sha256_of "$downloads/$file")" = "$sha256" ] || return 1
  done
}

# download_packages <line>...: downloads into downloads/ the packages not there with their sha256, and
# checks each one's sha256. After read_index; the index is dropped then, as it would only be stale.
download_packages() {
  local lines=("$@") wanted=() package version sha256 file i
  for i in "${!lines[@]}"; do
    read -r package version sha256 file <<<"${lines[$i]}"
    packages_downloaded <<<"${lines[$i]}" || wanted+=("$package=$version")
  done
  if [ ${#wanted[@]} -gt 0 ]; then
    say "downloading ${wanted[*]}"
    local partial
    partial="$(mktemp -d "$downloads/.partial.XXXXXX")"
    if ! (cd "$partial" && apt-get "${apt_options[@]}" -q=2 download "${wanted[@]}" >&2); then
      rm -rf "$partial"
      fail "downloading ${wanted[*]} from $mirror failed (see apt's words above)"
    fi
    # apt-get names a file with an epoch in it (1%3a4.5...); the lines use the pool's names.
    for i in "${!lines[@]}"; do
      read -r package version sha256 file <<<"${lines[$i]}"
      local got=("$partial/${package}_"*.deb)
      [ -f "${got[0]}" ] || continue
      [ "$(sha256_of "${got[0]}")" = "$sha256" ] || {
        rm -rf "$partial"
        fail "$package $version from $mirror has sha256 $(sha256_of "${got[0]}"), not $sha256"
      }
      mv "${got[0]}" "$downloads/$file"
    done
    rm -rf "$partial"
  fi
  rm -rf "$cache/apt"
}

# start_tree: an empty $partial (root/ and bin/) that a failed build removes.
start_tree() {
  partial="$tree.partial.$$"
  rm -rf "$partial"
  trap 'rm -rf "$partial"' EXIT
  mkdir -p "$partial/root" "$partial/bin"
}

# unpack_packages: unpacks the packages of the lines on stdin into $partial/root and lists them in
# $partial/packages.txt.
unpack_packages() {
  local package version sha256 file
  : >"$partial/packages.txt"
  while read -r package version sha256 file; do
    # Checked again here: the file may have changed since it was downloaded.
    [ "$(sha256_of "$downloads/$file")" = "$sha256" ] || fail "$downloads/$file no longer has sha256 $sha256"
    dpkg-deb -x "$downloads/$file" "$partial/root"
    echo "$package $version $sha256 $file" >>"$partial/packages.txt"
  done
}

# finish_tree: the checked $partial becomes $tree.
finish_tree() {
  touch "$partial/.complete"
  rm -rf "$tree"
  mv "$partial" "$tree"
  trap - EXIT
}

# lock_cache <packages>: checks this is a Debian machine of the pinned architecture and takes the cache's
# lock, held until the script ends. <packages> ("package is", "packages are") is for the error about the
# architecture.
lock_cache() {
  local tool
  for tool in flock dpkg-deb sha256sum apt-get; do
    command -v "$tool" >/dev/null || fail "$tool is not on PATH (this needs a Debian system)"
  done
  [ "$(dpkg --print-architecture)" = "$DEBIAN_ARCH" ] ||
    fail "the pinned $1 for $DEBIAN_ARCH, this machine is $(dpkg --print-architecture)"
  mkdir -p "$cache" "$downloads"
  # Two test runs starting at once build once; the second waits and then finds the cache warm.
  exec 9>"$cache/.build.lock"
  flock 9
}

# Whether $tree is built already (then it says so).
tree_cached() {
  [ -f "$tree/.complete" ] || return 1
  say "cached: $tree"
}
