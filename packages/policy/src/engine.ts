import type { ConditionContext } from './cel.js';
import { coversPrincipal, coversTarget, type CompiledRule } from './rule.js';
import { scopeDecision } from './scopes.js';
import type { Decision, Phase, Principal, PolicyRequest } from './types.js';

/** Rules covering one (phase, connector, tool): denies first, then allows, each in file order. */
interface Candidates {
  readonly deny: readonly CompiledRule[];
  readonly allow: readonly CompiledRule[];
}

/** Cache bounds (entries); a full cache is cleared rather than grown. */
const MAX_TARGETS = 50_000;
const MAX_PRINCIPALS = 10_000;

const UNKNOWN = 0;
const YES = 1;
const NO = 2;

function target(request: PolicyRequest): string {
  return `${request.connectorId} ${JSON.stringify(request.tool)}`;
}

/** A collision-free key of what rule coverage depends on: subject, roles and scopes (length-prefixed). */
export function principalKey(principal: Principal): string {
  let key = `${principal.subject.length}:${principal.subject}${principal.roles.length}`;
  for (const role of principal.roles) key += `:${role.length}:${role}`;
  key += `/${principal.scopes.length}`;
  for (const scope of principal.scopes) key += `:${scope.length}:${scope}`;
  return key;
}

/** The default deny: no rule allows the request. */
export function defaultDeny(request: PolicyRequest): Decision {
  return { allow: false, reason: `no rule allows phase ${request.phase} of ${target(request)}` };
}

/** The variables a condition sees for `request`. */
export function conditionContext(request: PolicyRequest): ConditionContext {
  const { subject, roles, scopes, claims } = request.principal;
  const base = {
    principal: { subject, roles, scopes, claims },
    connector: request.connectorId,
    tool: request.tool,
  };
  return request.phase === 'call' ? { ...base, args: request.arguments ?? {} } : base;
}

/**
 * Decides requests against compiled rules. Deny wins; no covering rule denies. Rule coverage by target
 * (phase, connector, tool) and by principal (subject, roles, scopes) is memoized in bounded maps, so a
 * repeated question costs a map lookup plus the conditions of the few rules that cover it. Principals are
 * values: the memo is also keyed by the principal object, so a principal must not be mutated in place.
 */
export class DecisionEngine {
  /** phase → connector → tool → candidates (nested maps: no key string to build per decision). */
  private readonly targets: Record<Phase, Map<string, Map<string, Candidates>>> = {
    list: new Map(),
    call: new Map(),
  };
  private targetCount = 0;
  private readonly byConnector = new Map<string, readonly CompiledRule[]>();
  private readonly principals = new Map<string, Uint8Array>();
  /** Memo by principal object too: a tools/list asks hundreds of times for one principal. */
  private byObject = new WeakMap<Principal, Uint8Array>();

  constructor(private readonly rules: readonly CompiledRule[]) {}

  /** Decides one request; never throws. */
  decide(request: PolicyRequest): Decision {
    const scopes = scopeDecision(request);
    if (scopes) return scopes;
    const candidates = this.candidates(request.phase, request.connectorId, request.tool);
    if (candidates.deny.length === 0 && candidates.allow.length === 0) return defaultDeny(request);
    const memo = this.memo(request.principal);
    let context: ConditionContext | undefined;
    const contextFor = () => (context ??= conditionContext(request));
    for (const rule of candidates.deny) {
      if (!this.covers(memo, rule, request.principal)) continue;
      const outcome = rule.when ? rule.when(contextFor()) : true;
      if (outcome === false) continue;
      const reason =
        outcome === true
          ? `denied by rule "${rule.id}"`
          : `denied: the condition of deny rule "${rule.id}" could not be evaluated (${outcome.error})`;
      return { allow: false, ruleId: rule.id, reason };
    }
    let failed: { id: string; error: string } | undefined;
    for (const rule of candidates.allow) {
      if (!this.covers(memo, rule, request.principal)) continue;
      const outcome = rule.when ? rule.when(contextFor()) : true;
      if (outcome === true) return { allow: true, ruleId: rule.id, reason: `allowed by rule "${rule.id}"` };
      if (outcome !== false) failed ??= { id: rule.id, error: outcome.error };
    }
    if (!failed) return defaultDeny(request);
    const reason = `denied: the condition of allow rule "${failed.id}" could not be evaluated (${failed.error}) and no other rule allows it`;
    return { allow: false, ruleId: failed.id, reason };
  }

  private candidates(phase: Phase, connectorId: string, tool: string): Candidates {
    let tools = this.targets[phase].get(connectorId);
    const cached = tools?.get(tool);
    if (cached) return cached;
    const covering = this.connectorRules(connectorId).filter((rule) =>
      coversTarget(rule, phase, connectorId, tool),
    );
    const found = {
      deny: covering.filter((rule) => rule.effect === 'deny'),
      allow: covering.filter((rule) => rule.effect === 'allow'),
    };
    if (this.targetCount >= MAX_TARGETS) {
      this.targets.list.clear();
      this.targets.call.clear();
      this.targetCount = 0;
      tools = undefined;
    }
    if (!tools) this.targets[phase].set(connectorId, (tools = new Map<string, Candidates>()));
    tools.set(tool, found);
    this.targetCount += 1;
    return found;
  }

  /** Rules whose connector globs cover `connectorId`: first sight of a connector scans every rule once. */
  private connectorRules(connectorId: string): readonly CompiledRule[] {
    let rules = this.byConnector.get(connectorId);
    if (rules) return rules;
    rules = this.rules.filter((rule) => rule.connector === undefined || rule.connector(connectorId));
    if (this.byConnector.size >= MAX_TARGETS) this.byConnector.clear();
    this.byConnector.set(connectorId, rules);
    return rules;
  }

  private memo(principal: Principal): Uint8Array {
    const known = this.byObject.get(principal);
    if (known) return known;
    const key = principalKey(principal);
    let memo = this.principals.get(key);
    if (!memo) {
      memo = new Uint8Array(this.rules.length);
      if (this.principals.size >= MAX_PRINCIPALS) {
        this.principals.clear();
        this.byObject = new WeakMap();
      }
      this.principals.set(key, memo);
    }
    this.byObject.set(principal, memo);
    return memo;
  }

  private covers(memo: Uint8Array, rule: CompiledRule, principal: Principal): boolean {
    const known = memo[rule.index];
    if (known !== UNKNOWN) return known === YES;
    const covered = coversPrincipal(rule, principal);
    memo[rule.index] = covered ? YES : NO;
    return covered;
  }
}
