import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoggingLevel, Transport } from '@modelcontextprotocol/server';
import {
  FIXTURE_TOOLS,
  applyToolNames,
  type FixtureCall,
  type FixtureSessionServer,
  type FixtureState,
} from './fixture-tools.js';
import {
  flattenHeaders,
  readBody,
  rpcInfo,
  sendJsonError,
  takeFailure,
  type FailRule,
  type SeenRequest,
} from './fixture-http.js';

/** Header check of `requireAuth`: requests without `header: value` are answered 401. */
export interface FixtureAuth {
  readonly header: string;
  readonly value: string;
}

/** Options of `startFixtureServer` / `startSseFixtureServer`. */
export interface FixtureServerOptions {
  /** `serverInfo.name` the fixture reports (default `brainwav-fixture`). */
  readonly name?: string;
  /** Initial tool names (default: every built-in of `FIXTURE_TOOLS`). Unknown names become generic tools. */
  readonly tools?: readonly string[];
  /** Refuse requests lacking this header value with HTTP 401. */
  readonly requireAuth?: FixtureAuth;
  /** Record the headers of every request in `headersSeen`/`requests` (default true). */
  readonly recordHeaders?: boolean;
  /** Delay before handling each request, in ms (default 0). */
  readonly delayMs?: number;
  /** Endpoint path (default `/mcp`; `/sse` for the SSE fixture). */
  readonly path?: string;
}

/** Options of {@link FixtureServer.failNext}. */
export interface FailNextOptions {
  /** Only fail POSTs carrying this JSON-RPC method (e.g. `tools/call`); default: any POST. */
  readonly method?: string;
  /** HTTP status of the injected failure (default 503). */
  readonly status?: number;
  /** JSON-RPC error message of the injected failure (default `Injected fixture failure`). */
  readonly message?: string;
}

/** A running fixture MCP server (v2 SDK, stateful sessions) on 127.0.0.1. */
export interface FixtureServer {
  /** Endpoint URL, e.g. `http://127.0.0.1:40123/mcp` (`…/sse` for the SSE fixture). */
  readonly url: string;
  /** TCP port (kept across `restart()`). */
  readonly port: number;
  /** Headers (lower-case names) of every request received, in order (live array). */
  readonly headersSeen: readonly Record<string, string>[];
  /** Every request received with its HTTP and JSON-RPC method (live array). */
  readonly requests: readonly SeenRequest[];
  /** Every tool call executed (live array). */
  readonly calls: readonly FixtureCall[];
  /** Number of `slow` calls aborted upstream (client cancellation or timeout). */
  readonly cancelledCount: number;
  /** Number of live MCP sessions. */
  readonly sessionCount: number;
  /** Current tool names. */
  readonly toolNames: readonly string[];
  /** Whether the HTTP server is listening. */
  readonly running: boolean;
  /** Replaces the tool list in every session and sends `notifications/tools/list_changed`. */
  setTools(names: readonly string[]): Promise<void>;
  /** Answers the next `n` matching POSTs with an HTTP error (503 by default) before any MCP handling. */
  failNext(n: number, options?: FailNextOptions): void;
  /** Sets the per-request delay in ms. */
  setDelay(ms: number): void;
  /** Sets or clears the required auth header. */
  setRequireAuth(auth: FixtureAuth | undefined): void;
  /** Forgets every session (Streamable HTTP: next request gets 404; SSE: the stream closes). */
  dropSessions(): Promise<void>;
  /** Sends `notifications/resources/updated` to every session subscribed to `uri`; returns how many. */
  notifyResourceUpdated(uri: string): Promise<number>;
  /** Sends a logging notification to every session; returns how many sessions received it. */
  sendLog(level: LoggingLevel, data: unknown): Promise<number>;
  /** Closes every session and connection and stops listening. Idempotent. */
  stop(): Promise<void>;
  /** Listens again on the same port with no sessions (clients must re-initialize). */
  restart(): Promise<void>;
}

/** One MCP session of a fixture: its McpServer and transport. */
export interface FixtureSession extends FixtureSessionServer {
  readonly transport: Transport;
}

/** Mutable state of one fixture server. */
export interface Runtime {
  readonly options: FixtureServerOptions;
  readonly state: FixtureState;
  readonly sessions: Map<string, FixtureSession>;
  readonly inFlight: Map<string, ServerResponse>;
  readonly requests: SeenRequest[];
  readonly headersSeen: Record<string, string>[];
  readonly failRules: FailRule[];
  delayMs: number;
  auth: FixtureAuth | undefined;
}

/** Fresh runtime state from options. */
export function newRuntime(options: FixtureServerOptions): Runtime {
  const rt: Runtime = {
    options,
    sessions: new Map(),
    inFlight: new Map(),
    requests: [],
    headersSeen: [],
    failRules: [],
    delayMs: options.delayMs ?? 0,
    auth: options.requireAuth,
    state: {
      toolNames: [...(options.tools ?? FIXTURE_TOOLS)],
      calls: [],
      cancelled: 0,
      counter: 0,
      subscriptions: new Set(),
      crash: (sessionId, requestId) => {
        rt.inFlight.get(`${sessionId ?? ''} ${String(requestId)}`)?.socket?.destroy();
      },
    },
  };
  return rt;
}

