import { FlattenedSign, importJWK, type CryptoKey } from 'jose';
import { canonicalize } from './canonical.js';
import { utf8 } from './encoding.js';
import { ConnectorsError } from './errors.js';
import {
  defaultEdKid,
  defaultHsKid,
  hsSecretBytes,
  type SignatureAlg,
  type SigningKeyInput,
} from './keys.js';
import type { ServiceMap, UnsignedServiceMap } from './schema.js';

/** The JWS `typ` of a signed service map. */
export const SERVICE_MAP_TYP = 'connectors-map+jws';

/** Signs service maps with one key. */
export interface Signer {
  readonly kid: string;
  readonly alg: SignatureAlg;
  /** Detached JWS (`header..signature`) over the JCS bytes of `unsigned` (any `signature` member is ignored). */
  sign(unsigned: UnsignedServiceMap): Promise<string>;
}

/** The JCS bytes a service map's signature covers: the body without its `signature` member. */
export function signingPayload(body: Record<string, unknown>): Uint8Array {
  const { signature: _signature, ...rest } = body;
  return utf8(canonicalize(rest));
}

/**
 * Creates a signer for HS256 (shared secret, ≥ 32 bytes) or EdDSA (Ed25519 private JWK).
 * @throws ConnectorsError `KEY_INVALID` for a short secret or a JWK that is not an Ed25519 private key.
 */
export async function createSigner(input: SigningKeyInput): Promise<Signer> {
  let key: CryptoKey | Uint8Array;
  let kid: string;
  if (input.alg === 'HS256') {
    key = hsSecretBytes(input.secret);
    kid = input.kid ?? (await defaultHsKid(input.secret));
  } else {
    const jwk = input.privateJwk;
    if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.d !== 'string') {
      throw new ConnectorsError(
        'KEY_INVALID',
        'EdDSA signing key must be an OKP Ed25519 private JWK with "d"',
      );
    }
    key = await importJWK(jwk, 'EdDSA');
    kid = input.kid ?? (await defaultEdKid(jwk));
  }
  const alg = input.alg;
  return {
    kid,
    alg,
    async sign(unsigned) {
      const payload = signingPayload(unsigned);
      const jws = await new FlattenedSign(payload)
        .setProtectedHeader({ alg, kid, typ: SERVICE_MAP_TYP })
        .sign(key);
      return `${jws.protected}..${jws.signature}`;
    },
  };
}

/** Signs an unsigned map and returns the full body with its `signature`. */
export async function signServiceMap(unsigned: UnsignedServiceMap, signer: Signer): Promise<ServiceMap> {
  return { ...unsigned, signature: await signer.sign(unsigned) };
}
