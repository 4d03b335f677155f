import { describe, expect, it } from 'vitest';
import { CrashWindow } from '../src/crash-window.js';

describe('CrashWindow', () => {
  it('backs off exponentially with jitter, caps, then goes offline and recovers after the window', () => {
    const w = new CrashWindow(
      { maxRestarts: 3, restartWindowSeconds: 10, restartBackoffMs: { initial: 100, max: 300 } },
      () => 0.999,
    );
    const delays = [0, 1, 2].map((i) => w.record(1000 + i));
    expect(delays.map((v) => v.kind)).toEqual(['backoff', 'backoff', 'backoff']);
    const ms = delays.map((v) => (v.kind === 'backoff' ? v.delayMs : -1));
    expect(ms[0]).toBeLessThanOrEqual(100);
    expect(ms[1]).toBeLessThanOrEqual(200);
    expect(ms[2]).toBeLessThanOrEqual(300);
    expect(ms[1]).toBeGreaterThan(ms[0] as number);
    const loop = w.record(1003);
    expect(loop).toEqual({ kind: 'offline', crashes: 4, retryAfterMs: 10_000 });
    expect(w.quietInMs(1003)).toBe(10_000);
    expect(w.quietInMs(11_003)).toBe(0);
    expect(w.count(11_003)).toBe(0);
    expect(w.record(11_004).kind).toBe('backoff');
  });

  it('jitter keeps delays within [half, full]', () => {
    const low = new CrashWindow({ restartBackoffMs: { initial: 1000 } }, () => 0).record(0);
    const high = new CrashWindow({ restartBackoffMs: { initial: 1000 } }, () => 0.9999).record(0);
    expect(low.kind === 'backoff' && low.delayMs).toBeGreaterThanOrEqual(500);
    expect(high.kind === 'backoff' && high.delayMs).toBeLessThanOrEqual(1000);
  });
});
