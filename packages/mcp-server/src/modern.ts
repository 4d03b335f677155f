import type { IncomingMessage, ServerResponse } from 'node:http';
import { toNodeHandler } from '@modelcontextprotocol/node';
import {
  createMcpHandler,
  isInitializeRequest,
  isLegacyRequest,
  type AuthInfo,
  type McpHttpHandler,
  type Server,
  type ServerEventBus,
} from '@modelcontextprotocol/server';
import { jsonBodyOf } from './body.js';
import type { GatewayLogger } from './logger.js';
import type { Principal } from './principals.js';

/** The 2026-07-28 revision on one endpoint: a fresh server per request, built for the request's principal. */
export type ModernServerFactory = (principal: Principal) => Server | Promise<Server>;

/**
 * Where a request goes: the 2026-07-28 (sessionless) handler (`modern`), or the 2025-era session host; `parsed`
 * is its body when read (at most once; `undefined` = not read yet).
 */
export interface ModernRoute {
  readonly modern: boolean;
  readonly parsed: unknown;
}

/**
 * The 2026-07-28 (sessionless) revision of one gateway endpoint, next to its 2025-era sessions: the SDK's
 * `createMcpHandler` in strict mode (`legacy: 'reject'`), fed only the requests the SDK's own `isLegacyRequest`
 * classifies as modern (so the era decision is exactly the SDK's), with the request's principal carried to the
 * factory in `authInfo.extra.principal`. `subscriptions/listen` streams hear `notifyListsChanged`.
 */
export class ModernEndpoint {
  private readonly handler: McpHttpHandler;
  private readonly node: ReturnType<typeof toNodeHandler>;

  constructor(factory: ModernServerFactory, logger: GatewayLogger, bus?: ServerEventBus) {
    this.handler = createMcpHandler((ctx) => factory(principalOfAuth(ctx.authInfo)), {
      legacy: 'reject',
      responseMode: 'auto',
      ...(bus ? { bus } : {}),
      onerror: (error) => logger.debug({ err: error.message }, 'MCP 2026-07-28 request refused'),
    });
    this.node = toNodeHandler(this.handler);
  }

  /**
   * Reads the body of a POST without a session id (answering 400/413 itself when it is not JSON) and decides its
   * era; `undefined` when the request was answered. GET/DELETE and requests with a session id stay 2025-era.
   */
  async route(
    req: IncomingMessage,
    res: ServerResponse,
    parsedBody: unknown,
  ): Promise<ModernRoute | undefined> {
    if (req.method !== 'POST' || req.headers['mcp-session-id'] !== undefined)
      return { modern: false, parsed: parsedBody };
    const body = await jsonBodyOf(req, res, parsedBody);
    if (body === undefined) return undefined;
    // `initialize`, batches (the 2026-07-28 revision has none) and bodies that are no JSON-RPC message at all
    // keep the 2025-era (branded) answers, as does a body the SDK's classifier cannot read
    const value = body.value;
    if (isInitialize(value) || typeof value !== 'object' || value === null || Array.isArray(value))
      return { modern: false, parsed: value };
    const legacy = await isLegacyRequest(headersOnly(req), value).catch(() => true);
    return { modern: !legacy, parsed: value };
  }

  /** Serves one 2026-07-28 request of `principal` whose body was read by {@link route}. */
  async serve(req: IncomingMessage, res: ServerResponse, body: unknown, principal: Principal): Promise<void> {
    (req as IncomingMessage & { auth?: AuthInfo }).auth = authInfoOf(principal);
    await this.node(req, res, body);
  }

  /** Publishes a list change to every open `subscriptions/listen` stream of this endpoint. */
  notifyListsChanged(kinds: { tools?: boolean; prompts?: boolean; resources?: boolean }): void {
    if (kinds.tools) this.handler.notify.toolsChanged();
    if (kinds.prompts) this.handler.notify.promptsChanged();
    if (kinds.resources) this.handler.notify.resourcesChanged();
  }

  close(): Promise<void> {
    return this.handler.close();
  }
}

function isInitialize(body: unknown): boolean {
  return Array.isArray(body) ? body.some((m) => isInitializeRequest(m)) : isInitializeRequest(body);
}

/** A body-less web `Request` with the request's headers: all `isLegacyRequest` needs beside the parsed body. */
function headersOnly(req: IncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers.set(name, value);
    else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
  }
  return new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, {
    method: 'POST',
    headers,
  });
}

function authInfoOf(principal: Principal): AuthInfo {
  return { token: '', clientId: principal.subject, scopes: [...principal.scopes], extra: { principal } };
}

function principalOfAuth(auth: AuthInfo | undefined): Principal {
  const principal = auth?.extra?.principal as Principal | undefined;
  if (!principal) throw new Error('brAInwav: 2026-07-28 request without a principal');
  return principal;
}

/**
 * The 2026-07-28 endpoints of a gateway: the aggregate (`''`) and one per connector id, created on first use.
 * `dispatch` serves a modern request itself, or hands a 2025-era request back with its body.
 */
export class ModernEndpoints {
  private readonly endpoints = new Map<string, ModernEndpoint>();

  constructor(
    private readonly factory: (scope: string, principal: Principal) => Server | Promise<Server>,
    private readonly logger: GatewayLogger,
  ) {}

  /**
   * Serves `req` when it is a 2026-07-28 request of endpoint `scope` (resolves `undefined`, also when the body
   * was refused); else resolves `{ parsed }` for the session host.
   */
  async dispatch(
    scope: string,
    req: IncomingMessage,
    res: ServerResponse,
    parsedBody: unknown,
    principal: Principal,
  ): Promise<{ parsed: unknown } | undefined> {
    const endpoint = this.endpoint(scope);
    const route = await endpoint.route(req, res, parsedBody);
    if (route === undefined) return undefined;
    if (!route.modern) return { parsed: route.parsed };
    await endpoint.serve(req, res, route.parsed, principal);
    return undefined;
  }

  /** Tells every open `subscriptions/listen` stream (aggregate only, or every endpoint) its lists changed. */
  notify(kinds: { tools?: boolean; prompts?: boolean; resources?: boolean }, aggregateOnly = false): void {
    for (const [scope, endpoint] of this.endpoints)
      if (!aggregateOnly || scope === '') endpoint.notifyListsChanged(kinds);
  }

  async close(): Promise<void> {
    await Promise.all([...this.endpoints.values()].map((e) => e.close()));
    this.endpoints.clear();
  }

  private endpoint(scope: string): ModernEndpoint {
    let endpoint = this.endpoints.get(scope);
    if (!endpoint) {
      endpoint = new ModernEndpoint((principal) => this.factory(scope, principal), this.logger);
      this.endpoints.set(scope, endpoint);
    }
    return endpoint;
  }
}
