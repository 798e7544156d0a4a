#!/usr/bin/env bash
# Checks that the build runs with the production dependencies alone, as the image ships it (`npm prune
# --omit=dev`): a file under dist/ that imports a devDependency fails here instead of in a pod. It runs
# the build (tsconfig.build.json, as the image does) into a temporary folder with package.json and
# package-lock.json, checks that no test helper (`testing/`) is in it, installs there with
# `npm ci --omit=dev` (from npm's cache when it has the packages), and runs each of the image's three
# programs with --help, which loads every module the program imports: each must exit 0 and print its
# usage. Run through `npm run test:dist`, which puts the project's Node first on PATH.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# What the chart runs, and the reloader the controller runs beside nginx in every gateway pod.
programs=(dist/controller/main.js dist/webhook/main.js dist/gateway-reloader/main.js)

say() { echo "check-production-dependencies: $*"; }

cd "$root"
dir="$(mktemp -d "${TMPDIR:-/tmp}/ago-production-dependencies.XXXXXX")"
trap 'rm -rf "$dir"' EXIT
# A fresh output, so that no file left in dist/ by an earlier build counts.
node_modules/.bin/tsc -p tsconfig.build.json --outDir "$dir/dist"
cp package.json package-lock.json "$dir/"
cd "$dir"
helpers="$(find dist -type d -name testing)"
if [ -n "$helpers" ]; then
  say "failed: the build holds test helpers: $helpers"
  exit 1
fi
say "npm ci --omit=dev in $dir"
# No install scripts, as in the image's build.
npm ci --omit=dev --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error
for dev in $(node -e 'console.log(Object.keys(require("./package.json").devDependencies).join(" "))'); do
  if [ -e "node_modules/$dev" ]; then
    say "failed: devDependency $dev was installed, so this check would not see an import of it"
    exit 1
  fi
done

for program in "${programs[@]}"; do
  status=0
  output="$(node "$program" --help 2>&1)" || status=$?
  if [ "$status" != 0 ] || ! grep -qE '^Usage: .+ \[flags\]$' <<<"$output"; then
    printf '%s\n' "$output" | sed 's/^/  | /'
    say "failed: node $program --help exited $status without its usage, with production dependencies only"
    exit 1
  fi
  say "node $program --help: ok"
done
say "ok"
