import { createTestTracing } from '@cortex-os/telemetry/testing';
import { describe, expect, it } from 'vitest';
import {
  ConnectorsMapExpiredError,
  ConnectorUnavailableError,
  type RegistryAvailabilityEvent,
  type RegistryChangeEvent,
} from '../src/index.js';
import { connector, hsSigner, signedMap, waitFor } from './helpers.js';
import { registryFixture, recordingFactory, sample } from './registry-helpers.js';

const TTL_MS = 300_000;
const fx = registryFixture();

const A = connector('alpha', 'http://127.0.0.1:9/mcp');
const B = connector('beta', 'http://127.0.0.1:9/mcp', { enabled: false });
const C = connector('gamma', 'http://127.0.0.1:9/mcp');

async function serve(version: number, connectors = [A, B, C], now = fx.clock.now()): Promise<string> {
  const raw = await signedMap({ connectors, version, now, signer: await hsSigner() });
  fx.server.serve(raw);
  return raw;
}

describe('hydration', () => {
  it('one proxy per enabled connector, created lazily once, reused across refreshes, closed when disabled or removed', async () => {
    await serve(1);
    const { registry, rec } = fx.setup();
    const changes: RegistryChangeEvent[] = [];
    const availability: RegistryAvailabilityEvent[] = [];
    registry.on('change', (e) => changes.push(e));
    registry.on('availability', (e) => availability.push(e));

    const map = await registry.ready();
    expect(map.version).toBe(1);
    expect(rec.created).toEqual([]); // lazy: no proxy before first use
    expect(registry.connectors().map((c) => [c.id, c.status])).toEqual([
      ['alpha', 'enabled'],
      ['beta', 'disabled'],
      ['gamma', 'enabled'],
    ]);
    const alpha = registry.proxy('alpha');
    expect([alpha.connectorId, alpha.state]).toEqual(['alpha', 'idle']);
    expect(registry.proxy('alpha')).toBe(alpha);
    registry.proxy('gamma');
    expect(rec.created).toEqual(['alpha', 'gamma']);
    expect(() => registry.proxy('beta')).toThrow(ConnectorUnavailableError);
    expect(() => registry.proxy('beta')).toThrowError(/^brAInwav: connector "beta" is disabled$/);
    expect(() => registry.proxy('nope')).toThrowError(
      expect.objectContaining({ code: 'CONNECTOR_NOT_FOUND' }) as Error,
    );

    // v2: alpha unchanged, gamma disabled, beta enabled with a new endpoint.
    await serve(2, [
      A,
      connector('beta', 'http://127.0.0.1:10/mcp'),
      connector('gamma', 'http://127.0.0.1:9/mcp', { enabled: false }),
    ]);
    expect(await registry.refresh()).toEqual({ outcome: 'updated', version: 2 });
    expect(registry.proxy('alpha')).toBe(alpha);
    await waitFor(() => rec.closed.length === 1);
    expect(rec.closed).toEqual(['gamma']);
    expect(registry.proxy('beta').connectorId).toBe('beta');
    expect(rec.created).toEqual(['alpha', 'gamma', 'beta']);
    expect(changes.map((c) => [c.map?.version, c.previousVersion, c.hydrated, c.closed])).toEqual([
      [1, null, ['alpha', 'gamma'], []],
      [2, 1, ['beta'], ['gamma']],
    ]);
    expect(availability).toEqual([
      { connectorId: 'gamma', up: false, reason: 'disabled', at: '2026-11-22T10:00:00.000Z' },
    ]);

    // v3: alpha's config changes (new header) → a new proxy; beta removed → closed.
    await serve(3, [connector('alpha', 'http://127.0.0.1:9/mcp', { headers: { 'x-tenant': 'b' } })]);
    await registry.refresh();
    expect(registry.proxy('alpha')).not.toBe(alpha);
    await waitFor(() => rec.closed.length === 3);
    expect([...rec.closed].sort()).toEqual(['alpha', 'beta', 'gamma']);
    expect(availability.map((a) => [a.connectorId, a.reason])).toEqual([
      ['gamma', 'disabled'],
      ['beta', 'removed'],
    ]);
  });

  it('a connector whose proxy cannot be created is unavailable, never breaking the others', async () => {
    await serve(1, [
      A,
      connector('bad', 'http://127.0.0.1:9/mcp', { auth: { type: 'bearer', secretRef: 'env:X' } }),
    ]);
    const { registry } = fx.setup({
      proxyFactory: (c) => {
        if (c.id === 'bad') throw Object.assign(new Error('nope'), { code: 'AUTH_CONFIG_INVALID' });
        return recordingFactory().factory(c);
      },
    });
    await registry.ready();
    expect(() => registry.proxy('bad')).toThrowError(
      /^brAInwav: connector "bad" is unreachable: its proxy could not be created \(AUTH_CONFIG_INVALID\)$/,
    );
    expect(registry.proxy('alpha').connectorId).toBe('alpha');
  });
});

