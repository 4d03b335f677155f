import {
  defaultEdKid,
  defaultHsKid,
  MIN_HS256_SECRET_BYTES,
  parseKeySetJson,
  verifyInputFor,
  type KeyInput,
  type SigningKeyInput,
} from '@cortex-os/connectors-manifest';
import { present } from './context.js';
import { KeyConfigError } from './errors.js';
import type { CliEnv } from './io.js';

/** HS256 shared secret variable (UTF-8 bytes as given, ≥ 32 bytes). */
export const SIGNATURE_KEY_VAR = 'CONNECTORS_SIGNATURE_KEY';
/** Ed25519 private JWK variable (JSON). */
export const SIGNING_JWK_VAR = 'CONNECTORS_SIGNING_JWK';
/** Verify-only keys variable (JSON array of key inputs). */
export const VERIFY_KEYS_VAR = 'CONNECTORS_VERIFY_KEYS';

const B64URL_32_BYTES = /^[A-Za-z0-9_-]{43}$/;
type Jwk = Record<string, unknown>;

/**
 * An HS256 key from `secret`, named `source` in errors.
 * @throws KeyConfigError when shorter than 32 UTF-8 bytes (the length is named, never the secret).
 */
export function hsKey(secret: string, source: string): SigningKeyInput {
  const bytes = Buffer.byteLength(secret, 'utf8');
  if (bytes < MIN_HS256_SECRET_BYTES) {
    throw new KeyConfigError(`${source} must be at least ${MIN_HS256_SECRET_BYTES} bytes (got ${bytes})`);
  }
  return { alg: 'HS256', secret };
}

function parseJson(text: string, source: string, expected: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new KeyConfigError(`${source} must be ${expected}; it is not valid JSON`);
  }
}

/**
 * An EdDSA signing key from an Ed25519 private JWK object (an optional `kid` member is honoured).
 * @throws KeyConfigError naming `source` when it is not `{ kty: "OKP", crv: "Ed25519", x, d }`.
 */
export function edSigningKey(value: unknown, source: string): SigningKeyInput {
  const jwk = (typeof value === 'object' && value !== null ? value : {}) as Jwk;
  const { kid, ...rest } = jwk;
  const ok =
    jwk.kty === 'OKP' &&
    jwk.crv === 'Ed25519' &&
    [jwk.x, jwk.d].every((v) => typeof v === 'string' && B64URL_32_BYTES.test(v));
  if (!ok || (kid !== undefined && typeof kid !== 'string')) {
    throw new KeyConfigError(
      `${source} must be an Ed25519 private JWK (kty "OKP", crv "Ed25519", base64url x and d)`,
    );
  }
  return typeof kid === 'string'
    ? { kid, alg: 'EdDSA', privateJwk: rest }
    : { alg: 'EdDSA', privateJwk: rest };
}

/** Parses `CONNECTORS_SIGNING_JWK`-style text (JSON of an Ed25519 private JWK). */
export function parseSigningJwk(text: string, source: string): SigningKeyInput {
  return edSigningKey(parseJson(text, source, 'an Ed25519 private JWK as JSON'), source);
}

/**
 * The signing key of an environment: `CONNECTORS_SIGNING_JWK` (EdDSA) wins over
 * `CONNECTORS_SIGNATURE_KEY` (HS256), as in asbr. `undefined` when neither is set.
 * @throws KeyConfigError naming the variable when it is malformed.
 */
export function signingKeyFromEnv(env: CliEnv): SigningKeyInput | undefined {
  const jwk = present(env, SIGNING_JWK_VAR);
  if (jwk !== undefined) return parseSigningJwk(jwk, SIGNING_JWK_VAR);
  const secret = present(env, SIGNATURE_KEY_VAR);
  return secret === undefined ? undefined : hsKey(secret, SIGNATURE_KEY_VAR);
}

/**
 * Parses a verify-keys JSON array (`CONNECTORS_VERIFY_KEYS`, `--keys`).
 * @throws KeyConfigError naming `source` (and the entry index), never a value.
 */
