#!/usr/bin/env bash
# The entry of every npm script: sets up what the command needs, then runs it under the project's Node.js
# from .tools/, so that a fresh clone needs nothing but the machine's own Node (>= 18) and npm.
#
#   scripts/run.sh [nginx] [prometheus] [cluster] [-- command [args...]]
#
# Node.js and node_modules are always set up; `nginx` adds the gateway's nginx with njs (gateway tests,
# demo), `prometheus` Prometheus and promtool (monitoring tests), `cluster` the control plane binaries.
# Without a command it only sets up (npm run setup). Each step first checks, quickly and without network,
# whether it is done, and prints one line either way:
#   setup: node_modules (npm ci) ... done in 12.3s
#   setup: node_modules (npm ci) skipped (newer than package-lock.json)
# A run nested in another (npm test runs npm run test:unit) skips silently what the outer one did.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools_bin="$root/.tools/node_modules/.bin"
logs="$root/.tools/setup-logs"
hint_file="$logs/hint"
node_version="$(sed -n 's/^NODE_VERSION=//p' "$root/scripts/install-node.sh")"
npm_version="$(sed -n 's/^NPM_VERSION=//p' "$root/scripts/install-node.sh")"

# The set-up steps, in order: step <id> <for> <what> <check> <do>. <for> is always, nginx, prometheus or
# cluster.
# <check> and <do> are commands run in the project root. <check> exits 0 when the step is done, printing
# why. <do>'s output goes to .tools/setup-logs/<id>.log, and its "[tag] ..." lines are shown as progress.
# When <do> fails, the last line of its output, if it is a sentence of one of our scripts ("x.sh: ..." or
# "[tag] error: ..."), says what is missing; otherwise what <do> gave to `hint`.
steps() {
  step node always "Node.js $node_version and npm $npm_version in .tools/" \
    "bash scripts/install-node.sh --check" install_node
  step nginx nginx "the gateway's nginx and njs" "bash scripts/nginx/build.sh --check" build_nginx
  step prometheus prometheus "Prometheus and promtool" "bash scripts/prometheus/build.sh --check" build_prometheus
  step npm-ci always "node_modules (npm ci)" node_modules_current npm_ci
  step control-plane cluster "control plane binaries (built with Go)" \
    "bash e2e/cluster/build.sh --check" build_control_plane
}

say() { echo "setup: $*" >&2; }
hint() { printf '%s\n' "$*" >"$hint_file"; }
registry() { npm config get registry 2>/dev/null || echo "https://registry.npmjs.org/"; }

# npm's fetches from the registry (Node.js, node_modules): a dropped connection is tried again 5 times,
# after 1 s growing to 10 s, so that an unreachable registry is reported in about a minute and a half
# rather than after the many minutes npm's own waits (10 s growing to 60 s) add up to. The user's own
# settings win.
export npm_config_fetch_retries="${npm_config_fetch_retries:-5}"
export npm_config_fetch_retry_mintimeout="${npm_config_fetch_retry_mintimeout:-1000}"
export npm_config_fetch_retry_maxtimeout="${npm_config_fetch_retry_maxtimeout:-10000}"

install_node() {
  bash scripts/install-node.sh && return
  hint "Node.js $node_version could not be installed from the npm registry ($(registry)): check the" \
    "network and npm's registry and proxy settings, then run again"
  return 1
}

build_nginx() {
  bash scripts/nginx/build.sh && return
  hint "nginx and njs could not be fetched from the Debian mirror: check the network (or set DEBIAN_MIRROR" \
    "to a reachable mirror), then run again"
  return 1
}

build_prometheus() {
  bash scripts/prometheus/build.sh && return
  hint "Prometheus could not be fetched from the Debian mirror: check the network (or set DEBIAN_MIRROR to" \
    "a reachable mirror), then run again"
  return 1
}

node_modules_current() {
  [ node_modules/.package-lock.json -nt package-lock.json ] || return 1
  echo "newer than package-lock.json"
}

npm_ci() {
  # The project's npm on the project's Node, not the machine's: the same npm that wrote the lock file.
  # Packages already in npm's cache are taken from it (the lock file pins each by its integrity hash),
  # so a reinstall rarely needs the network.
  "$tools_bin/npm" ci --no-audit --no-fund --prefer-offline && return
  hint "npm ci could not install the dependencies from the npm registry ($(registry)): check the network" \
    "and npm's registry and proxy settings, then run again"
  return 1
}

build_control_plane() {
  bash e2e/cluster/build.sh && return
  hint "the control plane could not be built: see the go output above"
  return 1
}

