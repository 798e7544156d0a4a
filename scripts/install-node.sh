#!/usr/bin/env bash
# Installs the project's Node.js (24 LTS) and npm from the npm registry into .tools/, so that a machine
# with an older system Node can build and test. Usage: source <(scripts/install-node.sh --print-path)
set -euo pipefail
NODE_VERSION=24.21.0
NPM_VERSION=11.21.2
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.tools/node_modules/.bin"
if [ "$("$bin/node" --version 2>/dev/null)" != "v$NODE_VERSION" ] || [ "$("$bin/npm" --version 2>/dev/null)" != "$NPM_VERSION" ]; then
  npm install --prefix "$root/.tools" --no-audit --no-fund "node@$NODE_VERSION" "npm@$NPM_VERSION" >&2
fi
if [ "${1:-}" = "--print-path" ]; then echo "export PATH=\"$bin:\$PATH\""; fi
