#!/usr/bin/env bash
# Prints the path of a Chromium executable for the browser tests (npm run test:browser).
#
# CHROMIUM_PATH, when set, is used as it is (it must be executable). Otherwise a `chromium` or
# `chromium-browser` on PATH is used; failing that, Debian's `chromium` package is installed through
# apt when running as root (a CI container). As any other user the script fails naming the package,
# since installing it needs root. puppeteer-core downloads no browser, so this is where one comes from.
#
# Usage: tools/browser.sh            # prints the executable's path on stdout, progress on stderr
set -euo pipefail

log() { echo "browser: $*" >&2; }
fail() {
    log "$*"
    exit 1
}

if [ -n "${CHROMIUM_PATH:-}" ]; then
    [ -x "$CHROMIUM_PATH" ] || fail "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file"
    echo "$CHROMIUM_PATH"
    exit 0
fi

found() { command -v chromium || command -v chromium-browser; }

if path="$(found)"; then
    echo "$path"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    fail "no Chromium found (chromium or chromium-browser on PATH); install Debian's 'chromium' package (sudo apt-get install chromium) or set CHROMIUM_PATH to a Chromium executable"
fi
command -v apt-get > /dev/null || fail "no Chromium found and no apt-get to install Debian's 'chromium' package; install Chromium or set CHROMIUM_PATH"

log "no Chromium found; installing Debian's 'chromium' package"
# apt's output goes to stderr so that stdout carries only the path.
apt-get update -qq >&2 || fail "apt-get update failed; cannot install Debian's 'chromium' package"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2 || fail "apt-get install chromium failed"

path="$(found)" || fail "Debian's 'chromium' package was installed but no chromium is on PATH"
echo "$path"
