import { checkCondition, compileCondition, type Condition } from './cel.js';
import { ruleIssue, type PolicyIssue } from './errors.js';
import { globMatcher, holdsAll, holdsAny, type Matcher } from './matchers.js';
import type { PolicyRule } from './schema.js';
import type { Phase, Principal } from './types.js';

/** A rule ready to evaluate: its globs and its condition compiled. */
export interface CompiledRule {
  readonly index: number;
  readonly id: string;
  readonly effect: 'allow' | 'deny';
  readonly phases: readonly Phase[];
  readonly subject?: Matcher;
  readonly connector?: Matcher;
  readonly tool?: Matcher;
  readonly roles?: readonly string[];
  readonly scopes?: readonly string[];
  readonly when?: Condition;
  readonly definition: PolicyRule;
}

/** The phases a rule's `phase` field covers. */
export function phasesOf(phase: PolicyRule['phase']): readonly Phase[] {
  return phase === 'both' ? ['list', 'call'] : [phase];
}

function globs(
  rule: PolicyRule,
  index: number,
  field: 'principals' | 'connectors' | 'tools',
  issues: PolicyIssue[],
): Matcher | undefined {
  try {
    return globMatcher(rule[field]);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message.split('\n')[0] : 'malformed pattern';
    issues.push(ruleIssue(index, rule.id, field, `invalid glob (${reason})`));
    return undefined;
  }
}

function condition(rule: PolicyRule, index: number, issues: PolicyIssue[]): Condition | undefined {
  if (rule.when === undefined) return undefined;
  const phases = phasesOf(rule.phase);
  const problems = checkCondition(rule.when, phases);
  for (const message of problems) issues.push(ruleIssue(index, rule.id, 'when', message));
  return problems.length === 0 ? compileCondition(rule.when, phases) : undefined;
}

/** Compiles one rule; problems are appended to `issues` (path-precise, naming the rule's index and id). */
export function compileRule(rule: PolicyRule, index: number, issues: PolicyIssue[]): CompiledRule {
  const compiled: CompiledRule = {
    index,
    id: rule.id,
    effect: rule.effect,
    phases: phasesOf(rule.phase),
    subject: globs(rule, index, 'principals', issues),
    connector: globs(rule, index, 'connectors', issues),
    tool: globs(rule, index, 'tools', issues),
    roles: rule.roles,
    scopes: rule.scopes,
    when: condition(rule, index, issues),
    definition: rule,
  };
  return compiled;
}

/** Whether the rule's connector, tool and phase cover the target. */
export function coversTarget(rule: CompiledRule, phase: Phase, connectorId: string, tool: string): boolean {
  return (
    rule.phases.includes(phase) &&
    (rule.connector === undefined || rule.connector(connectorId)) &&
    (rule.tool === undefined || rule.tool(tool))
  );
}

/** Whether the rule's principals, roles and scopes cover the principal (the condition aside). */
export function coversPrincipal(rule: CompiledRule, principal: Principal): boolean {
  return (
    (rule.subject === undefined || rule.subject(principal.subject)) &&
    (rule.roles === undefined || holdsAny(principal.roles, rule.roles)) &&
    (rule.scopes === undefined || holdsAll(principal.scopes, rule.scopes))
  );
}
