// Replicas sharing one Redis (a real redis-server): an availability change seen by one replica reaches the SSE
// clients and REST snapshot of the others within a probe round trip, not at their next probe interval (60 s
// here); a newer map loaded by one replica makes the others fetch theirs; Redis down leaves each replica on
// its own schedule and serving, and the bus recovers by itself.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FastifyInstance } from 'fastify';
import {
  startFixtureServer,
  startRedisServer,
  type FixtureServer,
  type TestRedisServer,
} from '@cortex-os/mcp-bridge/testing';
import { createSilentLogger } from '@cortex-os/telemetry';
import { EventHub } from '../src/events.js';
import { createClusterBus, MAP_CHASE_ATTEMPTS, mapChaser } from '../src/cluster-bus.js';
import { connector, controlledSource, readSse, rest, signedMapText, startApp, testEnv } from './helpers.js';

interface Replica {
  readonly app: FastifyInstance;
  readonly base: string;
  readonly source: ReturnType<typeof controlledSource>;
}

async function availability(r: Replica): Promise<string | undefined> {
  const res = await fetch(`${r.base}/v1/connectors`, { headers: rest });
  const body = (await res.json()) as { connectors: Array<{ id: string; availability?: string }> };
  return body.connectors.find((c) => c.id === 'fixtures')?.availability;
}

describe('cluster bus: status changes fan out across replicas through Redis pub/sub', () => {
  let redis: TestRedisServer;
  let upstream: FixtureServer;
  const replicas: Replica[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    upstream = await startFixtureServer();
    const map = await signedMapText([connector('fixtures', upstream.url)]);
    for (let i = 0; i < 2; i += 1) {
      const source = controlledSource(map);
      const app = await startApp(testEnv({ REDIS_URL: redis.url }), source, {
        downDebounceMs: 0,
        probeIntervalMs: 60_000,
        minRefreshIntervalMs: 1,
      });
      replicas.push({ app, base: await app.listen({ port: 0, host: '127.0.0.1' }), source });
    }
    for (const r of replicas) {
      const probe = await fetch(`${r.base}/v1/connectors/fixtures/probe`, { method: 'POST', headers: rest });
      expect(((await probe.json()) as { availability: string }).availability).toBe('online');
    }
  }, 30_000);

  afterAll(async () => {
    for (const r of replicas) await r.app.close();
    await upstream?.stop();
    await redis?.stop();
  });

  it("one replica's probe seeing the upstream go offline reaches the other's SSE clients and REST list", async () => {
    const [a, b] = replicas as [Replica, Replica];
    const stream = await fetch(`${b.base}/v1/connectors/events`, { headers: rest });
    const seen = readSse(stream, (events) =>
      events.some((e) => e.event === 'availability' && JSON.parse(e.data!).availability === 'offline'),
    );
    await upstream.stop();
    // only replica a probes (b's own interval is 60 s away)
    const probe = await fetch(`${a.base}/v1/connectors/fixtures/probe`, { method: 'POST', headers: rest });
    expect(((await probe.json()) as { availability: string }).availability).toBe('offline');
    const { events } = await seen;
    const offline = events.find((e) => e.event === 'availability');
    expect(JSON.parse(offline!.data!)).toMatchObject({ connectorId: 'fixtures', availability: 'offline' });
    expect(await availability(b)).toBe('offline');
    const metrics = await (await fetch(`${b.base}/metrics`)).text();
    expect(metrics).toMatch(/brainwav_mcp_connector_proxy_up\{[^}]*connector="fixtures"[^}]*\} 0/);
  });

  it('recovery seen by one replica brings the other back too', async () => {
    const [a, b] = replicas as [Replica, Replica];
    await upstream.restart();
    const probe = await fetch(`${a.base}/v1/connectors/fixtures/probe`, { method: 'POST', headers: rest });
    expect(((await probe.json()) as { availability: string }).availability).toBe('online');
    await expect.poll(() => availability(b), { timeout: 10_000 }).toBe('online');
  });

  it('a newer map loaded by one replica makes the other fetch and verify its own', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const v2 = await signedMapText([connector('fixtures', upstream.url), connector('more', upstream.url)], 2);
    a.source.set(v2);
    b.source.set(v2);
    const fetchesBefore = b.source.fetches;
    await a.app.connectors.runtime.refresh();
    expect(a.app.connectors.runtime.readiness().mapVersion).toBe(2);
    await expect.poll(() => b.app.connectors.runtime.readiness().mapVersion, { timeout: 10_000 }).toBe(2);
    expect(b.source.fetches).toBeGreaterThan(fetchesBefore);
  });
});

