import { readFile } from 'node:fs/promises';
import { parseEnv } from 'node:util';
import {
  privateMembersOf,
  removeHint,
  verifyInputFor,
  type KeyInput,
  type SigningKeyInput,
} from '@cortex-os/connectors-manifest';
import { FileError, KeyConfigError } from './errors.js';
import { edSigningKey, hsKey, parseVerifyKeys, signingKeyFromEnv, verifyKeysFromEnv } from './keys.js';

/** The keys a `--key-file` holds: a signing key when it has one, and the verification keys. */
export interface KeyFileKeys {
  readonly signing: SigningKeyInput | undefined;
  readonly verify: readonly KeyInput[];
}

const DOTENV_LINE = /^\s*(?:export\s+)?CONNECTORS_[A-Z_]+\s*=/m;
type Json = Record<string, unknown>;
type PublicJwk = Extract<KeyInput, { alg: 'EdDSA' }>['publicJwk'];

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function publicOnly(value: Json, source: string): KeyInput {
  const { kid, ...jwk } = value;
  const publicJwk = { kty: jwk.kty, crv: jwk.crv, x: jwk.x } as PublicJwk;
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw new KeyConfigError(`${source} must hold an Ed25519 JWK (kty "OKP", crv "Ed25519", x)`);
  }
  const members = privateMembersOf(jwk);
  if (members.length > 0) throw new KeyConfigError(`${source}: publicJwk ${removeHint(members)}`);
  return typeof kid === 'string' ? { kid, alg: 'EdDSA', publicJwk } : { alg: 'EdDSA', publicJwk };
}

function fromKeyObject(value: Json, source: string): KeyFileKeys {
  if (isObject(value.signing)) return fromKeyObject(value.signing, source);
  if (value.kid !== undefined && typeof value.kid !== 'string')
    throw new KeyConfigError(`${source}: "kid" must be a string`);
  if (value.alg === 'HS256' && typeof value.secret === 'string') {
    const key = hsKey(value.secret, source);
    return { signing: typeof value.kid === 'string' ? { ...key, kid: value.kid } : key, verify: [] };
  }
  if (value.alg === 'EdDSA' && isObject(value.privateJwk)) {
    const jwk = value.kid === undefined ? value.privateJwk : { ...value.privateJwk, kid: value.kid };
    return { signing: edSigningKey(jwk, source), verify: [] };
  }
  if (value.alg === 'EdDSA' && isObject(value.publicJwk)) {
    const jwk = value.kid === undefined ? value.publicJwk : { ...value.publicJwk, kid: value.kid };
    return { signing: undefined, verify: [publicOnly(jwk, source)] };
  }
  if (value.kty !== undefined && value.d !== undefined)
    return { signing: edSigningKey(value, source), verify: [] };
  if (value.kty !== undefined) return { signing: undefined, verify: [publicOnly(value, source)] };
  throw new KeyConfigError(`${source} holds JSON that is not a key, a JWK or a keygen --json output`);
}

function withVerify(keys: KeyFileKeys): KeyFileKeys {
  return keys.signing === undefined
    ? keys
    : { signing: keys.signing, verify: [...keys.verify, verifyInputFor(keys.signing)] };
}

function fromJson(text: string, source: string): KeyFileKeys {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new KeyConfigError(`${source} starts like JSON but is not valid JSON`);
  }
  if (Array.isArray(value)) return { signing: undefined, verify: parseVerifyKeys(text, source) };
  return withVerify(fromKeyObject(value as Json, source));
}

function fromDotenv(text: string, source: string): KeyFileKeys {
  const vars = parseEnv(text);
  try {
    return { signing: signingKeyFromEnv(vars), verify: verifyKeysFromEnv(vars) };
  } catch (cause) {
    const message = cause instanceof Error ? cause.message.replace(/^brAInwav: /, '') : 'is invalid';
    throw new KeyConfigError(`${source}: ${message}`, { cause });
  }
}

/**
 * Parses the text of a key file. Accepted forms:
 * - dotenv lines (`keygen` output, `.env.local`): `CONNECTORS_SIGNING_JWK`, `CONNECTORS_SIGNATURE_KEY`,
 *   `CONNECTORS_VERIFY_KEYS`;
 * - JSON: `keygen --json` output, a key input (`{ alg: "HS256", secret }`, `{ alg: "EdDSA", privateJwk |
 *   publicJwk }`), an Ed25519 JWK (private or public), or an array of verify keys;
 * - anything else: the HS256 secret itself (surrounding whitespace removed).
 * @throws KeyConfigError naming `source`, never a value.
 */
export function parseKeyFileText(text: string, source: string): KeyFileKeys {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return fromJson(trimmed, source);
  if (DOTENV_LINE.test(text)) return fromDotenv(text, source);
  if (trimmed === '') throw new KeyConfigError(`${source} is empty`);
  return withVerify({ signing: hsKey(trimmed, source), verify: [] });
}

/**
 * Reads and parses a `--key-file` (see {@link parseKeyFileText}).
 * @throws FileError when unreadable, KeyConfigError when it holds no usable key.
 */
export async function readKeyFile(path: string): Promise<KeyFileKeys> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new FileError('read', path, cause);
  }
  return parseKeyFileText(text, `key file ${path}`);
}
