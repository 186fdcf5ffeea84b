/** Graph's error body and the replies the emulated Graph hands to the HTTP layer. */
import type { GraphErrorBody } from "../../contract/graph/schemas";

export class GraphError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
        readonly headers: Record<string, string> = {},
    ) {
        super(message);
    }
}

export function graphErrorBody(code: string, message: string, requestId: string): GraphErrorBody {
    return {
        error: {
            code,
            message,
            innerError: { date: new Date().toISOString(), "request-id": requestId, "client-request-id": requestId },
        },
    };
}

export type Reply = { status: number; body?: unknown; headers?: Record<string, string>; tenantId?: string };

/** `$count` segments answer a bare integer as text/plain (Learn, "List group members", example 2). */
export function countReply(count: number): Reply {
    return { status: 200, body: String(count), headers: { "content-type": "text/plain" } };
}

export const badRequest = (message: string) => new GraphError(400, "BadRequest", message);
export const unsupportedQuery = (message: string) => new GraphError(400, "Request_UnsupportedQuery", message);
