import { ConnectorsError } from './errors.js';
import {
  MIN_HS256_SECRET_BYTES,
  parseKeySetJson,
  verifyInputFor,
  type KeyInput,
  type SigningKeyInput,
} from './keys.js';
import { utf8 } from './encoding.js';

/** HS256 shared secret variable (UTF-8 bytes as given, ≥ 32 bytes). */
export const SIGNATURE_KEY_VAR = 'CONNECTORS_SIGNATURE_KEY';
/** Ed25519 private JWK variable (JSON); verifiers use its public half. */
export const SIGNING_JWK_VAR = 'CONNECTORS_SIGNING_JWK';
/** Verify-only keys variable (JSON array of public key inputs). */
export const VERIFY_KEYS_VAR = 'CONNECTORS_VERIFY_KEYS';

/** Environment read by the key functions (`process.env`, a parsed dotenv file). */
export type KeyEnv = Readonly<Record<string, string | undefined>>;

/**
 * A key variable (or file, option) is malformed: code `KEY_INVALID`, message
 * `brAInwav: <source> <reason>`. `source` and `reason` let each caller wrap it in its own error type;
 * neither ever holds a key value.
 */
export class KeyEnvError extends ConnectorsError {
  /** The variable, option or file the key came from (e.g. `CONNECTORS_VERIFY_KEYS`). */
  readonly source: string;
  /** The rule it broke, without the source (e.g. `entry 0: publicJwk must be a public key: remove "d"`). */
  readonly reason: string;

  constructor(source: string, reason: string, options?: { cause?: unknown }) {
    super('KEY_INVALID', `${source} ${reason}`, options);
    this.source = source;
    this.reason = reason;
  }
}

const B64URL_32_BYTES = /^[A-Za-z0-9_-]{43}$/;

function present(env: KeyEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * An HS256 key from `secret`, named `source` in errors.
 * @throws KeyEnvError when shorter than 32 UTF-8 bytes (the length is named, never the secret).
 */
export function hsKey(secret: string, source: string): SigningKeyInput {
  const bytes = utf8(secret).length;
  if (bytes < MIN_HS256_SECRET_BYTES)
    throw new KeyEnvError(source, `must be at least ${MIN_HS256_SECRET_BYTES} bytes (got ${bytes})`);
  return { alg: 'HS256', secret };
}

/**
 * An EdDSA signing key from an Ed25519 private JWK object (an optional `kid` member is honoured).
 * @throws KeyEnvError naming `source` when it is not `{ kty: "OKP", crv: "Ed25519", x, d }`.
 */
export function edSigningKey(value: unknown, source: string): SigningKeyInput {
  const jwk = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const { kid, ...rest } = jwk;
  const ok =
    jwk.kty === 'OKP' &&
    jwk.crv === 'Ed25519' &&
    [jwk.x, jwk.d].every((v) => typeof v === 'string' && B64URL_32_BYTES.test(v));
  if (!ok || (kid !== undefined && typeof kid !== 'string'))
    throw new KeyEnvError(
      source,
      'must be an Ed25519 private JWK (kty "OKP", crv "Ed25519", base64url x and d)',
    );
  return typeof kid === 'string'
    ? { kid, alg: 'EdDSA', privateJwk: rest }
    : { alg: 'EdDSA', privateJwk: rest };
}

/** Parses `CONNECTORS_SIGNING_JWK`-style text (JSON of an Ed25519 private JWK), named `source` in errors. */
export function parseSigningJwk(text: string, source: string): SigningKeyInput {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new KeyEnvError(source, 'must be an Ed25519 private JWK as JSON; it is not valid JSON');
  }
  return edSigningKey(value, source);
}

/**
 * Parses a verify-keys JSON array (`CONNECTORS_VERIFY_KEYS`, `--keys`): public keys only.
 * @throws KeyEnvError naming `source` (and the entry index, member names), never a value.
 */
