import { createHash } from 'node:crypto';
import {
  buildServiceMap,
  signServiceMap,
  type Manifest,
  type ServiceMap,
  type Signer,
} from '@cortex-os/connectors-manifest';

/** A signed service map ready to serve: the exact bytes, their ETag and the timing derived from them. */
export interface SignedMap {
  /** The map as sent on the wire (UTF-8 JSON, `signature` included). */
  readonly bytes: Buffer;
  /** Strong ETag: `"` + base64url SHA-256 of `bytes` + `"`. */
  readonly etag: string;
  /** The parsed map (same content as `bytes`). */
  readonly map: ServiceMap;
  /** `map.version` (strictly increasing per signer). */
  readonly version: number;
  /** `generatedAt`, ms since the epoch. */
  readonly generatedAtMs: number;
  /** `expiresAt`, ms since the epoch. */
  readonly expiresAtMs: number;
  /** When the map is re-signed: `generatedAt` + half of `ttlSeconds`, ms since the epoch. */
  readonly resignAtMs: number;
}

/** Inputs that make a signature deterministic. */
export interface SignInputs {
  /** Signing time, ms since the epoch. */
  readonly nowMs: number;
  /** Map id (a ULID in production). */
  readonly id: string;
  /** Map version (integer). */
  readonly version: number;
  /** Gateway base URL a stdio connector is published under (`<gatewayUrl>/mcp/connectors/<id>`). */
  readonly gatewayUrl?: string | undefined;
}

/** Strong ETag of `bytes`: the quoted base64url SHA-256 digest. */
export function strongEtag(bytes: Uint8Array): string {
  return `"${createHash('sha256').update(bytes).digest('base64url')}"`;
}

/**
 * Builds, signs and serializes the service map of `manifest` (sorted connectors, defaults applied,
 * disabled entries marked by `buildServiceMap`; a stdio connector as `<gatewayUrl>/mcp/connectors/<id>`, transport
 * `stdio`, without its command line or env). Rejects with the signer's error (code `KEY_INVALID`), or
 * `MANIFEST_INVALID` naming `CONNECTORS_GATEWAY_URL` when the manifest has a stdio connector and no gateway URL.
 */
export async function signManifest(
  manifest: Manifest,
  signer: Signer,
  inputs: SignInputs,
): Promise<SignedMap> {
  const unsigned = buildServiceMap(manifest, {
    now: new Date(inputs.nowMs),
    id: inputs.id,
    version: inputs.version,
    gatewayUrl: inputs.gatewayUrl,
  });
  const map = await signServiceMap(unsigned, signer);
  const bytes = Buffer.from(JSON.stringify(map), 'utf8');
  const generatedAtMs = Date.parse(map.generatedAt);
  return {
    bytes,
    etag: strongEtag(bytes),
    map,
    version: map.version,
    generatedAtMs,
    expiresAtMs: Date.parse(map.expiresAt),
    resignAtMs: generatedAtMs + (map.ttlSeconds * 1000) / 2,
  };
}

/**
 * True when an `If-None-Match` header matches `etag` (weak comparison, RFC 9110 §13.1.2; `*` matches).
 */
export function ifNoneMatchHits(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const text = Array.isArray(header) ? header.join(',') : header;
  if (text.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return text.split(',').some((tag) => tag.trim().replace(/^W\//, '') === opaque);
}

/** Whole seconds left before `expiresAtMs` at `nowMs`, never negative. */
export function remainingSeconds(expiresAtMs: number, nowMs: number): number {
  return Math.max(0, Math.floor((expiresAtMs - nowMs) / 1000));
}
