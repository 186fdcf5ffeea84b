/**
 * Preloaded into every Node.js process of a profiled preview (`NODE_OPTIONS=--require <this file>`,
 * tools/bench/profile.ts): the program, the dynamic provider and the provider shim's own `node -e`.
 * It records, per process, when Node.js handed over to user code, how long each package's modules
 * took to load (their own time, not their dependencies'), how long ts-node spent transpiling, and
 * how long closure serialization was busy; it writes them to $LOOKOUT_BENCH_PROFILE_DIR/<pid>.json.
 * Plain CommonJS, so it loads before ts-node or anything else.
 */
"use strict";
const { performance } = require("node:perf_hooks");
const Module = require("node:module");
const fs = require("node:fs");
const path = require("node:path");

const dir = process.env.LOOKOUT_BENCH_PROFILE_DIR;
const hookAt = performance.now();
/** Own load time (ms) per package, or "program" for the program's own TypeScript. */
const loadMs = {};
const loadCount = {};
/** ts-node's transpiling: total ms, files, and ms per file. */
const transpile = { ms: 0, files: 0, byFile: {} };
/** Closure serialization: calls, bytes, wall time while any call ran, and each call's [ms, bytes]. */
const serialize = {
    calls: 0,
    bytes: 0,
    busyMs: 0,
    firstAt: undefined,
    lastAt: undefined,
    perCall: [],
    open: 0,
    openedAt: 0,
};
const stack = [];
let entry;

function packageOf(file) {
    const i = file.lastIndexOf("/node_modules/");
    if (i < 0) return file.endsWith(".ts") ? "program" : "other";
    const [scope, name] = file.slice(i + "/node_modules/".length).split("/");
    return scope.startsWith("@") ? `${scope}/${name}` : scope;
}

function wrapSerializeFunction(exports) {
    const original = exports.serializeFunction;
    if (typeof original !== "function") return;
    exports.serializeFunction = function (...args) {
        const now = performance.now();
        serialize.calls++;
        serialize.firstAt ??= now;
        if (serialize.open++ === 0) serialize.openedAt = now;
        const done = () => {
            const end = performance.now();
            serialize.lastAt = end;
            if (--serialize.open === 0) serialize.busyMs += end - serialize.openedAt;
        };
        return original.apply(this, args).then(
            (result) => {
                done();
                const bytes = result && result.text ? result.text.length : 0;
                serialize.perCall.push([performance.now() - now, bytes]);
                serialize.bytes += bytes;
                return result;
            },
            (err) => {
                done();
                throw err;
            },
        );
    };
}

const load = Module._load;
Module._load = function (request, parent, isMain) {
    let file;
    try {
        file = Module._resolveFilename(request, parent, isMain);
    } catch {
        return load.apply(this, arguments);
    }
    if (!path.isAbsolute(file) || Module._cache[file]) return load.apply(this, arguments);
    const frame = { file, start: performance.now(), children: 0, transpile: 0 };
    if (!entry && file.endsWith(".ts") && !file.includes("/node_modules/")) entry = { file, start: frame.start };
    stack.push(frame);
    let result;
    try {
        result = load.apply(this, arguments);
        return result;
    } finally {
        stack.pop();
        const end = performance.now();
        const total = end - frame.start;
        if (stack.length > 0) stack[stack.length - 1].children += total;
        const pkg = packageOf(file);
        loadMs[pkg] = (loadMs[pkg] ?? 0) + total - frame.children - frame.transpile;
        loadCount[pkg] = (loadCount[pkg] ?? 0) + 1;
        if (entry && entry.file === file && entry.end === undefined) entry.end = end;
        if (file.endsWith("/runtime/closure/serializeClosure.js") && result) wrapSerializeFunction(result);
        if (stack.length === 0) scheduleWrite();
    }
};

// ts-node compiles in the module's `_compile`, which it wraps around the original; the time from its
// wrapper to the original is the transpile.
const pending = new Map();
const jsHandler = Module._extensions[".js"];
Module._extensions[".js"] = function (module, filename) {
    if (filename.endsWith(".ts") && Object.prototype.hasOwnProperty.call(module, "_compile")) {
        const tsNodeCompile = module._compile;
        module._compile = function (code, name) {
            pending.set(name, performance.now());
            return tsNodeCompile.call(this, code, name);
        };
    }
    return jsHandler.call(this, module, filename);
};
const compile = Module.prototype._compile;
Module.prototype._compile = function (code, filename) {
    const started = pending.get(filename);
    if (started !== undefined) {
        pending.delete(filename);
        const ms = performance.now() - started;
        transpile.ms += ms;
        transpile.files++;
        transpile.byFile[filename] = ms;
        const frame = stack[stack.length - 1];
        if (frame && frame.file === filename) frame.transpile += ms;
    }
    return compile.apply(this, arguments);
};

function role() {
    const script = process.argv[1] ?? "";
    if (/cmd[/\\]run/.test(script)) return "program";
    if (/dynamic-provider/.test(script)) return "provider";
    if (process.argv.length <= 1) return `node -e ${String(process._eval).slice(0, 80)}`;
    return path.basename(script);
}

function write() {
    if (!dir) return;
    const record = {
        pid: process.pid,
        role: role(),
        argv: process.argv.slice(1),
        /** Epoch ms when the process started, and ms after it when this hook ran (Node.js's own start). */
        timeOrigin: performance.timeOrigin,
        hookAt,
        writtenAt: performance.now(),
        loadMs,
        loadCount,
        transpile,
        entry,
        serialize: { ...serialize, open: undefined, openedAt: undefined },
    };
    fs.writeFileSync(path.join(dir, `${process.pid}.json`), JSON.stringify(record));
}

let scheduled;
function scheduleWrite() {
    if (scheduled) return;
    scheduled = setTimeout(() => {
        scheduled = undefined;
        write();
    }, 20);
    scheduled.unref();
}

process.on("exit", write);
// The engine stops a provider with a signal: exit through Node.js, so the record (and a CPU profile) is written.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
