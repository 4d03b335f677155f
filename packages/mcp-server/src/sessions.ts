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
import type { SessionClaims, SessionSealer } from './session-handle.js';
import { initializeParams, initializeRequest, replayHandshake } from './session-restore.js';
import type { SessionRevocations } from './session-revocations.js';
import { SessionSlots, sendRefusal, type SessionLimits, type SlotRefusal } from './session-slots.js';
import {
  deferredEventStore,
  holdStream,
  routeStandalone,
  type SessionStreams,
  type StreamHold,
} from './session-streams.js';

/** A per-session SDK server plus what to release when the session ends. */
export interface SessionServer {
  server: Server;
  /** Called once when the session closes (DELETE, idle expiry, gateway close). */
  dispose(): Promise<void>;
  /** Requests this session answers itself, without the SDK transport (see {@link FastLane}). */
  fastPath?: FastPath;
  /**
   * Every replica's copy of the session produces the same standalone notifications (the aggregate's
   * list_changed), so only the GET stream's holder sends them; otherwise they are relayed to the holder.
   */
  replicated?: boolean;
}

/**
 * Builds the server of a new session from its `initialize` request body; `principal` is the session's
 * principal, refreshed by each later request of the same subject and `via`.
 */
export type SessionFactory = (initialize: unknown, principal: PrincipalRef) => Promise<SessionServer>;

export { SESSION_LIMIT_RETRY_AFTER_SECONDS } from './session-slots.js';
export type { SessionLimits } from './session-slots.js';

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
  /** GET streams of this session held on this replica. */
  hold: StreamHold;
}

/** How a {@link SessionHost} issues and checks session handles across replicas. */
export interface SessionHostOptions {
  /** Seals the `Mcp-Session-Id` of a new session and opens the ones presented to this replica. */
  sealer: SessionSealer;
  /** Handles ended by DELETE on any replica (default: this replica only). */
  revocations: SessionRevocations;
  /** How long a handle opens, milliseconds (the revocation of a DELETEd one lasts as long). */
  maxAgeMs: number;
  /** Server→client streams across replicas (relay to the GET stream's holder, shared event store); default none. */
  streams?: SessionStreams;
}

/**
 * Stateful Streamable HTTP sessions without affinity: one SDK server + transport per `Mcp-Session-Id` on each
 * replica that serves the session. The id is a sealed handle ({@link SessionSealer}) holding the endpoint
 * scope (`''` = aggregate, else a connector id, so an id from one endpoint is unknown on another), the owner
 * (subject + `via`: another principal's request with that id gets the same 404 as an unknown id) and the
 * client's `initialize` params; a replica that did not open the session rebuilds it from the handle on its
 * first request (its upstream sessions are opened there, then). Sessions end on DELETE (everywhere, through
 * the {@link SessionRevocations}), on transport close, after `idleMs` without requests (this replica's copy
 * only), or on `close()`; each frees its slot under the {@link SessionLimits}.
 */
export class SessionHost {
  private readonly sessions = new Map<string, Session>();
  /** Rebuilds in flight, so concurrent first requests on this replica share one. */
  private readonly rebuilding = new Map<string, Promise<Session>>();
  private readonly slots: SessionSlots;
  private readonly sweeper: NodeJS.Timeout;
  private readonly stopRevocations: () => void;

  constructor(
    /** `null`: the mounting server guards Host/Origin itself. */
    private readonly policy: OriginPolicy | null,
    private readonly logger: GatewayLogger,
    private readonly idleMs: number,
    private readonly now: () => number,
    limits: SessionLimits,
    private readonly handles: SessionHostOptions,
  ) {
    this.slots = new SessionSlots(limits, logger);
    this.sweeper = setInterval(() => void this.sweep(), Math.min(idleMs, 60_000));
    this.sweeper.unref();
    this.stopRevocations = handles.revocations.subscribe((id) => this.endEverywhere(id));
  }

  /** Number of open sessions on this replica (all endpoints). */
  get size(): number {
    return this.sessions.size;
  }

  /** DNS-rebinding guard; false when the request was already answered 403. */
  guard(req: IncomingMessage, res: ServerResponse): boolean {
    return this.policy === null || checkHostAndOrigin(req, res, this.policy);
  }

