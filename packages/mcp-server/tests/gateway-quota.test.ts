import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startFixtureServer, type FixtureServer } from '@cortex-os/mcp-bridge/testing';
import { createConnectorsMetrics } from '@cortex-os/telemetry';
import {
  createConnectorsGateway,
  RedisQuotaStore,
  staticConnectorSource,
  type QuotaStore,
} from '../src/index.js';
import { connectClient, connectorEntry, serveGateway } from './helpers/http.js';
import { metricValue } from './helpers/metrics.js';
import { bridgeProxy } from './helpers/proxy.js';

describe('quotas through the gateway', () => {
  let fixture: FixtureServer;
  const closers: Array<() => Promise<void>> = [];
  const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true });
  const prefix = `brainwav:test:mcp-server:${randomUUID()}:`;

  beforeAll(async () => {
    fixture = await startFixtureServer({ tools: ['echo'] });
    await redis.connect();
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await fixture.stop();
  });

  async function gatewayClient(
    quotaStore: QuotaStore | undefined,
    clock: () => number,
    quotas = { perMinute: 2, perHour: 3 },
  ) {
    const connector = connectorEntry('alpha', fixture.url, { quotas });
    const proxy = bridgeProxy(connector);
    const metrics = createConnectorsMetrics();
    const gateway = createConnectorsGateway({
      source: staticConnectorSource([{ connector, proxy }]),
      ...(quotaStore ? { quotaStore } : {}),
      metrics,
      clock,
    });
    const http = await serveGateway(gateway);
    const client = await connectClient(`${http.base}/mcp`);
    const pass = await connectClient(`${http.base}/mcp/connectors/alpha`);
    closers.push(
      () => proxy.close(),
      () => gateway.close(),
      () => http.close(),
      () => client.close(),
      () => pass.close(),
    );
    await client.listTools();
    return { gateway, client, pass, metrics };
  }

  it('answers QUOTA_EXCEEDED with retry seconds, counts the metric and resets with the window (injected clock)', async () => {
    let now = Date.UTC(2026, 10, 22, 10, 0, 30); // 30 s into the minute
    const { gateway, client, pass, metrics } = await gatewayClient(undefined, () => now);
    expect((await client.callTool({ name: 'alpha__echo', arguments: { text: '1' } })).isError).toBeFalsy();
    expect((await pass.callTool({ name: 'echo', arguments: { text: '2' } })).isError).toBeFalsy();
    const over = await client.callTool({ name: 'alpha__echo', arguments: { text: '3' } });
    expect(over.isError).toBe(true);
    expect(over.content).toEqual([
      {
        type: 'text',
        text: 'brAInwav: connector "alpha" exceeded its per-minute quota of 2 calls; retry in 30s (code QUOTA_EXCEEDED, retryAfterSeconds=30)',
      },
    ]);
    expect(over._meta).toEqual({
      'io.brainwav/error': {
        brand: 'brAInwav',
        code: 'QUOTA_EXCEEDED',
        retryAfterSeconds: 30,
        window: 'minute',
      },
    });
    expect((await pass.callTool({ name: 'echo', arguments: { text: '4' } })).isError).toBe(true);
    expect(await metricValue(metrics, 'quotaExceededTotal', { connector: 'alpha' })).toBe(2);
    expect(
      await metricValue(metrics, 'toolCallsTotal', { connector: 'alpha', outcome: 'quota_exceeded' }),
    ).toBe(2);
    expect(await gateway.getQuotaUse('alpha')).toEqual({ minute: 4, hour: 2 });
    now += 30_000; // next minute window
    expect((await client.callTool({ name: 'alpha__echo', arguments: { text: '5' } })).isError).toBeFalsy();
    const hourOver = await client.callTool({ name: 'alpha__echo', arguments: { text: '6' } });
    expect(hourOver._meta).toEqual({
      'io.brainwav/error': {
        brand: 'brAInwav',
        code: 'QUOTA_EXCEEDED',
        retryAfterSeconds: 3_540,
        window: 'hour',
      },
    });
    now += 3_600_000;
    expect((await client.callTool({ name: 'alpha__echo', arguments: { text: '7' } })).isError).toBeFalsy();
  });

  it('shares one budget between two gateway instances through the real Redis', async () => {
    const now = Date.now();
    const storeA = new RedisQuotaStore({ keyPrefix: prefix });
    const storeB = new RedisQuotaStore({ keyPrefix: prefix });
    closers.push(
      () => storeA.close(),
      () => storeB.close(),
    );
    const quotas = { perMinute: 3, perHour: 100 };
    const a = await gatewayClient(storeA, () => now, quotas);
    const b = await gatewayClient(storeB, () => now, quotas);
    const outcomes: boolean[] = [];
    for (const client of [a.client, b.client, a.client, b.client]) {
      outcomes.push(
        (await client.callTool({ name: 'alpha__echo', arguments: { text: 'r' } })).isError === true,
      );
    }
    expect(outcomes).toEqual([false, false, false, true]);
    expect(await a.gateway.getQuotaUse('alpha')).toEqual({ minute: 4, hour: 3 });
    expect(await b.gateway.getQuotaUse('alpha')).toEqual({ minute: 4, hour: 3 });
    const keys = await redis.keys(`${prefix}*`);
    expect(keys).toHaveLength(2);
    const ttl = await redis.pttl(keys.find((k) => k.includes(':m:'))!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(61_000);
  });
});
