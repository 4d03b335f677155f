import { conditionContext } from './engine.js';
import { holdsAny, missingFrom, type Matcher } from './matchers.js';
import type { CompiledRule } from './rule.js';
import type { Decision, PolicyRequest } from './types.js';

/** Why one rule did or did not match a request: every check that passed and the first that failed. */
export interface RuleTrace {
  readonly index: number;
  readonly id: string;
  readonly effect: 'allow' | 'deny';
  readonly matched: boolean;
  /** Condition outcomes are reported as true/false/error code, never the condition's text or claim values. */
  readonly reasons: readonly string[];
}

/** A decision and how every rule relates to the request. */
export interface Explanation {
  readonly decision: Decision;
  /** The rules that matched (condition included), in file order. */
  readonly matched: readonly RuleTrace[];
  /** Every rule, in file order. */
  readonly rules: readonly RuleTrace[];
}

type Check = () => { readonly ok: boolean; readonly why: string };

function list(values: readonly string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(', ')}]`;
}

function globCheck(
  label: string,
  value: string,
  patterns: readonly string[] | undefined,
  matcher?: Matcher,
): Check {
  return () => {
    if (patterns === undefined) return { ok: true, why: `any ${label}` };
    const ok = matcher === undefined || matcher(value);
    return {
      ok,
      why: `${label} ${JSON.stringify(value)} ${ok ? 'matches' : 'does not match'} ${list(patterns)}`,
    };
  };
}

function checks(rule: CompiledRule, request: PolicyRequest): Check[] {
  const def = rule.definition;
  const { principal } = request;
  return [
    () => ({
      ok: rule.phases.includes(request.phase),
      why: `phase ${request.phase} ${rule.phases.includes(request.phase) ? 'is' : 'is not'} covered (rule phase ${def.phase})`,
    }),
    globCheck('connector', request.connectorId, def.connectors, rule.connector),
    globCheck('tool', request.tool, def.tools, rule.tool),
    globCheck('subject', principal.subject, def.principals, rule.subject),
    () => {
      if (def.roles === undefined) return { ok: true, why: 'any role' };
      const ok = holdsAny(principal.roles, def.roles);
      return { ok, why: `${ok ? 'holds one of' : 'holds none of'} the roles ${list(def.roles)}` };
    },
    () => {
      if (def.scopes === undefined) return { ok: true, why: 'any scopes' };
      const missing = missingFrom(principal.scopes, def.scopes);
      return {
        ok: missing.length === 0,
        why:
          missing.length === 0 ? `holds the scopes ${list(def.scopes)}` : `lacks the scopes ${list(missing)}`,
      };
    },
    () => {
      if (rule.when === undefined) return { ok: true, why: 'no condition' };
      const outcome = rule.when(conditionContext(request));
      if (typeof outcome === 'boolean') return { ok: outcome, why: `condition is ${String(outcome)}` };
      return { ok: rule.effect === 'deny', why: `condition could not be evaluated (${outcome.error})` };
    },
  ];
}

/**
 * Traces one rule against a request. A deny rule whose condition fails to evaluate counts as matched
 * (it denies, fail-closed); an allow rule's never does.
 */
export function traceRule(rule: CompiledRule, request: PolicyRequest): RuleTrace {
  const reasons: string[] = [];
  for (const check of checks(rule, request)) {
    const { ok, why } = check();
    reasons.push(why);
    if (!ok) return { index: rule.index, id: rule.id, effect: rule.effect, matched: false, reasons };
  }
  return { index: rule.index, id: rule.id, effect: rule.effect, matched: true, reasons };
}

/** Explains `decision` for `request` over `rules`. */
export function explainRules(
  rules: readonly CompiledRule[],
  request: PolicyRequest,
  decision: Decision,
): Explanation {
  const traces = rules.map((rule) => traceRule(rule, request));
  return { decision, matched: traces.filter((t) => t.matched), rules: traces };
}