# Microseconds since the epoch, and the time since such a moment as "3.2s".
now() {
  local t="${EPOCHREALTIME:-$SECONDS.000000}"
  echo "${t//[!0-9]/}"
}
since() {
  local us=$(($(now) - $1))
  printf '%d.%ds' $((us / 1000000)) $((us / 100000 % 10))
}

# Copies a step's output into its log and shows its "[tag] ..." progress lines, after ending the
# "setup: <what> ... " line; <log>.shown records that it did.
show_progress() {
  local log="$1" line
  while IFS= read -r line || [ -n "$line" ]; do
    printf '%s\n' "$line" >>"$log"
    case "$line" in
      # An error ends the output, and the step's last line is shown as its outcome.
      "["*"] error: "*) ;;
      "["*"] "*)
        if [ ! -e "$log.shown" ]; then
          : >"$log.shown"
          echo >&2
        fi
        printf '  %s\n' "$line" >&2
        ;;
    esac
  done
}

# Only one set-up at a time works in this tree (two npm ci at once would break node_modules); taken only
# when a step has work to do, so that runs with everything set up never wait.
locked=0
lock() {
  [ "$locked" = 0 ] || return 0
  locked=1
  command -v flock >/dev/null || return 0
  mkdir -p "$root/.tools"
  exec 8>"$root/.tools/setup.lock"
  flock -n 8 && return 0
  say "another set-up is running in this folder; waiting for it to finish"
  flock 8
}

run_step() {
  local id="$1" what="$2" do="$3"
  local log="$logs/$id.log" started status=0
  mkdir -p "$logs"
  rm -f "$log" "$log.shown" "$hint_file"
  : >"$log"
  printf 'setup: %s ... ' "$what" >&2
  started="$(now)"
  (cd "$root" && eval "$do") 2>&1 | show_progress "$log" || status=$?
  local took
  took="$(since "$started")"
  local outcome="done in $took"
  [ "$status" = 0 ] || outcome="failed after $took"
  if [ -e "$log.shown" ]; then say "$what $outcome"; else echo "$outcome" >&2; fi
  [ "$status" != 0 ] || return 0

  # The sentence saying what went wrong ends the output: the last line of that output, not shown twice.
  local last sentence="" lines
  lines="$(wc -l <"$log")"
  last="$(tail -n 1 "$log")"
  if [[ $last =~ ^[A-Za-z0-9_-]+\.sh:\ (.*)$ || $last =~ ^\[[a-z:-]+\]\ error:\ (.*)$ ]]; then
    sentence="${BASH_REMATCH[1]}"
    lines=$((lines - 1))
  elif [ -s "$hint_file" ]; then
    sentence="$(cat "$hint_file")"
  else
    sentence="$what failed; see ${log#"$root/"}"
  fi
  # Without the progress lines, which were shown already.
  local rest
  rest="$(head -n "$lines" "$log" | grep -v '^\[[a-z:-]*\] ' | tail -n 12)" || true
  if [ -n "$rest" ]; then
    echo "  the end of its output (all of it in ${log#"$root/"}):" >&2
    printf '%s\n' "$rest" | sed 's/^/  | /' >&2
  fi
  say "$sentence"
  exit 1
}

step() {
  local id="$1" for="$2" what="$3" check="$4" do="$5" reason
  case " always $needs " in *" $for "*) ;; *) return 0 ;; esac
  case " $done_steps " in *" $id "*) return 0 ;; esac
  if reason="$(cd "$root" && eval "$check" 2>/dev/null)"; then
    say "$what skipped (${reason:-already done})"
  else
    lock
    # Another set-up may have done it while this one waited.
    if reason="$(cd "$root" && eval "$check" 2>/dev/null)"; then
      say "$what skipped (${reason:-already done})"
    else
      run_step "$id" "$what" "$do"
    fi
  fi
  done_steps+=" $id"
}

main() {
  needs=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --)
        shift
        break
        ;;
      nginx | prometheus | cluster)
        needs+=" $1"
        shift
        ;;
      *)
        echo "usage: scripts/run.sh [nginx] [prometheus] [cluster] [-- command [args...]]" >&2
        exit 2
        ;;
    esac
  done

  # The steps done, starting with those of the run this one is nested in: "<project root>:<ids>".
  done_steps=""
  case "${AGO_SETUP_DONE:-}" in "$root:"*) done_steps="${AGO_SETUP_DONE#"$root:"}" ;; esac
  # The project's Node and npm first, for the steps after the first and for the command.
  export PATH="$tools_bin:${PATH//"$tools_bin:"/}"
  steps
  export AGO_SETUP_DONE="$root:$done_steps"
  [ "$locked" = 0 ] || exec 8>&-
  [ $# -gt 0 ] || exit 0
  exec "$@"
}

# One line, parsed whole before it runs: editing this file during a long set-up cannot change what runs.
main "$@"; exit
