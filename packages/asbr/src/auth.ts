import { hash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginCallback, FastifyRequest, preHandlerHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { ForbiddenError, UnauthorizedError } from './errors.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** preHandler enforcing the API key (no-op when auth is disabled with `NO_AUTH=true`). */
    requireApiKey: preHandlerHookHandler;
  }
}

/** Options of {@link authPlugin}. */
export interface AuthPluginOptions {
  /** Accepted API keys; `null` disables auth (`NO_AUTH=true`). */
  apiKeys: readonly string[] | null;
}

/** One-shot SHA-256 (cheaper than createHash on the hot path). */
const sha256 = (value: string): Buffer => hash('sha256', value, 'buffer');

/**
 * The presented credential: `Authorization: Bearer <key>` (scheme case-insensitive) first, else
 * `X-API-Key`. Returns `undefined` when neither carries a non-empty value.
 */
export function presentedKey(request: Pick<FastifyRequest, 'headers'>): string | undefined {
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer[ \t]+(\S.*)$/i.exec(authorization.trim());
    if (match?.[1]) return match[1].trim();
  }
  const apiKey = request.headers['x-api-key'];
  const value = Array.isArray(apiKey) ? apiKey[0] : apiKey;
  return value && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * A constant-time matcher over SHA-256 digests of the accepted keys: every key is compared with
 * `crypto.timingSafeEqual` (no early exit), so timing reveals neither the key nor which one matched.
 */
export function createKeyMatcher(apiKeys: readonly string[]): (candidate: string) => boolean {
  const digests = apiKeys.map(sha256);
  return (candidate) => {
    const digest = sha256(candidate);
    let matched = 0;
    for (const expected of digests) matched |= timingSafeEqual(digest, expected) ? 1 : 0;
    return matched === 1;
  };
}

const plugin: FastifyPluginCallback<AuthPluginOptions> = (app, options, pluginDone) => {
  if (options.apiKeys === null) {
    app.decorate('requireApiKey', function noAuth(_request, _reply, done) {
      done();
    });
    pluginDone();
    return;
  }
  const matches = createKeyMatcher(options.apiKeys);
  app.decorate('requireApiKey', function requireApiKey(request, reply, done) {
    const key = presentedKey(request);
    if (key === undefined) {
      void reply.header('www-authenticate', 'Bearer realm="brAInwav asbr"');
      done(new UnauthorizedError());
      return;
    }
    done(matches(key) ? undefined : new ForbiddenError());
  });
  pluginDone();
};

/**
 * Fastify plugin `asbr-auth`: decorates `app.requireApiKey`, a preHandler that answers 401
 * `UNAUTHORIZED` without a key and 403 `FORBIDDEN` with a wrong one (branded bodies via the error
 * handler). Keys are compared in constant time on SHA-256 digests and never logged.
 */
export const authPlugin = fp(plugin, { name: 'asbr-auth', fastify: '5.x' });
