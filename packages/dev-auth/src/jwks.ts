import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { DEV_AUTH_ERROR_CODES, DevAuthError } from './errors.js';

/** A private RSA signing key as a JWK (`d` and the CRT members present). */
export interface DevAuthPrivateJwk extends JWK {
  readonly kty: 'RSA';
  readonly kid: string;
  readonly alg: 'RS256';
  readonly use: 'sig';
}

/** The dev server's private signing JWKS (`DEV_AUTH_JWKS`). Secret: never log it. */
export interface DevAuthJwks {
  readonly keys: readonly DevAuthPrivateJwk[];
}

const PRIVATE_RSA_MEMBERS = ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'] as const;

/**
 * Generates a fresh RS256 signing key (RSA 2048) as a private JWKS with `kid` = `dev-auth-` + the first 16
 * characters of its RFC 7638 thumbprint, `alg: "RS256"`, `use: "sig"`. What `npm start` writes into
 * `.env.local` as `DEV_AUTH_JWKS`.
 */
export async function generateDevAuthJwks(): Promise<DevAuthJwks> {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = `dev-auth-${(await calculateJwkThumbprint(jwk)).slice(0, 16)}`;
  return { keys: [{ ...jwk, kty: 'RSA', kid, alg: 'RS256', use: 'sig' }] };
}

function invalid(source: string, reason: string): DevAuthError {
  return new DevAuthError(DEV_AUTH_ERROR_CODES.JWKS_INVALID, `${source} ${reason}`);
}

function checkKey(key: unknown, index: number, source: string): DevAuthPrivateJwk {
  const jwk = key as Partial<Record<string, unknown>> | null;
  if (typeof jwk !== 'object' || jwk === null || jwk.kty !== 'RSA')
    throw invalid(source, `keys[${index}] must be an RSA JWK (kty "RSA")`);
  for (const member of PRIVATE_RSA_MEMBERS) {
    if (typeof jwk[member] !== 'string' || jwk[member] === '')
      throw invalid(source, `keys[${index}] is missing the private RSA member "${member}"`);
  }
  if (typeof jwk.kid !== 'string' || jwk.kid === '') throw invalid(source, `keys[${index}] must have a kid`);
  if (jwk.alg !== undefined && jwk.alg !== 'RS256') throw invalid(source, `keys[${index}] alg must be RS256`);
  if (jwk.use !== undefined && jwk.use !== 'sig') throw invalid(source, `keys[${index}] use must be sig`);
  return { ...(jwk as JWK), kty: 'RSA', kid: jwk.kid, alg: 'RS256', use: 'sig' };
}

/**
 * Validates a private signing JWKS (an object `{ keys: [...] }` or its JSON text): at least one RSA
 * private key, each with a `kid`; `alg` RS256 and `use` sig (set when absent).
 * @param source names the input in messages (e.g. `DEV_AUTH_JWKS`); the key material is never printed.
 * @throws DevAuthError `DEV_AUTH_JWKS_INVALID`.
 */
export function parseDevAuthJwks(input: unknown, source = 'DEV_AUTH_JWKS'): DevAuthJwks {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      throw invalid(source, 'is not JSON (expected {"keys":[<private RSA JWK>]})');
    }
  }
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0)
    throw invalid(source, 'must be a JWKS {"keys":[...]} with a key');
  const checked = keys.map((key, index) => checkKey(key, index, source));
  const kids = new Set(checked.map((key) => key.kid));
  if (kids.size !== checked.length) throw invalid(source, 'has duplicate kids');
  return { keys: checked };
}

/** The public half of each key (what `jwks_uri` serves). */
export function publicDevAuthJwks(jwks: DevAuthJwks): { keys: JWK[] } {
  return {
    keys: jwks.keys.map(({ kty, n, e, kid, alg, use }) => ({ kty, n, e, kid, alg, use })),
  };
}
