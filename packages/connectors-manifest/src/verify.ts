import { flattenedVerify } from 'jose';
import { base64url, fromBase64url, fromUtf8 } from './encoding.js';
import type { KeySet } from './keys.js';
import { ServiceMapSchema, type ServiceMap } from './schema.js';
import { SERVICE_MAP_TYP, signingPayload } from './sign.js';
import { formatPath } from './validate.js';

/** Stable verification result codes (DESIGN.md). */
export const VERIFY_CODES = [
  'MALFORMED',
  'TOO_LARGE',
  'BAD_TYP',
  'KEY_UNKNOWN',
  'ALG_NOT_ALLOWED',
  'BAD_SIGNATURE',
  'SCHEMA',
  'EXPIRED',
  'ROLLBACK',
] as const;
/** One of {@link VERIFY_CODES}. */
export type VerifyCode = (typeof VERIFY_CODES)[number];

/** Outcome of {@link verifyServiceMap}. */
export type VerifyResult =
  | { readonly ok: true; readonly map: ServiceMap; readonly kid: string; readonly alg: 'HS256' | 'EdDSA' }
  | { readonly ok: false; readonly code: VerifyCode; readonly message: string };

/** Options of {@link verifyServiceMap}. */
export interface VerifyOptions {
  readonly keys: KeySet;
  /** Verification time (default: now); the map is expired when now ≥ expiresAt. */
  readonly now?: Date;
  /** Highest version seen so far: a lower one is `ROLLBACK`. */
  readonly lastVersion?: number;
  /** Largest accepted body in bytes (default 4 MiB). */
  readonly maxBytes?: number;
}

/** Default largest accepted service map, in bytes. */
export const DEFAULT_MAX_MAP_BYTES = 4 * 1024 * 1024;

const ALLOWED_ALGS = new Set(['HS256', 'EdDSA']);

class VerifyFailure extends Error {
  constructor(
    readonly code: VerifyCode,
    message: string,
  ) {
    super(message);
  }
}

const fail = (code: VerifyCode, message: string): never => {
  throw new VerifyFailure(code, `brAInwav: service map ${message}`);
};

function parseBody(body: string | Uint8Array, maxBytes: number): Record<string, unknown> {
  const size = typeof body === 'string' ? new TextEncoder().encode(body).length : body.length;
  if (size > maxBytes) fail('TOO_LARGE', `is ${size} bytes, over the ${maxBytes}-byte limit`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof body === 'string' ? body : fromUtf8(body));
  } catch {
    fail('MALFORMED', 'is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    fail('MALFORMED', 'is not a JSON object');
  return parsed as Record<string, unknown>;
}

function parseHeader(signature: unknown): {
  header: Record<string, unknown>;
  encodedHeader: string;
  sig: string;
} {
  if (typeof signature !== 'string') return fail('MALFORMED', 'has no signature');
  const parts = signature.split('.');
  if (parts.length !== 3 || parts[1] !== '')
    fail('MALFORMED', 'signature is not a detached JWS (header..signature)');
  const [encodedHeader = '', , sig = ''] = parts;
  let header: unknown;
  try {
    header = JSON.parse(fromUtf8(fromBase64url(encodedHeader)));
  } catch {
    fail('MALFORMED', 'signature header is not base64url JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    fail('MALFORMED', 'signature header is not an object');
  return { header: header as Record<string, unknown>, encodedHeader, sig };
}

async function checkSignature(
  body: Record<string, unknown>,
  keys: KeySet,
): Promise<{ kid: string; alg: 'HS256' | 'EdDSA' }> {
  const { header, encodedHeader, sig } = parseHeader(body.signature);
  if (header.typ !== SERVICE_MAP_TYP)
    fail('BAD_TYP', `signature typ must be "${SERVICE_MAP_TYP}" (got ${JSON.stringify(header.typ)})`);
  const alg = header.alg;
  if (typeof alg !== 'string' || !ALLOWED_ALGS.has(alg))
    fail('ALG_NOT_ALLOWED', `signature alg ${JSON.stringify(alg)} is not allowed`);
  if ('crit' in header) fail('MALFORMED', 'signature header has unsupported "crit"');
  const kid = typeof header.kid === 'string' ? header.kid : '';
  const key = keys.get(kid);
  if (!key) return fail('KEY_UNKNOWN', `is signed with an unknown kid ${JSON.stringify(kid)}`);
  if (key.alg !== alg) fail('ALG_NOT_ALLOWED', `kid "${kid}" is bound to ${key.alg}, not ${String(alg)}`);
  const payload = base64url(signingPayload(body));
  try {
    await flattenedVerify({ protected: encodedHeader, payload, signature: sig }, key.key, {
      algorithms: [key.alg],
    });
  } catch {
    fail('BAD_SIGNATURE', `signature does not verify with kid "${kid}"`);
  }
  return { kid, alg: key.alg };
}

function checkSchema(body: Record<string, unknown>): ServiceMap {
  const result = ServiceMapSchema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  return fail(
    'SCHEMA',
    `does not match the schema: ${issue ? `${formatPath(issue.path)} ${issue.message}` : 'invalid'}`,
  );
}

/**
 * Verifies a signed service map: size, detached-JWS form, typ, alg/kid binding, signature over the JCS bytes,
 * schema, expiry (now ≥ expiresAt is expired) and rollback (version < lastVersion). Never throws.
 */
export async function verifyServiceMap(
  body: string | Uint8Array,
  options: VerifyOptions,
): Promise<VerifyResult> {
  try {
    const parsed = parseBody(body, options.maxBytes ?? DEFAULT_MAX_MAP_BYTES);
    const { kid, alg } = await checkSignature(parsed, options.keys);
    const map = checkSchema(parsed);
    const now = (options.now ?? new Date()).getTime();
    if (now >= Date.parse(map.expiresAt)) fail('EXPIRED', `expired at ${map.expiresAt}`);
    if (options.lastVersion !== undefined && map.version < options.lastVersion) {
      fail('ROLLBACK', `version ${map.version} is older than ${options.lastVersion}`);
    }
    return { ok: true, map, kid, alg };
  } catch (error) {
    if (error instanceof VerifyFailure) return { ok: false, code: error.code, message: error.message };
    return { ok: false, code: 'MALFORMED', message: 'brAInwav: service map could not be read' };
  }
}
