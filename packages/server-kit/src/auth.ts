import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import {
  DEFAULT_AUTH_FAILURE_LIMIT,
  registerFailureCounter,
  type AuthFailureLimit,
  type FailureCounter,
} from './auth-throttle.js';
import { createKeyAuthenticator, type Authenticator, type KeyScope } from './authenticator.js';
import { AuthScopeError, ForbiddenError, TooManyAuthFailuresError, UnauthorizedError } from './errors.js';
import { ANONYMOUS, attachPrincipal, type Principal } from './principal.js';

/** The scope name of routes open without a credential (`config: { auth: "public" }`). */
export const PUBLIC_SCOPE = 'public';
/** Plugin name of {@link authPlugin} (for other plugins' `dependencies`). */
export const AUTH_PLUGIN_NAME = 'brainwav-auth';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Auth scope of the route: a name from the auth plugin's `scopes`, or `"public"`; default its `defaultScope`. */
    auth?: string;
  }
  interface FastifyRequest {
    /** Who made the request ({@link ANONYMOUS} on public routes and under NO_AUTH). Set in `onRequest`. */
    principal: Principal;
  }
}

/** Options of {@link authPlugin}. */
export interface AuthPluginOptions {
  /** Named scopes and their keys (`{ rest: { keys, label: "this route" }, mcp: … }`). */
  readonly scopes: Readonly<Record<string, KeyScope>>;
  /** Scope of routes without `config.auth` (name from `scopes`, or `"public"`). */
  readonly defaultScope: string;
  /** Scope of unknown routes (404); default `defaultScope` (`"public"` answers 404 without a key). */
  readonly notFoundScope?: string;
  /** `WWW-Authenticate: Bearer realm="<realm>"` on every 401, e.g. `"brAInwav asbr"`. */
  readonly realm: string;
  /** Failed authentications allowed per client address and window; `false` turns throttling off. Default 20/min. */
  readonly failureLimit?: AuthFailureLimit | false;
  /** Who a request is; default the API-key authenticator over `scopes`. */
  readonly authenticator?: Authenticator;
}

function checkScope(name: string, scopes: Readonly<Record<string, KeyScope>>, route: string): void {
  if (name !== PUBLIC_SCOPE && !Object.hasOwn(scopes, name))
    throw new AuthScopeError(route, name, Object.keys(scopes));
}

/** The error of a failed authentication: 429 once the address is over its limit, else 401/403. */
async function failure(
  request: FastifyRequest,
  reply: FastifyReply,
  missing: boolean,
  label: string,
  options: { realm: string; counter: FailureCounter | undefined },
): Promise<Error> {
  const retryAfter = await options.counter?.(request);
  if (retryAfter !== undefined) {
    void reply.header('retry-after', String(retryAfter));
    return new TooManyAuthFailuresError(retryAfter);
  }
  if (!missing) return new ForbiddenError(label);
  void reply.header('www-authenticate', `Bearer realm="${options.realm}"`);
  return new UnauthorizedError(label);
}

const plugin: FastifyPluginAsync<AuthPluginOptions> = async (app, options) => {
  const { scopes, defaultScope, realm } = options;
  const notFoundScope = options.notFoundScope ?? defaultScope;
  checkScope(defaultScope, scopes, '(default)');
  checkScope(notFoundScope, scopes, '(not found)');
  const authenticator = options.authenticator ?? createKeyAuthenticator(scopes);
  const limit = options.failureLimit ?? DEFAULT_AUTH_FAILURE_LIMIT;
  const counter = limit === false ? undefined : await registerFailureCounter(app, limit);
  app.decorateRequest('principal', null as unknown as Principal);
  app.addHook('onRoute', (route) => {
    if (route.config?.auth !== undefined)
      checkScope(route.config.auth, scopes, `${String(route.method)} ${route.url}`);
  });
  app.addHook('onRequest', (request, reply, done) => {
    const scope = request.is404 ? notFoundScope : (request.routeOptions.config.auth ?? defaultScope);
    const outcome = scope === PUBLIC_SCOPE ? null : authenticator.authenticate(request, scope);
    if (outcome === null || outcome.ok) {
      request.principal = outcome?.principal ?? ANONYMOUS;
      attachPrincipal(request.raw, request.principal);
      return done();
    }
    const label = scopes[scope]?.label ?? 'this route';
    failure(request, reply, outcome.failure === 'missing', label, { realm, counter }).then(done, done);
  });
};

/**
 * Fastify plugin `brainwav-auth`: authentication on every route by named scope (`config.auth`), in
 * `onRequest`. Without a credential → 401 `UNAUTHORIZED` with `WWW-Authenticate: Bearer realm=…`; a wrong
 * one → 403 `FORBIDDEN`; once a client address has failed more than `failureLimit.max` times in the
 * window → 429 `TOO_MANY_AUTH_FAILURES` with `Retry-After` (seconds). Only failures are counted: a valid
 * credential is never throttled. Success sets `request.principal` (and {@link principalOf} on the raw
 * request). Errors render through {@link errorHandlerPlugin}. Routes naming an unknown scope throw
 * `CONFIG_INVALID` when registered.
 */
export const authPlugin = fp(plugin, { name: AUTH_PLUGIN_NAME, fastify: '5.x' });
