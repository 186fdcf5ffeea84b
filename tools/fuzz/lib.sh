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
