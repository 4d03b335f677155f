import { describe, expect, it } from 'vitest';
import type { CallOutcome } from '@cortex-os/mcp-server';
import {
  LATENCY_BINS,
  MemoryTrafficStore,
  buildTrafficReport,
  createTrafficService,
  quantile,
  latencyBin,
  timeline,
  type AvailabilityTransition,
  type ConnectorInfo,
  type TrafficCall,
} from '../src/index.js';

const T0 = Date.UTC(2026, 11, 3, 10, 0, 0); // a minute boundary
const MIN = 60_000;

let seq = 0;
function call(atMs: number, outcome: CallOutcome = 'ok', durationMs = 20, connectorId = 'a'): TrafficCall {
  seq += 1;
  return { id: `c${seq}`, atMs, callerId: 'key-0123abcd', connectorId, tool: 'echo', outcome, durationMs };
}

function info(id: string, extra: Partial<ConnectorInfo> = {}): ConnectorInfo {
  return {
    id,
    displayName: `Conn ${id}`,
    status: 'enabled',
    availability: 'online',
    quotas: { perMinute: 60, perHour: 1000 },
    quotaUse: { minute: 0, hour: 0 },
    ...extra,
  };
}

describe('latency histogram', () => {
  it('bins durations and interpolates quantiles inside a bin', () => {
    expect(latencyBin(0)).toBe(0);
    expect(latencyBin(5)).toBe(0);
    expect(latencyBin(6)).toBe(1);
    expect(latencyBin(999_999)).toBe(LATENCY_BINS - 1);
    const h = new Array<number>(LATENCY_BINS).fill(0);
    expect(quantile(h, 0.5)).toBeNull();
    h[latencyBin(20)] = 10; // 10..25 ms
    expect(quantile(h, 0.5)).toBe(18); // 10 + 15 * 5/10 = 17.5 → 18
    h[latencyBin(4000)] = 1; // one slow call in 2500..5000
    expect(quantile(h, 0.95)).toBe(3625); // rank 10.45: 0.45 into the 2500..5000 bin
  });
});

