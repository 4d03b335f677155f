import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { sha256Hex, utf8, base64url } from './encoding.js';
import { ConnectorsError } from './errors.js';

/** Signature algorithms a service map may use. */
export type SignatureAlg = 'HS256' | 'EdDSA';
/** A verification key as configured (code or `CONNECTORS_VERIFY_KEYS` JSON); a missing `kid` takes the default. */
export type KeyInput =
  | { readonly kid?: string; readonly alg: 'HS256'; readonly secret: string }
  | { readonly kid?: string; readonly alg: 'EdDSA'; readonly publicJwk: JWK };
/** A signing key: the HS256 shared secret or an Ed25519 private JWK. */
export type SigningKeyInput =
  | { readonly kid?: string; readonly alg: 'HS256'; readonly secret: string }
  | { readonly kid?: string; readonly alg: 'EdDSA'; readonly privateJwk: JWK };
/** A verification key ready for use, bound to exactly one alg. */
export interface VerifyKey {
  readonly kid: string;
  readonly alg: SignatureAlg;
  readonly key: CryptoKey | Uint8Array;
}
/** Verification keys by `kid` (current plus verify-only keys kept for rotation). */
export interface KeySet {
  /** The key bound to `kid`, if trusted. */
  get(kid: string): VerifyKey | undefined;
  /** Every trusted kid. */
  kids(): string[];
  /** Number of keys. */
  readonly size: number;
}

/** Minimum HS256 secret length in UTF-8 bytes. */
export const MIN_HS256_SECRET_BYTES = 32;

/** Default HS256 kid: `hs256-` + first 12 hex chars of SHA-256 of the secret's UTF-8 bytes. */
export async function defaultHsKid(secret: string): Promise<string> {
  return `hs256-${(await sha256Hex(secret)).slice(0, 12)}`;
}

/** Default EdDSA kid: `ed25519-` + first 12 hex chars of SHA-256 of the public JWK's `x` (as UTF-8 text). */
export async function defaultEdKid(publicJwk: Pick<JWK, 'x'>): Promise<string> {
  return `ed25519-${(await sha256Hex(publicJwk.x ?? '')).slice(0, 12)}`;
}

/** @throws ConnectorsError `KEY_INVALID` when the secret is shorter than 32 UTF-8 bytes (the length is named, never the secret). */
export function hsSecretBytes(secret: string): Uint8Array {
  const bytes = utf8(secret);
  if (bytes.length < MIN_HS256_SECRET_BYTES) {
    throw new ConnectorsError(
      'KEY_INVALID',
      `HS256 secret must be at least ${MIN_HS256_SECRET_BYTES} bytes (got ${bytes.length})`,
    );
  }
  return bytes;
}

/** JWK members that hold private key material (RFC 7518 §6: EC/OKP `d`, RSA `p`…`oth`, oct `k`). */
export const JWK_PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** The private members present in `jwk` (names only, never values). */
export function privateMembersOf(jwk: object): string[] {
  return JWK_PRIVATE_MEMBERS.filter((member) => member in jwk);
}

/** `must be a public key: remove "d"` (or `"d", "p"`): the fix for a verify key that carries private members. */
export function removeHint(members: readonly string[]): string {
  return `must be a public key: remove ${members.map((m) => `"${m}"`).join(', ')}`;
}

function assertEd25519(jwk: JWK, role: 'public' | 'private'): void {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw new ConnectorsError('KEY_INVALID', `EdDSA ${role} key must be an OKP Ed25519 JWK with "x"`);
  }
  const members = privateMembersOf(jwk);
  if (role === 'public' && members.length > 0) {
    throw new ConnectorsError('KEY_INVALID', `EdDSA verify key ${removeHint(members)}`);
  }
  if (role === 'private' && typeof jwk.d !== 'string') {
    throw new ConnectorsError('KEY_INVALID', 'EdDSA signing key must be a private JWK with "d"');
  }
}

/** The public JWK (kty, crv, x) of an Ed25519 JWK. */
export function publicJwkOf(jwk: JWK): JWK {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
}

