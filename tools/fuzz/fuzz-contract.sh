#!/usr/bin/env bash
# Fuzzes the Lookout contract: schemathesis generates requests from contract/lookout/openapi.yaml,
# valid and invalid, sends them to a fresh emulator and checks every answer against the document
# (status declared, content type, body and header schemas, valid data accepted, invalid data
# refused, no 5xx). A failure means the document or the emulator is wrong; exits non-zero on any.
#
# schemathesis is installed with every dependency pinned (tools/fuzz/requirements.txt) into .venv/
# of the repository on first use.
# The seed and example count are fixed, so two runs send the same requests.
#
# Usage: tools/fuzz/fuzz-contract.sh [extra schemathesis run options]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
seed=20260601
max_examples=100
venv="$root/.venv"
log() { echo "fuzz-contract: $*" >&2; }

# Every package is pinned (tools/fuzz/requirements.txt), not only schemathesis: hypothesis draws
# the examples, so its version decides which requests a seed sends.
requirements="$root/tools/fuzz/requirements.txt"
schemathesis_version="$(sed -n 's/^schemathesis==//p' "$requirements")"
wanted="$(sha256sum "$requirements" | cut -c1-16)"
if [ "$(cat "$venv/.requirements.sum" 2>/dev/null || true)" != "$wanted" ]; then
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    log "installing schemathesis $schemathesis_version and its pinned dependencies into $venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
    echo "$wanted" > "$venv/.requirements.sum"
fi

work="$(mktemp -d)"
emulator_pid=""
fuzz_pid=""
stop() {
    [ -z "$fuzz_pid" ] || kill -TERM "$fuzz_pid" 2>/dev/null || true
    # The emulator runs in a process group of its own: end the whole group, then reap it.
    if [ -n "$emulator_pid" ]; then
        kill -TERM -- "-$emulator_pid" 2>/dev/null || true
        wait "$emulator_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# With job control on, a background job gets a process group of its own, whose id is its pid.
set -m
node --import tsx "$root/tools/fuzz/emulator.ts" >"$work/emulator.json" 2>"$work/emulator.log" &
emulator_pid=$!
set +m
for _ in $(seq 1 300); do
    [ -s "$work/emulator.json" ] && break
    kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.log" >&2; log "the emulator did not start"; exit 1; }
    sleep 0.1
done
[ -s "$work/emulator.json" ] || { log "the emulator printed nothing within 30 seconds"; exit 1; }

field() { node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))[process.argv[2]])' "$work/emulator.json" "$1"; }
url="$(field url)"
# Read by tools/fuzz/schemathesis.toml: each operation gets the credential its `security` names.
LOOKOUT_APPLICATION_KEY="$(field applicationKey)"
LOOKOUT_ACCESS_TOKEN="$(field accessToken)"
export LOOKOUT_APPLICATION_KEY LOOKOUT_ACCESS_TOKEN

log "emulator at $url; seed $seed, at most $max_examples examples per operation"
cd "$work"
"$venv/bin/schemathesis" --no-color --config-file "$root/tools/fuzz/schemathesis.toml" run "$root/contract/lookout/openapi.yaml" \
    --url "$url" \
    --checks all \
    --seed "$seed" \
    --max-examples "$max_examples" \
    --workers 1 \
    --generation-database none \
    --request-timeout 10 \
    "$@" &
fuzz_pid=$!
# Waiting on a background job lets INT and TERM reach the traps at once rather than when schemathesis ends.
wait "$fuzz_pid"
