#!/usr/bin/env bash
# Fuzzes the Lookout contract: schemathesis generates requests from contract/lookout/openapi.yaml,
# valid and invalid, sends them to a fresh emulator and checks every answer against the document
# (status declared, content type, body and header schemas, valid data accepted, invalid data
# refused, no 5xx). A failure means the document or the emulator is wrong; exits non-zero on any.
#
# schemathesis is installed with every dependency pinned (tools/fuzz/requirements.txt) into .venv/
# of the repository on first use (tools/fuzz/lib.sh, shared with tools/fuzz/conformance.sh).
# The seed and example count are fixed, so two runs send the same requests.
#
# Usage: tools/fuzz/fuzz-contract.sh [extra schemathesis run options]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
seed=20260601
max_examples=100
log_name=fuzz-contract
# shellcheck source=tools/fuzz/lib.sh
. "$root/tools/fuzz/lib.sh"

ensure_schemathesis
start_emulator "$root/tools/fuzz/emulator.ts"

url="$(field url)"
# Read by tools/fuzz/schemathesis.toml: each operation gets the credential its `security` names.
LOOKOUT_APPLICATION_KEY="$(field applicationKey)"
LOOKOUT_ACCESS_TOKEN="$(field accessToken)"
export LOOKOUT_APPLICATION_KEY LOOKOUT_ACCESS_TOKEN

log "emulator at $url; seed $seed, at most $max_examples examples per operation"
run_schemathesis "Lookout's contract" lookout-contract --no-color --config-file "$root/tools/fuzz/schemathesis.toml" \
    run "$root/contract/lookout/openapi.yaml" \
    --url "$url" \
    --checks all \
    --seed "$seed" \
    --max-examples "$max_examples" \
    --workers 1 \
    --generation-database none \
    --request-timeout 10 \
    "$@"
