import { describe, expect, it } from 'vitest';
import { MemoryQuotaStore, QuotaExceededError, QuotaGuard, windowStart } from '../src/index.js';

describe('MemoryQuotaStore', () => {
  it('counts hits inside a fixed window and resets at the window boundary', async () => {
    const store = new MemoryQuotaStore();
    const t0 = 1_700_000_040_000; // 40 s into a minute window
    expect(await store.hit('k', 60_000, t0)).toEqual({
      count: 1,
      resetAtMs: windowStart(60_000, t0) + 60_000,
    });
    expect((await store.hit('k', 60_000, t0 + 1_000)).count).toBe(2);
    expect((await store.peek('k', 60_000, t0 + 2_000)).count).toBe(2);
    const next = windowStart(60_000, t0) + 60_000;
    expect(await store.peek('k', 60_000, next)).toEqual({ count: 0, resetAtMs: next + 60_000 });
    expect((await store.hit('k', 60_000, next)).count).toBe(1);
  });

  it('keeps keys and window sizes apart and sweeps expired windows', async () => {
    const store = new MemoryQuotaStore(2);
    await store.hit('a', 60_000, 0);
    await store.hit('a', 3_600_000, 0);
    await store.hit('b', 60_000, 0);
    expect((await store.peek('a', 60_000, 1)).count).toBe(1);
    expect((await store.peek('a', 3_600_000, 1)).count).toBe(1);
    await store.hit('c', 60_000, 120_000); // sweep drops expired minute windows
    expect((await store.peek('a', 3_600_000, 120_000)).count).toBe(1);
    expect((await store.peek('b', 60_000, 60_001)).count).toBe(0);
  });
});

describe('QuotaGuard', () => {
  const limits = { perMinute: 2, perHour: 3 };

  it('throws QUOTA_EXCEEDED with seconds until the minute window resets', async () => {
    const guard = new QuotaGuard(new MemoryQuotaStore(), 't:');
    const t0 = 3_600_000 * 10 + 15_500; // 15.5 s into the minute
    await guard.charge('c1', limits, t0);
    await guard.charge('c1', limits, t0);
    const error = await guard.charge('c1', limits, t0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QuotaExceededError);
    expect(error).toMatchObject({
      code: 'QUOTA_EXCEEDED',
      window: 'minute',
      retryAfterSeconds: 45,
      status: 429,
    });
    expect((error as Error).message).toMatch(
      /^brAInwav: connector "c1" exceeded its per-minute quota of 2 calls; retry in 45s$/,
    );
    expect(await guard.use('c1', t0)).toEqual({ minute: 3, hour: 2 });
  });

  it('enforces the hour budget across minute windows and recovers after the hour', async () => {
    const guard = new QuotaGuard(new MemoryQuotaStore(), 't:');
    const hour = 3_600_000 * 5;
    await guard.charge('c1', limits, hour);
    await guard.charge('c1', limits, hour + 60_000);
    await guard.charge('c1', limits, hour + 120_000);
    const error = await guard.charge('c1', limits, hour + 180_000).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'QUOTA_EXCEEDED', window: 'hour', retryAfterSeconds: 3_420 });
    await expect(guard.charge('c1', limits, hour + 3_600_000)).resolves.toBeUndefined();
    expect(await guard.use('c1', hour + 3_600_000)).toEqual({ minute: 1, hour: 1 });
    expect(await guard.use('other', hour)).toEqual({ minute: 0, hour: 0 });
  });

  it('refuses the call with INTERNAL when the store fails', async () => {
    const failing = {
      hit: () => Promise.reject(new Error('down')),
      peek: () => Promise.reject(new Error('down')),
    };
    const guard = new QuotaGuard(failing, 't:');
    await expect(guard.charge('c1', limits, 0)).rejects.toMatchObject({
      code: 'INTERNAL',
      message: 'brAInwav: quota store unavailable; call refused',
    });
  });
});

describe('gateway errors', () => {
  it('are ConnectorsErrors with unique codes mapped to HTTP statuses', async () => {
    const { ConnectorsError, ERROR_STATUS } = await import('@cortex-os/connectors-manifest');
    const { GATEWAY_ERROR_STATUS, GatewayError } = await import('../src/index.js');
    const error = new GatewayError('UPSTREAM_UNAVAILABLE', 'upstream down');
    expect(error).toBeInstanceOf(ConnectorsError);
    expect(error).toMatchObject({
      name: 'GatewayError',
      code: 'UPSTREAM_UNAVAILABLE',
      message: 'brAInwav: upstream down',
      status: 502,
    });
    const runtime = ERROR_STATUS as Record<string, number>;
    // every gateway code is a runtime code with the same status (one table)
    for (const [code, status] of Object.entries(GATEWAY_ERROR_STATUS))
      expect([code, runtime[code]]).toEqual([code, status]);
    expect(GATEWAY_ERROR_STATUS).toMatchObject({
      SESSION_LIMIT: 503,
      SESSION_LIMIT_PRINCIPAL: 429,
      POLICY_DENIED: 403,
    });
  });
});
