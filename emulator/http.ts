/**
 * The emulator's HTTP plumbing, shared by every service it hosts (Lookout, Graph and the
 * `/_emulator/` hooks): the loopback server, request bodies, the request log, injected faults,
 * replies, and the error that Lookout handlers and the hooks throw. A service answers in its own
 * error format; this file only knows that each one has one.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { z } from "zod";
import type { LookoutError } from "../contract/lookout/schemas";
import type { createFaultInjector } from "./faults";

export type Reply = {
    status: number;
    body?: unknown;
    headers?: Record<string, string>;
    tenantId?: string;
    /** A streamed answer (Server-Sent Events): written by this function once the head is sent, instead of a body. */
    stream?: (res: ServerResponse) => Promise<void>;
};

/** A request as a service sees it: body read whole, JSON parsed on demand. */
export interface Request {
    req: IncomingMessage;
    url: URL;
    path: string;
    method: string;
    requestId: string;
    raw: string;
    /** The body as JSON, undefined when empty; throws 400 INVALID_JSON when it is not JSON. */
    json(): unknown;
}

/** One of the things the emulator serves on its port. */
export interface Service {
    handle(request: Request): Reply | Promise<Reply>;
    /** The service's error reply for whatever `handle` threw. */
    errorReply(err: unknown, requestId: string): Reply;
    /**
     * The body of an injected error status, in the service's error format. A service that has one
     * is observed: its requests are logged and open to injected faults (the test hooks have none).
     */
    faultBody?(status: number, requestId: string): unknown;
}

/** An error answered in Lookout's error schema (the Lookout service and the hooks). */
export class HttpError extends Error {
    constructor(
        readonly status: number,
        readonly errorCode: string,
        message: string,
        readonly headers: Record<string, string> = {},
    ) {
        super(message);
    }
}

export function errorBody(statusCode: number, errorCode: string, message: string, requestId: string): LookoutError {
    return { type: "Error", statusCode, errorCode, message, requestId };
}

/** An `HttpError` as its reply; anything else is a 500 INTERNAL_ERROR. */
export function errorReply(err: unknown, requestId: string): Reply {
    const e = err instanceof HttpError ? err : new HttpError(500, "INTERNAL_ERROR", (err as Error).message);
    return { status: e.status, headers: e.headers, body: errorBody(e.status, e.errorCode, e.message, requestId) };
}

/** The body checked against a contract schema; the issues, by path, become one 400 VALIDATION_ERROR. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
    const result = schema.safeParse(body);
    if (!result.success) {
        const detail = result.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ");
        throw new HttpError(400, "VALIDATION_ERROR", detail);
    }
    return result.data;
}

/** One-minute sliding windows, one per bucket (a tenant of one service). */
export function createRateWindows() {
    const windows = new Map<string, number[]>();
    return {
        /** Counts a request against the bucket's window; returns the seconds to wait when it is over `limit`. */
        overBudget(bucket: string, limit: number): number | undefined {
            const at = Date.now();
            const recent = (windows.get(bucket) ?? []).filter((t) => t > at - 60_000);
            windows.set(bucket, recent);
            if (recent.length >= limit) return Math.max(1, Math.ceil((recent[0] + 60_000 - at) / 1000));
            recent.push(at);
            return undefined;
        },
    };
}
export type RateWindows = ReturnType<typeof createRateWindows>;

export interface RequestLogEntry {
    at: string;
    method: string;
    path: string;
    /** The query string, `?` included, or empty. */
    query: string;
    status: number;
    tenantId?: string;
    fault?: string;
}

/** Every observed request with the status it got, for tests that count calls. */
export function createRequestLog() {
    let entries: RequestLogEntry[] = [];
    return {
        add(entry: RequestLogEntry) {
            entries.push(entry);
        },
        entries: () => entries,
        clear() {
            entries = [];
        },
    };
}
export type RequestLog = ReturnType<typeof createRequestLog>;

