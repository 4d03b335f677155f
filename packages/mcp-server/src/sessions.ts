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
import { sessionOwnerKey, type Principal, type PrincipalRef } from './principals.js';

/** A per-session SDK server plus what to release when the session ends. */
export interface SessionServer {
  server: Server;
  /** Called once when the session closes (DELETE, idle expiry, gateway close). */
  dispose(): Promise<void>;
  /** Requests this session answers itself, without the SDK transport (see {@link FastLane}). */
  fastPath?: FastPath;
}

/**
 * Builds the server of a new session from its `initialize` request body; `principal` is the session's
 * principal, refreshed by each later request of the same subject and `via`.
 */
export type SessionFactory = (initialize: unknown, principal: PrincipalRef) => Promise<SessionServer>;

/** Caps on open sessions (both endpoints together). */
export interface SessionLimits {
  /** More open sessions than this → 503 `SESSION_LIMIT`. */
  maxSessions: number;
  /** More open sessions of one principal (subject + `via`) than this → 429 `SESSION_LIMIT_PRINCIPAL`. */
  maxSessionsPerPrincipal: number;
}

/** `Retry-After` (seconds) of the session-limit answers: a slot frees when a session ends or idles out. */
export const SESSION_LIMIT_RETRY_AFTER_SECONDS = 5;

const UNKNOWN_SESSION = 'unknown or expired MCP session';

/** Per-endpoint transport options. */
export interface SessionOptions {
  /** Answer POSTs with plain JSON instead of an SSE stream (no mid-request notifications). */
  jsonResponse: boolean;
}

interface Session {
  transport: NodeStreamableHTTPServerTransport;
  owner: SessionServer;
  /** {@link sessionOwnerKey} of the principal that opened the session. */
  ownerKey: string;
  principal: PrincipalRef;
  lane: FastLane | undefined;
  /** Request ids with an open HTTP request (a reused one would leave a request unanswered). */
  ids: InflightIds;
  lastSeenMs: number;
  closed: boolean;
}

/**
 * Stateful Streamable HTTP sessions: one SDK server + transport per `Mcp-Session-Id`, scoped per
 * endpoint (`''` = aggregate, else a connector id) so an id from one endpoint is unknown on another,
 * and bound to the principal (subject + `via`) that opened it: another principal's request with that id
 * gets the same 404 as an unknown id. Sessions end on DELETE, on transport close, after `idleMs` without
 * requests, or on `close()`; each frees its slot under the {@link SessionLimits}.
 */
