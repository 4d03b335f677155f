import type { OutgoingHttpHeaders } from 'node:http';

/**
 * JSON-RPC error code the transport answers a request with when the upstream closed its response
 * (stream or JSON body) before the result arrived, so the caller fails at once instead of waiting for
 * its timeout. Inside the implementation-defined server-error range.
 */
export const STREAM_LOST_CODE = -32099;

/**
 * JSON-RPC error code the transport answers a request with when its response (one SSE event's data or a
 * JSON body) exceeds `maxMessageBytes`; `error.data.limitBytes` names the limit. The response is destroyed.
 */
export const RESPONSE_TOO_LARGE_CODE = -32098;

/**
 * JSON-RPC error code the transport answers a request with when the upstream's JSON response body is not
 * JSON-RPC (invalid JSON) or does not answer that request (another id): the upstream is reachable but broken,
 * and the response will never come, so the request fails at once instead of waiting for its timeout.
 */
export const MALFORMED_RESPONSE_CODE = -32097;

/** Reconnection of the standalone GET event stream (server notifications such as list_changed). */
export interface EventStreamReconnect {
  readonly initialDelayMs: number;
  readonly growFactor: number;
  readonly maxDelayMs: number;
  readonly maxRetries: number;
}

/** Options of {@link NodeHttpClientTransport}. */
export interface NodeHttpTransportOptions {
  /** Sent with every request (manifest headers and the auth header). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Default: 1 s, ×1.5, at most 30 s, 2 retries (the SDK transport's defaults). */
  readonly reconnect?: EventStreamReconnect;
  /**
   * Largest upstream message in bytes: the data of one SSE event, or a JSON response body (default 16 MiB).
   * A request whose response is larger fails at once with {@link RESPONSE_TOO_LARGE_CODE}.
   */
  readonly maxMessageBytes?: number;
}

/** Reconnection defaults (the SDK transport's). */
export const DEFAULT_RECONNECT: EventStreamReconnect = {
  initialDelayMs: 1_000,
  growFactor: 1.5,
  maxDelayMs: 30_000,
  maxRetries: 2,
};

/** Headers the transport owns; per-message `headers` cannot override them. */
export const RESERVED = new Set([
  'content-type',
  'accept',
  'mcp-session-id',
  'mcp-protocol-version',
  'last-event-id',
]);

/** Request headers: the static ones, the session id (not on the handshake), the protocol version, then `extra`. */
export function requestHeaders(
  base: Readonly<Record<string, string>> | undefined,
  session: { sessionId: string | undefined; protocolVersion: string | undefined; handshake: boolean },
  extra?: Readonly<Record<string, string>>,
): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = { ...base };
  if (!session.handshake && session.sessionId !== undefined) headers['mcp-session-id'] = session.sessionId;
  if (session.protocolVersion !== undefined) headers['mcp-protocol-version'] = session.protocolVersion;
  for (const [name, value] of Object.entries(extra ?? {}))
    if (!RESERVED.has(name.toLowerCase())) headers[name] = value;
  return headers;
}

/** Text of a size failure, naming the limit. */
export function tooLargeMessage(limitBytes: number): string {
  return `upstream response exceeds maxMessageBytes (${limitBytes} bytes)`;
}
