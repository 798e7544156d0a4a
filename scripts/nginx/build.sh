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
# shellcheck source=/dev/null
source "$here/versions.env"
cache="${AGO_CACHE_DIR:-$HOME/.cache/ai-gateway-operator}/nginx"
tree_name="nginx-$NGINX_PACKAGE_VERSION-njs-$NJS_PACKAGE_VERSION"
tree="$cache/$tree_name"
say() { echo "[nginx:build] $*" >&2; }
# shellcheck source=scripts/lib/debian-package-cache.sh
source "$here/../lib/debian-package-cache.sh"
# The packages of this tree: "<package> <version> <sha256> <file in downloads/>" lines.
package_list="$downloads/$tree_name.list"

answer_check "$@"

# Reads the suite's index, downloads the pinned packages and the libraries into downloads/ (those already
# there with the right sha256 are kept), and writes the package list.
fetch_packages() {
  read_index "$NGINX_PACKAGE" "$NJS_PACKAGE" $RUNTIME_PACKAGES
  check_pinned "$NGINX_PACKAGE" "$NGINX_PACKAGE_VERSION" "$NGINX_PACKAGE_SHA256" scripts/nginx/versions.env
  check_pinned "$NJS_PACKAGE" "$NJS_PACKAGE_VERSION" "$NJS_PACKAGE_SHA256" scripts/nginx/versions.env
  local lines=() package
  lines+=("$(indexed_line "$NGINX_PACKAGE" "$NGINX_PACKAGE_VERSION")")
  lines+=("$(indexed_line "$NJS_PACKAGE" "$NJS_PACKAGE_VERSION")")
  for package in $RUNTIME_PACKAGES; do
    lines+=("$(indexed_line "$package" "$(index_field "$package" "" Version)")")
  done
  download_packages "${lines[@]}"
  printf '%s\n' "${lines[@]}" >"$package_list.partial"
  mv "$package_list.partial" "$package_list"
}

get_packages() {
  if [ -f "$package_list" ] && packages_downloaded <"$package_list"; then
    say "packages already downloaded: $package_list"
  else
    fetch_packages
  fi
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
  start_tree
  grep -qx "$NGINX_PACKAGE $NGINX_PACKAGE_VERSION $NGINX_PACKAGE_SHA256 .*" "$package_list" &&
    grep -qx "$NJS_PACKAGE $NJS_PACKAGE_VERSION $NJS_PACKAGE_SHA256 .*" "$package_list" ||
    fail "$package_list does not hold the pinned $NGINX_PACKAGE and $NJS_PACKAGE"
  unpack_packages <"$package_list"

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
  finish_tree
  say "built nginx ${NGINX_PACKAGE_VERSION%-*} with njs ${NJS_PACKAGE_VERSION%-*} (Debian $DEBIAN_SUITE) in" \
    "$((SECONDS - started))s: $tree"
}

main() {
  lock_cache "packages are"
  ! tree_cached || return 0
  get_packages
  build_tree
}

# Everything runs from this one call, which bash parses whole first: editing this file while a build runs
# cannot change what that build executes.
main "$@"
exit
