import { TOOL_NAME_SEPARATOR } from '@cortex-os/connectors-manifest';
import { rulePath } from './errors.js';
import type { Explanation } from './explain.js';
import type { PolicyRule } from './schema.js';

/**
 * Splits a namespaced tool name `<connector>__<tool>` at its first `__` (connector ids never hold `_`).
 * Returns `undefined` when `name` has no separator or an empty side.
 */
export function splitToolName(name: string): { connectorId: string; tool: string } | undefined {
  const at = name.indexOf(TOOL_NAME_SEPARATOR);
  if (at <= 0 || at + TOOL_NAME_SEPARATOR.length >= name.length) return undefined;
  return { connectorId: name.slice(0, at), tool: name.slice(at + TOOL_NAME_SEPARATOR.length) };
}

/**
 * Human-readable lines of an explanation (for `cortex-connectors policy explain` and logs an operator reads):
 * the verdict, the deciding rule as written, then every matched rule with why (and, when `all`, the first
 * failing check of every other rule). Rule definitions include their `when` text: this is operator output,
 * never a decision sent to a caller.
 */
export function explanationLines(
  explanation: Explanation,
  rules: readonly PolicyRule[],
  all = false,
): string[] {
  const { decision } = explanation;
  const lines = [`${decision.allow ? 'ALLOW' : 'DENY'} ${decision.reason}`];
  const deciding = rules.findIndex((rule) => rule.id === decision.ruleId);
  if (deciding >= 0)
    lines.push(`rule ${rulePath(deciding, rules[deciding]?.id)}: ${JSON.stringify(rules[deciding])}`);
  for (const trace of explanation.rules) {
    if (trace.matched)
      lines.push(`  matched ${rulePath(trace.index, trace.id)} ${trace.effect}: ${trace.reasons.join('; ')}`);
    else if (all)
      lines.push(
        `  skipped ${rulePath(trace.index, trace.id)} ${trace.effect}: ${trace.reasons.at(-1) ?? ''}`,
      );
  }
  if (explanation.matched.length === 0) lines.push('  no rule matched');
  return lines;
}