export function parseVerifyKeys(text: string, source: string): KeyInput[] {
  try {
    return parseKeySetJson(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message.replace(/^brAInwav: verify keys ?/, '') : '';
    throw new KeyEnvError(source, reason || 'is invalid', { cause });
  }
}

/** `CONNECTORS_SIGNATURE_KEY` as an HS256 key, or undefined when unset. */
export function signatureKeyFromEnv(env: KeyEnv): SigningKeyInput | undefined {
  const secret = present(env, SIGNATURE_KEY_VAR);
  return secret === undefined ? undefined : hsKey(secret, SIGNATURE_KEY_VAR);
}

/** `CONNECTORS_SIGNING_JWK` as an EdDSA key, or undefined when unset. */
export function signingJwkFromEnv(env: KeyEnv): SigningKeyInput | undefined {
  const text = present(env, SIGNING_JWK_VAR);
  return text === undefined ? undefined : parseSigningJwk(text, SIGNING_JWK_VAR);
}

/** `CONNECTORS_VERIFY_KEYS` parsed (public keys only), `[]` when unset. */
export function listedVerifyKeysFromEnv(env: KeyEnv): KeyInput[] {
  const text = present(env, VERIFY_KEYS_VAR);
  return text === undefined ? [] : parseVerifyKeys(text, VERIFY_KEYS_VAR);
}

/**
 * The signing key of an environment: `CONNECTORS_SIGNING_JWK` (EdDSA) wins over
 * `CONNECTORS_SIGNATURE_KEY` (HS256). `undefined` when neither is set.
 * @throws KeyEnvError naming the malformed variable.
 */
export function signingKeyFromEnv(env: KeyEnv): SigningKeyInput | undefined {
  const jwk = signingJwkFromEnv(env);
  const hs = signatureKeyFromEnv(env);
  return jwk ?? hs;
}

/**
 * Every verification key an environment provides: `CONNECTORS_VERIFY_KEYS` (public keys only), the
 * HS256 `CONNECTORS_SIGNATURE_KEY` (once, even when also listed) and the public half of
 * `CONNECTORS_SIGNING_JWK`. The one place the verify side reads keys from the environment.
 * @throws KeyEnvError naming the malformed variable, never a value.
 */
export function verifyKeysFromEnv(env: KeyEnv): KeyInput[] {
  const keys = listedVerifyKeysFromEnv(env);
  const hs = signatureKeyFromEnv(env);
  if (hs?.alg === 'HS256' && !keys.some((k) => k.alg === 'HS256' && k.secret === hs.secret)) keys.push(hs);
  const jwk = signingJwkFromEnv(env);
  if (jwk !== undefined) keys.push(verifyInputFor(jwk));
  return keys;
}

/** The secret values inside key inputs (HS256 secrets, private JWK `d`), for redaction. */
export function keySecrets(keys: readonly (KeyInput | SigningKeyInput)[]): string[] {
  return keys.flatMap((key) => {
    if (key.alg === 'HS256') return [key.secret];
    const d = 'privateJwk' in key ? key.privateJwk.d : undefined;
    return typeof d === 'string' ? [d] : [];
  });
}

/**
 * Every key secret an environment holds, for log redaction: the raw variable texts, HS256 secrets and
 * the signing JWK's `d`. Malformed variables contribute their raw text only (the reader reports them).
 */
export function envKeySecrets(env: KeyEnv): string[] {
  const raw = [SIGNATURE_KEY_VAR, SIGNING_JWK_VAR].map((name) => present(env, name));
  const parsed: (KeyInput | SigningKeyInput)[] = [];
  for (const read of [signingJwkFromEnv, listedVerifyKeysFromEnv]) {
    try {
      const got = read(env);
      if (got !== undefined) parsed.push(...(Array.isArray(got) ? got : [got]));
    } catch {
      // a malformed variable is reported by whoever reads it; nothing more to redact from it
    }
  }
  return [...raw, ...keySecrets(parsed)].filter((s): s is string => s !== undefined && s !== '');
}
