import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { GatewayOptionError } from './errors.js';

/** Bytes of an AES-256-GCM session key. */
export const SESSION_KEY_BYTES = 32;

/**
 * What any replica needs to rebuild a 2025-era MCP session (sealed into its `Mcp-Session-Id`): never an
 * upstream secret, only what the client itself sent in `initialize` plus the session's binding.
 */
export interface SessionClaims {
  /** Endpoint scope: `''` = aggregate `/mcp`, else the connector id of `/mcp/connectors/<id>`. */
  readonly scope: string;
  /** `via` + subject of the principal that opened the session (`sessionOwnerKey`). */
  readonly owner: string;
  /** `params` of the client's `initialize` request (protocol version, capabilities, client info). */
  readonly init: Readonly<Record<string, unknown>>;
  /** When the session was opened, epoch milliseconds. */
  readonly createdAtMs: number;
}

const PREFIX = 's1.';
const AAD = Buffer.from('brainwav-mcp-session:v1');
const KID_BYTES = 4;
const IV_BYTES = 12;
const TAG_BYTES = 16;

interface Key {
  readonly kid: Buffer;
  readonly secret: Buffer;
}

/**
 * Seals and opens session handles with AES-256-GCM: `s1.` + base64url(kid ‖ iv ‖ tag ‖ ciphertext), where
 * kid = the first 4 bytes of SHA-256(key). The first key seals; every key opens (rotation: put the new key
 * first, keep the old ones until their handles have expired). Opening never throws: a tampered, truncated,
 * foreign-key or expired handle is `undefined`.
 */
export class SessionSealer {
  private readonly keys: readonly Key[];

  /**
   * @param keys 32-byte keys, sealing key first.
   * @param maxAgeMs handles older than this (milliseconds) no longer open.
   * @throws GatewayOptionError `CONFIG_INVALID` when there is no key or a key is not 32 bytes.
   */
  constructor(
    keys: readonly Uint8Array[],
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
  ) {
    if (keys.length === 0) throw new GatewayOptionError('option "sessionKeys" must hold at least one key');
    this.keys = keys.map((key, i) => {
      if (key.length !== SESSION_KEY_BYTES)
        throw new GatewayOptionError(
          `option "sessionKeys"[${i}] must be ${SESSION_KEY_BYTES} bytes (got ${key.length})`,
        );
      const secret = Buffer.from(key);
      return { kid: createHash('sha256').update(secret).digest().subarray(0, KID_BYTES), secret };
    });
  }

  /** A fresh handle for `claims` (a random IV makes every handle unique). */
  seal(claims: SessionClaims): string {
    const { kid, secret } = this.keys[0]!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', secret, iv);
    cipher.setAAD(AAD);
    const plain = Buffer.from(JSON.stringify([claims.scope, claims.owner, claims.createdAtMs, claims.init]));
    const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
    return PREFIX + Buffer.concat([kid, iv, cipher.getAuthTag(), sealed]).toString('base64url');
  }

  /** The claims of a handle this key set sealed and that has not expired, else `undefined`. */
  open(handle: string): SessionClaims | undefined {
    if (!handle.startsWith(PREFIX) || handle.length > 16_384) return undefined;
    const raw = Buffer.from(handle.slice(PREFIX.length), 'base64url');
    if (raw.length <= KID_BYTES + IV_BYTES + TAG_BYTES) return undefined;
    const kid = raw.subarray(0, KID_BYTES);
    const key = this.keys.find((k) => k.kid.equals(kid));
    if (!key) return undefined;
    const claims = decrypt(key.secret, raw.subarray(KID_BYTES));
    if (!claims || this.now() - claims.createdAtMs > this.maxAgeMs) return undefined;
    return claims;
  }
}

function decrypt(secret: Buffer, body: Buffer): SessionClaims | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', secret, body.subarray(0, IV_BYTES));
    decipher.setAAD(AAD);
    decipher.setAuthTag(body.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const plain = Buffer.concat([decipher.update(body.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    const [scope, owner, createdAtMs, init] = JSON.parse(plain.toString('utf8')) as [
      string,
      string,
      number,
      Record<string, unknown>,
    ];
    return { scope, owner, createdAtMs, init };
  } catch {
    return undefined;
  }
}

/** A random per-process key: single-replica mode (handles open only on the process that sealed them). */
export function randomSessionKey(): Buffer {
  return randomBytes(SESSION_KEY_BYTES);
}

/**
 * Parses `CONNECTORS_SESSION_KEYS`-style text: comma-separated base64 (or base64url) 32-byte keys.
 * @throws RangeError naming the position of a key that does not decode to 32 bytes (never its value).
 */
export function parseSessionKeys(text: string): Buffer[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part, i) => {
      const key = /^[A-Za-z0-9+/_-]+={0,2}$/.test(part) ? Buffer.from(part, 'base64') : Buffer.alloc(0);
      if (key.length !== SESSION_KEY_BYTES)
        throw new RangeError(
          `brAInwav: session key ${i + 1} must be ${SESSION_KEY_BYTES} bytes of base64 (got ${key.length} bytes)`,
        );
      return key;
    });
}