describe('cache, telemetry and refresh', () => {
  it('serves the map within its TTL from one fetch, records the latency histogram and the hydrate span', async () => {
    const tracing = createTestTracing();
    tracing.reset();
    await serve(1);
    const { registry, metrics } = fx.setup();
    await registry.ready();
    await registry.ready();
    await fx.clock.advance(TTL_MS / 2 - 1);
    for (let i = 0; i < 5; i += 1) expect(registry.current().version).toBe(1);
    expect(fx.server.requests).toHaveLength(1);
    expect(fx.server.requests[0]?.authorization).toBe('Bearer brainwav-test-api-key-123456');
    expect(await sample(metrics.refreshLatencyMs, {}, 'brainwav_connector_refresh_latency_ms_count')).toBe(1);
    const span = tracing.spans().find((s) => s.name === 'connectors.registry.hydrate');
    expect(span?.attributes).toMatchObject({
      component: 'connectors',
      'connectors.count': 3,
      'map.version': 1,
    });
    expect(registry.status()).toMatchObject({ state: 'fresh', version: 1, lastRefusal: null });
  });

  it('revalidates from half the TTL with If-None-Match: 304 keeps the map, a new map replaces it', async () => {
    await serve(1);
    const { registry } = fx.setup();
    await registry.ready();
    expect(fx.clock.pending()).toContain(fx.clock.now() + TTL_MS / 2);
    await fx.clock.advance(TTL_MS / 2);
    await waitFor(() => fx.server.requests.length === 2);
    expect(fx.server.requests[1]?.ifNoneMatch).toBe('"v1"');
    await waitFor(() => registry.status().state === 'stale' && fx.clock.pending().length === 2);
    expect(registry.current().version).toBe(1);

    await serve(2);
    fx.server.hold();
    const pending = registry.refresh();
    expect(registry.current().version).toBe(1); // stale-while-revalidate: still served during the fetch
    fx.server.release();
    expect(await pending).toEqual({ outcome: 'updated', version: 2 });
    expect(registry.current().version).toBe(2);
  });

  it('shares one in-flight fetch between concurrent callers', async () => {
    await serve(1);
    const { registry } = fx.setup();
    fx.server.hold();
    const all = Promise.all([
      registry.ready(),
      registry.ready(),
      registry.refresh(),
      registry.refresh(),
      registry.refresh(),
    ]);
    await waitFor(() => fx.server.requests.length === 1);
    fx.server.release();
    const [m1, m2, r1, r2] = await all;
    expect([m1.version, m2.version, r1.outcome, r2.outcome]).toEqual([1, 1, 'updated', 'updated']);
    expect(fx.server.requests).toHaveLength(1);
  });

  it('makes connectors unavailable with CONNECTORS_MAP_EXPIRED when the map expires without a replacement, then recovers', async () => {
    await serve(1);
    const { registry, rec } = fx.setup({ minRefreshIntervalMs: 1_000, maxBackoffMs: 10_000 });
    const availability: RegistryAvailabilityEvent[] = [];
    registry.on('availability', (e) => availability.push(e));
    await registry.ready();
    registry.proxy('alpha');
    registry.proxy('gamma');
    fx.server.down(true);
    await fx.clock.advance(TTL_MS);
    await waitFor(() => rec.closed.length === 2);
    expect(() => registry.current()).toThrow(ConnectorsMapExpiredError);
    expect(() => registry.proxy('alpha')).toThrowError(
      expect.objectContaining({ code: 'CONNECTORS_MAP_EXPIRED' }) as Error,
    );
    expect(availability.map((a) => [a.connectorId, a.up, a.reason])).toEqual([
      ['alpha', false, 'CONNECTORS_MAP_EXPIRED'],
      ['gamma', false, 'CONNECTORS_MAP_EXPIRED'],
    ]);
    expect(registry.status().state).toBe('expired');

    await waitFor(() => fx.clock.pending().length === 1); // the retry timer, no fetch in flight
    fx.server.down(false);
    await serve(2);
    const before = fx.server.requests.length;
    await fx.clock.advance(10_000);
    await waitFor(() => registry.status().state === 'fresh');
    expect(fx.server.requests.length).toBeGreaterThan(before);
    expect(registry.current().version).toBe(2);
    expect(registry.proxy('alpha').connectorId).toBe('alpha');
  });
});

describe('lifecycle', () => {
  it('same bytes under a new ETag are "unchanged" (no re-hydration), then 304 with the new ETag', async () => {
    const raw = await serve(1);
    const { registry, rec } = fx.setup();
    const changes: RegistryChangeEvent[] = [];
    registry.on('change', (e) => changes.push(e));
    await registry.ready();
    fx.server.serve(raw); // same bytes, ETag "v2"
    expect(await registry.refresh()).toEqual({ outcome: 'unchanged', version: 1 });
    expect(await registry.refresh()).toEqual({ outcome: 'not-modified', version: 1 });
    expect(fx.server.requests.map((r) => r.ifNoneMatch)).toEqual([undefined, '"v1"', '"v2"']);
    expect(changes.map((c) => c.map?.version)).toEqual([1]);
    expect(rec.created).toEqual([]);
  });

  it('close() aborts the in-flight request, closes every proxy and refuses further use with NOT_READY', async () => {
    await serve(1);
    const { registry, rec } = fx.setup();
    await registry.ready();
    registry.proxy('alpha');
    registry.proxy('gamma');
    fx.server.hold();
    const pending = registry.refresh().catch((e: unknown) => e);
    await waitFor(() => fx.server.requests.length === 2);
    await registry.close();
    expect(await pending).toMatchObject({ code: 'NOT_READY' });
    expect([...rec.closed].sort()).toEqual(['alpha', 'gamma']);
    expect(() => registry.current()).toThrowError(expect.objectContaining({ code: 'NOT_READY' }) as Error);
    expect(registry.status().state).toBe('closed');
    fx.server.release();
  });
});
