import type { FastifyRequest } from 'fastify';
import { createKeyIndexMatcher, keyId, presentedKey } from './keys.js';
import { ANONYMOUS, type Principal } from './principal.js';

/** One protected scope of routes (`config.auth: "<name>"`) and the keys that open it. */
export interface KeyScope {
  /** Accepted API keys; `null` leaves the scope open (`NO_AUTH=true`, principal {@link ANONYMOUS}). */
  readonly keys: readonly string[] | null;
  /** What the scope protects, used in messages: `"the service map"`, `"the MCP endpoint"`. */
  readonly label: string;
}

/** What an authenticator decided: a principal, or why there is none. */
export type AuthOutcome =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly failure: 'missing' | 'rejected' };

/**
 * Decides who a request is for one scope. The extension point of the auth plugin: the API-key
 * authenticator below today; an OAuth authenticator (bearer tokens → subject + roles) plugs in here.
 * Must be synchronous and cheap: it runs in `onRequest` of every protected route.
 */
export interface Authenticator {
  authenticate(request: FastifyRequest, scope: string): AuthOutcome;
}

const NO_SCOPES: readonly string[] = Object.freeze([]);
const NO_CLAIMS: Readonly<Record<string, unknown>> = Object.freeze({});

/** A scope's constant-time key matcher and, per key, its precomputed outcome (principal). */
interface ScopeAuth {
  readonly indexOf: (key: string) => number;
  readonly outcomes: readonly AuthOutcome[];
}

function scopeAuthOf(scope: string, keys: readonly string[]): ScopeAuth {
  const outcomes = keys.map((key): AuthOutcome =>
    Object.freeze({
      ok: true,
      principal: Object.freeze({
        subject: keyId(key),
        roles: Object.freeze([scope]),
        scopes: NO_SCOPES,
        claims: NO_CLAIMS,
        via: 'api-key',
      }),
    }),
  );
  return { indexOf: createKeyIndexMatcher(keys), outcomes };
}

const MISSING: AuthOutcome = Object.freeze({ ok: false, failure: 'missing' });
const REJECTED: AuthOutcome = Object.freeze({ ok: false, failure: 'rejected' });
const OPEN: AuthOutcome = Object.freeze({ ok: true, principal: ANONYMOUS });

/**
 * API-key authenticator over named scopes: a key matched in constant time against the scope's keys
 * gives the principal `{ subject: keyId(key), roles: [scope], via: "api-key" }`. A scope whose keys are
 * `null` is open. An unknown scope name rejects (routes are checked at startup, so this never happens).
 */
export function createKeyAuthenticator(scopes: Readonly<Record<string, KeyScope>>): Authenticator {
  const scopeAuth = new Map<string, ScopeAuth | null>();
  for (const [name, scope] of Object.entries(scopes))
    scopeAuth.set(name, scope.keys ? scopeAuthOf(name, scope.keys) : null);
  return {
    authenticate(request, scope) {
      const auth = scopeAuth.get(scope);
      if (auth === null) return OPEN;
      const key = presentedKey(request);
      if (key === undefined) return MISSING;
      const index = auth ? auth.indexOf(key) : -1;
      return index === -1 ? REJECTED : auth!.outcomes[index]!;
    },
  };
}
