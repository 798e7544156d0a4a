#!/usr/bin/env bash
# Builds the e2e control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl,
# kwok and helm) from Go modules at the versions pinned in versions.env. Each component is cached under
# ${AGO_CACHE_DIR:-$HOME/.cache/ai-gateway-operator}/control-plane/<component>-<version>/, so only the
# first build on a machine compiles; later runs only check the cache. A component whose binaries are all
# present in $E2E_ASSETS (or $KUBEBUILDER_ASSETS) is taken from there and not built. The first build is
# long, so it reports each component and, about once a minute, how many Go packages are compiled.
# `build.sh --check` builds nothing: it exits 0 when every component is cached or given, 1 otherwise.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
source "$here/versions.env"
cache="${AGO_CACHE_DIR:-$HOME/.cache/ai-gateway-operator}/control-plane"
export CGO_ENABLED=0

started=$SECONDS
check_only=0
[ "${1:-}" != --check ] || check_only=1
say() { echo "[cluster:build] $*" >&2; }
# 75 -> 1m15s
duration() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }
fail() {
  say "error: $*"
  exit 1
}

# The official Go tarball's location, for shells that do not have it on PATH.
command -v go >/dev/null || [ ! -x /usr/local/go/bin/go ] || PATH="/usr/local/go/bin:$PATH"
command -v flock >/dev/null || fail "flock is not on PATH (Debian package util-linux)"