describe('MemoryTrafficStore + buildTrafficReport (injected clock)', () => {
  it('counts calls per minute with errors, offline fallbacks, refusals and p50/p95', async () => {
    const store = new MemoryTrafficStore();
    for (let i = 0; i < 8; i++) await store.record(call(T0 + 1_000 * i, 'ok', 20));
    await store.record(call(T0 + 9_000, 'error', 400));
    await store.record(call(T0 + 10_000, 'offline', 3));
    await store.record(call(T0 + MIN + 5, 'quota_exceeded', 1));
    const now = T0 + MIN + 30_000;
    const raw = await store.read(['a'], T0 - 14 * MIN + MIN, now);
    const report = buildTrafficReport(raw, [info('a')], 15, now);
    const a = report.connectors[0]!;
    expect(a.points).toHaveLength(15);
    expect(a.points.at(-1)!.t).toBe(T0 + MIN);
    const first = a.points.at(-2)!;
    expect(first).toMatchObject({ t: T0, calls: 10, errors: 1, offline: 1, refused: 0 });
    expect(first.p50Ms).toBeGreaterThanOrEqual(10);
    expect(first.p50Ms).toBeLessThanOrEqual(25);
    expect(first.p95Ms).toBeGreaterThan(250);
    expect(a.points.at(-1)).toMatchObject({ calls: 1, refused: 1 });
    expect(a.points.slice(0, 13).every((p) => p.calls === 0 && p.p50Ms === null)).toBe(true);
    expect(a.totals).toMatchObject({ calls: 11, errors: 1, offline: 1, refused: 1 });
    expect(a.totals.errorRate).toBeCloseTo(1 / 11);
    expect(report.recent.map((r) => r.outcome).slice(0, 3)).toEqual(['quota_exceeded', 'offline', 'error']);
    expect(report.recent[0]).toEqual({
      id: expect.any(String),
      at: new Date(T0 + MIN + 5).toISOString(),
      callerId: 'key-0123abcd',
      connectorId: 'a',
      tool: 'echo',
      outcome: 'quota_exceeded',
      durationMs: 1,
    });
  });

  it('rolls buckets over: a 15 min window drops older minutes, 1 h keeps them, memory stays bounded', async () => {
    const store = new MemoryTrafficStore();
    // three hours of traffic, 2 calls a minute, on 3 connectors
    for (let m = 0; m < 180; m++)
      for (const id of ['a', 'b', 'c']) {
        await store.record(call(T0 + m * MIN, 'ok', 10, id));
        await store.record(call(T0 + m * MIN + 30_000, 'ok', 10, id));
      }
    const size = store.size;
    expect(size.connectors).toBe(3);
    expect(size.buckets).toBe(3 * 60); // one hour per connector, whatever ran before
    expect(size.recent).toBeGreaterThanOrEqual(50); // trimmed to the newest 50 once 100 are held
    expect(size.recent).toBeLessThan(100);
    const now = T0 + 179 * MIN + 45_000;
    const raw15 = await store.read(['a'], now - 15 * MIN, now);
    expect(raw15.recent).toHaveLength(50);
    // the last recorded first: c's two calls of the last minute, then b's
    expect(raw15.recent.slice(0, 3).map((c) => [c.connectorId, c.atMs])).toEqual([
      ['c', T0 + 179 * MIN + 30_000],
      ['c', T0 + 179 * MIN],
      ['b', T0 + 179 * MIN + 30_000],
    ]);
    const r15 = buildTrafficReport(raw15, [info('a')], 15, now);
    expect(r15.connectors[0]!.points).toHaveLength(15);
    expect(r15.connectors[0]!.totals.calls).toBe(30);
    const raw60 = await store.read(['a'], now - 60 * MIN, now);
    const r60 = buildTrafficReport(raw60, [info('a')], 60, now);
    expect(r60.connectors[0]!.points).toHaveLength(60);
    expect(r60.connectors[0]!.totals.calls).toBe(120);
    expect(r60.from).toBe(T0 + 120 * MIN);
  });

  it('keeps a bounded number of transitions and the state the window opens with', async () => {
    const store = new MemoryTrafficStore();
    for (let i = 0; i < 1_000; i++)
      await store.transition({ connectorId: 'a', atMs: T0 + i * 1_000, state: i % 2 ? 'offline' : 'online' });
    expect(store.size.transitions).toBeLessThanOrEqual(256);
    const now = T0 + 999_000;
    const raw = await store.read(['a'], now - 10_500, now);
    const list = raw.transitions.get('a')!;
    expect(list[0]!.atMs).toBeLessThan(now - 10_500); // the opening state
    expect(list).toHaveLength(12);
  });

  it('computes quota burn and the time to exhaustion, null when the window resets first', async () => {
    const store = new MemoryTrafficStore();
    for (let m = 0; m < 5; m++) for (let i = 0; i < 10; i++) await store.record(call(T0 + m * MIN + i * 100));
    const now = T0 + 4 * MIN + 10_000;
    const c = info('a', { quotas: { perMinute: 20, perHour: 100 }, quotaUse: { minute: 10, hour: 50 } });
    const report = buildTrafficReport(await store.read(['a'], now - 15 * MIN, now), [c], 15, now);
    const q = report.connectors[0]!.quota;
    expect(q.burnPerMinute).toBe(10);
    expect(q.minuteExhaustsInSec).toBeNull(); // 10 left at 10/min = 60 s, the minute resets in 50 s
    expect(q.hourExhaustsInSec).toBe(300); // 50 left at 10/min
    const full = buildTrafficReport(
      await store.read(['a'], now - 15 * MIN, now),
      [{ ...c, quotaUse: { minute: 20, hour: 50 } }],
      15,
      now,
    );
    expect(full.connectors[0]!.quota.minuteExhaustsInSec).toBe(0);
  });
});

