/**
 * The emulator on one loopback port: the Lookout console-settings contract (lookout/), the
 * Microsoft Graph routes the providers call (graph/) and the `/_emulator/` test and demo hooks
 * (admin.ts), over the HTTP plumbing of http.ts. This file only puts them together.
 */
import { createAdminHooks, adminPrefix } from "./admin";
import { createFaultInjector } from "./faults";
import { createGraphEmulator, GraphError, graphErrorBody, isGraphPath } from "./graph";
import {
    closeServer,
    createEmulatorServer,
    createRateWindows,
    createRequestLog,
    listenOnLoopback,
    type Service,
} from "./http";
import { createLookoutService } from "./lookout";
import { type StreamSettings, wakeStreams } from "./lookout/events";
import { createStore } from "./store";
import { type IntuneLimits, intuneThrottling } from "../contract/graph/intuneService";
import { createIntuneThrottling } from "./graph/intuneThrottling";
import { createReplication } from "./graph/replication";

/** How long a new object stays invisible by default: the documents name no duration; a few seconds. */
export const defaultReplicationDelayMs = 5_000;

export type { RequestLogEntry } from "./http";

export interface EmulatorOptions {
    /** Port on 127.0.0.1; 0 picks a free one. */
    port?: number;
    /** Keep tenants in this JSON file across restarts. */
    stateFile?: string;
    /** Requests a minute per tenant before 429 (Lookout reports about 100). */
    rateLimitPerMinute?: number;
    /** Lifetime of access tokens in seconds (Lookout: two hours). */
    tokenTtlSeconds?: number;
    /** Graph requests a minute per tenant before 429. */
    graphRateLimitPerMinute?: number;
    /** How Lookout's event stream behaves in time: page size, heartbeat, poll, longest connection, retry. */
    streams?: Partial<StreamSettings>;
    /** Real time per unit of Intune's time (throttling windows, replication): 0.1 runs a 20-second window in 2 s. Default 1. */
    timeScale?: number;
    /** Intune's throttling limits per 20-second window; Graph's published figures unless set (contract/graph/intuneService.ts). */
    intuneLimits?: Partial<IntuneLimits>;
    /** How long a new Intune object stays invisible, in Intune's time (ms). Default 5 s; 0 turns it off. */
    replicationDelayMs?: number;
    /** Whether a connector create ignores a sent id and names the connector itself. Default false. */
    connectorCreateAssignsId?: boolean;
}

export async function startLookoutEmulator(options: EmulatorOptions = {}) {
    const store = createStore(options.stateFile);
    const faults = createFaultInjector();
    const log = createRequestLog();
    const windows = createRateWindows();
    const graphRateLimit = options.graphRateLimitPerMinute ?? 600;
    let clockOffsetMs = 0;
    const now = () => Date.now() + clockOffsetMs;
    const advanceClock = (ms: number) => {
        clockOffsetMs += ms;
        wakeStreams();
    };

    const lookout = createLookoutService({
        store,
        windows,
        now,
        rateLimitPerMinute: options.rateLimitPerMinute ?? 100,
        tokenTtlSeconds: options.tokenTtlSeconds ?? 7200,
        streams: options.streams,
    });
    const timeScale = options.timeScale ?? 1;
    const { sendsRetryAfter: _sendsRetryAfter, windowMs: _windowMs, ...publishedLimits } = intuneThrottling;
    const graph = createGraphEmulator({
        store,
        now,
        intune: {
            throttling: createIntuneThrottling({ timeScale, limits: { ...publishedLimits, ...options.intuneLimits } }),
            replication: createReplication({
                delayMs: options.replicationDelayMs ?? defaultReplicationDelayMs,
                timeScale,
            }),
            connectorCreateAssignsId: options.connectorCreateAssignsId ?? false,
        },
        takeRateBudget(bucket) {
            const wait = windows.overBudget(bucket, graphRateLimit);
            if (wait !== undefined)
                throw new GraphError(429, "TooManyRequests", "Too many requests; retry after the given time.", {
                    "retry-after": String(wait),
                });
        },
    });
    const graphService: Service = {
        handle: ({ req, url, raw, json, path, requestId }) =>
            graph.handle(req, url, raw, json) ?? {
                status: 404,
                body: graphErrorBody("ResourceNotFound", path, requestId),
            },
        errorReply(err, requestId) {
            const e =
                err instanceof GraphError ? err : new GraphError(500, "InternalServerError", (err as Error).message);
            return { status: e.status, headers: e.headers, body: graphErrorBody(e.code, e.message, requestId) };
        },
        faultBody: (_status, requestId) => graphErrorBody("InjectedFault", "fault injected by the emulator", requestId),
    };

    function expireTokens() {
        lookout.expireTokens();
        graph.expireTokens();
    }
    const admin = createAdminHooks({
        store,
        faults,
        log,
        now,
        advanceClock,
        expireTokens,
        dropStreams: lookout.streams.dropAll,
    });

    const server = createEmulatorServer({
        route: (path) => (path.startsWith(adminPrefix) ? admin : isGraphPath(path) ? graphService : lookout.service),
        faults,
        log,
        now,
        expireTokens,
    });
    const port = await listenOnLoopback(server, options.port ?? 0);

    return {
        url: `http://127.0.0.1:${port}`,
        port,
        store,
        faults,
        requests: log.entries,
        clearRequests: log.clear,
        expireTokens,
        /** Every access token handed out so far (Lookout and Graph), for leak checks in tests. */
        issuedTokens: () => [...lookout.issuedTokens(), ...graph.issuedTokens()],
        /** Moves the emulator's clock forward (heartbeats, partner state, devices). */
        advanceClock,
        /** The emulator's clock. */
        now,
        /** Real time per unit of Intune's time (see EmulatorOptions). */
        timeScale,
        /** The Graph base URL and authority host of this emulator, for `graph:baseUrl` / `graph:authorityHost`. */
        graphBaseUrl: `http://127.0.0.1:${port}/graph/v1.0`,
        authorityHost: `http://127.0.0.1:${port}/entra`,
        /** Lookout's event streams open now (what each holds for its reader), and hooks to drop or end them. */
        streams: lookout.streams,
        /** Ends every event stream with `end`, then closes the server. */
        close: () => {
            lookout.streams.endAll();
            return closeServer(server);
        },
    };
}

export type LookoutEmulator = Awaited<ReturnType<typeof startLookoutEmulator>>;