export interface ServerParts {
    /** The service that answers a path. */
    route(path: string): Service;
    faults: ReturnType<typeof createFaultInjector>;
    log: RequestLog;
    /** What an `expireTokens` fault does. */
    expireTokens(): void;
    /** The emulator's clock (epoch ms), which every answer's `Date` header tells (RFC 9110: the origin's clock). */
    now(): number;
}

const maxBodyBytes = 1_000_000;

function send(res: ServerResponse, reply: Reply, requestId: string, now: number) {
    const headers: Record<string, string> = {
        date: new Date(now).toUTCString(),
        "x-request-id": requestId,
        ...(reply.headers ?? {}),
    };
    if (reply.stream) {
        res.writeHead(reply.status, headers);
        reply.stream(res).catch(() => res.destroy());
        return;
    }
    if (reply.body === undefined) {
        res.writeHead(reply.status, headers).end();
        return;
    }
    // Graph's `$count` segments answer a bare integer as text/plain; everything else is JSON.
    if (headers["content-type"]?.startsWith("text/plain")) {
        res.writeHead(reply.status, headers).end(String(reply.body));
        return;
    }
    res.writeHead(reply.status, { ...headers, "content-type": "application/json" }).end(JSON.stringify(reply.body));
}

/** Reads each request whole, applies any injected fault, asks the path's service and sends its reply. */
export function createEmulatorServer(parts: ServerParts): Server {
    return createServer((req, res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBodyBytes) req.destroy();
            else chunks.push(chunk);
        });
        req.on("end", () => void answer(req, res, Buffer.concat(chunks).toString("utf8"), parts));
    });
}

async function answer(
    req: IncomingMessage,
    res: ServerResponse,
    raw: string,
    { route, faults, log, expireTokens, now }: ServerParts,
) {
    const requestId = randomUUID();
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname;
    const method = req.method ?? "GET";
    const json = () => {
        if (!raw) return undefined;
        try {
            return JSON.parse(raw);
        } catch {
            throw new HttpError(400, "INVALID_JSON", "the request body is not valid JSON");
        }
    };
    const service = route(path);
    const observed = service.faultBody !== undefined;
    const entry: RequestLogEntry = { at: new Date().toISOString(), method, path, query: url.search, status: 0 };
    if (observed) log.add(entry);

    const fault = observed ? faults.pick(method, path) : undefined;
    if (fault) {
        entry.fault = fault.kind + (fault.status ? " " + fault.status : "");
        if (fault.kind === "drop") {
            req.socket.destroy();
            return;
        }
        if (fault.kind === "status") {
            entry.status = fault.status!;
            const headers: Record<string, string> = {};
            if (fault.retryAfterSeconds !== undefined) headers["retry-after"] = String(fault.retryAfterSeconds);
            send(
                res,
                { status: fault.status!, headers, body: service.faultBody!(fault.status!, requestId) },
                requestId,
                now(),
            );
            return;
        }
        if (fault.kind === "expireTokens") expireTokens();
        if (fault.kind === "delay") {
            await faults.hold(fault.delayMs!);
            if (res.destroyed || req.socket.destroyed) return;
        }
    }

    const respond = (reply: Reply) => {
        entry.status = reply.status;
        if (fault?.kind === "loseResponse") req.socket.destroy();
        else send(res, reply, requestId, now());
    };
    try {
        const reply = await service.handle({ req, url, path, method, requestId, raw, json });
        entry.tenantId = reply.tenantId;
        respond(reply);
    } catch (err) {
        respond(service.errorReply(err, requestId));
    }
}

/** Listens on 127.0.0.1 (port 0 picks a free one); resolves with the port. */
export async function listenOnLoopback(server: Server, port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => resolve());
    });
    return (server.address() as AddressInfo).port;
}

export function closeServer(server: Server): Promise<void> {
    return new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
    });
}
