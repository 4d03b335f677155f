import canonicalizeLib from 'canonicalize';
import { ConnectorsError } from './errors.js';

type Serialize = (input: unknown) => string | undefined;

// `canonicalize` is CommonJS: depending on the loader its default export is the function or a namespace holding it.
const serialize: Serialize =
  typeof canonicalizeLib === 'function' ? canonicalizeLib : (canonicalizeLib).default;

function assertWellFormed(value: unknown): void {
  if (typeof value === 'string') {
    if (!(value as string & { isWellFormed(): boolean }).isWellFormed()) throw new ConnectorsError('BAD_REQUEST', 'lone surrogates cannot be canonicalized');
  } else if (Array.isArray(value)) {
    value.forEach(assertWellFormed);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      assertWellFormed(k);
      assertWellFormed(v);
    }
  }
}

/**
 * RFC 8785 (JCS) canonical JSON of a JSON value: sorted keys (UTF-16 order), ECMAScript number forms,
 * no whitespace, no Unicode normalization.
 * @throws ConnectorsError `BAD_REQUEST` for values JSON cannot represent (lone surrogates, NaN, undefined root).
 */
export function canonicalize(value: unknown): string {
  assertWellFormed(value);
  let out: string | undefined;
  try {
    out = serialize(value);
  } catch (cause) {
    throw new ConnectorsError('BAD_REQUEST', `value cannot be canonicalized: ${(cause as Error).message}`, { cause });
  }
  if (out === undefined) throw new ConnectorsError('BAD_REQUEST', 'value cannot be canonicalized: not JSON');
  return out;
}
