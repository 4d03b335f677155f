import type { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import type { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/server';
import { branded } from './brand.js';

/** The synthetic `initialize` request a rebuilt session replays (the client's own `params`). */
export function initializeRequest(init: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return { jsonrpc: '2.0', id: 0, method: 'initialize', params: init };
}

/** The `params` of a client's `initialize` request (a batch holds exactly one). */
export function initializeParams(body: unknown): Record<string, unknown> {
  const message = Array.isArray(body) ? (body as unknown[])[0] : body;
  const params = (message as { params?: unknown } | undefined)?.params;
  return typeof params === 'object' && params !== null ? (params as Record<string, unknown>) : {};
}

const HEADERS = { accept: 'application/json, text/event-stream', 'content-type': 'application/json' };

/**
 * Brings a fresh transport (whose `sessionIdGenerator` returns the presented handle) and its connected SDK
 * server to the state of an initialized session, in process: it replays the client's `initialize` and
 * `notifications/initialized`, so the server holds the client's capabilities, info and protocol version
 * exactly as the replica that opened the session did. Uses the Node transport's web-standard face (the SDK
 * keeps it as `_webStandardTransport`); the replayed answers are discarded.
 * @throws Error (branded) when the server refuses the replayed handshake.
 */
export async function replayHandshake(
  transport: NodeStreamableHTTPServerTransport,
  init: Readonly<Record<string, unknown>>,
): Promise<void> {
  const web = (transport as unknown as { _webStandardTransport: WebStandardStreamableHTTPServerTransport })
    ._webStandardTransport;
  const post = async (body: unknown, headers: Record<string, string> = {}) => {
    const request = new Request('http://gateway.invalid/mcp', {
      method: 'POST',
      headers: { ...HEADERS, ...headers },
    });
    const response = await web.handleRequest(request, { parsedBody: body });
    const text = await response.text();
    if (response.status >= 300 || refused(text))
      throw new Error(branded(`session rebuild refused (HTTP ${response.status})`));
  };
  await post(initializeRequest(init));
  const sessionId = transport.sessionId ?? '';
  await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, { 'mcp-session-id': sessionId });
}

/** True when a replayed answer (JSON, or SSE `data:` lines) carries a JSON-RPC error. */
function refused(text: string): boolean {
  const payloads = text.trimStart().startsWith('{')
    ? [text]
    : text
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trim())
        .filter((line) => line !== '');
  return payloads.some((payload) => {
    try {
      return (JSON.parse(payload) as { error?: unknown }).error !== undefined;
    } catch {
      return true;
    }
  });
}
