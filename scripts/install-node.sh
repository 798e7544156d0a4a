#!/usr/bin/env bash
# Installs the project's Node.js (24 LTS) and npm from the npm registry into .tools/, so that a machine
# with an older system Node can build and test. scripts/run.sh runs it before every npm script.
# Usage: install-node.sh [--check | --print-path]
#   --check       only says whether they are installed (exit 0, saying so) or not (exit 1)
#   --print-path  also prints the line that puts them first on PATH: source <(scripts/install-node.sh --print-path)
set -euo pipefail
NODE_VERSION=24.21.0
NPM_VERSION=11.21.2
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.tools/node_modules/.bin"

# Cheap enough to run before every npm script: one `node --version`, npm's version read from its package.json.
installed() {
  [ "$("$bin/node" --version 2>/dev/null)" = "v$NODE_VERSION" ] &&
    grep -q "^  \"version\": \"$NPM_VERSION\",\$" "$root/.tools/node_modules/npm/package.json" 2>/dev/null
}

if [ "${1:-}" = --check ]; then
  installed || exit 1
  echo "already there"
  exit 0
fi
if ! installed; then
  # The machine's own npm, not the one in .tools/ that is being replaced.
  PATH="${PATH//"$bin:"/}"
  if ! command -v npm >/dev/null; then
    echo "install-node.sh: npm is not on PATH; install Node.js (>= 18) with npm, e.g. apt-get install nodejs npm" >&2
    exit 1
  fi
  # The node package fetches its binary in an install script: run it even where npm skips scripts.
  npm install --prefix "$root/.tools" --no-audit --no-fund --prefer-offline --ignore-scripts=false \
    "node@$NODE_VERSION" "npm@$NPM_VERSION" >&2
  if ! installed; then
    echo "install-node.sh: npm installed the node package but .tools/ has no Node.js v$NODE_VERSION (did its install script run?)" >&2
    exit 1
  fi
fi
if [ "${1:-}" = "--print-path" ]; then echo "export PATH=\"$bin:\$PATH\""; fi
