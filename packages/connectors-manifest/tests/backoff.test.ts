import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../src/index.js';

describe('backoffDelayMs', () => {
  it('grows by the factor from initialMs and stops at maxMs (no jitter by default)', () => {
    const delays = [0, 1, 2, 3, 4, 5].map((a) => backoffDelayMs({ initialMs: 100, maxMs: 1_000 }, a));
    expect(delays).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect(backoffDelayMs({ initialMs: 1_000, maxMs: 30_000, factor: 1.5 }, 2)).toBe(2_250);
    expect(backoffDelayMs({ initialMs: 100, maxMs: 1_000 }, -3)).toBe(100);
  });

  it('spreads full jitter over [0, ceiling) and equal jitter over [ceiling/2, ceiling]', () => {
    const full = { initialMs: 200, maxMs: 2_000, jitter: 'full' as const };
    expect([0, 0.5, 0.999].map((r) => backoffDelayMs(full, 1, () => r))).toEqual([0, 200, 399]);
    const equal = { initialMs: 500, maxMs: 30_000, jitter: 'equal' as const };
    expect([0, 0.5, 1].map((r) => backoffDelayMs(equal, 0, () => r))).toEqual([250, 375, 500]);
  });
});
