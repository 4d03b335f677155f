import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { startFixtureServer, type FixtureServer } from '@cortex-os/mcp-bridge/testing';
import { connector, controlledSource, readSse, rest, signedMapText, startApp, testEnv } from './helpers.js';

const NEW_KEY = 'rotated-signature-key-0123456789-abcdefghijkl';

describe('a tampered map from asbr', () => {
  let fixture: FixtureServer;
  let app: FastifyInstance;
  let good: string;
  let source: ReturnType<typeof controlledSource>;

  beforeAll(async () => {
    fixture = await startFixtureServer();
    good = await signedMapText([connector('fixtures', fixture.url)]);
    source = controlledSource(good);
    app = await startApp(testEnv(), source);
  });
  afterAll(async () => {
    await app?.close();
    await fixture?.stop();
  });

  it('keeps the last good map and reports the refusal (readyz, metric, SSE)', async () => {
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const stream = await fetch(`${base}/v1/connectors/events`, { headers: rest });
    const next = await signedMapText(
      [connector('fixtures', fixture.url), connector('evil', 'http://attacker.example/mcp')],
      2,
    );
    const tampered = next.replace('"displayName":"Test evil"', '"displayName":"Totally safe"');
    expect(tampered).not.toBe(next);
    source.set(tampered);
    await app.connectors.runtime.refresh();

    const map = await app.inject({ method: 'GET', url: '/v1/connectors/service-map', headers: rest });
    expect(map.body).toBe(good);
    const list = await app.inject({ method: 'GET', url: '/v1/connectors', headers: rest });
    expect(list.json<{ connectors: { id: string }[] }>().connectors.map((c) => c.id)).toEqual(['fixtures']);
    expect(list.json().mapHealth).toEqual({
      state: 'refused',
      lastError: {
        code: 'BAD_SIGNATURE',
        message: expect.stringMatching(/^brAInwav: service map refused \(BAD_SIGNATURE\)/),
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      },
    });
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      status: 'degraded',
      mapVersion: 1,
      lastRefusal: { code: 'BAD_SIGNATURE' },
    });
    expect(ready.json().reason).toMatch(/^brAInwav: .*BAD_SIGNATURE/);
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/brainwav_service_map_verify_failures_total\{code="BAD_SIGNATURE"\} 1/);
    const { events } = await readSse(
      stream,
      (ev) => ev.some((e) => e.event === 'map-refused') && ev.some((e) => e.event === 'map-health'),
    );
    expect(JSON.parse(events.find((e) => e.event === 'map-refused')!.data!)).toMatchObject({
      code: 'BAD_SIGNATURE',
      keptMapVersion: 1,
    });
    expect(JSON.parse(events.find((e) => e.event === 'snapshot')!.data!).mapHealth).toEqual({
      state: 'fresh',
      lastError: null,
    });
    expect(JSON.parse(events.find((e) => e.event === 'map-health')!.data!)).toMatchObject({
      state: 'refused',
      lastError: { code: 'BAD_SIGNATURE' },
    });

    source.set(next);
    await app.connectors.runtime.refresh();
    const after = await app.inject({ method: 'GET', url: '/v1/connectors/service-map', headers: rest });
    expect(after.body).toBe(next);
    expect(after.headers.etag).toBe(`"${next.length}-${source.fetches}"`);
    const healthy = await app.inject({ method: 'GET', url: '/v1/connectors', headers: rest });
    expect(healthy.json().mapHealth).toEqual({ state: 'fresh', lastError: null });
    const recovered = await app.inject({ method: 'GET', url: '/readyz' });
    expect(recovered.json()).toMatchObject({
      status: 'ready',
      mapVersion: 2,
      lastRefusal: { code: 'BAD_SIGNATURE' },
    });
    expect(recovered.json().reason).toBeUndefined();
  });
});

describe('readiness without a verified map', () => {
  it('is 503 while asbr only serves maps that fail verification', async () => {
    const bad = (await signedMapText([connector('x', 'http://127.0.0.1:9/mcp')])).replace(
      '"version":1',
      '"version":7',
    );
    const app = await startApp(testEnv(), controlledSource(bad));
    try {
      const ready = await app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ brand: 'brAInwav', status: 'unavailable', mapVersion: null });
      const list = await app.inject({ method: 'GET', url: '/v1/connectors', headers: rest });
      expect(list.statusCode).toBe(503);
      expect(list.json().error.code).toBe('NOT_READY');
      expect(list.json().mapHealth).toMatchObject({
        state: 'expired',
        lastError: { code: 'BAD_SIGNATURE', message: expect.stringMatching(/^brAInwav: /) },
      });
      const map = await app.inject({ method: 'GET', url: '/v1/connectors/service-map', headers: rest });
      expect(map.statusCode).toBe(503);
    } finally {
      await app.close();
    }
  });
});

describe('signing key rotation', () => {
  it('accepts maps signed with a key added to CONNECTORS_VERIFY_KEYS and refuses unknown keys', async () => {
    const source = controlledSource(await signedMapText([]));
    const app = await startApp(
      testEnv({ CONNECTORS_VERIFY_KEYS: JSON.stringify([{ alg: 'HS256', secret: NEW_KEY }]) }),
      source,
    );
    try {
      source.set(await signedMapText([], 2, new Date(), NEW_KEY));
      await app.connectors.runtime.refresh();
      expect(app.connectors.runtime.readiness()).toMatchObject({
        ready: true,
        mapVersion: 2,
        lastRefusal: null,
      });
      source.set(await signedMapText([], 3, new Date(), 'some-other-signature-key-0123456789-abcdef'));
      await app.connectors.runtime.refresh();
      expect(app.connectors.runtime.readiness()).toMatchObject({
        ready: true,
        mapVersion: 2,
        lastRefusal: { code: 'KEY_UNKNOWN' },
      });
    } finally {
      await app.close();
    }
  });
});
