import type { Client } from '@modelcontextprotocol/client';

/** What a raw HTTP client needs to talk inside an MCP session opened by an SDK client. */
export interface RawSession {
  /** Endpoint URL, e.g. `http://127.0.0.1:40123/mcp`. */
  readonly url: string;
  readonly sessionId: string;
  readonly protocolVersion: string;
}

/** One raw HTTP answer, body read as text. */
export interface RawReply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** The session (id + negotiated protocol version) of a connected SDK client. */
export function rawSessionOf(client: Client, url: string): RawSession {
  const sessionId = (client.transport as unknown as { sessionId?: string }).sessionId;
  const protocolVersion = client.getNegotiatedProtocolVersion();
  if (!sessionId || !protocolVersion) throw new Error('client has no MCP session');
  return { url, sessionId, protocolVersion };
}

/**
 * Headers of a well-formed Streamable HTTP POST of `session`; `overrides` replace them (`undefined`
 * removes a header).
 */
export function mcpHeaders(
  session: RawSession,
  overrides: Record<string, string | undefined> = {},
): Record<string, string> {
  const headers: Record<string, string | undefined> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-session-id': session.sessionId,
    'mcp-protocol-version': session.protocolVersion,
    ...overrides,
  };
  return Object.fromEntries(
    Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** POST `body` (a string is sent verbatim, anything else as JSON) with exact headers, via fetch. */
export async function rawPost(
  session: RawSession,
  body: unknown,
  options: { headers?: Record<string, string | undefined>; signal?: AbortSignal } = {},
): Promise<RawReply> {
  const res = await fetch(session.url, {
    method: 'POST',
    headers: mcpHeaders(session, options.headers),
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** A JSON-RPC `tools/call` request. */
export function toolCall(id: string | number, name: unknown, args?: unknown): Record<string, unknown> {
  return {
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: args === undefined ? { name } : { name, arguments: args },
  };
}

/** A JSON-RPC `notifications/cancelled` for `requestId`. */
export function cancelled(requestId: unknown, reason?: string): Record<string, unknown> {
  return {
    jsonrpc: '2.0',
    method: 'notifications/cancelled',
    params: reason === undefined ? { requestId } : { requestId, reason },
  };
}

/**
 * The fast lane writes `{"jsonrpc":"2.0","id":…,"result":…}` by hand; the SDK transport serializes
 * its response objects as `{"result":…,"jsonrpc":"2.0","id":…}`. The key order tells who answered a
 * successful request.
 */
export function laneResultPrefix(id: string | number): string {
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":`;
}

/** Prefix of a successful response serialized by the SDK transport (see {@link laneResultPrefix}). */
export const SDK_RESULT_PREFIX = '{"result":';
