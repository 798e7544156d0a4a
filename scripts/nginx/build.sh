#!/usr/bin/env bash
# Puts the gateway's nginx and its njs module in the cache, for every gateway test, the gateway benchmark
# and the demo (test/nginx/nginx-binary.ts finds them there): Debian's packages nginx and
# libnginx-mod-http-js of the suite and at the versions pinned in versions.env (each .deb checked against
# its pinned sha256), unpacked with the shared libraries they need from the same suite, and a launcher,
# bin/nginx, that runs nginx with that suite's own loader and libraries. Nothing is installed on the
# machine, and root is not needed. Why: Debian 12 has only nginx 1.22, older than the line the chart ships,
# and the suite's builds need its newer C library, hence the loader; binary packages rather than a build
# from source, because the mirror the project's machines reach serves the suite's nginx and njs .debs but
# not their source packages.
#
# The result: ${AGO_CACHE_DIR:-$HOME/.cache/ai-gateway-operator}/nginx/nginx-<version>-njs-<version>/
# (bin/nginx, modules/ngx_http_js_module.so, packages.txt: every .deb used, with its sha256). It is made in
# a .partial directory and renamed when checked, so an interrupted build leaves nothing half made. The
# .debs stay in nginx/downloads/, so building the same versions again needs no network; only the first
# build reads the suite's index (about 16 MB) and downloads the packages (about 8 MB).
# `build.sh --check` builds nothing: it exits 0 when the pinned versions are in the cache, 1 otherwise.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
source "$here/versions.env"
cache="${AGO_CACHE_DIR:-$HOME/.cache/ai-gateway-operator}/nginx"
tree_name="nginx-$NGINX_PACKAGE_VERSION-njs-$NJS_PACKAGE_VERSION"
tree="$cache/$tree_name"
downloads="$cache/downloads"
# The packages of this tree: "<package> <version> <sha256> <file in downloads/>" lines.
package_list="$downloads/$tree_name.list"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

started=$SECONDS
say() { echo "[nginx:build] $*" >&2; }
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
    # The flock below keeps builds apart; apt's own locks would be the machine's.
    -o Debug::NoLocking=1
  )
  # As root apt downloads as the user _apt, who cannot write into root's cache.
  [ "$(id -u)" != 0 ] || apt_options+=(-o APT::Sandbox::User=root)
}

# The index entries of the packages used, as `apt-cache show` prints them; read by index_field.
index=""

# index_field <package> <version or ""> <field>: the field of the package (at that version) in the index.
index_field() {
  awk -v package="$1" -v version="$2" -v field="$3:" '
    /^$/ { if (p == package && (version == "" || v == version) && value != "") { print value; exit } p = v = value = "" }
    $1 == "Package:" { p = $2 }
    $1 == "Version:" { v = $2 }
    $1 == field { value = $2 }
  ' <<<"$index"$'\n'
}

# Reads the suite's index, downloads the pinned packages and the libraries into downloads/ (those already
# there with the right sha256 are kept), and writes the package list.
fetch_packages() {
  prepare_apt
  say "reading the index of Debian $DEBIAN_SUITE ($mirror)"
  apt-get "${apt_options[@]}" -q=2 --error-on=any update >&2 ||
    fail "apt could not read the index of Debian $DEBIAN_SUITE from $mirror (see apt's words above)"
  index="$(apt-cache "${apt_options[@]}" show "$NGINX_PACKAGE" "$NJS_PACKAGE" $RUNTIME_PACKAGES)" ||
    fail "Debian $DEBIAN_SUITE lacks one of $NGINX_PACKAGE $NJS_PACKAGE $RUNTIME_PACKAGES (see apt's words above)"

  local lines=() wanted=() package version sha256 indexed now file
  for pinned in "$NGINX_PACKAGE $NGINX_PACKAGE_VERSION $NGINX_PACKAGE_SHA256" \
    "$NJS_PACKAGE $NJS_PACKAGE_VERSION $NJS_PACKAGE_SHA256"; do
    read -r package version sha256 <<<"$pinned"
    indexed="$(index_field "$package" "$version" SHA256)"
    if [ -z "$indexed" ]; then
      now="$(index_field "$package" "" Version)"
      fail "Debian $DEBIAN_SUITE no longer has $package $version but $now (SHA256" \
        "$(index_field "$package" "$now" SHA256)): pin that in scripts/nginx/versions.env"
    fi
    [ "$indexed" = "$sha256" ] ||
      fail "Debian $DEBIAN_SUITE's index gives $package $version the sha256 $indexed, not the $sha256 of versions.env"
    lines+=("$package $version $sha256")
  done
  for package in $RUNTIME_PACKAGES; do
    version="$(index_field "$package" "" Version)"
    lines+=("$package $version $(index_field "$package" "$version" SHA256)")
  done

  local i
  for i in "${!lines[@]}"; do
    read -r package version sha256 <<<"${lines[$i]}"
    file="$(index_field "$package" "$version" Filename)"
    file="${file##*/}"
    lines[i]+=" $file"
    [ -f "$downloads/$file" ] && [ "$(sha256_of "$downloads/$file")" = "$sha256" ] ||
      wanted+=("$package=$version")
  done
  if [ ${#wanted[@]} -gt 0 ]; then
    local partial
    partial="$(mktemp -d "$downloads/.partial.XXXXXX")"
    if ! (cd "$partial" && apt-get "${apt_options[@]}" -q=2 download "${wanted[@]}" >&2); then
      rm -rf "$partial"
      fail "downloading ${wanted[*]} from $mirror failed (see apt's words above)"
    fi
    # apt-get names a file with an epoch in it (1%3a4.5...); the list uses the pool's names.
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
  printf '%s\n' "${lines[@]}" >"$package_list.partial"
  mv "$package_list.partial" "$package_list"
  # The index is read again for other versions: it would only be stale.
  rm -rf "$cache/apt"
}

# Whether every package of the list is in downloads/ with its sha256: then no network is needed.
downloaded() {
  [ -f "$package_list" ] || return 1
  local package version sha256 file
  while read -r package version sha256 file; do
    [ -f "$downloads/$file" ] && [ "$(sha256_of "$downloads/$file")" = "$sha256" ] || return 1
  done <"$package_list"
}

# check_tree <dir>: nginx and the njs module load only the tree's libraries, nginx is the pinned version,
# and it accepts a configuration that loads the module and compiles a script.
check_tree() {
  local dir="$1" loader="$2" libraries="$3" object line
  for object in usr/sbin/nginx usr/lib/nginx/modules/ngx_http_js_module.so; do
    while read -r line; do
      case "$line" in
        *"not found"*) fail "$object needs a library that is in none of its packages: $line (add its package to RUNTIME_PACKAGES)" ;;
        *" => /"*) [[ $line == *" => $dir/root/"* ]] ||
          fail "$object would load a library of this machine: $line (add its package to RUNTIME_PACKAGES)" ;;
      esac
    done < <("$dir/root/$loader" --inhibit-cache --library-path "$dir/root/$libraries" --list "$dir/root/$object")
  done
  local version
  version="$("$dir/bin/nginx" -v 2>&1)"
  [ "$version" = "nginx version: nginx/${NGINX_PACKAGE_VERSION%-*}" ] ||
    fail "bin/nginx -v says \"$version\", not nginx ${NGINX_PACKAGE_VERSION%-*}"
  local work="$dir/check" kind
  mkdir "$work"
  echo 'function ok(r) { r.return(200, njs.version); } export default { ok };' >"$work/check.js"
  {
    echo "load_module $dir/modules/ngx_http_js_module.so;"
    echo "pid $work/nginx.pid;"
    echo "events {}"
    echo "http {"
    for kind in client_body proxy fastcgi uwsgi scgi; do echo "  ${kind}_temp_path $work/$kind;"; done
    echo "  access_log off;"
    echo "  js_import check from $work/check.js;"
    # A socket in the work directory: nginx -t binds it, and any user can.
    echo "  server { listen unix:$work/check.sock; location / { js_content check.ok; } }"
    echo "}"
  } >"$work/nginx.conf"
  "$dir/bin/nginx" -p "$work/" -c "$work/nginx.conf" -e "$work/error.log" -t -q ||
    fail "bin/nginx -t refused a configuration that loads the njs module (see nginx's words above)"
  rm -rf "$work"
}