export class SessionHost {
  private readonly sessions = new Map<string, Session>();
  /** Open and opening sessions per owner key (slots are reserved before a session's setup). */
  private readonly perPrincipal = new Map<string, number>();
  private slots = 0;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    /** `null`: the mounting server guards Host/Origin itself. */
    private readonly policy: OriginPolicy | null,
    private readonly logger: GatewayLogger,
    private readonly idleMs: number,
    private readonly now: () => number,
    private readonly limits: SessionLimits = { maxSessions: 1000, maxSessionsPerPrincipal: 100 },
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
   * Serve one HTTP request of endpoint `scope` from `principal` (call {@link guard} first); `factory` builds a
   * new session's server. `parsedBody` is the JSON body when the framework already read it (a parsed `null`
   * included); `undefined` means the body is still unread and is read here.
   */
  async handle(
    scope: string,
    req: IncomingMessage,
    res: ServerResponse,
    parsedBody: unknown,
    principal: Principal,
    factory: SessionFactory,
    options: SessionOptions = { jsonResponse: false },
  ): Promise<void> {
    const sessionId = header(req, 'mcp-session-id');
    if (sessionId !== undefined) return this.resume(scope, sessionId, req, res, parsedBody, principal);
    if (req.method !== 'POST')
      return sendJsonError(res, 400, 'BAD_REQUEST', 'Mcp-Session-Id header required');
    const body = await jsonBodyOf(req, res, parsedBody);
    if (body === undefined) return;
    if (!isInitialize(body.value))
      return sendJsonError(res, 400, 'BAD_REQUEST', 'no session: send initialize first');
    await this.open(scope, req, res, body.value, principal, factory, options);
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
    principal: Principal,
  ) {
    const session = this.sessions.get(`${scope}\0${id}`);
    if (!session) return sendJsonError(res, 404, 'NOT_FOUND', UNKNOWN_SESSION);
    if (session.ownerKey !== sessionOwnerKey(principal)) {
      const opener = session.principal.current;
      this.logger.warn(
        {
          scope,
          sessionSubject: opener.subject,
          sessionVia: opener.via,
          requestSubject: principal.subject,
          requestVia: principal.via,
        },
        'MCP session id presented by another principal: refused as unknown',
      );
      return sendJsonError(res, 404, 'NOT_FOUND', UNKNOWN_SESSION);
    }
    session.principal.current = principal;
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
    principal: Principal,
    factory: SessionFactory,
    options: SessionOptions,
  ) {
    const ownerKey = sessionOwnerKey(principal);
    if (!this.reserve(ownerKey, principal, res)) return;
    let registered = false;
    try {
      const ref: PrincipalRef = { current: principal };
      let owner: SessionServer;
      try {
        owner = await factory(body, ref);
      } catch (error) {
        return this.setupFailed(scope, error, res);
      }
      const transport = new NodeStreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        enableJsonResponse: options.jsonResponse,
        onsessioninitialized: (id) => {
          registered = true;
          const lane = owner.fastPath && new FastLane(owner.fastPath);
          this.sessions.set(`${scope}\0${id}`, {
            transport,
            owner,
            ownerKey,
            principal: ref,
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
    } finally {
      if (!registered) this.release(ownerKey);
    }
  }

  private setupFailed(scope: string, error: unknown, res: ServerResponse): void {
    this.logger.warn({ scope, err: errorMessage(error) }, 'session setup failed');
    const code = (error as { code?: unknown }).code;
    const known =
      typeof code === 'string' && code in GATEWAY_ERROR_STATUS
        ? (code as GatewayErrorCode)
        : 'UPSTREAM_UNAVAILABLE';
    sendJsonError(res, GATEWAY_ERROR_STATUS[known], known, errorMessage(error));
  }

  /** Takes a session slot for `key`, or answers 503 / 429 (with `Retry-After`) and returns false. */
  private reserve(key: string, principal: Principal, res: ServerResponse): boolean {
    const retry = { 'retry-after': String(SESSION_LIMIT_RETRY_AFTER_SECONDS) };
    const { maxSessions, maxSessionsPerPrincipal } = this.limits;
    if (this.slots >= maxSessions) {
      this.logger.warn({ maxSessions }, 'MCP session limit reached');
      sendJsonError(
        res,
        GATEWAY_ERROR_STATUS.SESSION_LIMIT,
        'SESSION_LIMIT',
        `the gateway holds its maximum of ${maxSessions} MCP sessions; retry later`,
        retry,
      );
      return false;
    }
    const held = this.perPrincipal.get(key) ?? 0;
    if (held >= maxSessionsPerPrincipal) {
      this.logger.warn(
        { subject: principal.subject, via: principal.via, maxSessionsPerPrincipal },
        'MCP session limit of a principal reached',
      );
      sendJsonError(
        res,
        GATEWAY_ERROR_STATUS.SESSION_LIMIT_PRINCIPAL,
        'SESSION_LIMIT_PRINCIPAL',
        `this principal holds its maximum of ${maxSessionsPerPrincipal} MCP sessions; close one (DELETE) or retry later`,
        retry,
      );
      return false;
    }
    this.slots += 1;
    this.perPrincipal.set(key, held + 1);
    return true;
  }

  private release(key: string): void {
    this.slots -= 1;
    const held = (this.perPrincipal.get(key) ?? 1) - 1;
    if (held > 0) this.perPrincipal.set(key, held);
    else this.perPrincipal.delete(key);
  }

  private async end(key: string): Promise<void> {
    const session = this.sessions.get(key);
    if (!session || session.closed) return;
    session.closed = true;
    this.sessions.delete(key);
    this.release(session.ownerKey);
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
