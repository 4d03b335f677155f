import { holdsAll, missingFrom } from './matchers.js';
import type { Decision, PolicyRequest } from './types.js';

/**
 * The deny decision for a request whose principal lacks some of `requiredScopes` (`insufficient_scope`),
 * or `undefined` when every required scope is held. The reason names the missing scopes and the connector.
 */
export function scopeDecision(request: PolicyRequest): Decision | undefined {
  const required = request.requiredScopes;
  if (required === undefined || holdsAll(request.principal.scopes, required)) return undefined;
  const missing = missingFrom(request.principal.scopes, required);
  const names = missing.map((s) => JSON.stringify(s)).join(', ');
  const noun = missing.length === 1 ? 'scope' : 'scopes';
  return {
    allow: false,
    reason: `insufficient_scope: missing required ${noun} ${names} for connector ${JSON.stringify(request.connectorId)}`,
    missingScopes: missing,
  };
}
