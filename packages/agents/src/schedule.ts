/** Inputs of {@link nextAttemptAt}; every time is epoch milliseconds. */
export interface ScheduleInput {
  readonly now: number;
  /** Held map's `expiresAt`, or `undefined` when no usable map is held. */
  readonly expiresAt?: number;
  /** Held map's TTL in milliseconds. */
  readonly ttlMs?: number;
  /** A key rotation (`KEY_UNKNOWN`) was seen: hold the current map until it expires. */
  readonly holdUntilExpiry: boolean;
  /** Consecutive failed attempts (fetch errors or refusals), 0 after a success. */
  readonly failures: number;
  /** Floor between two attempts, milliseconds. */
  readonly minIntervalMs: number;
  /** Ceiling of the retry backoff when no usable map is held, milliseconds. */
  readonly maxBackoffMs: number;
}

/**
 * When the registry should next contact its source (epoch ms).
 *
 * - no usable map: exponential backoff from `minIntervalMs`, capped at `maxBackoffMs`;
 * - `KEY_UNKNOWN` hold: at `expiresAt` (then refetch);
 * - before half the TTL: at half the TTL (stale-while-revalidate window opens);
 * - inside the window: half of the remaining lifetime, at least `minIntervalMs`, at most `expiresAt`.
 */
export function nextAttemptAt(s: ScheduleInput): number {
  if (s.expiresAt === undefined || s.ttlMs === undefined || s.now >= s.expiresAt) {
    const backoff = Math.min(s.maxBackoffMs, s.minIntervalMs * 2 ** Math.min(s.failures, 20));
    return s.now + backoff;
  }
  if (s.holdUntilExpiry) return s.expiresAt;
  const halfAt = s.expiresAt - s.ttlMs / 2;
  if (s.now < halfAt) return halfAt;
  const wait = Math.max(s.minIntervalMs, (s.expiresAt - s.now) / 2);
  return Math.min(s.expiresAt, s.now + wait);
}
