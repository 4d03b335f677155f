import { createHash } from 'node:crypto';
import { encodeTime } from 'ulid';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Length of a signing epoch: half the map TTL, the re-sign period, ms. */
export const epochLengthMs = (ttlSeconds: number): number => (ttlSeconds * 1000) / 2;

/**
 * The signing time every replica agrees on: the start of the current epoch (`now` rounded down to half the TTL),
 * or the manifest's change time when it changed later within the epoch (its file mtime: the same for replicas
 * reading one file). Never after `nowMs`.
 */
export function epochSigningTime(nowMs: number, ttlSeconds: number, changedAtMs?: number): number {
  const length = epochLengthMs(ttlSeconds);
  const start = Math.floor(nowMs / length) * length;
  const changed = changedAtMs === undefined ? 0 : Math.floor(Math.min(changedAtMs, nowMs));
  return Math.max(start, changed);
}

/** A ULID whose time is `timeMs` and whose 80 "random" bits come from SHA-256 of `content`: equal inputs, equal id. */
export function deterministicUlid(timeMs: number, content: string): string {
  const digest = createHash('sha256').update(content).digest();
  let bits = 0n;
  for (const byte of digest.subarray(0, 10)) bits = (bits << 8n) | BigInt(byte);
  let random = '';
  for (let i = 0; i < 16; i += 1) {
    random = CROCKFORD[Number(bits & 31n)]! + random;
    bits >>= 5n;
  }
  return encodeTime(timeMs, 10) + random;
}
