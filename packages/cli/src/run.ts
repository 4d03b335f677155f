import { ConnectorsError, ManifestValidationError } from '@cortex-os/connectors-manifest';
import { agentCommand } from './commands/agent.js';
import { doctorCommand } from './commands/doctor.js';
import { keygenCommand } from './commands/keygen.js';
import { newCommand } from './commands/new.js';
import { policyCommand } from './commands/policy.js';
import { schemaCommand } from './commands/schema.js';
import { signCommand } from './commands/sign.js';
import { tokenCommand } from './commands/token.js';
import { validateCommand } from './commands/validate.js';
import { verifyCommand } from './commands/verify.js';
import type { Command, CommandContext } from './context.js';
import { CliError, UsageError } from './errors.js';
import { EXIT } from './exit-codes.js';
import { COMMAND_HELP, GLOBAL_HELP, isCommandName, type CommandName } from './help.js';
import { Output, type CliIO } from './io.js';
import { invalidHeader, invalidManifestPath, issueLines } from './manifest.js';

/** Version of the CLI printed by `--version` (the package.json version). */
export const CLI_VERSION = '0.1.0';

const COMMANDS: Record<CommandName, Command> = {
  validate: validateCommand,
  schema: schemaCommand,
  keygen: keygenCommand,
  sign: signCommand,
  verify: verifyCommand,
  doctor: doctorCommand,
  policy: policyCommand,
  token: tokenCommand,
  new: newCommand,
  agent: agentCommand,
};

function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

function globalFlag(
  ctx: CommandContext,
  first: string | undefined,
  rest: readonly string[],
): number | undefined {
  if (first === undefined) throw new UsageError('missing command');
  if (first === '--help' || first === '-h' || (first === 'help' && rest.length === 0)) {
    ctx.out.out(GLOBAL_HELP);
    return EXIT.OK;
  }
  if (first === 'help') {
    const name = rest[0] ?? '';
    if (!isCommandName(name)) throw new UsageError(`help: unknown command ${JSON.stringify(name)}`);
    ctx.out.out(COMMAND_HELP[name]);
    return EXIT.OK;
  }
  if (first === '--version' || first === '-V') {
    ctx.out.out(CLI_VERSION);
    return EXIT.OK;
  }
  return undefined;
}

async function dispatch(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const [first, ...rest] = argv;
  const handled = globalFlag(ctx, first, rest);
  if (handled !== undefined) return handled;
  const name = first ?? '';
  if (!isCommandName(name)) throw new UsageError(`unknown command ${JSON.stringify(name)}`);
  if (wantsHelp(rest)) {
    ctx.out.out(COMMAND_HELP[name]);
    return EXIT.OK;
  }
  return COMMANDS[name](rest, ctx);
}

function report(error: unknown, ctx: CommandContext): number {
  if (error instanceof UsageError) {
    ctx.out.err(`${error.message}\n`);
    ctx.out.err(error.command === undefined ? GLOBAL_HELP : COMMAND_HELP[error.command as CommandName]);
    return error.exitCode;
  }
  if (error instanceof ManifestValidationError) {
    ctx.out.err(invalidHeader(invalidManifestPath(error) ?? '(input)', error));
    for (const line of issueLines(error)) ctx.out.err(line);
    return EXIT.FAILURE;
  }
  if (error instanceof CliError) {
    ctx.out.err(error.message);
    return error.exitCode;
  }
  if (error instanceof ConnectorsError) {
    ctx.out.err(error.message);
    return EXIT.FAILURE;
  }
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  ctx.out.err(`brAInwav: unexpected error (${reason})`);
  return EXIT.FAILURE;
}

/**
 * Runs `cortex-connectors` with `argv` (arguments after the bin name) against injected streams,
 * environment, working directory, clock and fetch. Never throws and never touches `process`: every
 * failure is printed (branded, secrets redacted) on `io.stderr` and mapped to an exit code
 * (0 ok, 1 failure or a denied `policy explain`, 2 verification failed, 64 usage, 65 invalid policy — see
 * `EXIT`).
 */
export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const ctx: CommandContext = { io, out: new Output(io), now: io.now ?? Date.now };
  try {
    return await dispatch(argv, ctx);
  } catch (error) {
    return report(error, ctx);
  }
}
