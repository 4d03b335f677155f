import type { DestinationStream } from 'pino';

/** Replacement written in place of every redacted value. */
export const REDACTED = '[REDACTED]';

/** Secrets shorter than this many characters are ignored (too likely to match ordinary text). */
export const MIN_SECRET_LENGTH = 4;

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Distinct usable secrets (strings of at least {@link MIN_SECRET_LENGTH} chars), longest first. */
function usableSecrets(secrets: readonly unknown[]): string[] {
  const usable = secrets.filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH);
  return [...new Set(usable)].sort((a, b) => b.length - a.length);
}

/** One global pattern matching any of the given literal strings (longest alternative first), or undefined. */
function compile(literals: readonly string[]): RegExp | undefined {
  if (literals.length === 0) return undefined;
  const sorted = [...new Set(literals)].sort((a, b) => b.length - a.length);
  return new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
}

/**
 * Replaces every occurrence of every secret in `text` with `"[REDACTED]"`.
 * Secrets that are not strings or are shorter than 4 characters are ignored.
 *
 * @param text - any string (a log line, an error message, a stack)
 * @param secrets - secret values to hide
 * @returns `text` with each secret occurrence replaced; `text` itself when nothing matched
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  const pattern = compile(usableSecrets(secrets));
  return pattern ? text.replace(pattern, REDACTED) : text;
}

/**
 * Wraps a pino destination so every serialized log line has each secret value replaced with
 * `"[REDACTED]"` before it is written: the message, nested fields, child bindings and serialized
 * errors (message and stack) alike. Both the raw secret and its JSON-escaped form are matched.
 *
 * @param inner - the real destination
 * @param secrets - secret values (strings shorter than 4 characters are ignored)
 * @returns `inner` itself when no usable secret is given, otherwise a redacting wrapper
 */
export function createRedactingDestination(
  inner: DestinationStream,
  secrets: readonly string[],
): DestinationStream {
  const usable = usableSecrets(secrets);
  const pattern = compile(usable.flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]));
  if (!pattern) return inner;
  const wrapper: DestinationStream & { flush?: (cb?: (err?: Error) => void) => void } = {
    write(chunk: string): void {
      inner.write(chunk.replace(pattern, REDACTED));
    },
  };
  const flushable = inner as { flush?: (cb?: (err?: Error) => void) => void };
  if (typeof flushable.flush === 'function') {
    wrapper.flush = (cb) => flushable.flush?.(cb);
  }
  return wrapper;
}
