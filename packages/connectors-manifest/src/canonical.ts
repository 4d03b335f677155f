import canonicalizeLib from 'canonicalize';
import { ConnectorsError } from './errors.js';

// `canonicalize` (the RFC 8785 reference implementation by one of its authors). Its package.json asks for
// Node 22, but the one newer API it calls, String.prototype.isWellFormed, is in Node 20; our tests run it there.
const serialize: (input: unknown) => string | undefined = canonicalizeLib;

/**
 * RFC 8785 (JCS) canonical JSON of a JSON value: sorted keys (UTF-16 order), ECMAScript number forms,
 * no whitespace, no Unicode normalization.
 * @throws ConnectorsError `BAD_REQUEST` for values JSON cannot represent (lone surrogates, NaN, undefined root).
 */
export function canonicalize(value: unknown): string {
  let out: string | undefined;
  try {
    out = serialize(value);
  } catch (cause) {
    throw new ConnectorsError('BAD_REQUEST', `value cannot be canonicalized: ${(cause as Error).message}`, {
      cause,
    });
  }
  if (out === undefined) throw new ConnectorsError('BAD_REQUEST', 'value cannot be canonicalized: not JSON');
  return out;
}
