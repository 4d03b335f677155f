import { parseCommandArgs, usageError } from '../args.js';
import { resolvePath, type Command } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { loadCliPolicy } from '../policy-file.js';
import { policyExplain } from './policy-explain.js';

/**
 * `policy check <file>`: prints `brAInwav: policy <file> OK (<n> rules)`, exit 0; an invalid file prints
 * every path-precise issue on stderr, exit 65.
 */
export const policyCheck: Command = async (args, ctx) => {
  const parsed = parseCommandArgs('policy check', args, {}, { min: 1, max: 1, name: '<file>' });
  const path = resolvePath(ctx, parsed.positionals[0] ?? '');
  const policy = await loadCliPolicy(path);
  const n = policy.rules.length;
  ctx.out.out(`brAInwav: policy ${path} OK (${n} rule${n === 1 ? '' : 's'})`);
  return EXIT.OK;
};

const SUBCOMMANDS: Readonly<Record<string, Command>> = { check: policyCheck, explain: policyExplain };

/** `policy check|explain …`: dispatches to the subcommand (a missing or unknown one is a usage error). */
export const policyCommand: Command = async (args, ctx) => {
  const [name, ...rest] = args;
  const sub = name !== undefined && Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
  if (sub === undefined) {
    const what = name === undefined ? 'missing subcommand' : `unknown subcommand ${JSON.stringify(name)}`;
    throw usageError('policy', `${what} (check | explain)`);
  }
  return sub(rest, ctx);
};
