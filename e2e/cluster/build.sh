#!/usr/bin/env bash
# Builds the e2e control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl,
# kwok and helm) from Go modules at the versions pinned in versions.env. Each component is cached under
# ${AGO_CACHE_DIR:-$HOME/.cache/ai-gateway-operator}/control-plane/<component>-<version>/, so only the
# first build on a machine compiles; later runs only check the cache. A component whose binaries are all
# present in $E2E_ASSETS (or $KUBEBUILDER_ASSETS) is taken from there and not built.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
source "$here/versions.env"
cache="${AGO_CACHE_DIR:-$HOME/.cache/ai-gateway-operator}/control-plane"
export CGO_ENABLED=0

started=$SECONDS
say() { echo "[cluster:build] $*" >&2; }
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

# Runs "$2..." to fill a fresh directory, then moves it to $1 in one step: an interrupted build never
# leaves a half-filled cache entry behind.
build_into() {
  local target="$1"
  shift
  local partial="$target.partial.$$"
  rm -rf "$partial"
  mkdir -p "$partial"
  local t0=$SECONDS
  if ! "$@" "$partial"; then
    rm -rf "$partial"
    fail "building $(basename "$target") failed (see the go output above)"
  fi
  touch "$partial/.complete"
  rm -rf "$target"
  mv "$partial" "$target"
  say "built $(basename "$target") in $((SECONDS - t0))s"
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
  # -buildvcs=false: this module sits inside the project's git checkout, whose state is not the binaries'.
  (cd "$here/gomodule" && go build -trimpath -buildvcs=false -ldflags "$ldflags" -o "$out/" \
    k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler \
    k8s.io/kubernetes/cmd/kubectl \
    ./etcd)
}

build_kwok() {
  local out="$1"
  GOBIN="$out" go install -trimpath -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION#v}" \
    "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
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
  GOBIN="$out" go install -trimpath -ldflags "-s -w \
    -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION \
    -X helm.sh/helm/v3/internal/version.gitTreeState=clean \
    -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=$major \
    -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$minor \
    -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=$major \
    -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$minor" \
    "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
}

# ensure <cache dir> <build function> <binaries...>
ensure() {
  local dir="$cache/$1" builder="$2"
  shift 2
  local given
  if given="$(provided_dir "$@")"; then
    say "using $* from $given"
  elif [ -f "$dir/.complete" ]; then
    say "cached: $dir"
  else
    command -v go >/dev/null ||
      fail "building $1 needs the go tool (Go >= 1.26) on PATH, e.g. PATH=/usr/local/go/bin:\$PATH"
    build_into "$dir" "$builder"
  fi
}

main() {
  mkdir -p "$cache"
  # Two test runs starting at once build once; the second waits and then finds the cache warm.
  exec 9>"$cache/.build.lock"
  flock 9

  ensure "kubernetes-$KUBERNETES_VERSION" build_kubernetes \
    etcd kube-apiserver kube-controller-manager kube-scheduler kubectl
  ensure "kwok-$KWOK_VERSION" build_kwok kwok kwok-stages
  ensure "helm-$HELM_VERSION" build_helm helm

  say "done in $((SECONDS - started))s (cache: $cache)"
}

# Everything runs from this one call, which bash parses whole first: editing or updating this file
# while a long build is running cannot change what that build executes.
main "$@"
