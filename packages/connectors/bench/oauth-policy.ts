/**
 * The 200-rule policy of configuration B: the policy bench's synthetic rules (packages/policy/bench: per-connector
 * reads, CEL-conditioned writes, denies, exports over 50 connectors) with one synthetic connector's 4 rules
 * replaced, in place, by 4 rules for the benchmark's real connector. The caller's role is allowed to call `echo`
 * by an allow rule with a CEL condition over the call's arguments (phase call), so every call evaluates it.
 */
import type { PolicyDocumentInput } from '@cortex-os/policy';
import { policy200 } from '../../policy/bench/fixtures.js';

/** Connector id of the benchmark's upstream (the mcp-bridge fixture server). */
export const BENCH_CONNECTOR = 'fixtures';
/** Role of the benchmark's OAuth client (the token's `roles` claim). */
export const BENCH_ROLE = 'support';
/** Prefix an `echo` text must start with to be allowed in configuration B. */
export const BENCH_TEXT_PREFIX = 'brAInwav';
/** Id of the allow rule with the CEL condition over the arguments. */
export const BENCH_CALL_RULE = `${BENCH_CONNECTOR}-echo-call`;

type Rule = PolicyDocumentInput['rules'][number];

/** The synthetic connector whose rules make way for the real connector's (in the middle of the file). */
const REPLACED = 'conn24';

function connectorRules(): Rule[] {
  return [
    {
      id: `${BENCH_CONNECTOR}-list`,
      effect: 'allow',
      phase: 'list',
      roles: [BENCH_ROLE, 'viewer'],
      connectors: [BENCH_CONNECTOR],
      tools: ['echo', 'get_*', 'list_*'],
    },
    {
      id: BENCH_CALL_RULE,
      effect: 'allow',
      phase: 'call',
      roles: [BENCH_ROLE],
      connectors: [BENCH_CONNECTOR],
      tools: ['echo'],
      when: `has(args.text) && args.text.startsWith("${BENCH_TEXT_PREFIX}")`,
    },
    {
      id: `${BENCH_CONNECTOR}-no-delete`,
      effect: 'deny',
      connectors: [BENCH_CONNECTOR],
      tools: ['delete_*'],
      principals: ['agent:*'],
    },
    {
      id: `${BENCH_CONNECTOR}-no-crash`,
      effect: 'deny',
      roles: [BENCH_ROLE],
      connectors: [BENCH_CONNECTOR],
      tools: ['crash', 'slow'],
    },
  ];
}

/** The 200 rules (version 1 policy document), ready for `JSON.stringify` into a `.json` policy file. */
export function oauthBenchPolicy(): PolicyDocumentInput {
  const rules: Rule[] = [];
  let inserted = false;
  for (const rule of policy200().rules) {
    if (!rule.id.startsWith(`${REPLACED}-`)) {
      rules.push(rule);
      continue;
    }
    if (!inserted) rules.push(...connectorRules());
    inserted = true;
  }
  return { version: 1, rules };
}
