import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { startFixtureServer, type FixtureServer } from '@cortex-os/mcp-bridge/testing';
import { startTestRedis, type TestRedis } from '../../mcp-server/tests/helpers/redis.js';
import type { TrafficReport } from '../src/index.js';
import { connector, controlledSource, readSse, rest, signedMapText, startApp, testEnv } from './helpers.js';

type Json = TrafficReport;

async function callEcho(base: string, text: string): Promise<number> {
  const res = await fetch(`${base}/v1/connectors/fixtures/tools/echo/call`, {
    method: 'POST',
    headers: { ...rest, 'content-type': 'application/json' },
    body: JSON.stringify({ arguments: { text } }),
  });
  await res.arrayBuffer();
  return res.status;
}

async function traffic(base: string, window = '15m'): Promise<Json> {
  const res = await fetch(`${base}/v1/connectors/traffic?window=${window}`, { headers: rest });
  expect(res.status).toBe(200);
  return (await res.json()) as Json;
}

describe('GET /v1/connectors/traffic and its SSE stream, two replicas sharing Redis', () => {
  let redis: TestRedis;
  let fixture: FixtureServer;
  const apps: FastifyInstance[] = [];
  const bases: string[] = [];

  beforeAll(async () => {
    redis = await startTestRedis();
    fixture = await startFixtureServer({ name: 'fixture-traffic' });
    const map = await signedMapText([
      connector('fixtures', fixture.url, { quotas: { perMinute: 50, perHour: 500 } }),
      connector('dormant', 'http://127.0.0.1:9/mcp', { enabled: false }),
    ]);
    for (let i = 0; i < 2; i++) {
      const app = await startApp(testEnv({ REDIS_URL: redis.url }), controlledSource(map), {
        probeIntervalMs: 300,
        downDebounceMs: 200,
        trafficThrottleMs: 200,
      });
      apps.push(app);
      bases.push(await app.listen({ port: 0, host: '127.0.0.1' }));
    }
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    await fixture?.stop();
    await redis?.stop();
  });

  it('needs the REST key and a known window', async () => {
    const none = await apps[0]!.inject({ method: 'GET', url: '/v1/connectors/traffic' });
    expect(none.statusCode).toBe(401);
    const bad = await apps[0]!.inject({
      method: 'GET',
      url: '/v1/connectors/traffic?window=2d',
      headers: rest,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('brAInwav'),
    });
    const badStream = await apps[0]!.inject({
      method: 'GET',
      url: '/v1/connectors/traffic/events?window=1d',
      headers: rest,
    });
    expect(badStream.statusCode).toBe(400);
    // an inherited property name is no window either (the lookup is own keys only)
    const inherited = await apps[0]!.inject({
      method: 'GET',
      url: '/v1/connectors/traffic?window=constructor',
      headers: rest,
    });
    expect(inherited.statusCode).toBe(400);
  });

  it('counts calls made on either replica; both report the same totals, quota burn and recent calls', async () => {
    for (let i = 0; i < 6; i++) expect(await callEcho(bases[i % 2]!, `secret-arg-${i}`)).toBe(200);
    await expect.poll(async () => (await traffic(bases[1]!)).recent.length, { timeout: 5_000 }).toBe(6);
    const [r0, r1] = await Promise.all([traffic(bases[0]!), traffic(bases[1]!, '1h')]);
    const fx0 = r0.connectors.find((c) => c.id === 'fixtures')!;
    const fx1 = r1.connectors.find((c) => c.id === 'fixtures')!;
    expect(r0.windowMinutes).toBe(15);
    expect(fx0.points).toHaveLength(15);
    expect(r1.windowMinutes).toBe(60);
    expect(fx1.points).toHaveLength(60);
    expect(fx0.totals.calls).toBe(6);
    expect(fx1.totals.calls).toBe(6);
    expect(fx0.totals.p50Ms).not.toBeNull();
    expect(fx0.quota).toMatchObject({ perMinute: 50, perHour: 500, hourUse: 6 });
    expect(fx0.quota.burnPerMinute).toBeGreaterThan(0);
    expect(r0.recent[0]).toMatchObject({ connectorId: 'fixtures', tool: 'echo', outcome: 'ok' });
    expect(r0.recent[0]!.callerId).toMatch(/^key-[\da-f]{8}$/);
    expect(JSON.stringify(r0)).not.toContain('secret-arg');
    expect(JSON.stringify(r0)).not.toContain(rest.authorization.slice(7));
    const dormant = r0.connectors.find((c) => c.id === 'dormant')!;
    expect(dormant.status).toBe('disabled');
    expect(dormant.timeline.map((s) => s.state)).toEqual(['disabled']);
  });

  it('streams throttled traffic events: the chart moves after a call, the timeline turns offline', async () => {
    const stream = await fetch(`${bases[0]}/v1/connectors/traffic/events?window=15m`, { headers: rest });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const before = (await traffic(bases[0]!)).connectors.find((c) => c.id === 'fixtures')!.totals.calls;
    expect(await callEcho(bases[1]!, 'one more')).toBe(200);
    const started = Date.now();
    const seen = await readSse(
      stream,
      (events) =>
        events.some((e) => {
          if (e.event !== 'traffic' || !e.data) return false;
          const fx = (JSON.parse(e.data) as Json).connectors.find((c) => c.id === 'fixtures');
          return fx?.totals.calls === before + 1;
        }),
      5_000,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    const frames = seen.events.filter((e) => e.event === 'traffic');
    expect(frames.length).toBeGreaterThanOrEqual(1);
    expect(frames.length).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 200) + 2);
    await fixture.stop();
    const offline = await fetch(`${bases[1]}/v1/connectors/traffic/events`, { headers: rest });
    const { events } = await readSse(
      offline,
      (evs) =>
        evs.some(
          (e) =>
            e.event === 'traffic' &&
            (JSON.parse(e.data!) as Json).connectors.find((c) => c.id === 'fixtures')?.timeline.at(-1)
              ?.state === 'offline',
        ),
      10_000,
    );
    const last = JSON.parse(events.at(-1)!.data!) as Json;
    const spans = last.connectors.find((c) => c.id === 'fixtures')!.timeline;
    expect(spans.at(-1)!.state).toBe('offline');
    expect(spans.some((s) => s.state === 'online')).toBe(true);
  });
});
