import type { IncomingMessage } from 'node:http';

/**
 * Who made a request: from an API key (`via: "api-key"`; subject = its {@link keyId}, or the subject the
 * principals file binds it to), from a verified OAuth access token (`via: "oauth"`; subject = `sub`, roles
 * and scopes from its claims), or from no credential at all (`via: "none"`: public routes, `NO_AUTH`).
 * Structurally a `@cortex-os/policy` principal, so policies decide on it directly.
 */
export interface Principal {
  /** Stable, non-secret caller id (`key-<8 hex>`, a bound subject, a token's `sub`, or `anonymous`); what audit lines record. */
  readonly subject: string;
  /** What the principal may do; an env API key holds the one auth scope it was accepted for (`["rest"]`). */
  readonly roles: readonly string[];
  /** OAuth scopes the credential carries (a token's `scope`); `[]` for API keys and anonymous. */
  readonly scopes: readonly string[];
  /** Verified token claims (OAuth), `{}` otherwise; visible to policy conditions, never logged. */
  readonly claims: Readonly<Record<string, unknown>>;
  /** How the principal was established. */
  readonly via: 'api-key' | 'oauth' | 'none';
}

/** The principal of public routes and of `NO_AUTH` (no credential checked). */
export const ANONYMOUS: Principal = Object.freeze({
  subject: 'anonymous',
  roles: Object.freeze([]),
  scopes: Object.freeze([]),
  claims: Object.freeze({}),
  via: 'none',
});

// a WeakMap, not a property: adding one to Node's IncomingMessage objects changes their shape on every request
const principals = new WeakMap<IncomingMessage, Principal>();

/** Records `principal` on the raw Node request, for handlers that only see `IncomingMessage` (the MCP gateway). */
export function attachPrincipal(raw: IncomingMessage, principal: Principal): void {
  if (principal !== ANONYMOUS) principals.set(raw, principal);
}

/** The principal the auth plugin attached to a raw Node request; {@link ANONYMOUS} when none was. */
export function principalOf(raw: IncomingMessage): Principal {
  return principals.get(raw) ?? ANONYMOUS;
}
