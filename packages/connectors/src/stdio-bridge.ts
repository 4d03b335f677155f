import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { isInitializeRequest, type JSONRPCMessage } from '@modelcontextprotocol/server';
import { errorBody } from '@cortex-os/connectors-manifest';
import { readJsonBody } from '@cortex-os/mcp-server';
import { createKeyMatcher } from '@cortex-os/server-kit';

/** Options of {@link createStdioHttpBridge}. */
export interface StdioHttpBridgeOptions {
  /** Executable of the stdio MCP server (e.g. `process.execPath`). */
  readonly command: string;
  readonly args?: readonly string[];
  /** Environment of the child (merged over a minimal default environment by the SDK). */
  readonly env?: Record<string, string>;
  /** Bearer token required on every request; none when undefined. */
  readonly token?: string;
}

/** A Streamable HTTP front for a stdio MCP server: one child process per MCP session. */
export interface StdioHttpBridge {
  /** Node request handler (mount it on the MCP path). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Number of open sessions (= child processes). */
  readonly sessionCount: number;
  /** Closes every session and kills every child. */
  close(): Promise<void>;
}

interface Pair {
  readonly http: NodeStreamableHTTPServerTransport;
  readonly stdio: StdioClientTransport;
}

function deny(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(errorBody(code, message)));
}

/**
 * Exposes a stdio MCP server (e.g. `@modelcontextprotocol/server-memory`) over Streamable HTTP: each
 * `initialize` spawns a child and relays JSON-RPC messages both ways; DELETE or close ends the child.
 * Requests must carry `Authorization: Bearer <token>` when a token is set (401/403 branded otherwise).
 */
export function createStdioHttpBridge(options: StdioHttpBridgeOptions): StdioHttpBridge {
  const sessions = new Map<string, Pair>();
  const match = options.token ? createKeyMatcher([options.token]) : undefined;

  async function open(): Promise<Pair> {
    const stdio = new StdioClientTransport({
      command: options.command,
      args: [...(options.args ?? [])],
      env: options.env,
      stderr: 'ignore',
    });
    const http: NodeStreamableHTTPServerTransport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => void sessions.set(id, pair),
    });
    const pair: Pair = { http, stdio };
    http.onmessage = (message: JSONRPCMessage) => void stdio.send(message).catch(() => undefined);
    stdio.onmessage = (message: JSONRPCMessage) => void http.send(message).catch(() => undefined);
    http.onclose = () => {
      if (http.sessionId) sessions.delete(http.sessionId);
      void stdio.close().catch(() => undefined);
    };
    stdio.onclose = () => void http.close().catch(() => undefined);
    await stdio.start();
    await http.start();
    return pair;
  }

  return {
    async handle(req, res) {
      const auth = req.headers.authorization;
      if (match) {
        const token = typeof auth === 'string' ? /^Bearer\s+(\S+)$/i.exec(auth)?.[1] : undefined;
        if (!token)
          return deny(res, 401, 'UNAUTHORIZED', 'the stdio bridge requires Authorization: Bearer <token>');
        if (!match(token)) return deny(res, 403, 'FORBIDDEN', 'the bearer token is not accepted');
      }
      const sid = req.headers['mcp-session-id'];
      // one body reader for every MCP endpoint: answers 400/413 itself; a parsed `null` is a body (the SDK refuses it)
      const read = req.method === 'POST' ? await readJsonBody(req, res) : { value: undefined };
      if (read === undefined) return;
      const body = read.value;
      if (typeof sid === 'string') {
        const pair = sessions.get(sid);
        if (!pair) return deny(res, 404, 'NOT_FOUND', 'unknown or expired MCP session');
        return pair.http.handleRequest(req, res, body);
      }
      if (req.method !== 'POST' || !isInitializeRequest(body))
        return deny(res, 400, 'BAD_REQUEST', 'no session: send initialize first');
      const pair = await open();
      await pair.http.handleRequest(req, res, body);
      if (pair.http.sessionId === undefined) await pair.stdio.close().catch(() => undefined);
    },
    get sessionCount() {
      return sessions.size;
    },
    async close() {
      await Promise.all(
        [...sessions.values()].map(async (p) => {
          await p.http.close().catch(() => undefined);
          await p.stdio.close().catch(() => undefined);
        }),
      );
      sessions.clear();
    },
  };
}
