import { branded } from '@cortex-os/connectors-manifest';
import type { Decision } from './types.js';

/** Code of a call the policy refused (`isError` result, JSON-RPC error data, audit `ruleId`). */
export const POLICY_DENIED = 'POLICY_DENIED';

const MAX_REASON_CHARS = 300;

/**
 * What a denied call says, in the gateway and in agents alike: `brAInwav: POLICY_DENIED: <reason> (rule <id>)`
 * (no rule part for the default deny or a scope failure; the reason cut at 300 characters). The reason names
 * rule ids, the target and scopes only: never a condition's text nor a claim.
 */
export function deniedMessage(decision: Pick<Decision, 'reason' | 'ruleId'>): string {
  const reason =
    decision.reason.length > MAX_REASON_CHARS
      ? `${decision.reason.slice(0, MAX_REASON_CHARS)}…`
      : decision.reason;
  const rule = decision.ruleId === undefined ? '' : ` (rule ${decision.ruleId})`;
  return branded(`${POLICY_DENIED}: ${reason}${rule}`);
}