describe('availability timeline', () => {
  const from = T0;
  const now = T0 + 15 * MIN;
  it('opens unknown without history, then follows transitions and merges equal neighbours', () => {
    const spans = timeline(
      [
        { connectorId: 'a', atMs: T0 + MIN, state: 'online' },
        { connectorId: 'a', atMs: T0 + 2 * MIN, state: 'online' },
        { connectorId: 'a', atMs: T0 + 5 * MIN, state: 'offline' },
        { connectorId: 'a', atMs: T0 + 6 * MIN, state: 'online' },
      ],
      from,
      now,
    );
    expect(spans).toEqual([
      { from, to: T0 + MIN, state: 'unknown' },
      { from: T0 + MIN, to: T0 + 5 * MIN, state: 'online' },
      { from: T0 + 5 * MIN, to: T0 + 6 * MIN, state: 'offline' },
      { from: T0 + 6 * MIN, to: now, state: 'online' },
    ]);
  });
  it('starts with the state before the window', () => {
    expect(timeline([{ connectorId: 'a', atMs: T0 - MIN, state: 'offline' }], from, now)).toEqual([
      { from, to: now, state: 'offline' },
    ]);
  });
  it('draws a disabled connector as disabled over the whole window', () => {
    const report = buildTrafficReport(
      { buckets: new Map(), transitions: new Map(), recent: [] },
      [info('d', { status: 'disabled', availability: 'unknown' })],
      15,
      now,
    );
    expect(report.connectors[0]!.timeline).toEqual([
      { from: now - (now % MIN) - 14 * MIN, to: now, state: 'disabled' },
    ]);
  });
});

describe('createTrafficService', () => {
  it('records audit records and availability changes, forwards to the inner sink, seeds a first state', async () => {
    let now = T0 + 30_000;
    const listeners = new Set<(t: AvailabilityTransition) => void>();
    const emit = (t: AvailabilityTransition): void => listeners.forEach((l) => l(t));
    const store = new MemoryTrafficStore();
    const forwarded: string[] = [];
    const service = createTrafficService({
      store,
      follow: (l) => {
        listeners.add(l);
        return () => void listeners.delete(l);
      },
      now: () => now,
      connectors: () => Promise.resolve([info('a'), info('b', { availability: 'offline' })]),
    });
    const sink = service.sink({ write: (r) => void forwarded.push(r.tool) });
    sink.write({
      ts: new Date(T0 + 10_000).toISOString(),
      brand: 'brAInwav',
      callerId: 'key-0123abcd',
      via: 'api-key',
      connectorId: 'a',
      tool: 'echo',
      outcome: 'ok',
      durationMs: 12,
      traceId: '0'.repeat(32),
      endpoint: 'rest',
    });
    emit({ connectorId: 'a', state: 'offline', atMs: T0 + 20_000 });
    emit({ connectorId: 'a', state: 'online', atMs: T0 + 25_000 });
    await new Promise((r) => setImmediate(r));
    expect(forwarded).toEqual(['echo']);
    const first = await service.report(15);
    const a = first.connectors.find((c) => c.id === 'a')!;
    expect(a.points.at(-1)!.calls).toBe(1);
    expect(a.timeline.map((s) => s.state)).toEqual(['unknown', 'offline', 'online']);
    expect(JSON.stringify(first.recent)).not.toContain('traceId');
    now += MIN;
    const b = (await service.report(15)).connectors.find((c) => c.id === 'b')!;
    expect(b.timeline.map((s) => s.state)).toEqual(['unknown', 'offline']); // seeded at the first report
    service.close();
    emit({ connectorId: 'a', state: 'offline', atMs: now });
    expect((await store.read(['a'], T0, now)).transitions.get('a')).toHaveLength(2); // nothing after close()
  });
});
