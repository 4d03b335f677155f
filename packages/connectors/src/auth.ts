import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginCallback, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ForbiddenError, UnauthorizedError } from './errors.js';

/** Which key protects a route: REST/SSE key, MCP key, or none (static assets, health). */
export type AuthScope = 'rest' | 'mcp' | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Key that protects the route; default `'rest'` (auth on every route unless marked public). */
    auth?: AuthScope;
  }
  interface FastifyRequest {
    /** Caller key id (`key-<8 hex of SHA-256>`, never the key) or `anonymous` under NO_AUTH. */
    callerId: string;
  }
}

/** Options of {@link authPlugin}. `null` key lists mean NO_AUTH (every route open). */
export interface AuthPluginOptions {
  readonly apiKeys: readonly string[] | null;
  readonly mcpApiKeys: readonly string[] | null;
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Stable, non-secret id of a key for audit lines: `key-` + 8 hex of its SHA-256. */
export function keyId(key: string): string {
  return `key-${digest(key).toString('hex').slice(0, 8)}`;
}

/**
 * A constant-time matcher over `keys`: every candidate is compared (SHA-256 digests, `timingSafeEqual`),
 * so timing reveals neither which key matched nor the key length.
 */
export function createKeyMatcher(keys: readonly string[]): (presented: string) => boolean {
  const digests = keys.map(digest);
  return (presented) => {
    const candidate = digest(presented);
    let ok = false;
    for (const d of digests) ok = timingSafeEqual(d, candidate) || ok;
    return ok;
  };
}

/** The key a request presents: `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function presentedKey(request: Pick<FastifyRequest, 'headers'>): string | undefined {
  const auth = request.headers.authorization;
  if (typeof auth === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (match?.[1]) return match[1];
  }
  const header = request.headers['x-api-key'];
  return typeof header === 'string' && header.trim() !== '' ? header.trim() : undefined;
}

const auth: FastifyPluginCallback<AuthPluginOptions> = (app, options, done) => {
  const matchers = {
    rest: options.apiKeys ? createKeyMatcher(options.apiKeys) : null,
    mcp: options.mcpApiKeys ? createKeyMatcher(options.mcpApiKeys) : null,
  };
  app.decorateRequest('callerId', 'anonymous');
  app.addHook('onRequest', (request, _reply, next) => {
    const scope = request.routeOptions.config.auth ?? 'rest';
    const match = scope === 'public' ? null : matchers[scope];
    if (!match) return next();
    const what = scope === 'mcp' ? 'the MCP endpoint' : 'this route';
    const key = presentedKey(request);
    if (key === undefined) return next(new UnauthorizedError(what));
    if (!match(key)) return next(new ForbiddenError(what));
    request.callerId = keyId(key);
    (request.raw as { callerId?: string }).callerId = request.callerId;
    next();
  });
  done();
};

/**
 * Auth on every route by default: `CONNECTORS_API_KEY` for REST/SSE (`config.auth` `'rest'`, the default),
 * `MCP_API_KEY` for `config.auth: 'mcp'`, nothing for `'public'`. Throws 401 `UNAUTHORIZED` without a
 * key and 403 `FORBIDDEN` with a wrong one (rendered by the error handler). Null key lists = NO_AUTH.
 */
export const authPlugin = fp(auth, { name: 'connectors-auth', fastify: '5.x' });
