/** A raw MCP session with the upstream (initialize + initialized), for the tool call's direct baseline. */

const ACCEPT = 'application/json, text/event-stream';
const PROTOCOL = '2025-06-18';

/** What {@link directSession} returns. */
export interface DirectSession {
  /** An autocannon request calling the echo tool on this session, each with its own JSON-RPC id. */
  echoRequest(message: string): { method: 'POST'; body: () => string; headers: Record<string, string> };
  /** The session id the server gave. */
  readonly sessionId: string;
  close(): Promise<void>;
}

/**
 * Opens a Streamable HTTP session with `url` as a stock client would; `options.headers` go with every request
 * (e.g. the gateway's key), `options.tool` names the echo tool (default `echo`).
 */
export async function directSession(
  url: string,
  options: { headers?: Record<string, string>; tool?: string } = {},
): Promise<DirectSession> {
  const auth = options.headers ?? {};
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: ACCEPT, ...auth, ...headers },
      body: JSON.stringify(body),
    });
  const init = await post({
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: {
      protocolVersion: PROTOCOL,
      capabilities: {},
      clientInfo: { name: 'brainwav-bench', version: '1' },
    },
  });
  const session = init.headers.get('mcp-session-id');
  await init.text();
  if (!session) throw new Error('brAInwav: the upstream gave no mcp-session-id');
  const headers = { ...auth, 'mcp-session-id': session, 'mcp-protocol-version': PROTOCOL };
  let id = 0;
  await (await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, headers)).text();
  return {
    sessionId: session,
    echoRequest: (message) => ({
      method: 'POST',
      body: () =>
        JSON.stringify({
          jsonrpc: '2.0',
          id: (id += 1),
          method: 'tools/call',
          params: { name: options.tool ?? 'echo', arguments: { message } },
        }),
      headers: { 'content-type': 'application/json', accept: ACCEPT, ...headers },
    }),
    close: async () => {
      await fetch(url, { method: 'DELETE', headers }).then((r) => r.text());
    },
  };
}