/** Parsed POST body and its JSON-RPC info, after recording, auth, delay and injected failures. */
export interface Admitted {
  readonly body: unknown;
  readonly method: string | undefined;
  readonly id: string | number | undefined;
}

async function parseBody(req: IncomingMessage): Promise<{ ok: true; body: unknown } | { ok: false }> {
  if (req.method !== 'POST') return { ok: true, body: undefined };
  try {
    return { ok: true, body: JSON.parse(await readBody(req)) as unknown };
  } catch {
    return { ok: false };
  }
}

/** Records the request, then applies auth (401), parse errors (400), delay and `failNext`; undefined when answered. */
export async function admit(
  rt: Runtime,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<Admitted | undefined> {
  const headers = flattenHeaders(req);
  const parsed = await parseBody(req);
  const info = parsed.ok ? rpcInfo(parsed.body) : rpcInfo(undefined);
  if (rt.options.recordHeaders !== false) {
    rt.headersSeen.push(headers);
    rt.requests.push({ httpMethod: req.method ?? 'GET', rpcMethod: info.method, headers });
  }
  if (rt.auth && headers[rt.auth.header.toLowerCase()] !== rt.auth.value)
    return void sendJsonError(res, 401, -32001, 'Unauthorized', info.id ?? null);
  if (!parsed.ok) return void sendJsonError(res, 400, -32700, 'Parse error');
  if (rt.delayMs > 0) await new Promise((r) => setTimeout(r, rt.delayMs));
  const injected = req.method === 'POST' ? takeFailure(rt.failRules, info.method) : undefined;
  if (injected) return void sendJsonError(res, injected.status, -32000, injected.message, info.id ?? null);
  return { body: parsed.body, method: info.method, id: info.id };
}

/** Remembers which HTTP response carries a tools/call so the `crash` tool can destroy its socket. */
export function trackInFlight(
  rt: Runtime,
  sessionId: string,
  id: string | number | undefined,
  res: ServerResponse,
  untilClosed: ServerResponse = res,
): void {
  if (id === undefined) return;
  const key = `${sessionId} ${String(id)}`;
  rt.inFlight.set(key, res);
  untilClosed.once('close', () => rt.inFlight.delete(key));
}

async function closeSessions(rt: Runtime): Promise<void> {
  const sessions = [...rt.sessions.values()];
  rt.sessions.clear();
  await Promise.all(sessions.map((s) => s.server.close().catch(() => undefined)));
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeHttp(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => {
      // let in-process clients see the FIN of their pooled keep-alive sockets before anyone reconnects
      setTimeout(resolve, 25);
    });
    server.closeAllConnections();
  });
}

/** Starts the HTTP server for `handler` on port 0 and returns the test-facing handle. */
export async function serve(
  rt: Runtime,
  path: string,
  handler: (rt: Runtime, req: IncomingMessage, res: ServerResponse) => Promise<void>,
): Promise<FixtureServer> {
  const make = (): Server =>
    createServer(
      (req, res) => void handler(rt, req, res).catch(() => sendJsonError(res, 500, -32603, 'Internal error')),
    );
  let http = make();
  const port = await listen(http, 0);
  const stop = async (): Promise<void> => {
    await closeSessions(rt);
    await closeHttp(http);
  };
  return {
    url: `http://127.0.0.1:${port}${path}`,
    port,
    headersSeen: rt.headersSeen,
    requests: rt.requests,
    calls: rt.state.calls,
    get cancelledCount() {
      return rt.state.cancelled;
    },
    get sessionCount() {
      return rt.sessions.size;
    },
    get toolNames() {
      return [...rt.state.toolNames];
    },
    get running() {
      return http.listening;
    },
    async setTools(names) {
      rt.state.toolNames = [...names];
      await Promise.all([...rt.sessions.values()].map((s) => applyToolNames(s, rt.state)));
    },
    failNext(n, o = {}) {
      rt.failRules.push({
        remaining: n,
        method: o.method,
        status: o.status ?? 503,
        message: o.message ?? 'Injected fixture failure',
      });
    },
    setDelay(ms) {
      rt.delayMs = ms;
    },
    setRequireAuth(auth) {
      rt.auth = auth;
    },
    dropSessions: () => closeSessions(rt),
    async notifyResourceUpdated(uri) {
      const targets = [...rt.sessions.entries()].filter(([sid]) =>
        rt.state.subscriptions.has(`${sid} ${uri}`),
      );
      await Promise.all(targets.map(([, s]) => s.server.server.sendResourceUpdated({ uri })));
      return targets.length;
    },
    async sendLog(level, data) {
      const sessions = [...rt.sessions.values()];
      await Promise.all(sessions.map((s) => s.server.sendLoggingMessage({ level, data, logger: 'fixture' })));
      return sessions.length;
    },
    stop,
    async restart() {
      await stop();
      http = make();
      await listen(http, port);
    },
  };
}
