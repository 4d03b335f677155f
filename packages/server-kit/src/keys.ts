import { hash, timingSafeEqual } from 'node:crypto';

/** One-shot SHA-256 (cheaper than `createHash` on the hot path). */
const sha256 = (value: string): Buffer => hash('sha256', value, 'buffer');

/** The 32-byte SHA-256 digest of a key (what key matching compares). */
export const digestOf: (key: string) => Buffer = sha256;

/**
 * Lowercase hex SHA-256 of `key` (64 characters): the `keySha256` a principals file binds a subject to,
 * so the file never holds the key itself. `printf %s "$KEY" | sha256sum` gives the same value.
 */
export function keySha256(key: string): string {
  return hash('sha256', key, 'hex');
}

/** Stable, non-secret id of a key for audit lines and principals: `key-` + 8 hex of its SHA-256. */
export function keyId(key: string): string {
  return `key-${sha256(key).toString('hex').slice(0, 8)}`;
}

/**
 * A constant-time matcher over SHA-256 digests of the accepted keys: every key is compared with
 * `crypto.timingSafeEqual` (no early exit), so timing reveals neither the key, its length nor which
 * one matched.
 */
export function createKeyMatcher(keys: readonly string[]): (presented: string) => boolean {
  const indexOf = createKeyIndexMatcher(keys);
  return (presented) => indexOf(presented) !== -1;
}

/**
 * Like {@link createKeyMatcher}, but answers the index in `keys` of the key that matched (`-1` for none),
 * still comparing every key: callers precompute what each key stands for (its principal) once.
 */
export function createKeyIndexMatcher(keys: readonly string[]): (presented: string) => number {
  const digests = keys.map(sha256);
  return (presented) => {
    const digest = sha256(presented);
    let matched = -1;
    for (let i = 0; i < digests.length; i += 1) if (timingSafeEqual(digest, digests[i]!)) matched = i;
    return matched;
  };
}

/** Headers {@link presentedKey} reads. */
export interface KeyHeaders {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * The credential a request presents: `Authorization: Bearer <key>` (scheme case-insensitive) first,
 * else `X-API-Key`. `undefined` when neither carries a non-empty value.
 */
export function presentedKey(request: KeyHeaders): string | undefined {
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer[ \t]+(\S.*)$/i.exec(authorization.trim());
    if (match?.[1]) return match[1].trim();
  }
  const apiKey = request.headers['x-api-key'];
  const value = Array.isArray(apiKey) ? apiKey[0] : apiKey;
  return value && value.trim() !== '' ? value.trim() : undefined;
}
