import { explain, explanationLines, splitToolName, type Phase, type PolicyRequest } from '@cortex-os/policy';
import type { ParseArgsConfig } from 'node:util';
import {
  choiceOption,
  jsonObjectOption,
  listOption,
  parseCommandArgs,
  requiredOption,
  usageError,
  type ParsedArgs,
} from '../args.js';
import { resolvePath, type Command } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { loadCliPolicy } from '../policy-file.js';

const COMMAND = 'policy explain';

const OPTIONS: NonNullable<ParseArgsConfig['options']> = {
  principal: { type: 'string' },
  role: { type: 'string', multiple: true },
  scope: { type: 'string', multiple: true },
  claims: { type: 'string' },
  tool: { type: 'string' },
  phase: { type: 'string' },
  args: { type: 'string' },
  'required-scope': { type: 'string', multiple: true },
  json: { type: 'boolean' },
};

const PHASES: readonly Phase[] = ['list', 'call'];

function target(parsed: ParsedArgs): { connectorId: string; tool: string } {
  const name = requiredOption(COMMAND, parsed, 'tool');
  const split = splitToolName(name);
  if (split === undefined)
    throw usageError(COMMAND, `--tool must be <connector>__<tool> (got ${JSON.stringify(name)})`);
  return split;
}

/** The policy request the options describe. @throws UsageError (exit 64) for a bad or missing option. */
export function explainRequest(parsed: ParsedArgs): PolicyRequest {
  const subject = requiredOption(COMMAND, parsed, 'principal');
  const { connectorId, tool } = target(parsed);
  const phase = choiceOption(COMMAND, parsed, 'phase', PHASES, 'call');
  const args = jsonObjectOption(COMMAND, parsed, 'args');
  if (args !== undefined && phase !== 'call')
    throw usageError(COMMAND, '--args applies to --phase call only');
  const principal = {
    subject,
    roles: listOption(parsed, 'role'),
    scopes: listOption(parsed, 'scope'),
    claims: jsonObjectOption(COMMAND, parsed, 'claims') ?? {},
  };
  return {
    principal,
    connectorId,
    tool,
    phase,
    ...(args !== undefined ? { arguments: args } : {}),
    requiredScopes: listOption(parsed, 'required-scope'),
  };
}

/**
 * `policy explain <file> --principal s [--role r]… [--scope s]… [--claims json] --tool c__t
 * [--phase list|call] [--args json] [--required-scope s]… [--json]`: prints the decision, the deciding rule
 * and every rule's match line (or, with `--json`, the explanation). Exit 0 allow, 1 deny, 64 usage, 65
 * invalid policy.
 */
export const policyExplain: Command = async (args, ctx) => {
  const parsed = parseCommandArgs(COMMAND, args, OPTIONS, { min: 1, max: 1, name: '<file>' });
  const request = explainRequest(parsed);
  const policy = await loadCliPolicy(resolvePath(ctx, parsed.positionals[0] ?? ''));
  const explanation = explain(policy, request);
  if (parsed.values.json === true) ctx.out.raw(`${JSON.stringify(explanation, null, 2)}\n`);
  else for (const line of explanationLines(explanation, policy.rules, true)) ctx.out.out(line);
  return explanation.decision.allow ? EXIT.OK : EXIT.FAILURE;
};
