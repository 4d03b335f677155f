// Quotas with a private redis-server this test starts, kills and restarts: Redis down falls back to local limits
// (open) or refuses (closed) with one warning, recovers by itself, and several gateways sharing one Redis admit
// exactly the limit under concurrent calls.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, startRedisServer, type FixtureServer } from '@cortex-os/mcp-bridge/testing';
import {
  createConnectorsGateway,
  FallbackQuotaStore,
  QuotaGuard,
  RedisQuotaStore,
  staticConnectorSource,
  type QuotaRedisFailureMode,
} from '../src/index.js';
import { connectClient, connectorEntry, eventually, serveGateway } from './helpers/http.js';
import { bridgeProxy } from './helpers/proxy.js';

type Redis = Awaited<ReturnType<typeof startRedisServer>>;
const NOW = Date.UTC(2026, 10, 22, 10, 0, 20); // 20 s into a minute: no window boundary during the test
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
});

function recordingLogger() {
  const lines: Array<{ level: 'warn' | 'info'; msg: string }> = [];
  return {
    lines,
    warn: (_obj: object, msg: string) => void lines.push({ level: 'warn', msg }),
    info: (_obj: object, msg: string) => void lines.push({ level: 'info', msg }),
  };
}

function fallbackStore(url: string, mode: QuotaRedisFailureMode) {
  const logger = recordingLogger();
  const states: boolean[] = [];
  const primary = new RedisQuotaStore({ url, keyPrefix: `t:${mode}:` });
  const store = new FallbackQuotaStore({ primary, mode, logger, onStateChange: (up) => states.push(up) });
  closers.push(() => store.close());
  return { store, logger, states };
}

describe('FallbackQuotaStore over a real redis-server', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('open: keeps counting locally while Redis is down, warns once, recovers by itself', async () => {
    const { store, logger, states } = fallbackStore(redis.url, 'open');
    const guard = new QuotaGuard(store, 'gw:');
    const limits = { perMinute: 3, perHour: 100 };
    await guard.charge('alpha', limits, NOW);
    expect(await guard.use('alpha', NOW)).toEqual({ minute: 1, hour: 1 });
    expect(store.up).toBe(true);

    await redis.stop();
    // local limits: this replica alone enforces the full perMinute from zero
    for (let i = 0; i < 3; i += 1) await guard.charge('alpha', limits, NOW);
    const over = await guard.charge('alpha', limits, NOW).catch((e: unknown) => e);
    expect(over).toMatchObject({ code: 'QUOTA_EXCEEDED' });
    expect(store.up).toBe(false);
    expect(logger.lines).toEqual([
      {
        level: 'warn',
        msg: 'brAInwav: Redis unreachable; quotas fall back to this replica’s local limits until it returns',
      },
    ]);

    redis = await startRedisServer({ port: redis.port });
    // beta's polling calls are counted locally until the store reconnects: a roomy limit, so a slow
    // reconnect (ioredis backoff under load) is not a quota refusal
    const roomy = { perMinute: 10_000, perHour: 10_000 };
    await eventually(async () => {
      await guard.charge('beta', roomy, NOW);
      return store.up;
    }, 10_000);
    expect(states).toEqual([false, true]);
    expect(logger.lines.at(-1)).toEqual({
      level: 'info',
      msg: 'brAInwav: Redis reachable again; quotas are shared across replicas again',
    });
    // the restarted Redis (no persistence) counts beta's calls in the shared store again
    expect((await guard.use('beta', NOW)).minute).toBeGreaterThanOrEqual(1);
    expect(logger.lines.filter((l) => l.level === 'warn')).toHaveLength(1);
  });

  it('closed: refuses calls (quota store unavailable) while Redis is down', async () => {
    const { store, logger } = fallbackStore(redis.url, 'closed');
    const guard = new QuotaGuard(store, 'gw:');
    const limits = { perMinute: 10, perHour: 100 };
    await guard.charge('alpha', limits, NOW);
    await redis.stop();
    for (let i = 0; i < 2; i += 1) {
      const refused = await guard.charge('alpha', limits, NOW).catch((e: unknown) => e);
      expect(refused).toMatchObject({
        code: 'INTERNAL',
        message: 'brAInwav: quota store unavailable; call refused',
      });
    }
    expect(logger.lines.map((l) => l.msg)).toEqual([
      'brAInwav: Redis unreachable; tool calls are refused (quota store unavailable) until it returns',
    ]);
    redis = await startRedisServer({ port: redis.port });
    await eventually(async () => {
      await guard.charge('alpha', limits, NOW).catch(() => undefined);
      return store.up;
    }, 10_000);
    await expect(guard.charge('alpha', limits, NOW)).resolves.toBeUndefined();
  });
});

describe('a quota across gateway replicas sharing one Redis', () => {
  let redis: Redis;
  let fixture: FixtureServer;
  beforeAll(async () => {
    [redis, fixture] = await Promise.all([startRedisServer(), startFixtureServer({ tools: ['echo'] })]);
  });
  afterAll(async () => {
    await Promise.all([redis.stop(), fixture.stop()]);
  });

  async function replica(perMinute: number) {
    const connector = connectorEntry('alpha', fixture.url, { quotas: { perMinute, perHour: 10_000 } });
    const proxy = bridgeProxy(connector);
    const quotaStore = new RedisQuotaStore({ url: redis.url, keyPrefix: 'exact:' });
    const gateway = createConnectorsGateway({
      source: staticConnectorSource([{ connector, proxy }]),
      quotaStore,
      clock: () => NOW,
    });
    const http = await serveGateway(gateway);
    const client = await connectClient(`${http.base}/mcp`);
    closers.push(
      () => quotaStore.close(),
      () => proxy.close(),
      () => gateway.close(),
      () => http.close(),
      () => client.close(),
    );
    await client.listTools();
    return { gateway, client };
  }

  it('admits exactly 100 of 150 concurrent calls spread over 3 replicas (100/min)', async () => {
    const replicas = await Promise.all([replica(100), replica(100), replica(100)]);
    const calls = Array.from({ length: 150 }, (_, i) =>
      replicas[i % 3]!.client.callTool({ name: 'alpha__echo', arguments: { text: String(i) } }),
    );
    const results = await Promise.all(calls);
    const admitted = results.filter((r) => r.isError !== true).length;
    const refused = results.filter(
      (r) => (r._meta?.['io.brainwav/error'] as { code?: string } | undefined)?.code === 'QUOTA_EXCEEDED',
    ).length;
    expect(admitted).toBe(100);
    expect(refused).toBe(50);
    for (const { gateway } of replicas)
      expect(await gateway.getQuotaUse('alpha')).toEqual({ minute: 150, hour: 100 });
  });
});
