#!/usr/bin/env bash
# Debian packages the tests need: nginx and its njs module (API-key checks), the gateway proxy the
# gateway tests and the demo run for real. scripts/run.sh runs it before the npm scripts that need them.
# Usage: install-system-packages.sh [--check]   (--check only says whether they are there: exit 0 or 1)
set -euo pipefail
packages=(nginx libnginx-mod-http-js)

# Where test/nginx/nginx-binary.ts looks for them, so a machine with its own nginx (NGINX_BINARY,
# NGINX_MODULES_DIRECTORY) is left alone; plain file tests keep this fast.
present() {
  [ -x "${NGINX_BINARY:-/usr/sbin/nginx}" ] &&
    [ -r "${NGINX_MODULES_DIRECTORY:-/usr/lib/nginx/modules}/ngx_http_js_module.so" ]
}

if [ "${1:-}" = --check ]; then
  present || exit 1
  if [ -n "${NGINX_BINARY:-}" ]; then echo "NGINX_BINARY is set"; else echo "already installed"; fi
  exit 0
fi
present && exit 0

say() { echo "install-system-packages.sh: $*" >&2; }
if ! command -v apt-get >/dev/null; then
  say "nginx with its njs module is missing and this is no Debian system (no apt-get): install both, then set NGINX_BINARY and NGINX_MODULES_DIRECTORY"
  exit 1
fi
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null; then
    say "nginx and its njs module are missing and installing them needs root (no sudo here): as root, run apt-get install -y --no-install-recommends ${packages[*]}"
    exit 1
  fi
  SUDO=(sudo)
fi
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}"
# The package may start a system nginx on port 80; the tests run their own on loopback ports.
if command -v service >/dev/null 2>&1; then "${SUDO[@]}" service nginx stop >/dev/null 2>&1 || true; fi