  /**
   * Serve one HTTP request of endpoint `scope` from `principal` (call {@link guard} first); `factory` builds a
   * new (or rebuilt) session's server. `parsedBody` is the JSON body when the framework already read it (a
   * parsed `null` included); `undefined` means the body is still unread and is read here.
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
    if (sessionId !== undefined) {
      const session = await this.find(scope, sessionId, principal, factory, options, res);
      if (session) await this.resume(session, sessionId, req, res, parsedBody, principal);
      return;
    }
    if (req.method !== 'POST')
      return sendJsonError(res, 400, 'BAD_REQUEST', 'Mcp-Session-Id header required');
    const body = await jsonBodyOf(req, res, parsedBody);
    if (body === undefined) return;
    if (!isInitialize(body.value))
      return sendJsonError(res, 400, 'BAD_REQUEST', 'no session: send initialize first');
    await this.open(scope, req, res, body.value, principal, factory, options);
  }

  /** Close every session of this replica (their handles stay valid for the other replicas). */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.stopRevocations();
    await Promise.all([...this.sessions.keys()].map((key) => this.end(key)));
  }

  /** The session of `id` on this replica, rebuilt from its handle when needed; undefined when answered. */
  private async find(
    scope: string,
    id: string,
    principal: Principal,
    factory: SessionFactory,
    options: SessionOptions,
    res: ServerResponse,
  ): Promise<Session | undefined> {
    const key = `${scope}\0${id}`;
    const local = this.sessions.get(key);
    if (local) return this.ownedBy(local.ownerKey, scope, principal, res, local) ? local : undefined;
    const claims = this.handles.sealer.open(id);
    if (!claims || claims.scope !== scope) return void sendJsonError(res, 404, 'NOT_FOUND', UNKNOWN_SESSION);
    if (!this.ownedBy(claims.owner, scope, principal, res)) return undefined;
    let pending = this.rebuilding.get(key);
    if (!pending) {
      pending = this.rebuild(key, id, claims, principal, factory, options);
      this.rebuilding.set(key, pending);
      void pending.catch(() => undefined).finally(() => this.rebuilding.delete(key));
    }
    try {
      return await pending;
    } catch (error) {
      if (error instanceof SessionGone) return void sendJsonError(res, 404, 'NOT_FOUND', UNKNOWN_SESSION);
      if (isRefusal(error)) return void sendRefusal(res, error);
      return void this.setupFailed(scope, error, res);
    }
  }

  /** False (answered 404, both subjects logged) when `principal` is not the session's owner. */
  private ownedBy(
    ownerKey: string,
    scope: string,
    principal: Principal,
    res: ServerResponse,
    session?: Session,
  ): boolean {
    if (ownerKey === sessionOwnerKey(principal)) return true;
    const [sessionVia, sessionSubject] = session
      ? [session.principal.current.via, session.principal.current.subject]
      : ownerKey.split('\0');
    this.logger.warn(
      {
        scope,
        sessionSubject,
        sessionVia,
        requestSubject: principal.subject,
        requestVia: principal.via,
      },
      'MCP session id presented by another principal: refused as unknown',
    );
    sendJsonError(res, 404, 'NOT_FOUND', UNKNOWN_SESSION);
    return false;
  }

  private async resume(
    session: Session,
    id: string,
    req: IncomingMessage,
    res: ServerResponse,
    parsed: unknown,
    principal: Principal,
  ) {
    session.principal.current = principal;
    session.lastSeenMs = this.now();
    // stored and published before the DELETE is answered: a client told "ended" is ended on every replica
    if (req.method === 'DELETE') await this.revoke(id);
    const streams = this.handles.streams;
    if (req.method === 'GET' && streams)
      holdStream(
        streams,
        id,
        session.hold,
        res,
        (message) => void session.transport.send(message).catch(() => undefined),
      );
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
    const refusal = this.slots.reserve(ownerKey, principal);
    if (refusal) return sendRefusal(res, refusal);
    let registered = false;
    try {
      const ref: PrincipalRef = { current: principal };
      let owner: SessionServer;
      try {
        owner = await factory(body, ref);
      } catch (error) {
        return this.setupFailed(scope, error, res);
      }
      const claims = { scope, owner: ownerKey, init: initializeParams(body), createdAtMs: this.now() };
      const transport = this.transport(scope, owner, ownerKey, ref, options, () => {
        registered = true;
        return this.handles.sealer.seal(claims);
      });
      await owner.server.connect(transport);
      await transport.handleRequest(req, res, body);
      // refused before a session id was issued (e.g. bad Accept header): its onclose disposes the owner
      if (transport.sessionId === undefined) await owner.server.close().catch(() => undefined);
    } finally {
      if (!registered) this.slots.release(ownerKey);
    }
  }

  /** Rebuilds on this replica a session another replica opened: a new server, the handshake replayed. */
  private async rebuild(
    key: string,
    id: string,
    claims: SessionClaims,
    principal: Principal,
    factory: SessionFactory,
    options: SessionOptions,
  ): Promise<Session> {
    if (await this.isRevoked(id)) throw new SessionGone();
    const refusal = this.slots.reserve(claims.owner, principal);
    if (refusal) throw Object.assign(new Error(refusal.message), refusal, { refusal: true });
    let registered = false;
    try {
      const ref: PrincipalRef = { current: principal };
      const owner = await factory(initializeRequest(claims.init), ref);
      const transport = this.transport(claims.scope, owner, claims.owner, ref, options, () => {
        registered = true;
        return id;
      });
      await owner.server.connect(transport);
      await replayHandshake(transport, claims.init).catch(async (error: unknown) => {
        await transport.close().catch(() => undefined);
        throw error;
      });
      this.logger.debug({ scope: claims.scope }, 'MCP session rebuilt from its handle');
      const session = this.sessions.get(key);
      if (!session) throw new SessionGone();
      return session;
    } finally {
      if (!registered) this.slots.release(claims.owner);
    }
  }

  /** A session transport whose first `initialize` registers the session under the id `issue` returns. */
  private transport(
    scope: string,
    owner: SessionServer,
    ownerKey: string,
    principal: PrincipalRef,
    options: SessionOptions,
    issue: () => string,
  ): NodeStreamableHTTPServerTransport {
    const hold: StreamHold = { held: 0 };
    const streams = this.handles.streams;
    const transport: NodeStreamableHTTPServerTransport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: issue,
      enableJsonResponse: options.jsonResponse,
      ...(streams
        ? { eventStore: deferredEventStore(() => streams.eventStore(transport.sessionId ?? '')) }
        : {}),
      onsessioninitialized: (id) => {
        const lane = owner.fastPath && new FastLane(owner.fastPath);
        this.sessions.set(`${scope}\0${id}`, {
          transport,
          owner,
          ownerKey,
          principal,
          lane,
          ids: new InflightIds(),
          lastSeenMs: this.now(),
          closed: false,
          hold,
        });
      },
      onsessionclosed: (id) => void this.end(`${scope}\0${id}`),
    });
    if (streams)
      routeStandalone(transport, streams, () => transport.sessionId, hold, owner.replicated === true);
    owner.server.onclose = () => {
      const id = transport.sessionId;
      if (id !== undefined) void this.end(`${scope}\0${id}`);
      else void owner.dispose();
    };
    return transport;
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

  /** Records a DELETE for every replica; a store failure is logged (this replica's copy ends anyway). */
  private async revoke(id: string): Promise<void> {
    await this.handles.revocations
      .revoke(id, this.now() + this.handles.maxAgeMs)
      .catch((error: unknown) =>
        this.logger.warn({ err: errorMessage(error) }, 'MCP session revocation not shared: store failed'),
      );
  }

  /** Whether a handle was DELETEd; when the shared store fails the rebuild goes ahead (fail open, logged). */
  private async isRevoked(id: string): Promise<boolean> {
    try {
      return await this.handles.revocations.isRevoked(id);
    } catch (error) {
      this.logger.warn({ err: errorMessage(error) }, 'MCP session revocations unreadable: rebuilding anyway');
      return false;
    }
  }

  /** Another replica ended the session of handle `id` (DELETE): close this replica's copy, if any. */
  private endEverywhere(id: string): void {
    for (const key of this.sessions.keys()) if (key.endsWith(`\0${id}`)) void this.end(key);
  }

  private async end(key: string): Promise<void> {
    const session = this.sessions.get(key);
    if (!session || session.closed) return;
    session.closed = true;
    this.sessions.delete(key);
    this.slots.release(session.ownerKey);
    session.lane?.abortAll();
    session.hold.stop?.();
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

/** A handle that was ended (DELETE) or whose rebuilt session closed at once: answered as unknown. */
class SessionGone extends Error {}

function isRefusal(error: unknown): error is SlotRefusal {
  return (error as { refusal?: unknown }).refusal === true;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function isInitialize(body: unknown): boolean {
  return Array.isArray(body) ? body.some((m) => isInitializeRequest(m)) : isInitializeRequest(body);
}
