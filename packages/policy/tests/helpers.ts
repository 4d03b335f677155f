import type { Principal, PolicyRequest } from '@cortex-os/policy';

/** A principal with defaults. */
export function principal(overrides: Partial<Principal> = {}): Principal {
  return { subject: 'alice', roles: [], scopes: [], claims: {}, ...overrides };
}

/** A call request for `connectorId`/`tool` by `who`. */
export function call(
  who: Principal,
  connectorId: string,
  tool: string,
  args?: Record<string, unknown>,
  requiredScopes?: readonly string[],
): PolicyRequest {
  return { principal: who, connectorId, tool, phase: 'call', arguments: args, requiredScopes };
}

/** A list request for `connectorId`/`tool` by `who`. */
export function list(who: Principal, connectorId: string, tool: string): PolicyRequest {
  return { principal: who, connectorId, tool, phase: 'list' };
}

/** The support-desk example policy of the docs, as YAML. */
export const SUPPORT_POLICY_YAML = `version: 1
rules:
  - id: support-reads-tickets
    effect: allow
    roles: [support]
    connectors: [zendesk]
    tools: ["get_*", "list_*", search]
  - id: no-ticket-deletes
    effect: deny
    connectors: [zendesk]
    tools: ["delete_*"]
  - id: admins-everything
    effect: allow
    roles: [admin]
  - id: tenant-bound-writes
    effect: allow
    phase: call
    roles: [support]
    connectors: [zendesk]
    tools: [update_ticket]
    when: has(args.tenant) && args.tenant == principal.claims.tenant
`;
