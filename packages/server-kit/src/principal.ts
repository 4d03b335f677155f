import type { IncomingMessage } from 'node:http';

/**
 * Who made a request. Today every principal comes from an API key (`via: "api-key"`, subject = its
 * {@link keyId}) or from no credential at all (`via: "none"`: public routes, `NO_AUTH`); a later
 * authenticator (OAuth) adds its own `via` and fills `roles` from its token.
 */
export interface Principal {
  /** Stable, non-secret caller id (`key-<8 hex>` or `anonymous`); what audit lines record. */
  readonly subject: string;
  /** What the principal may do; an API key holds the one scope it was accepted for (`["rest"]`). */
  readonly roles: readonly string[];
  /** How the principal was established. */
  readonly via: 'api-key' | 'none';
}

/** The principal of public routes and of `NO_AUTH` (no credential checked). */
export const ANONYMOUS: Principal = Object.freeze({
  subject: 'anonymous',
  roles: Object.freeze([]),
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
