import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ServerKitError } from './errors.js';
import { digestOf, keyId, presentedKey } from './keys.js';
import { ANONYMOUS, type Principal } from './principal.js';

/** One protected scope of routes (`config.auth: "<name>"`) and the keys that open it. */
export interface KeyScope {
  /** Accepted API keys; `null` leaves the scope open (`NO_AUTH=true`, principal {@link ANONYMOUS}). */
  readonly keys: readonly string[] | null;
  /** What the scope protects, used in messages: `"the service map"`, `"the MCP endpoint"`. */
  readonly label: string;
}

/**
 * Why an authentication failed: no credential (`missing`), an API key not accepted (`rejected`), a
 * bearer access token that is not valid (`invalid_token`: expired, wrong audience or issuer, bad
 * signature…), or a valid token without the scopes the route requires (`insufficient_scope`).
 */
export type AuthFailureKind = 'missing' | 'rejected' | 'invalid_token' | 'insufficient_scope';

/** A failed authentication, as the auth plugin answers it. */
export interface AuthFailure {
  readonly ok: false;
  readonly failure: AuthFailureKind;
  /** The whole `WWW-Authenticate` value to answer with (else the plugin's `Bearer realm="…"` on 401). */
  readonly challenge?: string;
  /** For `invalid_token`: why (the challenge's `error_description`), never the token. */
  readonly reason?: string;
  /** For `insufficient_scope`: the required scopes the token lacks. */
  readonly missingScopes?: readonly string[];
}

/** What an authenticator decided: a principal, or why there is none. */
export type AuthOutcome = { readonly ok: true; readonly principal: Principal } | AuthFailure;

/**
 * Decides who a request is for one scope. The extension point of the auth plugin: the API-key
 * authenticator ({@link createKeyAuthenticator}), the OAuth one (`createOAuthAuthenticator`) and both
 * (`combineAuthenticators`). It runs in `onRequest` of every protected route: answer synchronously when
 * you can (no promise is allocated then); a promise for work that must wait (token verification). A
 * rejected promise (or a throw) is answered as that error (e.g. 503 `AUTH_UNAVAILABLE`), not as a failed
 * authentication.
 */
export interface Authenticator {
  authenticate(request: FastifyRequest, scope: string): AuthOutcome | Promise<AuthOutcome>;
  /**
   * What a 401 says the route requires, e.g. `"an OAuth access token (Authorization: Bearer <token>)"`; a function
   * when it depends on the route's auth scope.
   */
  readonly credential?: string | ((scope: string) => string);
}

/**
 * An API key bound to a named principal (from the principals file, `loadKeyPrincipals`): only the
 * key's SHA-256 is kept.
 */
export interface KeyPrincipal {
  /** The principal's subject (`support-bot`). */
  readonly subject: string;
  /** Its roles, for policies. */
  readonly roles: readonly string[];
  /** Lowercase hex SHA-256 of the key ({@link keySha256}). */
  readonly keySha256: string;
  /** Auth scopes the key opens (`["mcp", "rest"]`); `null` = every scope. */
  readonly access: readonly string[] | null;
}

const NO_SCOPES: readonly string[] = Object.freeze([]);
const NO_CLAIMS: Readonly<Record<string, unknown>> = Object.freeze({});

const MISSING: AuthOutcome = Object.freeze({ ok: false, failure: 'missing' });
const REJECTED: AuthOutcome = Object.freeze({ ok: false, failure: 'rejected' });
const OPEN: AuthOutcome = Object.freeze({ ok: true, principal: ANONYMOUS });

function success(subject: string, roles: readonly string[]): AuthOutcome {
  return Object.freeze({
    ok: true,
    principal: Object.freeze({
      subject,
      roles: Object.freeze([...roles]),
      scopes: NO_SCOPES,
      claims: NO_CLAIMS,
      via: 'api-key',
    }),
  });
}

/** A scope's env keys (digests compared in constant time) with their precomputed outcomes. */
interface ScopeAuth {
  readonly digests: readonly Buffer[];
  readonly outcomes: readonly AuthOutcome[];
}

function scopeAuthOf(scope: string, keys: readonly string[]): ScopeAuth {
  return { digests: keys.map(digestOf), outcomes: keys.map((key) => success(keyId(key), [scope])) };
}

/** Bound keys by hex digest: per scope name the outcome, or none when the key does not open it. */
type Bindings = ReadonlyMap<string, ReadonlyMap<string, AuthOutcome>>;

function bindingsOf(
  principals: readonly KeyPrincipal[],
  scopes: Readonly<Record<string, KeyScope>>,
): Bindings {
  const names = Object.keys(scopes);
  const byDigest = new Map<string, Map<string, AuthOutcome>>();
  for (const p of principals) {
    for (const name of p.access ?? [])
      if (!names.includes(name))
        throw new ServerKitError(
          'CONFIG_INVALID',
          `key principal ${p.subject} names access scope "${name}", which is none of ${names.join(', ')}`,
        );
    const outcome = success(p.subject, p.roles);
    const opens = new Map((p.access ?? names).map((name) => [name, outcome]));
    byDigest.set(p.keySha256.toLowerCase(), opens);
  }
  return byDigest;
}

/** Index of `digest` among `digests`, comparing every one with `timingSafeEqual` (no early exit). */
function constantTimeIndex(digest: Buffer, digests: readonly Buffer[]): number {
  let matched = -1;
  for (let i = 0; i < digests.length; i += 1) if (timingSafeEqual(digest, digests[i]!)) matched = i;
  return matched;
}

/**
 * API-key authenticator over named scopes, synchronous. A key matched against the scope's env keys
 * gives `{ subject: keyId(key), roles: [scope], via: "api-key" }`; a key bound in `principals` (the
 * principals file) gives its own `{ subject, roles }` on the scopes its `access` lists (all by default),
 * and wins over an env key. Bound keys are found by the SHA-256 of the presented key in a map (the
 * digest, not the key, is what is compared), env keys by constant-time comparison of digests. A scope
 * whose keys are `null` is open (`NO_AUTH`). Throws `CONFIG_INVALID` when a binding names an unknown scope.
 */
export function createKeyAuthenticator(
  scopes: Readonly<Record<string, KeyScope>>,
  principals: readonly KeyPrincipal[] = [],
): Authenticator {
  const scopeAuth = new Map<string, ScopeAuth | null>();
  for (const [name, scope] of Object.entries(scopes))
    scopeAuth.set(name, scope.keys ? scopeAuthOf(name, scope.keys) : null);
  const bindings = bindingsOf(principals, scopes);
  return {
    authenticate(request, scope) {
      const auth = scopeAuth.get(scope);
      if (auth === null) return OPEN;
      const key = presentedKey(request);
      if (key === undefined) return MISSING;
      const digest = digestOf(key);
      const bound = bindings.size > 0 ? bindings.get(digest.toString('hex'))?.get(scope) : undefined;
      if (bound) return bound;
      const index = auth ? constantTimeIndex(digest, auth.digests) : -1;
      return index === -1 ? REJECTED : auth!.outcomes[index]!;
    },
  };
}
