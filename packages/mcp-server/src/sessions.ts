import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { isInitializeRequest, type Server } from '@modelcontextprotocol/server';
import { jsonBodyOf } from './body.js';
import { errorMessage } from './catalog.js';
import { GATEWAY_ERROR_STATUS, type GatewayErrorCode } from './errors.js';
import { FastLane, fastLaneEligible, type FastPath } from './fast-lane.js';
import { checkHostAndOrigin, sendJsonError, type OriginPolicy } from './guard.js';
import { InflightIds } from './request-ids.js';
import type { GatewayLogger } from './logger.js';

/** A per-session SDK server plus what to release when the session ends. */
export interface SessionServer {
  server: Server;
  /** Called once when the session closes (DELETE, idle expiry, gateway close). */
  dispose(): Promise<void>;
  /** Requests this session answers itself, without the SDK transport (see {@link FastLane}). */
  fastPath?: FastPath;
}

/** Builds the server of a new session from its `initialize` request body. */
export type SessionFactory = (initialize: unknown) => Promise<SessionServer>;

/** Per-endpoint transport options. */
export interface SessionOptions {
  /** Answer POSTs with plain JSON instead of an SSE stream (no mid-request notifications). */
  jsonResponse: boolean;
}

interface Session {
  transport: NodeStreamableHTTPServerTransport;
  owner: SessionServer;
  lane: FastLane | undefined;
  /** Request ids with an open HTTP request (a reused one would leave a request unanswered). */
  ids: InflightIds;
  lastSeenMs: number;
  closed: boolean;
}

/**
 * Stateful Streamable HTTP sessions: one SDK server + transport per `Mcp-Session-Id`, scoped per
 * endpoint (`''` = aggregate, else a connector id) so an id from one endpoint is unknown on another.
 * Sessions end on DELETE, on transport close, after `idleMs` without requests, or on `close()`.
 */
export class SessionHost {
  private readonly sessions = new Map<string, Session>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    /** `null`: the mounting server guards Host/Origin itself. */
    private readonly policy: OriginPolicy | null,
    private readonly logger: GatewayLogger,
    private readonly idleMs: number,
    private readonly now: () => number,
  ) {
    this.sweeper = setInterval(() => void this.sweep(), Math.min(idleMs, 60_000));
    this.sweeper.unref();
  }

  /** Number of open sessions (all endpoints). */
  get size(): number {
    return this.sessions.size;
  }

  /** DNS-rebinding guard; false when the request was already answered 403. */
  guard(req: IncomingMessage, res: ServerResponse): boolean {
    return this.policy === null || checkHostAndOrigin(req, res, this.policy);
  }

  /**
   * Serve one HTTP request of endpoint `scope` (call {@link guard} first); `factory` builds a new session's
   * server. `parsedBody` is the JSON body when the framework already read it (a parsed `null` included);
   * `undefined` means the body is still unread and is read here.
   */
  async handle(
    scope: string,
    req: IncomingMessage,
    res: ServerResponse,
    parsedBody: unknown,
    factory: SessionFactory,
    options: SessionOptions = { jsonResponse: false },
  ): Promise<void> {
    const sessionId = header(req, 'mcp-session-id');
    if (sessionId !== undefined) return this.resume(scope, sessionId, req, res, parsedBody);
    if (req.method !== 'POST')
      return sendJsonError(res, 400, 'BAD_REQUEST', 'Mcp-Session-Id header required');
    const body = await jsonBodyOf(req, res, parsedBody);
    if (body === undefined) return;
    if (!isInitialize(body.value))
      return sendJsonError(res, 400, 'BAD_REQUEST', 'no session: send initialize first');
    await this.open(scope, req, res, body.value, factory, options);
  }

  /** Close every session. */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.sessions.keys()].map((key) => this.end(key)));
  }

  private async resume(
    scope: string,
    id: string,
    req: IncomingMessage,
    res: ServerResponse,
    parsed: unknown,
  ) {
    const session = this.sessions.get(`${scope}\0${id}`);
    if (!session) return sendJsonError(res, 404, 'NOT_FOUND', 'unknown or expired MCP session');
    session.lastSeenMs = this.now();
    if (!session.lane || !fastLaneEligible(req)) {
      if (parsed !== undefined && req.method === 'POST' && !session.ids.claim(parsed, res)) return;
      return session.transport.handleRequest(req, res, parsed);
    }
    // `parsed` may be a parsed `null`: only `undefined` means the body is still unread
    const body = await jsonBodyOf(req, res, parsed);
    if (body === undefined || !session.ids.claim(body.value, res) || session.lane.serve(id, body.value, res))
      return;
    await session.transport.handleRequest(req, res, body.value);
  }

  private async open(
    scope: string,
    req: IncomingMessage,
    res: ServerResponse,
    body: unknown,
    factory: SessionFactory,
    options: SessionOptions,
  ) {
    let owner: SessionServer;
    try {
      owner = await factory(body);
    } catch (error) {
      this.logger.warn({ scope, err: errorMessage(error) }, 'session setup failed');
      const code = (error as { code?: unknown }).code;
      const known =
        typeof code === 'string' && code in GATEWAY_ERROR_STATUS
          ? (code as GatewayErrorCode)
          : 'UPSTREAM_UNAVAILABLE';
      return sendJsonError(res, GATEWAY_ERROR_STATUS[known], known, errorMessage(error));
    }
    const transport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: options.jsonResponse,
      onsessioninitialized: (id) => {
        const lane = owner.fastPath && new FastLane(owner.fastPath);
        this.sessions.set(`${scope}\0${id}`, {
          transport,
          owner,
          lane,
          ids: new InflightIds(),
          lastSeenMs: this.now(),
          closed: false,
        });
      },
      onsessionclosed: (id) => void this.end(`${scope}\0${id}`),
    });
    owner.server.onclose = () => {
      const id = transport.sessionId;
      if (id !== undefined) void this.end(`${scope}\0${id}`);
      else void owner.dispose();
    };
    await owner.server.connect(transport);
    await transport.handleRequest(req, res, body);
    // refused before a session id was issued (e.g. bad Accept header): its onclose disposes the owner
    if (transport.sessionId === undefined) await owner.server.close().catch(() => undefined);
  }

  private async end(key: string): Promise<void> {
    const session = this.sessions.get(key);
    if (!session || session.closed) return;
    session.closed = true;
    this.sessions.delete(key);
    session.lane?.abortAll();
    try {
      await session.owner.server.close();
    } finally {
      await session.owner
        .dispose()
        .catch((error: unknown) => this.logger.warn({ err: errorMessage(error) }, 'session dispose failed'));
    }
  }

  private async sweep(): Promise<void> {
    const limit = this.now() - this.idleMs;
    const stale = [...this.sessions].filter(([, s]) => s.lastSeenMs < limit).map(([key]) => key);
    await Promise.all(stale.map((key) => this.end(key)));
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function isInitialize(body: unknown): boolean {
  return Array.isArray(body) ? body.some((m) => isInitializeRequest(m)) : isInitializeRequest(body);
}
