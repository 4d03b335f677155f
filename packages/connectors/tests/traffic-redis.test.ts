import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startTestRedis, type TestRedis } from '../../mcp-server/tests/helpers/redis.js';
import { RedisTrafficStore, buildTrafficReport, type ConnectorInfo, type TrafficCall } from '../src/index.js';

const T0 = Date.UTC(2026, 11, 3, 10, 0, 0);
const MIN = 60_000;

function call(i: number, atMs: number, extra: Partial<TrafficCall> = {}): TrafficCall {
  return {
    id: `call-${i}`,
    atMs,
    callerId: 'key-0123abcd',
    connectorId: 'a',
    tool: 'echo',
    outcome: 'ok',
    durationMs: 30,
    ...extra,
  };
}

const A: ConnectorInfo = {
  id: 'a',
  displayName: 'A',
  status: 'enabled',
  availability: 'online',
  quotas: { perMinute: 60, perHour: 1000 },
  quotaUse: { minute: 0, hour: 0 },
};

describe('RedisTrafficStore against a private redis-server: replicas share one view', () => {
  let redis: TestRedis;
  let client: Redis;
  let one: RedisTrafficStore;
  let two: RedisTrafficStore;
  const keyPrefix = `brainwav:traffic-test:${randomBytes(4).toString('hex')}:`;

  beforeAll(async () => {
    redis = await startTestRedis();
    client = new Redis(redis.url);
    one = new RedisTrafficStore({ url: redis.url, keyPrefix });
    two = new RedisTrafficStore({ url: redis.url, keyPrefix });
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    client?.disconnect();
    await redis?.stop();
  });

  it('adds calls written by two replicas into the same minute buckets and recent ring', async () => {
    for (let i = 0; i < 30; i++)
      await (i % 2 ? one : two).record(
        call(i, T0 + i * 1_000, i === 7 ? { outcome: 'error', durationMs: 800 } : {}),
      );
    await one.record(call(100, T0 + MIN + 1_000, { outcome: 'offline' }));
    const now = T0 + MIN + 2_000;
    const raw = await two.read(['a'], T0 - 13 * MIN, now);
    const report = buildTrafficReport(raw, [A], 15, now);
    const a = report.connectors[0]!;
    expect(a.points.at(-2)).toMatchObject({ t: T0, calls: 30, errors: 1, offline: 0 });
    expect(a.points.at(-2)!.p50Ms).toBeGreaterThan(25);
    expect(a.points.at(-2)!.p50Ms).toBeLessThanOrEqual(50);
    expect(a.points.at(-1)).toMatchObject({ t: T0 + MIN, calls: 1, offline: 1 });
    expect(report.recent).toHaveLength(31);
    expect(report.recent[0]).toMatchObject({ id: 'call-100', outcome: 'offline' });
    expect(report.recent[1]!.id).toBe('call-29');
  });

  it('keeps at most 50 recent calls and lets bucket keys expire after about an hour', async () => {
    for (let i = 200; i < 260; i++) await one.record(call(i, T0 + 2 * MIN));
    expect(await client.llen(`${keyPrefix}recent`)).toBe(50);
    const ttl = await client.pttl(`${keyPrefix}b:a:${T0}`);
    expect(ttl).toBeGreaterThan(60 * MIN);
    expect(ttl).toBeLessThanOrEqual(65 * MIN);
    const raw = await one.read(['a'], T0 + 2 * MIN, T0 + 2 * MIN + 1);
    expect(raw.recent).toHaveLength(50);
    expect(raw.recent[0]!.id).toBe('call-259');
  });

  it('shares availability transitions with the opening state of the window', async () => {
    await one.transition({ connectorId: 'a', atMs: T0 - 20 * MIN, state: 'online' });
    await two.transition({ connectorId: 'a', atMs: T0 + 3 * MIN, state: 'offline' });
    await one.transition({ connectorId: 'a', atMs: T0 + 4 * MIN, state: 'online' });
    const now = T0 + 5 * MIN;
    const raw = await two.read(['a'], now - 14 * MIN, now);
    expect(raw.transitions.get('a')!.map((t) => t.state)).toEqual(['online', 'offline', 'online']);
    const spans = buildTrafficReport(raw, [A], 15, now).connectors[0]!.timeline;
    expect(spans.map((s) => [s.state, s.from])).toEqual([
      ['online', now - 14 * MIN],
      ['offline', T0 + 3 * MIN],
      ['online', T0 + 4 * MIN],
    ]);
  });

  it('answers an unknown connector with empty data', async () => {
    const raw = await one.read(['nope'], T0, T0 + MIN);
    expect(raw.buckets.get('nope')).toEqual([]);
    expect(raw.transitions.get('nope')).toEqual([]);
  });
});
