# Shared by the schemathesis runs (tools/fuzz/fuzz-contract.sh, tools/fuzz/conformance.sh); sourced,
# never run. Needs `root` (the repository) set.
#
# ensure_schemathesis: installs schemathesis with every dependency pinned (tools/fuzz/requirements.txt)
#   into .venv/ of the repository on first use, and again when the pins change. Every package is
#   pinned, not only schemathesis: hypothesis draws the examples, so its version decides which
#   requests a seed sends.
# start_emulator FILE: starts `node --import tsx FILE` in a process group of its own, waits for the
#   JSON line it prints, and leaves it in "$work/emulator.json"; `field NAME` reads a top-level field.
#   The EXIT trap set here stops the emulator (and a running fuzzer, `fuzz_pid`) and removes "$work".
# run_schemathesis NAME REPORT ARGS...: runs `schemathesis ARGS...` with its whole output in
#   .reports/fuzz/REPORT.log and prints one line of its own instead: the operations tested, the test
#   cases (generated, passed, skipped), and a line per warning. On a failure it prints the whole
#   report, its closing lines without their frame and with their time in brackets.
#   Schemathesis's own closing lines (`No issues found in 46.06s`) read like pytest's closing on no
#   test, so they stay in the report; `npm test` counts the cases from this line (tests/kit/tally.ts).

venv="$root/.venv"
log() { echo "$log_name: $*" >&2; }

ensure_schemathesis() {
    local requirements="$root/tools/fuzz/requirements.txt" wanted
    schemathesis_version="$(sed -n 's/^schemathesis==//p' "$requirements")"
    wanted="$(sha256sum "$requirements" | cut -c1-16)"
    if [ "$(cat "$venv/.requirements.sum" 2>/dev/null || true)" != "$wanted" ]; then
        [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
        log "installing schemathesis $schemathesis_version and its pinned dependencies into $venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
        echo "$wanted" > "$venv/.requirements.sum"
    fi
}

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

reports="$root/.reports/fuzz"

run_schemathesis() {
    local name="$1" report="$reports/$2.log" code=0 summary="" why=""
    shift 2
    mkdir -p "$reports"
    # In "$work", where schemathesis may leave files of its own.
    (cd "$work" && exec "$venv/bin/schemathesis" "$@") >"$report" 2>&1 &
    fuzz_pid=$!
    # Waiting on a background job lets INT and TERM reach the traps at once rather than when schemathesis ends.
    wait "$fuzz_pid" || code=$?
    fuzz_pid=""
    if [ "$code" -eq 0 ] && ! summary="$(summarize "$name" "$report")"; then
        code=1 why="schemathesis passed, but its report has no summary this script reads"
    fi
    if [ "$code" -ne 0 ]; then
        # The report as it is, but for its closing lines' frame and time (`=== 1 failure in 3.21s ===`).
        sed -E 's/^=+ (.+) =+$/\1/; s/ in ([0-9.]+)s$/ (\1 s)/' "$report"
        log "$name: FAILED (${why:-schemathesis exit code $code}); its report: ${report#"$root/"}"
        return "$code"
    fi
    echo "$summary"
}

# summarize NAME REPORT: the line run_schemathesis prints for a passed run, from the report's SUMMARY
# (`Tested: N`, and `Test cases:` over `N generated, N passed, N skipped`), and a line per warning
# (each `⚠️` line of the report). Fails, printing nothing, when the report has no such summary.
summarize() {
    awk -v name="$1" -v prefix="$log_name" -v path="${2#"$root/"}" '
        /^ *⚠/ { sub(/^ *⚠[^ ]* */, ""); if (!($0 in seen)) { seen[$0] = 1; said[++n] = $0 } }
        /^[= ]*SUMMARY[= ]*$/ { summary = 1 }
        !summary { next }
        /^ *Tested: / { sub(/^ *Tested: */, ""); operations = $0 }
        cases == "next" { sub(/^ */, ""); cases = $0; next }
        /^Test cases:/ { cases = "next" }
        END {
            if (operations == "" || cases == "" || cases == "next") exit 1
            printf "%s: %s: no issue in %s operations; %s (report: %s)\n", prefix, name, operations, cases, path
            for (i = 1; i <= n; i++) printf "%s: %s: warning: %s\n", prefix, name, said[i]
        }' "$2"
}

start_emulator() {
    # With job control on, a background job gets a process group of its own, whose id is its pid.
    set -m
    node --import tsx "$1" >"$work/emulator.json" 2>"$work/emulator.log" &
    emulator_pid=$!
    set +m
    for _ in $(seq 1 300); do
        [ -s "$work/emulator.json" ] && break
        kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.log" >&2; log "the emulator did not start"; exit 1; }
        sleep 0.1
    done
    [ -s "$work/emulator.json" ] || { log "the emulator printed nothing within 30 seconds"; exit 1; }
}

field() {
    node -e 'const v = process.argv[2].split(".").reduce((o, k) => o[k], JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))); process.stdout.write(String(v))' "$work/emulator.json" "$1"
}