async function toVerifyKey(input: KeyInput): Promise<VerifyKey> {
  if (input.alg === 'HS256') {
    return {
      kid: input.kid ?? (await defaultHsKid(input.secret)),
      alg: 'HS256',
      key: hsSecretBytes(input.secret),
    };
  }
  if ((input.alg as string) !== 'EdDSA') {
    throw new ConnectorsError(
      'KEY_INVALID',
      `key alg must be HS256 or EdDSA (got ${JSON.stringify(input.alg)})`,
    );
  }
  assertEd25519(input.publicJwk, 'public');
  const key = await importJWK(publicJwkOf(input.publicJwk), 'EdDSA');
  return { kid: input.kid ?? (await defaultEdKid(input.publicJwk)), alg: 'EdDSA', key: key as CryptoKey };
}

/**
 * Builds a key set binding each kid to exactly one alg.
 * @throws ConnectorsError `KEY_INVALID` for a bad key or a kid given twice.
 */
export async function createKeySet(inputs: readonly KeyInput[]): Promise<KeySet> {
  const keys = new Map<string, VerifyKey>();
  for (const input of inputs) {
    const key = await toVerifyKey(input);
    if (keys.has(key.kid)) throw new ConnectorsError('KEY_INVALID', `kid "${key.kid}" is configured twice`);
    keys.set(key.kid, key);
  }
  return { get: (kid) => keys.get(kid), kids: () => [...keys.keys()], size: keys.size };
}

/** The verification key matching a signing key (HS256: the same secret; EdDSA: the public half). */
export function verifyInputFor(input: SigningKeyInput): KeyInput {
  if (input.alg === 'HS256') return input;
  return { ...(input.kid ? { kid: input.kid } : {}), alg: 'EdDSA', publicJwk: publicJwkOf(input.privateJwk) };
}

/**
 * Parses `CONNECTORS_VERIFY_KEYS` (a JSON array of key inputs). Public keys only: an EdDSA entry whose
 * `publicJwk` carries a private member (`d`, …) or that gives a `privateJwk` is refused.
 * @throws ConnectorsError `KEY_INVALID` naming the entry index and member names (never a value).
 */
export function parseKeySetJson(text: string): KeyInput[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConnectorsError(
      'KEY_INVALID',
      'verify keys must be a JSON array of { kid?, alg, secret | publicJwk }',
    );
  }
  if (!Array.isArray(parsed)) throw new ConnectorsError('KEY_INVALID', 'verify keys must be a JSON array');
  return parsed.map((entry: unknown, i) => keyInputAt(entry, i));
}

function keyInputAt(entry: unknown, i: number): KeyInput {
  const e = entry as Record<string, unknown> | null;
  const kidOk = e?.kid === undefined || typeof e.kid === 'string';
  if (kidOk && e?.alg === 'HS256' && typeof e.secret === 'string') return e as KeyInput;
  if (kidOk && e?.alg === 'EdDSA' && typeof e.publicJwk === 'object' && e.publicJwk) {
    const members = privateMembersOf(e.publicJwk);
    if (members.length > 0)
      throw new ConnectorsError('KEY_INVALID', `verify keys entry ${i}: publicJwk ${removeHint(members)}`);
    return e as KeyInput;
  }
  if (kidOk && e?.alg === 'EdDSA' && typeof e.privateJwk === 'object' && e.privateJwk) {
    throw new ConnectorsError(
      'KEY_INVALID',
      `verify keys entry ${i} must be a public key: give publicJwk (kty, crv, x), not privateJwk`,
    );
  }
  throw new ConnectorsError(
    'KEY_INVALID',
    `verify keys entry ${i} must be { kid?, alg: "HS256", secret } or { kid?, alg: "EdDSA", publicJwk }`,
  );
}

/** A freshly generated signing key, as `keygen` prints it. */
export interface GeneratedKey {
  readonly signing: SigningKeyInput;
  readonly verify: KeyInput;
  readonly kid: string;
}

/** Generates a signing key: HS256 → 48 random bytes as base64url text; EdDSA → an Ed25519 key pair as JWKs. */
export async function generateSigningKey(alg: SignatureAlg): Promise<GeneratedKey> {
  if (alg === 'HS256') {
    const secret = base64url(crypto.getRandomValues(new Uint8Array(48)));
    return { signing: { alg, secret }, verify: { alg, secret }, kid: await defaultHsKid(secret) };
  }
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const kid = await defaultEdKid(privateJwk);
  return { signing: { kid, alg, privateJwk }, verify: { kid, alg, publicJwk: publicJwkOf(privateJwk) }, kid };
}
