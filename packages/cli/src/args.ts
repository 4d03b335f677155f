import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parsed option values (strings and booleans) and positionals of one command. */
export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | readonly string[] | undefined>>;
  readonly positionals: readonly string[];
}

/**
 * A usage error of `command` (`"sign"`, or a subcommand such as `"policy check"`): the message starts with
 * `command`, the usage printed after it is the top-level command's.
 */
export function usageError(command: string, message: string, cause?: unknown): UsageError {
  const options = cause === undefined ? undefined : { cause };
  return new UsageError(`${command}: ${message}`, command.split(' ')[0], options);
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
    throw usageError(command, reason, cause);
  }
  const count = parsed.positionals.length;
  if (count < positionals.min) throw usageError(command, `missing ${positionals.name ?? 'argument'}`);
  if (count > positionals.max) {
    throw usageError(command, `too many arguments (expected at most ${positionals.max}, got ${count})`);
  }
  return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
}

/**
 * The value of the required string option `name`.
 * @throws UsageError `<command>: missing --<name>` when absent.
 */
export function requiredOption(command: string, parsed: ParsedArgs, name: string): string {
  const value = stringOption(parsed, name);
  if (value === undefined) throw usageError(command, `missing --${name}`);
  return value;
}

/**
 * Option `name` as one of `choices`, or `fallback` when absent.
 * @throws UsageError naming the option, the choices and the received text.
 */
export function choiceOption<T extends string>(
  command: string,
  parsed: ParsedArgs,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const text = stringOption(parsed, name);
  if (text === undefined) return fallback;
  if (!(choices as readonly string[]).includes(text)) {
    throw usageError(command, `--${name} must be ${choices.join(' or ')} (got ${JSON.stringify(text)})`);
  }
  return text as T;
}

/** The string value of option `name` (`undefined` when absent). */
export function stringOption(parsed: ParsedArgs, name: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** Every value of the repeatable (`multiple: true`) option `name`, in order (empty when absent). */
export function listOption(parsed: ParsedArgs, name: string): string[] {
  const value = parsed.values[name];
  if (value === undefined || typeof value === 'boolean') return [];
  return typeof value === 'string' ? [value] : [...value];
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
    throw usageError(command, `--${name} must be an integer >= ${min} (got ${JSON.stringify(text)})`);
  }
  return value;
}

/**
 * Option `name` as a JSON object (`{ ... }`), or `undefined` when absent.
 * @throws UsageError naming the option when the text is not JSON or not an object.
 */
export function jsonObjectOption(
  command: string,
  parsed: ParsedArgs,
  name: string,
): Record<string, unknown> | undefined {
  const text = stringOption(parsed, name);
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : 'invalid JSON';
    throw usageError(command, `--${name} is not valid JSON (${reason})`, cause);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw usageError(command, `--${name} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}
