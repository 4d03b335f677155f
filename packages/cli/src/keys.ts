import {
  defaultEdKid,
  defaultHsKid,
  edSigningKey as sharedEdSigningKey,
  hsKey as sharedHsKey,
  KeyEnvError,
  parseSigningJwk as sharedParseSigningJwk,
  parseVerifyKeys as sharedParseVerifyKeys,
  signingKeyFromEnv as sharedSigningKeyFromEnv,
  verifyKeysFromEnv as sharedVerifyKeysFromEnv,
  type KeyInput,
} from '@cortex-os/connectors-manifest';
import { gatewaySecretValues } from '@cortex-os/connectors-manifest/node';
import { KeyConfigError } from './errors.js';
import type { CliEnv } from './io.js';

export {
  SIGNATURE_KEY_VAR,
  SIGNING_JWK_VAR,
  VERIFY_KEYS_VAR,
  keySecrets,
} from '@cortex-os/connectors-manifest';

/** The shared key reader `read` of `@cortex-os/connectors-manifest`, its errors as {@link KeyConfigError} (exit 1). */
function cli<A extends unknown[], R>(read: (...args: A) => R): (...args: A) => R {
  return (...args) => {
    try {
      return read(...args);
    } catch (error) {
      if (error instanceof KeyEnvError) throw new KeyConfigError(error.message, { cause: error });
      throw error;
    }
  };
}

/**
 * An HS256 key from `secret`, named `source` in errors.
 * @throws KeyConfigError when shorter than 32 UTF-8 bytes (the length is named, never the secret).
 */
export const hsKey = cli(sharedHsKey);
/**
 * An EdDSA signing key from an Ed25519 private JWK object (an optional `kid` member is honoured).
 * @throws KeyConfigError naming `source` when it is not `{ kty: "OKP", crv: "Ed25519", x, d }`.
 */
export const edSigningKey = cli(sharedEdSigningKey);
/** Parses `CONNECTORS_SIGNING_JWK`-style text (JSON of an Ed25519 private JWK). */
export const parseSigningJwk = cli(sharedParseSigningJwk);
/**
 * The signing key of an environment: `CONNECTORS_SIGNING_JWK` (EdDSA) wins over
 * `CONNECTORS_SIGNATURE_KEY` (HS256), as in asbr. `undefined` when neither is set.
 * @throws KeyConfigError naming the variable when it is malformed.
 */
export const signingKeyFromEnv: (env: CliEnv) => ReturnType<typeof sharedSigningKeyFromEnv> =
  cli(sharedSigningKeyFromEnv);
/**
 * Parses a verify-keys JSON array (`CONNECTORS_VERIFY_KEYS`, `--keys`): public keys only.
 * @throws KeyConfigError naming `source` (and the entry index), never a value.
 */
export const parseVerifyKeys = cli(sharedParseVerifyKeys);
/**
 * Every verification key an environment provides: `CONNECTORS_VERIFY_KEYS` (public keys only), the HS256
 * `CONNECTORS_SIGNATURE_KEY` and the public half of `CONNECTORS_SIGNING_JWK`.
 * @throws KeyConfigError naming the malformed variable.
 */
export const verifyKeysFromEnv: (env: CliEnv) => KeyInput[] = cli(sharedVerifyKeysFromEnv);

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

/** Every secret value an environment may hold (API keys, key texts, HS256 secrets, the JWK `d`), for redaction. */
export function envSecrets(env: CliEnv): string[] {
  return gatewaySecretValues(env);
}
