#!/usr/bin/env bash
# Lints the GitHub Actions workflows with actionlint, built from its Go module (tools/actionlint).
# Usage: tools/actionlint/actionlint.sh [files...]   (default: .github/workflows/*.yml)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="$root/.engine/bin/actionlint"
if [ ! -x "$bin" ]; then
    (cd "$root/tools/actionlint" && GOFLAGS=-mod=mod GOTOOLCHAIN=local go build -o "$bin" github.com/rhysd/actionlint/cmd/actionlint)
fi
cd "$root"
if [ "$#" -eq 0 ]; then set -- .github/workflows/*.yml; fi
# shellcheck and pyflakes integrations are off: neither is installed on these machines.
exec "$bin" -shellcheck= -pyflakes= "$@"
