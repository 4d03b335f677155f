import { principalKey } from '@cortex-os/policy';
import type { Principal } from '@cortex-os/server-kit';

export type { Principal };

/**
 * The principal of a session's latest request. A session is bound to its opener's subject and `via`
 * ({@link sessionOwnerKey}); within that binding each request refreshes `current`, so roles and scopes of a
 * renewed credential apply from its first request on.
 */
export interface PrincipalRef {
  current: Principal;
}

/** What binds an MCP session to its principal: `via` and subject (a renewed token keeps its session). */
export function sessionOwnerKey(principal: Principal): string {
  return `${principal.via}\0${principal.subject}`;
}

const listKeys = new WeakMap<Principal, string>();

/**
 * A collision-free key of what a principal's filtered lists depend on: `via`, subject, roles and scopes
 * (the policy's length-prefixed `principalKey`, after `via`). Claims are not part of it: like the policy's own memo, a principal is a value.
 */
export function listKey(principal: Principal): string {
  const known = listKeys.get(principal);
  if (known !== undefined) return known;
  const key = `${principal.via}:${principalKey(principal)}`;
  listKeys.set(principal, key);
  return key;
}

/**
 * The required-scopes rule of the gateway: a connector's manifest `scopes` are required token scopes for
 * OAuth principals only; API-key principals are governed by roles and the policy.
 */
export function requiredScopesFor(
  principal: Principal,
  connector: { readonly scopes?: readonly string[] } | undefined,
): readonly string[] | undefined {
  return principal.via === 'oauth' ? connector?.scopes : undefined;
}
