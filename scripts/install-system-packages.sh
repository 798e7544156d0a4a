#!/usr/bin/env bash
# Debian packages the tests need: nginx and its njs module (API-key checks), the gateway proxy the
# gateway tests run for real.
set -euo pipefail
packages=(nginx libnginx-mod-http-js)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
# The package may start a system nginx on port 80; the tests run their own on loopback ports.
if command -v service >/dev/null 2>&1; then $SUDO service nginx stop >/dev/null 2>&1 || true; fi