export function parseVerifyKeys(text: string, source: string): KeyInput[] {
  try {
    return parseKeySetJson(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message.replace(/^brAInwav: verify keys/, '') : '';
    throw new KeyConfigError(`${source}${reason || ' is invalid'}`, { cause });
  }
}

/**
 * Every verification key an environment provides: `CONNECTORS_VERIFY_KEYS`, the HS256
 * `CONNECTORS_SIGNATURE_KEY` and the public half of `CONNECTORS_SIGNING_JWK`.
 * @throws KeyConfigError naming the malformed variable.
 */
export function verifyKeysFromEnv(env: CliEnv): KeyInput[] {
  const keys: KeyInput[] = [];
  const list = present(env, VERIFY_KEYS_VAR);
  if (list !== undefined) keys.push(...parseVerifyKeys(list, VERIFY_KEYS_VAR));
  const secret = present(env, SIGNATURE_KEY_VAR);
  if (secret !== undefined) keys.push(verifyInputFor(hsKey(secret, SIGNATURE_KEY_VAR)));
  const jwk = present(env, SIGNING_JWK_VAR);
  if (jwk !== undefined) keys.push(verifyInputFor(parseSigningJwk(jwk, SIGNING_JWK_VAR)));
  return keys;
}

async function kidOf(key: KeyInput): Promise<string> {
  if (key.kid !== undefined) return key.kid;
  return key.alg === 'HS256' ? defaultHsKid(key.secret) : defaultEdKid(key.publicJwk);
}

/**
 * Drops keys listed twice with the same kid, alg and material (e.g. the HS256 key both in
 * `CONNECTORS_VERIFY_KEYS` and `CONNECTORS_SIGNATURE_KEY`). A kid reused for different material is
 * kept so the key set rejects it.
 */
export async function dedupeKeys(keys: readonly KeyInput[]): Promise<KeyInput[]> {
  const seen = new Set<string>();
  const out: KeyInput[] = [];
  for (const key of keys) {
    const material = key.alg === 'HS256' ? key.secret : String(key.publicJwk.x);
    const id = JSON.stringify([await kidOf(key), key.alg, material]);
    if (!seen.has(id)) out.push(key);
    seen.add(id);
  }
  return out;
}

/** The secret values inside key inputs (HS256 secrets, private JWK `d`), for redaction. */
export function keySecrets(keys: readonly (KeyInput | SigningKeyInput)[]): string[] {
  return keys.flatMap((key) => {
    if (key.alg === 'HS256') return [key.secret];
    const d = 'privateJwk' in key ? key.privateJwk.d : undefined;
    return typeof d === 'string' ? [d] : [];
  });
}

/** Every secret value an environment may hold (keys, API keys, the raw JWK text), for redaction. */
export function envSecrets(env: CliEnv): string[] {
  const secrets = [SIGNATURE_KEY_VAR, SIGNING_JWK_VAR, 'MCP_API_KEY'].map((name) => present(env, name));
  const apiKeys =
    present(env, 'CONNECTORS_API_KEY')
      ?.split(',')
      .map((key) => key.trim()) ?? [];
  const parsed: (KeyInput | SigningKeyInput)[] = [];
  const tryParse = (fn: () => (KeyInput | SigningKeyInput)[]): void => {
    try {
      parsed.push(...fn());
    } catch {
      // a malformed variable is reported by the command that reads it; nothing to redact from it
    }
  };
  const jwk = present(env, SIGNING_JWK_VAR);
  if (jwk !== undefined) tryParse(() => [parseSigningJwk(jwk, SIGNING_JWK_VAR)]);
  const list = present(env, VERIFY_KEYS_VAR);
  if (list !== undefined) tryParse(() => parseVerifyKeys(list, VERIFY_KEYS_VAR));
  return [...secrets, ...apiKeys, ...keySecrets(parsed)].filter(
    (s): s is string => s !== undefined && s !== '',
  );
}
