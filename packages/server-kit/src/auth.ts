import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import {
  DEFAULT_AUTH_FAILURE_LIMIT,
  registerFailureCounter,
  type AuthFailureLimit,
  type FailureCounter,
} from './auth-throttle.js';
import {
  createKeyAuthenticator,
  type AuthFailure,
  type AuthOutcome,
  type Authenticator,
  type KeyScope,
} from './authenticator.js';
import {
  AuthScopeError,
  ForbiddenError,
  InsufficientScopeError,
  InvalidTokenError,
  TooManyAuthFailuresError,
  UnauthorizedError,
} from './errors.js';
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
  /**
   * Who a request is; default the API-key authenticator over `scopes`. Use `createOAuthAuthenticator`
   * for bearer access tokens, `combineAuthenticators(oauth, keys)` for both.
   */
  readonly authenticator?: Authenticator;
}

function checkScope(name: string, scopes: Readonly<Record<string, KeyScope>>, route: string): void {
  if (name !== PUBLIC_SCOPE && !Object.hasOwn(scopes, name))
    throw new AuthScopeError(route, name, Object.keys(scopes));
}

interface FailureContext {
  readonly realm: string;
  readonly counter: FailureCounter | undefined;
  readonly label: string;
  readonly credential: string | undefined;
}

/** The error of a failure outcome (401/403), with its `WWW-Authenticate` set on `reply`. */
function failureError(outcome: AuthFailure, reply: FastifyReply, context: FailureContext): Error {
  const { label, realm } = context;
  switch (outcome.failure) {
    case 'missing':
      void reply.header('www-authenticate', outcome.challenge ?? `Bearer realm="${realm}"`);
      return new UnauthorizedError(label, context.credential);
    case 'rejected':
      return new ForbiddenError(label);
    case 'invalid_token':
      if (outcome.challenge) void reply.header('www-authenticate', outcome.challenge);
      return new InvalidTokenError(label, outcome.reason ?? 'Token is not valid');
    case 'insufficient_scope':
      if (outcome.challenge) void reply.header('www-authenticate', outcome.challenge);
      return new InsufficientScopeError(label, outcome.missingScopes ?? []);
  }
}

/** The error of a failed authentication: 429 once the address is over its limit, else 401/403. */
async function failure(
  request: FastifyRequest,
  reply: FastifyReply,
  outcome: AuthFailure,
  context: FailureContext,
): Promise<Error> {
  const retryAfter = await context.counter?.(request);
  if (retryAfter === undefined) return failureError(outcome, reply, context);
  void reply.header('retry-after', String(retryAfter));
  return new TooManyAuthFailuresError(retryAfter);
}

const isPromise = (value: AuthOutcome | Promise<AuthOutcome>): value is Promise<AuthOutcome> =>
  typeof (value as Promise<AuthOutcome>).then === 'function';

const plugin: FastifyPluginAsync<AuthPluginOptions> = async (app, options) => {
  const { scopes, defaultScope, realm } = options;
  const notFoundScope = options.notFoundScope ?? defaultScope;
  checkScope(defaultScope, scopes, '(default)');
  checkScope(notFoundScope, scopes, '(not found)');
  const authenticator = options.authenticator ?? createKeyAuthenticator(scopes);
  const credentialOf = (scope: string): string | undefined =>
    typeof authenticator.credential === 'function'
      ? authenticator.credential(scope)
      : authenticator.credential;
  const limit = options.failureLimit ?? DEFAULT_AUTH_FAILURE_LIMIT;
  const counter = limit === false ? undefined : await registerFailureCounter(app, limit);
  app.decorateRequest('principal', null as unknown as Principal);
  app.addHook('onRoute', (route) => {
    if (route.config?.auth !== undefined)
      checkScope(route.config.auth, scopes, `${String(route.method)} ${route.url}`);
  });
  const settle = (
    request: FastifyRequest,
    reply: FastifyReply,
    scope: string,
    outcome: AuthOutcome,
    done: (error?: Error) => void,
  ): void => {
    if (outcome.ok) {
      request.principal = outcome.principal;
      attachPrincipal(request.raw, outcome.principal);
      return done();
    }
    const context = {
      realm,
      counter,
      label: scopes[scope]?.label ?? 'this route',
      credential: credentialOf(scope),
    };
    failure(request, reply, outcome, context).then(done, done);
  };
  app.addHook('onRequest', (request, reply, done) => {
    const scope = request.is404 ? notFoundScope : (request.routeOptions.config.auth ?? defaultScope);
    if (scope === PUBLIC_SCOPE) {
      request.principal = ANONYMOUS;
      return done();
    }
    let outcome: AuthOutcome | Promise<AuthOutcome>;
    try {
      outcome = authenticator.authenticate(request, scope);
    } catch (error) {
      return done(error as Error);
    }
    if (!isPromise(outcome)) return settle(request, reply, scope, outcome, done);
    outcome.then(
      (settled) => settle(request, reply, scope, settled, done),
      (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
    );
  });
};

/**
 * Fastify plugin `brainwav-auth`: authentication on every route by named scope (`config.auth`), in
 * `onRequest`, by the `authenticator` (API keys by default; sync outcomes cost no promise). Without a
 * credential → 401 `UNAUTHORIZED` with `WWW-Authenticate` (the authenticator's challenge, e.g. with
 * `resource_metadata`, else `Bearer realm=…`); a wrong API key → 403 `FORBIDDEN`; an invalid, expired,
 * wrong-audience or wrong-issuer access token → 401 `INVALID_TOKEN` and a token without the required
 * scopes → 403 `INSUFFICIENT_SCOPE`, both with the authenticator's `Bearer error=…` challenge; once a
 * client address has failed more than `failureLimit.max` times in the window → 429
 * `TOO_MANY_AUTH_FAILURES` with `Retry-After` (seconds). Only failures are counted: a valid credential is
 * never throttled. An authenticator that throws or rejects (keys unavailable) answers that error.
 * Success sets `request.principal` (and {@link principalOf} on the raw request). Errors render through
 * {@link errorHandlerPlugin}; tokens and keys are never echoed. Routes naming an unknown scope throw
 * `CONFIG_INVALID` when registered.
 */
export const authPlugin = fp(plugin, { name: AUTH_PLUGIN_NAME, fastify: '5.x' });
