import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { FileError } from './errors.js';
import type { CliEnv, CliIO, Output } from './io.js';

/** What every command receives besides its arguments. */
export interface CommandContext {
  readonly io: CliIO;
  /** Redacting line writer over `io.stdout`/`io.stderr`. */
  readonly out: Output;
  /** Current time in ms since the epoch. */
  readonly now: () => number;
}

/** A command: parses its own arguments, writes through `ctx.out`, resolves to its exit code. */
export type Command = (args: readonly string[], ctx: CommandContext) => Promise<number>;

/** `path` resolved against the injected working directory. */
export function resolvePath(ctx: CommandContext, path: string): string {
  return isAbsolute(path) ? path : resolve(ctx.io.cwd, path);
}

/** The value of `name` in `env`, or `undefined` when unset or blank. */
export function present(env: CliEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * The environment a command uses: `io.env`, completed by the variables of a dotenv file
 * (`--env-file`, e.g. `.env.local`) when given. Variables set in `io.env` win over the file.
 * @throws FileError (code `FILE_IO`) when the file cannot be read.
 */
export async function commandEnv(ctx: CommandContext, envFile?: string): Promise<CliEnv> {
  if (envFile === undefined) return ctx.io.env;
  const path = resolvePath(ctx, envFile);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new FileError('read', path, cause);
  }
  const fromFile = parseEnv(text);
  const fromEnv = Object.entries(ctx.io.env).filter(
    ([, value]) => value !== undefined && value.trim() !== '',
  );
  return { ...fromFile, ...Object.fromEntries(fromEnv) };
}