# Whether a directory given by the user already holds every named binary.
provided_dir() {
  local dir
  for dir in "${E2E_ASSETS:-}" "${KUBEBUILDER_ASSETS:-}"; do
    [ -n "$dir" ] || continue
    local all=1 bin
    for bin in "$@"; do [ -x "$dir/$bin" ] || all=0; done
    if [ "$all" = 1 ]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

module_dir() {
  go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'
}

# The component being built, when it started, and how many packages its go command compiles (when known):
# what go_with_progress reports.
component=""
component_started=$SECONDS
total_packages=""

# Runs `go <subcommand> -v ...`: the package names -v prints (one per package compiled) are counted instead
# of shown, and about once a minute the count is reported; downloads and errors pass through.
go_with_progress() {
  local subcommand="$1"
  shift
  local count=0 last=$SECONDS line percent=""
  go "$subcommand" -v "$@" 2>&1 | while IFS= read -r line; do
    if [[ $line =~ ^[^[:space:]:#]+$ ]]; then
      count=$((count + 1))
      ((SECONDS - last >= 60)) || continue
      last=$SECONDS
      # The total also lists packages that need no compiling (unsafe), so the count stops short of it.
      [ -z "$total_packages" ] || percent=" ($((count * 100 / total_packages < 99 ? count * 100 / total_packages : 99))%)"
      say "$component: $count${total_packages:+ of $total_packages} Go packages compiled$percent," \
        "$(duration $((SECONDS - component_started))) ($(duration $((SECONDS - started))) in all)"
    else
      printf '%s\n' "$line" >&2
    fi
  done
}

# Runs "$2..." to fill a fresh directory, then moves it to $1 in one step: an interrupted build never
# leaves a half-filled cache entry behind.
build_into() {
  local target="$1"
  shift
  local partial="$target.partial.$$"
  rm -rf "$partial"
  mkdir -p "$partial"
  component="$(basename "$target")"
  component_started=$SECONDS
  total_packages=""
  if ! "$@" "$partial"; then
    rm -rf "$partial"
    fail "building $component failed: see the go output above (a first build downloads Go modules, from" \
      "$(go env GOPROXY 2>/dev/null || echo "the GOPROXY"), so it needs the network)"
  fi
  touch "$partial/.complete"
  rm -rf "$target"
  mv "$partial" "$target"
  say "built $component in $(duration $((SECONDS - component_started))) ($(duration $((SECONDS - started))) in all)"
}

build_kubernetes() {
  local out="$1" minor="${KUBERNETES_VERSION#v1.}"
  minor="${minor%%.*}"
  local ldflags="-s -w" pkg
  # Without these the binaries report v0.0.0, which breaks version negotiation and helm's kubeVersion checks.
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=clean"
  done
  grep -q "^require k8s.io/kubernetes $KUBERNETES_VERSION\$\|^[[:space:]]k8s.io/kubernetes $KUBERNETES_VERSION " \
    "$here/gomodule/go.mod" ||
    fail "gomodule/go.mod is not for k8s.io/kubernetes $KUBERNETES_VERSION; run: bash e2e/cluster/generate-go-module.sh"
  grep -q "go.etcd.io/etcd/server/v3 $ETCD_VERSION\b" "$here/gomodule/go.mod" ||
    fail "gomodule/go.mod builds another etcd than ETCD_VERSION=$ETCD_VERSION; set it to the go.mod's version"
  local packages=(
    k8s.io/kubernetes/cmd/kube-apiserver
    k8s.io/kubernetes/cmd/kube-controller-manager
    k8s.io/kubernetes/cmd/kube-scheduler
    k8s.io/kubernetes/cmd/kubectl
    ./etcd
  )
  (
    cd "$here/gomodule" || exit 1
    say "$component: downloading its Go modules and listing its packages"
    # Only for the progress report; this also downloads the modules, which the build would do anyway.
    total_packages="$(go list -deps "${packages[@]}" | wc -l)" || total_packages=""
    # -buildvcs=false: this module sits inside the project's git checkout, whose state is not the binaries'.
    go_with_progress build -trimpath -buildvcs=false -ldflags "$ldflags" -o "$out/" "${packages[@]}"
  )
}

build_kwok() {
  local out="$1"
  GOBIN="$out" go_with_progress install -trimpath \
    -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v}" \
    "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" || return 1
  # kwok does nothing without Stage objects; these ship in its module: nodes become Ready at once,
  # pods scheduled onto them become Running and Ready, deleted pods go away.
  local src
  src="$(module_dir "sigs.k8s.io/kwok@$KWOK_VERSION")"
  mkdir -p "$out/kwok-stages"
  install -m 0644 "$src"/kustomize/stage/node/fast/node-initialize.yaml \
    "$src"/kustomize/stage/pod/fast/pod-*.yaml "$out/kwok-stages/"
}

build_helm() {
  local out="$1" src client_go major minor
  src="$(module_dir "helm.sh/helm/v3@$HELM_VERSION")"
  # The Kubernetes version helm assumes when no cluster is asked (helm template); derived from its
  # client-go the way helm's own Makefile does.
  client_go="$(awk '$1 == "k8s.io/client-go" { print $2; exit }' "$src/go.mod")"
  client_go="${client_go#v}"
  major=$((${client_go%%.*} + 1))
  minor="${client_go#*.}"
  minor="${minor%%.*}"
  GOBIN="$out" go_with_progress install -trimpath -ldflags "-s -w \
    -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION \
    -X helm.sh/helm/v3/internal/version.gitTreeState=clean \
    -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=$major \
    -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$minor \
    -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=$major \
    -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$minor" \
    "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
}

# The components: cache directory, build function, and the binaries it makes.
components=(
  "kubernetes-$KUBERNETES_VERSION build_kubernetes etcd kube-apiserver kube-controller-manager kube-scheduler kubectl"
  "kwok-$KWOK_VERSION build_kwok kwok kwok-stages"
  "helm-$HELM_VERSION build_helm helm"
)

# Sorts the components into $available (how each one is there) and $to_build (the entries to build).
survey() {
  available=()
  to_build=()
  local entry name builder binaries given
  for entry in "${components[@]}"; do
    read -r name builder binaries <<<"$entry"
    # shellcheck disable=SC2086 # the binaries are separate words
    if given="$(provided_dir $binaries)"; then
      available+=("using $binaries from $given")
    elif [ -f "$cache/$name/.complete" ]; then
      available+=("cached: $cache/$name")
    else
      to_build+=("$entry")
    fi
  done
}

main() {
  survey
  if [ "$check_only" = 1 ]; then
    if [ ${#to_build[@]} -eq 0 ]; then
      # Where the binaries come from: the cache, or what E2E_ASSETS or KUBEBUILDER_ASSETS gives.
      if printf '%s\n' "${available[@]}" | grep -qv '^cached: '; then
        printf '%s\n' "${available[@]}" | paste -sd';' | sed 's/;/; /g'
      else
        echo "cached in $cache"
      fi
      exit 0
    fi
    echo "not built yet: $(printf '%s\n' "${to_build[@]}" | cut -d' ' -f1 | paste -sd' ')"
    exit 1
  fi

  mkdir -p "$cache"
  # Two test runs starting at once build once; the second waits and then finds the cache warm.
  exec 9>"$cache/.build.lock"
  if ! flock -n 9; then
    say "another build of the control plane is running; waiting for it to finish ($cache/.build.lock)"
    flock 9
    survey
  fi

  local line entry name builder binaries i=0
  for line in "${available[@]}"; do say "$line"; done
  if [ ${#to_build[@]} -gt 0 ]; then
    command -v go >/dev/null ||
      fail "building the control plane needs the go tool (Go >= 1.26) on PATH: install it from https://go.dev/dl/ (then PATH=/usr/local/go/bin:\$PATH)"
    say "${#to_build[@]} of ${#components[@]} components to build; the whole first build takes about 20 minutes on two idle cores"
  fi
  for entry in "${to_build[@]}"; do
    read -r name builder binaries <<<"$entry"
    i=$((i + 1))
    say "building $name ($i of ${#to_build[@]}: $binaries)"
    build_into "$cache/$name" "$builder"
  done

  say "done in $(duration $((SECONDS - started))) (cache: $cache)"
}

# Everything runs from this one line, which bash parses whole first, and the exit on it keeps bash from
# reading on: editing or updating this file while a long build is running cannot change what that build
# executes.
main "$@"; exit