describe('cluster bus without Redis', () => {
  it('keeps the replica serving, logs the outage once, and delivers hints again once Redis is back', async () => {
    const redis = await startRedisServer();
    const port = redis.port;
    const warnings: string[] = [];
    const logger = createSilentLogger('cluster-test');
    const spy = Object.assign(Object.create(logger) as typeof logger, {
      child: () => spy,
      warn: (_o: unknown, msg: string) => void warnings.push(msg),
      info: () => undefined,
    });
    const hubA = new EventHub();
    const probed: string[] = [];
    const a = createClusterBus({
      url: redis.url,
      hub: hubA,
      logger: spy,
      replicaId: 'a',
      onAvailability: () => undefined,
      onMapUpdated: () => undefined,
    });
    const b = createClusterBus({
      url: redis.url,
      hub: new EventHub(),
      logger: spy,
      replicaId: 'b',
      debounceMs: 0,
      onAvailability: (id) => void probed.push(id),
      onMapUpdated: () => undefined,
    });
    try {
      const publish = (id: string) =>
        hubA.publish('availability', { connectorId: id, availability: 'offline' });
      await expect.poll(() => (publish('one'), probed.includes('one')), { timeout: 10_000 }).toBe(true);
      await redis.stop();
      publish('lost'); // dropped, never queued: the receivers' own probes cover the gap
      await expect.poll(() => warnings.length, { timeout: 10_000 }).toBeGreaterThan(0);
      expect(warnings[0]).toContain('brAInwav: cluster bus lost Redis');
      const restarted = await startRedisServer({ port });
      try {
        await expect.poll(() => (publish('two'), probed.includes('two')), { timeout: 20_000 }).toBe(true);
        expect(probed).not.toContain('lost');
        // once per connection (2 buses × publish + subscribe), not once per reconnect attempt
        expect(warnings.filter((w) => w.includes('lost Redis')).length).toBeLessThanOrEqual(4);
      } finally {
        await restarted.stop();
      }
    } finally {
      await a.close();
      await b.close();
      await redis.stop();
    }
  }, 40_000);
});

describe('map chase: a hinted map version this replica cannot see yet', () => {
  function runtimeSeeing(versions: number[]) {
    let version = 1;
    let refreshes = 0;
    return {
      runtime: {
        readiness: () => ({ mapVersion: version }),
        refresh: () => {
          version = versions[refreshes] ?? version;
          refreshes += 1;
          return Promise.resolve();
        },
      },
      refreshes: () => refreshes,
    };
  }

  it('refreshes again after 250 and 500 ms until its asbr serves the hinted version, then stops', async () => {
    const seen = runtimeSeeing([1, 1, 2]); // asbr reloads between the second and third fetch
    const waits: number[] = [];
    const onHint = mapChaser(seen.runtime, (ms) => {
      waits.push(ms);
      return Promise.resolve();
    });
    onHint(2);
    await vi.waitFor(() => expect(seen.refreshes()).toBe(3));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(waits).toEqual([250, 500]);
    expect(seen.refreshes()).toBe(3);
  });

  it(`gives up after ${MAP_CHASE_ATTEMPTS} refreshes when the version never comes, and a repeated hint starts a new chase`, async () => {
    const seen = runtimeSeeing([]);
    const waits: number[] = [];
    const onHint = mapChaser(seen.runtime, (ms) => {
      waits.push(ms);
      return Promise.resolve();
    });
    onHint(5);
    await vi.waitFor(() => expect(seen.refreshes()).toBe(MAP_CHASE_ATTEMPTS));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(waits).toEqual([250, 500, 1000, 2000]);
    onHint(5);
    await vi.waitFor(() => expect(seen.refreshes()).toBe(2 * MAP_CHASE_ATTEMPTS));
  });

  it('does nothing for a version it already has, and one chase serves hints that arrive during it', async () => {
    const seen = runtimeSeeing([1, 3]);
    let release: (() => void) | undefined;
    const onHint = mapChaser(seen.runtime, () => new Promise<void>((resolve) => (release = resolve)));
    onHint(1);
    expect(seen.refreshes()).toBe(0);
    onHint(2);
    await vi.waitFor(() => expect(release).toBeDefined()); // the chase waits before its second refresh
    expect(seen.refreshes()).toBe(1);
    onHint(3); // raises the running chase's target instead of starting a second one
    release!();
    await vi.waitFor(() => expect(seen.refreshes()).toBe(2));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen.refreshes()).toBe(2);
    expect(seen.runtime.readiness().mapVersion).toBe(3);
  });
});
