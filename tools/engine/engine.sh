#!/usr/bin/env bash
# Obtains the Pulumi engine this project runs on and prints the folder that holds it.
#
# A `pulumi` already on PATH at the pinned version or newer is used as it is (a user's laptop).
# Otherwise the CLI and the Node.js language host are built from Pulumi's official Go modules
# through the Go module proxy, since the usual installer downloads from the internet. The build is
# skipped when the binaries already report the pinned versions; Go's module and build caches are
# kept between runs. The dynamic-provider shim ships inside the @pulumi/pulumi npm package.
#
# Safe to run many times at once (parallel test suites, several engineers in one tree): one run at a
# time checks and builds (a lock on .engine/bin/.lock), every file lands by an atomic rename, and a
# file already up to date is left alone, so an engine that is running is never overwritten.
#
# Usage: tools/engine/engine.sh            # prints the bin folder on stdout, progress on stderr
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cli_version="$(sed -n 's/^\tgithub.com\/pulumi\/pulumi\/pkg\/v3 \(v[0-9.]*\).*/\1/p' "$root/tools/engine/go.mod")"
host_version="$(sed -n 's/^\tgithub.com\/pulumi\/pulumi\/sdk\/v3 \(v[0-9.]*\).*/\1/p' "$root/tools/engine/langhost/go.mod")"
bin="$root/.engine/bin"
log() { echo "engine: $*" >&2; }

version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

if [ -z "${LOOKOUT_MTP_BUILD_ENGINE:-}" ] && command -v pulumi >/dev/null 2>&1 && [ "$(command -v pulumi)" != "$bin/pulumi" ]; then
    have="$(pulumi version 2>/dev/null || true)"
    if [ -n "$have" ] && version_ge "${have#v}" "${cli_version#v}" && command -v pulumi-language-nodejs >/dev/null 2>&1 && command -v pulumi-language-yaml >/dev/null 2>&1; then
        # An installed Pulumi ships its language host and plugin shims next to the CLI.
        log "using pulumi $have from $(dirname "$(command -v pulumi)")"
        echo "$(dirname "$(command -v pulumi)")"
        exit 0
    fi
fi

mkdir -p "$bin"
# Held until this script exits; flock(1) is util-linux's (absent on macOS, where runs are not serialised).
if command -v flock >/dev/null 2>&1; then
    exec 9>"$bin/.lock"
    flock 9
fi

# Puts $1 (a file beside its target) in place of $2 at once: a process running the old file keeps it.
land() { chmod +x "$1" && mv -f "$1" "$2"; }
# go build into a temporary name, then land it: -o would write into a binary another run may be executing.
go_build() {
    local out="$1"
    shift
    go build -trimpath -o "$bin/.$out.tmp.$$" "$@" && land "$bin/.$out.tmp.$$" "$bin/$out"
}
export GOFLAGS="${GOFLAGS:-} -mod=mod" GOTOOLCHAIN=local
need_go() { command -v go >/dev/null 2>&1 || { log "Go is needed to build the Pulumi engine (none on PATH) - install Go 1.26+ or put pulumi $cli_version on PATH"; exit 1; }; }

if [ "$("$bin/pulumi" version 2>/dev/null || true)" != "$cli_version" ]; then
    need_go
    log "building pulumi $cli_version from its Go modules (cold: about 4 minutes on 2 cores; cached afterwards)"
    start=$(date +%s)
    (cd "$root/tools/engine" && go_build pulumi \
        -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$cli_version" \
        github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
    log "built pulumi ($(( $(date +%s) - start )) s)"
fi

# Builds the Go package $4 of the module tools/engine/$3 into $bin/$1 with $5 (the version variable) set
# to $2; a stamp beside it skips the build until the version changes.
build_host() {
    local out="$1" version="$2" dir="$3" pkg="$4" version_var="$5"
    local stamp="$bin/.$out.version" start
    if [ -x "$bin/$out" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; then return; fi
    need_go
    log "building $out $version"
    start=$(date +%s)
    (cd "$root/tools/engine/$dir" && go_build "$out" -ldflags "-s -w -X $version_var=$version" "$pkg")
    echo "$version" > "$stamp.tmp.$$" && mv -f "$stamp.tmp.$$" "$stamp"
    log "built it ($(( $(date +%s) - start )) s)"
}

# The Node.js language host: the one in sdk/v3 v3.68.0 (its own module is refused by the module
# proxy), fronted by tools/engine/nodehost, which forwards every call to it and adds RunPlugin (policy packs).
build_host legacy-pulumi-language-nodejs "$host_version" langhost github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs \
    github.com/pulumi/pulumi/sdk/v3/go/common/version.Version
# The YAML language host, so the component plugin (packages/plugin/) is exercised from a second Pulumi
# language; the Python and Go hosts' modules are refused by the module proxy like the Node.js one.
yaml_version="$(sed -n 's/^\tgithub.com\/pulumi\/pulumi-yaml \(v[0-9.]*\).*/\1/p' "$root/tools/engine/yamlhost/go.mod")"
build_host pulumi-language-yaml "$yaml_version" yamlhost github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml github.com/pulumi/pulumi-yaml/pkg/version.Version

front_stamp="$bin/.pulumi-language-nodejs.sum"
front_sum="$(cat "$root/tools/engine/nodehost/main.go" "$root/tools/engine/go.sum" | sha256sum | cut -c1-16)"
if [ ! -x "$bin/pulumi-language-nodejs" ] || [ "$(cat "$front_stamp" 2>/dev/null)" != "$front_sum" ]; then
    need_go
    log "building pulumi-language-nodejs (tools/engine/nodehost)"
    (cd "$root/tools/engine" && go_build pulumi-language-nodejs -ldflags "-s -w" ./nodehost)
    echo "$front_sum" > "$front_stamp.tmp.$$" && mv -f "$front_stamp.tmp.$$" "$front_stamp"
fi

shim="$root/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
[ -f "$shim" ] || { log "run 'npm ci' first: $shim is missing"; exit 1; }
# Copied only when it changed (an npm ci of another @pulumi/pulumi), never over a running shim.
if ! cmp -s "$shim" "$bin/pulumi-resource-pulumi-nodejs"; then
    cp "$shim" "$bin/.pulumi-resource-pulumi-nodejs.tmp.$$"
    land "$bin/.pulumi-resource-pulumi-nodejs.tmp.$$" "$bin/pulumi-resource-pulumi-nodejs"
fi
echo "$bin"
