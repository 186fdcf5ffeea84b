#!/usr/bin/env bash
# Judges the emulator by the services' own documents, with schemathesis (tools/fuzz/requirements.txt,
# the install of tools/fuzz/lib.sh): Microsoft's OpenAPI slice of Graph v1.0, its chain document (the
# routes of the protection chain: Conditional Access, app protection) and Lookout's Swagger
# for the Mobile Risk API v2, both read from ../shared/reference/ (see its README.md), each run
# against a fresh emulator holding a tenant like the dev tenant (tools/fuzz/conformance-emulator.ts).
# Every answer is checked against the document (status declared, content type, body and header
# schemas, no 5xx, valid data accepted, invalid data refused, 405 and Allow for undeclared methods).
# tools/fuzz/conformance-documents.ts neutralises the Graph document's known artefacts by name and
# selects the operations the emulator serves; docs/conformance-judges.md says what this proves.
#
# Seeded and bounded: a fixed seed and example count, so two runs send the same requests. The Graph
# run has no stateful phase: its path parameters name fixed objects of the tenant (so requests reach
# them), which a chain of create-then-read would not find.
# Skips with one line when ../shared/reference is absent (a user's fresh clone).
#
# Usage: tools/fuzz/conformance.sh [graph|chain|lookout] [extra schemathesis run options]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# CONFORMANCE_REFERENCE names another folder holding the same documents.
reference="${CONFORMANCE_REFERENCE:-$(cd "$root/.." && pwd)/shared/reference}"
seed=20260601
log_name=conformance
if [ ! -f "$reference/microsoft-graph-v1.0-openapi-slice.yaml" ] || [ ! -f "$reference/microsoft-graph-v1.0-openapi-chain.yaml" ] ||
    [ ! -f "$reference/lookout-mra-v2-swagger.json" ]; then
    echo "conformance: skipped: the services' documents are not at $reference (a fresh clone has no ../shared/reference)"
    exit 0
fi
only="${1:-all}"
case "$only" in graph | chain | lookout) shift ;; *) only=all ;; esac

# shellcheck source=tools/fuzz/lib.sh
. "$root/tools/fuzz/lib.sh"
ensure_schemathesis
start_emulator "$root/tools/fuzz/conformance-emulator.ts"
node --import tsx "$root/tools/fuzz/conformance-documents.ts" "$reference" "$work" | sed 's/^/conformance: /' >&2

url="$(field url)"
export GRAPH_ACCESS_TOKEN LOOKOUT_ACCESS_TOKEN LOOKOUT_APPLICATION_KEY GRAPH_QUERY_OPTIONS="$work/graph-query-options.json" \
    GRAPH_DECLARED_PROPERTIES="$work/graph-declared-properties.json"
GRAPH_ACCESS_TOKEN="$(field graphToken)"
LOOKOUT_ACCESS_TOKEN="$(field lookoutToken)"
LOOKOUT_APPLICATION_KEY="$(field applicationKey)"
for id in groupId mtdConnectorId compliancePolicyId mobileAppId mobileAppAssignmentId servicePrincipalId servicePrincipalAppId \
    conditionalAccessPolicyId; do
    export "CONFORMANCE_$id=$(field "ids.$id")"
done

# One schemathesis run; its operations are the names in $2 (one a line).
run() {
    local name="$1" operations="$2" config="$3" document="$4" base="$5" max_examples="$6"
    shift 6
    local include=()
    while IFS= read -r operation; do [ -z "$operation" ] || include+=(--include-name "$operation"); done <"$operations"
    log "$name: emulator at $base; seed $seed, at most $max_examples examples per operation"
    # One report per document: conformance-graph.log, conformance-graph-chain.log, conformance-lookout.log.
    local report
    report="$(basename "$config" .toml)$([ "$(basename "$document")" = chain.json ] && echo -chain || true)"
    run_schemathesis "$name" "$report" --no-color --config-file "$config" run "$document" \
        --url "$base" \
        "${include[@]}" \
        --checks all \
        --seed "$seed" \
        --max-examples "$max_examples" \
        --workers 1 \
        --generation-database none \
        --request-timeout 10 \
        "$@"
}

status=0
if [ "$only" = all ] || [ "$only" = graph ]; then
    PYTHONPATH="$root/tools/fuzz" SCHEMATHESIS_HOOKS=graph_hooks \
        run "Microsoft's Graph v1.0 OpenAPI slice" "$work/graph-operations.txt" "$root/tools/fuzz/conformance-graph.toml" \
        "$work/graph.json" "$url/graph/v1.0" 25 --phases examples,coverage,fuzzing "$@" || status=1
fi
# The chain document's operations the emulator serves, whichever they are (conformance-documents.ts selects them).
if [ "$only" = all ] || [ "$only" = chain ]; then
    PYTHONPATH="$root/tools/fuzz" SCHEMATHESIS_HOOKS=graph_hooks \
        run "Microsoft's Graph v1.0 OpenAPI chain document" "$work/chain-operations.txt" \
        "$root/tools/fuzz/conformance-graph.toml" "$work/chain.json" "$url/graph/v1.0" 25 \
        --phases examples,coverage,fuzzing "$@" || status=1
fi
if [ "$only" = all ] || [ "$only" = lookout ]; then
    PYTHONPATH="$root/tools/fuzz" SCHEMATHESIS_HOOKS=lookout_hooks \
        run "Lookout's MRA v2 Swagger" "$work/lookout-operations.txt" "$root/tools/fuzz/conformance-lookout.toml" \
        "$reference/lookout-mra-v2-swagger.json" "$url" 100 "$@" || status=1
fi
exit "$status"