build_tree() {
  local package version sha256 file
  partial="$tree.partial.$$"
  rm -rf "$partial"
  # A failed build leaves nothing behind.
  trap 'rm -rf "$partial"' EXIT
  mkdir -p "$partial/root" "$partial/bin"
  while read -r package version sha256 file; do
    # Checked again here: the file may have changed since it was downloaded.
    [ "$(sha256_of "$downloads/$file")" = "$sha256" ] || fail "$downloads/$file no longer has sha256 $sha256"
    dpkg-deb -x "$downloads/$file" "$partial/root"
  done <"$package_list"
  grep -qx "$NGINX_PACKAGE $NGINX_PACKAGE_VERSION $NGINX_PACKAGE_SHA256 .*" "$package_list" &&
    grep -qx "$NJS_PACKAGE $NJS_PACKAGE_VERSION $NJS_PACKAGE_SHA256 .*" "$package_list" ||
    fail "$package_list does not hold the pinned $NGINX_PACKAGE and $NJS_PACKAGE"
  cp "$package_list" "$partial/packages.txt"

  local loaders loader libraries
  loaders=("$partial"/root/usr/lib/*-linux-gnu/ld-linux*.so.*)
  [ -f "${loaders[0]}" ] || fail "the C library of Debian $DEBIAN_SUITE has no loader (ld-linux*.so.*)"
  loader="${loaders[0]#"$partial/root/"}"
  libraries="${loader%/*}"
  # --inhibit-cache: this machine's /etc/ld.so.cache names its own, older libraries.
  cat >"$partial/bin/nginx" <<EOF
#!/bin/sh
# nginx $NGINX_PACKAGE_VERSION of Debian $DEBIAN_SUITE, run by that suite's loader with its libraries from
# ../root, which this machine's C library is too old for. Written by scripts/nginx/build.sh.
root="\$(cd "\$(dirname "\$0")/../root" && pwd)"
exec "\$root/$loader" --inhibit-cache --library-path "\$root/$libraries" "\$root/usr/sbin/nginx" "\$@"
EOF
  chmod 0755 "$partial/bin/nginx"
  ln -s root/usr/lib/nginx/modules "$partial/modules"

  check_tree "$partial" "$loader" "$libraries"
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
    fail "the pinned packages are for $DEBIAN_ARCH, this machine is $(dpkg --print-architecture)"
  mkdir -p "$cache" "$downloads"
  # Two test runs starting at once build once; the second waits and then finds the cache warm.
  exec 9>"$cache/.build.lock"
  flock 9
  if [ -f "$tree/.complete" ]; then
    say "cached: $tree"
    return
  fi
  if downloaded; then
    say "packages already downloaded: $package_list"
  else
    fetch_packages
  fi
  build_tree
  say "built nginx ${NGINX_PACKAGE_VERSION%-*} with njs ${NJS_PACKAGE_VERSION%-*} (Debian $DEBIAN_SUITE) in" \
    "$((SECONDS - started))s: $tree"
}

# Everything runs from this one call, which bash parses whole first: editing this file while a build runs
# cannot change what that build executes.
main "$@"
exit
