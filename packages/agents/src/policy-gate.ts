import {
  deniedMessage,
  type Decision,
  type PolicyDecider,
  type PolicyStore,
  type Principal,
} from '@cortex-os/policy';
import { AgentsConfigError } from './errors.js';
import type { AgentsLogger } from './types.js';

/** The per-call policy check the tool executor runs before each upstream call (primary and alternates). */
export interface CallGate {
  /** `undefined` when the call is allowed, else the branded `POLICY_DENIED` text for the model. */
  check(connectorId: string, tool: string, args: Readonly<Record<string, unknown>>): string | undefined;
}

/** What an agent tool asks: list visibility, a silent decision (approval) and the logged call check. */
export interface ToolGate extends CallGate {
  mayList(connectorId: string, tool: string): boolean;
  decide(connectorId: string, tool: string, args: Readonly<Record<string, unknown>>): Decision;
}

/** Where the gate reads a connector's manifest `scopes` (`undefined` when the connector is unknown). */
export type ScopesLookup = (connectorId: string) => readonly string[] | undefined;

/** The branded text a denied call returns to the model: the gateway's wording (`deniedMessage` of @cortex-os/policy). */
export const policyDeniedText = deniedMessage;

/**
 * The required scopes rule of the agents: a connector's manifest `scopes` are required on the principal's
 * credential when the principal carries any scopes (it came from a token); otherwise roles + policy govern.
 */
export function requiredScopesFor(
  principal: Principal,
  connectorScopes: readonly string[] | undefined,
): readonly string[] | undefined {
  return principal.scopes.length > 0 ? connectorScopes : undefined;
}

function isStringList(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/**
 * Checks and freezes a policy principal (a copy: the policy memoizes by principal object, so it must not
 * change in place). @throws AgentsConfigError `CONFIG_INVALID` naming the bad field.
 */
export function freezePrincipal(value: unknown): Principal {
  const p = (value ?? {}) as Partial<Record<keyof Principal, unknown>>;
  if (typeof p.subject !== 'string' || p.subject === '')
    throw new AgentsConfigError('principal.subject must be a non-empty string');
  if (!isStringList(p.roles)) throw new AgentsConfigError('principal.roles must be an array of strings');
  if (!isStringList(p.scopes)) throw new AgentsConfigError('principal.scopes must be an array of strings');
  if (
    p.claims !== undefined &&
    (typeof p.claims !== 'object' || p.claims === null || Array.isArray(p.claims))
  )
    throw new AgentsConfigError('principal.claims must be an object');
  const claims = (p.claims ?? {}) as Readonly<Record<string, unknown>>;
  return Object.freeze({
    subject: p.subject,
    roles: Object.freeze([...p.roles]),
    scopes: Object.freeze([...p.scopes]),
    claims: Object.freeze({ ...claims }),
  });
}

/** The policy an agent applies for its principal: list filtering and per-call decisions. */
export class PolicyGate implements ToolGate {
  constructor(
    private readonly decider: PolicyDecider,
    readonly principal: Principal,
    private readonly scopesOf: ScopesLookup,
    private readonly logger: AgentsLogger,
  ) {}

  /** Whether the principal may see `tool` of `connectorId` (phase `list`, the current policy). */
  mayList(connectorId: string, tool: string): boolean {
    const required = requiredScopesFor(this.principal, this.scopesOf(connectorId));
    return this.decider.mayList(this.principal, connectorId, tool, required);
  }

  /** Decides the call (phase `call`, with its arguments) on the current policy, silently. */
  decide(connectorId: string, tool: string, args: Readonly<Record<string, unknown>>): Decision {
    const required = requiredScopesFor(this.principal, this.scopesOf(connectorId));
    return this.decider.decide({
      principal: this.principal,
      connectorId,
      tool,
      phase: 'call',
      arguments: args,
      ...(required ? { requiredScopes: required } : {}),
    });
  }

  /** {@link decide}, then the deny text; a deny is logged (connector, tool, rule id), never the arguments. */
  check(connectorId: string, tool: string, args: Readonly<Record<string, unknown>>): string | undefined {
    const decision = this.decide(connectorId, tool, args);
    if (decision.allow) return undefined;
    this.logger.warn(
      { connectorId, tool, ruleId: decision.ruleId, missingScopes: decision.missingScopes },
      'brAInwav: policy denied a tool call',
    );
    return policyDeniedText(decision);
  }
}

/** What {@link followPolicyStore} re-filters: an agent's `applyPolicy`. */
export interface PolicyFollower {
  applyPolicy(): readonly string[];
}

/**
 * Re-filters `agent`'s tools each time `store` loads a new policy (file change or `reload()`), so tools the
 * new policy allows appear and tools it hides disappear without a new discovery. Returns the unsubscribe
 * function. Per-call decisions need nothing: they always ask the store's policy in force.
 */
export function followPolicyStore(agent: PolicyFollower, store: Pick<PolicyStore, 'on'>): () => void {
  return store.on((event) => {
    if (event.type === 'loaded') agent.applyPolicy();
  });
}
