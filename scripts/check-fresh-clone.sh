#!/usr/bin/env bash
# CI check that a fresh clone needs nothing typed before the README's commands. It clones this
# repository's HEAD into a temporary folder and, with only the machine's own Node first on PATH, runs one
# unit test file through npm: without the npm registry it must stop with one sentence saying so; the first
# run must install Node.js into .tools/ and run npm ci, saying so;
# the second must say both were skipped; a nested npm run must repeat no set-up line; a newer
# package-lock.json must bring npm ci back. Run after `npm run setup` (as .ci/run does), so the nginx and
# control-plane steps find this machine set up; with the npm cache warm it takes about a minute.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
test_file=scripts/demo/demo-options.test.ts

clone="$(mktemp -d "${TMPDIR:-/tmp}/ago-fresh-clone.XXXXXX")"
trap 'rm -rf "$clone" "$clone.npm-cache"' EXIT
git clone --quiet "$root" "$clone"
cd "$clone"

# The machine's PATH without any project's tools (the run that started this one may have put them first).
system_path="$(printf '%s' "$PATH" | tr ':' '\n' | grep -v 'node_modules' | paste -sd:)"
echo "check-fresh-clone: $clone, the machine's Node $(PATH="$system_path" node --version) first on PATH"

# run [--fails] <command...>: runs it as a newcomer's shell would, printing its output and keeping it in
# $output. It must succeed, or with --fails, fail.
run() {
  local must=succeed outcome=succeed
  if [ "$1" = --fails ]; then
    must=fail
    shift
  fi
  echo "check-fresh-clone: \$ $*"
  output="$(env -u AGO_SETUP_DONE PATH="$system_path" "$@" 2>&1)" || outcome=fail
  if [ "$outcome" != "$must" ]; then
    printf '%s\n' "$output"
    echo "check-fresh-clone: failed: it did not $must: $*"
    exit 1
  fi
  printf '%s\n' "$output" | sed 's/^/  /'
}
expect() {
  local pattern="$1" what="$2"
  grep -qE "$pattern" <<<"$output" && return
  echo "check-fresh-clone: failed: $what (no line matches /$pattern/ above)"
  exit 1
}
# expect_last <pattern> <what>: the output's last line matches.
expect_last() {
  grep -qE "$1" <<<"$(tail -n 1 <<<"$output")" && return
  echo "check-fresh-clone: failed: $2 (the last line above does not match /$1/)"
  exit 1
}
# expect_none <lines> <pattern> <what>: none of the lines matches.
expect_none() {
  grep -qE "$2" <<<"$1" || return 0
  echo "check-fresh-clone: failed: $3 (/$2/ matches above)"
  exit 1
}

# The registry unreachable (a closed loopback port) and nothing in npm's cache: one retry instead of five,
# to keep this short.
run --fails env npm_config_registry=http://127.0.0.1:9/ npm_config_cache="$clone.npm-cache" \
  npm_config_fetch_retries=1 npm run test:unit -- "$test_file"
expect_last '^setup: Node\.js [0-9.]+ could not be installed from the npm registry \(http://127\.0\.0\.1:9/\): ' \
  "without the registry, the set-up stops with one sentence naming it"

run npm run test:unit -- "$test_file"
expect '^setup: Node\.js .* \.\.\. done in [0-9]+\.[0-9]s$' "the first run installs Node.js into .tools/"
expect '^setup: node_modules \(npm ci\) \.\.\. done in [0-9]+\.[0-9]s$' "the first run runs npm ci"
expect '^Tests: +[0-9]+ passed' "the test passes"

run npm run test:unit -- "$test_file"
expect '^setup: Node\.js .* skipped \(already there\)$' "the second run skips Node.js"
expect '^setup: node_modules \(npm ci\) skipped \(newer than package-lock.json\)$' "the second run skips npm ci"

# What npm test does: an outer set-up, then npm runs whose own set-up has nothing left to say.
touch package-lock.json
run bash scripts/run.sh nginx prometheus cluster -- npm run test:unit -- "$test_file"
expect '^setup: node_modules \(npm ci\) \.\.\. done in' "a newer package-lock.json runs npm ci again"
expect_none "$(grep '^setup: ' <<<"$output" | grep -v 'npm ci')" ' \.\.\. ' \
  "every other step, nginx, Prometheus and the control plane too, finds this machine set up"
expect_none "$(sed -n '/^> ai-gateway-operator@.* test:unit$/,$p' <<<"$output")" '^setup: ' \
  "the nested npm run prints no set-up line of its own"
expect '^Tests: +[0-9]+ passed' "the nested test passes"

echo "check-fresh-clone: ok"
