import { describe, expect, it } from 'vitest';
import { nextAttemptAt } from '../src/schedule.js';

const base = { holdUntilExpiry: false, failures: 0, minIntervalMs: 1_000, maxBackoffMs: 60_000 };

describe('nextAttemptAt', () => {
  it('waits for half the TTL, then halves the remaining lifetime (≥ the floor, ≤ expiry)', () => {
    expect(nextAttemptAt({ ...base, now: 0, expiresAt: 300_000, ttlMs: 300_000 })).toBe(150_000);
    expect(nextAttemptAt({ ...base, now: 200_000, expiresAt: 300_000, ttlMs: 300_000 })).toBe(250_000);
    expect(nextAttemptAt({ ...base, now: 299_500, expiresAt: 300_000, ttlMs: 300_000 })).toBe(300_000);
  });

  it('holds until expiry after KEY_UNKNOWN and backs off exponentially without a usable map', () => {
    expect(
      nextAttemptAt({ ...base, now: 10, expiresAt: 300_000, ttlMs: 300_000, holdUntilExpiry: true }),
    ).toBe(300_000);
    expect([0, 1, 3, 10].map((failures) => nextAttemptAt({ ...base, now: 0, failures }))).toEqual([
      1_000, 2_000, 8_000, 60_000,
    ]);
  });
});
