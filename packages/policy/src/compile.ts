import { DecisionEngine } from './engine.js';
import { PolicyValidationError, type PolicyIssue } from './errors.js';
import { explainRules, type Explanation } from './explain.js';
import { validatePolicy } from './parse.js';
import { compileRule } from './rule.js';
import type { PolicyDocument, PolicyDocumentInput, PolicyRule } from './schema.js';
import { scopeDecision } from './scopes.js';
import type { Decision, PolicyDecider, PolicyRequest, Principal } from './types.js';

/** A policy compiled at load: globs and CEL conditions ready, decisions memoized per target and principal. */
export interface CompiledPolicy extends PolicyDecider {
  /** The validated rules, in file order (definitions as written, defaults applied). */
  readonly rules: readonly PolicyRule[];
  /** Where the policy came from (a file path), when known. */
  readonly source?: string;
  /** The decision for `request` plus, for every rule, whether it matched and why. */
  explain(request: PolicyRequest): Explanation;
}

/** Options of {@link compilePolicy}. */
export interface CompilePolicyOptions {
  /** Names the policy in error messages. */
  readonly source?: string;
}

function listRequest(
  principal: Principal,
  connectorId: string,
  tool: string,
  requiredScopes?: readonly string[],
) {
  return { principal, connectorId, tool, phase: 'list' as const, requiredScopes };
}

/**
 * Compiles a policy document (validated first when given raw): precompiles its globs and type-checks
 * every CEL condition in each phase its rule applies to (`args` exists only in phase `call`).
 * @throws PolicyValidationError (code `POLICY_INVALID`) listing every schema, glob and condition issue,
 *   e.g. `brAInwav: policy rules[3] (id "no-delete").when: unknown variable args in phase list`.
 */
export function compilePolicy(
  document: PolicyDocument | PolicyDocumentInput,
  options: CompilePolicyOptions = {},
): CompiledPolicy {
  const valid = validatePolicy(document, options.source);
  const issues: PolicyIssue[] = [];
  const rules = valid.rules.map((rule, index) => compileRule(rule, index, issues));
  if (issues.length > 0) throw new PolicyValidationError(issues, options.source);
  const engine = new DecisionEngine(rules);
  const decide = (request: PolicyRequest): Decision => engine.decide(request);
  return {
    rules: valid.rules,
    ...(options.source !== undefined ? { source: options.source } : {}),
    decide,
    mayList: (principal, connectorId, tool, requiredScopes) =>
      decide(listRequest(principal, connectorId, tool, requiredScopes)).allow,
    explain: (request) => explainRules(rules, request, decide(request)),
  };
}

/** The decision for `request` under `policy` with the trace of every rule (see {@link CompiledPolicy.explain}). */
export function explain(policy: CompiledPolicy, request: PolicyRequest): Explanation {
  return policy.explain(request);
}

/**
 * The policy of a server without a policy file: every request is allowed once the principal's credential
 * carries the connector's required scopes (those are enforced with or without a policy).
 */
export function unrestrictedPolicy(): CompiledPolicy {
  const decide = (request: PolicyRequest): Decision =>
    scopeDecision(request) ?? { allow: true, reason: 'no policy is set' };
  return {
    rules: [],
    decide,
    mayList: (principal, connectorId, tool, requiredScopes) =>
      decide(listRequest(principal, connectorId, tool, requiredScopes)).allow,
    explain: (request) => ({ decision: decide(request), matched: [], rules: [] }),
  };
}
