import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parsed option values (strings and booleans) and positionals of one command. */
export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

/**
 * Parses a command's arguments strictly with `node:util` `parseArgs`.
 * @throws UsageError (exit 64) for an unknown option, a missing option value, or a positional count
 *   outside `[min, max]`.
 */
export function parseCommandArgs(
  command: string,
  args: readonly string[],
  options: Options,
  positionals: { readonly min: number; readonly max: number; readonly name?: string },
): ParsedArgs {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (cause) {
    const reason =
      cause instanceof Error ? (cause.message.split('. ')[0] ?? cause.message) : 'invalid arguments';
    throw new UsageError(`${command}: ${reason}`, command, { cause });
  }
  const count = parsed.positionals.length;
  if (count < positionals.min)
    throw new UsageError(`${command}: missing ${positionals.name ?? 'argument'}`, command);
  if (count > positionals.max) {
    throw new UsageError(
      `${command}: too many arguments (expected at most ${positionals.max}, got ${count})`,
      command,
    );
  }
  return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
}

/** The string value of option `name` (`undefined` when absent). */
export function stringOption(parsed: ParsedArgs, name: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Option `name` as an integer in `[min, Number.MAX_SAFE_INTEGER]`, or `undefined` when absent.
 * @throws UsageError naming the option and the received text.
 */
export function intOption(
  command: string,
  parsed: ParsedArgs,
  name: string,
  min: number,
): number | undefined {
  const text = stringOption(parsed, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(
      `${command}: --${name} must be an integer >= ${min} (got ${JSON.stringify(text)})`,
      command,
    );
  }
  return value;
}
