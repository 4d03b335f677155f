import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import {
  ConnectorsError,
  buildServiceMap,
  createKeySet,
  createSigner,
  defaultEdKid,
  defaultHsKid,
  parseManifest,
  signServiceMap,
  verifyServiceMap,
  type ServiceMap,
} from '@cortex-os/connectors-manifest';
import {
  API_KEY,
  API_KEY_2,
  MAP_PATH,
  SIGNING_KEY,
  T0,
  bearer,
  fixtureJson,
  makeApp,
  manifestSource,
} from './helpers.js';

/** Golden value: HS256 over the fixture manifest at T0 with id …E100 and version T0. */
const EXPECTED_SIGNATURE =
  'eyJhbGciOiJIUzI1NiIsImtpZCI6ImhzMjU2LWY5ZTE4MzVhN2JkMCIsInR5cCI6ImNvbm5lY3RvcnMtbWFwK2p3cyJ9..K2YCWwtFa2RW1oINnOpg5TJJWbKQWqctobf3_T7rz0w';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function verify(body: string, nowMs = T0 + 1_000) {
  const keys = await createKeySet([{ alg: 'HS256', secret: SIGNING_KEY }]);
  return verifyServiceMap(body, { keys, now: new Date(nowMs) });
}

describe('GET /v1/connectors/service-map', () => {
  it('serves a signed map that verifies with the configured key', async () => {
    ({ app } = await makeApp());
    const res = await app.inject({ url: MAP_PATH, headers: bearer() });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    const result = await verify(res.body);
    expect(result).toMatchObject({ ok: true, alg: 'HS256', kid: await defaultHsKid(SIGNING_KEY) });
    const map = res.json<ServiceMap>();
    expect(map).toMatchObject({
      brand: 'brAInwav',
      manifestId: 'brainwav-fixture',
      manifestVersion: '2026.11.22-1',
      version: T0,
      generatedAt: '2026-11-22T10:00:00.000Z',
      expiresAt: '2026-11-22T10:05:00.000Z',
      ttlSeconds: 300,
    });
    expect(map.connectors.map((c) => c.id)).toEqual(['everything', 'fixtures', 'tasks']);
  });

  it('signs deterministically for a fixed clock, key and id source', async () => {
    ({ app } = await makeApp());
    const first = await app.inject({ url: MAP_PATH, headers: bearer() });
    const again = await makeApp();
    const second = await again.app.inject({ url: MAP_PATH, headers: bearer() });
    await again.app.close();
    expect(second.body).toBe(first.body);
    expect(first.json().id).toBe('01KAQ3Z6W5J8Y4N2B7C9D0E100');
    expect(first.json().signature).toBe(EXPECTED_SIGNATURE);
    expect((await verify(first.body)).ok).toBe(true);
    const unsigned = buildServiceMap(parseManifest(fixtureJson()), {
      now: new Date(T0),
      id: '01KAQ3Z6W5J8Y4N2B7C9D0E100',
      version: T0,
    });
    const independent = await signServiceMap(
      unsigned,
      await createSigner({ alg: 'HS256', secret: SIGNING_KEY }),
    );
    expect(independent.signature).toBe(EXPECTED_SIGNATURE);
    expect(first.json()).toEqual(independent);
  });

  it('marks disabled connectors with status "disabled" and a branded statusMessage', async () => {
    ({ app } = await makeApp());
    const { connectors } = (await app.inject({ url: MAP_PATH, headers: bearer() })).json<ServiceMap>();
    const byId = Object.fromEntries(connectors.map((c) => [c.id, c]));
    expect(byId.tasks).toMatchObject({ enabled: false, status: 'disabled' });
    expect(byId.tasks!.statusMessage).toMatch(/^brAInwav: /);
    expect(byId.everything).toMatchObject({ enabled: true, status: 'enabled' });
    expect(byId.fixtures!.auth).toEqual({
      type: 'apiKey',
      headerName: 'X-Demo-Key',
      secretRef: 'env:CONNECTOR_FIXTURES_KEY',
    });
  });

  it('answers 401 without a key and 403 with a wrong one, branded', async () => {
    ({ app } = await makeApp());
    const missing = await app.inject({ url: MAP_PATH });
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="brAInwav asbr"');
    expect(missing.json()).toMatchObject({ brand: 'brAInwav', error: { code: 'UNAUTHORIZED' } });
    expect(missing.json().error.message).toMatch(/^brAInwav: /);
    expect(missing.json().traceId).toMatch(/^[\da-f]{32}$/);
    const basic = await app.inject({ url: MAP_PATH, headers: { authorization: 'Basic abc' } });
    expect(basic.statusCode).toBe(401);
    const wrong = await app.inject({ url: MAP_PATH, headers: bearer('not-the-key') });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json()).toMatchObject({ brand: 'brAInwav', error: { code: 'FORBIDDEN' } });
    const wrongHeader = await app.inject({ url: MAP_PATH, headers: { 'x-api-key': `${API_KEY}x` } });
    expect(wrongHeader.statusCode).toBe(403);
  });

  it('accepts every configured key via Bearer (any case) or X-API-Key', async () => {
    ({ app } = await makeApp());
    const codes = await Promise.all([
      app.inject({ url: MAP_PATH, headers: { authorization: `bearer ${API_KEY}` } }),
      app.inject({ url: MAP_PATH, headers: bearer(API_KEY_2) }),
      app.inject({ url: MAP_PATH, headers: { 'x-api-key': API_KEY_2 } }),
    ]);
    expect(codes.map((r) => r.statusCode)).toEqual([200, 200, 200]);
  });

  it('signs with EdDSA when CONNECTORS_SIGNING_JWK is set; verifies with the public key only', async () => {
    const privateJwk = {
      crv: 'Ed25519',
      d: 'r7HauX9tUd5EmooLHHJ59znswQ7FC40ciKa2wGwefbI',
      x: 'OhX4iH7sgty5wfocCbkjutSOMP1v15p8_mHKcu6w0GE',
      kty: 'OKP',
    };
    ({ app } = await makeApp({ env: { CONNECTORS_SIGNING_JWK: JSON.stringify(privateJwk) } }));
    const res = await app.inject({ url: MAP_PATH, headers: bearer() });
    const publicJwk = { kty: 'OKP', crv: 'Ed25519', x: privateJwk.x };
    const keys = await createKeySet([{ alg: 'EdDSA', publicJwk }]);
    const result = await verifyServiceMap(res.body, { keys, now: new Date(T0 + 1_000) });
    expect(result).toMatchObject({ ok: true, alg: 'EdDSA', kid: await defaultEdKid(publicJwk) });
    expect((await verify(res.body)).ok).toBe(false);
  });

  it('rejects verify keys that cannot be imported, naming CONNECTORS_VERIFY_KEYS', async () => {
    const verifyKeys = JSON.stringify([
      { alg: 'EdDSA', publicJwk: { kty: 'OKP', crv: 'Ed25519', x: 'short' } },
    ]);
    await expect(makeApp({ env: { CONNECTORS_VERIFY_KEYS: verifyKeys } })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      variable: 'CONNECTORS_VERIFY_KEYS',
      message: expect.stringMatching(/^brAInwav: CONNECTORS_VERIFY_KEYS is invalid: /),
    });
  });

  it('needs no key when NO_AUTH=true', async () => {
    ({ app } = await makeApp({ env: { NO_AUTH: 'true' } }));
    expect((await app.inject({ url: MAP_PATH })).statusCode).toBe(200);
  });

  it('answers 503 MANIFEST_UNAVAILABLE and readyz 503 when no manifest is loaded', async () => {
    const source = manifestSource();
    source.fail(new ConnectorsError('MANIFEST_NOT_FOUND', 'manifest /nope.json not found'));
    ({ app } = await makeApp({ readManifest: source.read }));
    const res = await app.inject({ url: MAP_PATH, headers: bearer() });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ brand: 'brAInwav', error: { code: 'MANIFEST_UNAVAILABLE' } });
    expect(res.json().error.message).toMatch(/^brAInwav: /);
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'unavailable', lastError: { code: 'MANIFEST_NOT_FOUND' } });
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ brand: 'brAInwav', status: 'ok' });
  });
});

describe('manifest file', () => {
  it('reports a missing manifest file with a branded MANIFEST_NOT_FOUND naming the path', async () => {
    const path = '/nonexistent/brainwav/connectors.manifest.json';
    ({ app } = await makeApp({ readManifest: undefined, env: { CONNECTORS_MANIFEST_PATH: path } }));
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().lastError).toMatchObject({ code: 'MANIFEST_NOT_FOUND' });
    expect(ready.json().reason).toBe(`brAInwav: manifest not found at ${path} (ENOENT)`);
    expect((await app.inject({ url: MAP_PATH, headers: bearer() })).json().error.code).toBe(
      'MANIFEST_UNAVAILABLE',
    );
  });
});

describe('caching', () => {
  it('sends a strong ETag of the bytes and answers 304 on If-None-Match', async () => {
    ({ app } = await makeApp());
    const res = await app.inject({ url: MAP_PATH, headers: bearer() });
    const etag = `"${createHash('sha256').update(res.rawPayload).digest('base64url')}"`;
    expect(res.headers.etag).toBe(etag);
    for (const tag of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const cached = await app.inject({ url: MAP_PATH, headers: { ...bearer(), 'if-none-match': tag } });
      expect(cached.statusCode).toBe(304);
      expect(cached.body).toBe('');
      expect(cached.headers.etag).toBe(etag);
    }
    const stale = await app.inject({ url: MAP_PATH, headers: { ...bearer(), 'if-none-match': '"other"' } });
    expect(stale.statusCode).toBe(200);
    const unauthorized = await app.inject({ url: MAP_PATH, headers: { 'if-none-match': etag } });
    expect(unauthorized.statusCode).toBe(401);
  });

  it('derives Cache-Control max-age from the remaining TTL', async () => {
    const made = await makeApp();
    app = made.app;
    const maxAges: string[] = [];
    for (const step of [0, 60_000, 40_500]) {
      made.clock.advance(step);
      maxAges.push(String((await app.inject({ url: MAP_PATH, headers: bearer() })).headers['cache-control']));
    }
    expect(maxAges).toEqual([
      'private, no-transform, max-age=300',
      'private, no-transform, max-age=240',
      'private, no-transform, max-age=199',
    ]);
  });

  it('re-signs after half the TTL, not before, with a strictly increasing version', async () => {
    const made = await makeApp();
    app = made.app;
    const get = async () => (await app!.inject({ url: MAP_PATH, headers: bearer() })).json<ServiceMap>();
    const first = await get();
    made.clock.advance(149_999);
    const before = await get();
    expect(before.version).toBe(first.version);
    expect(before.signature).toBe(first.signature);
    made.clock.advance(1);
    const after = await get();
    expect(after.version).toBe(T0 + 150_000);
    expect(after.id).not.toBe(first.id);
    expect(after.generatedAt).toBe('2026-11-22T10:02:30.000Z');
    expect(after.expiresAt).toBe('2026-11-22T10:07:30.000Z');
    made.clock.set(T0 - 60_000);
    made.source.set({ ...fixtureJson(), manifestVersion: '2026.11.22-2' });
    expect((await app.asbr.reload()).ok).toBe(true);
    expect((await get()).version).toBe(T0 + 150_001);
  });

  it('reports on /readyz the map a client would get now, re-signed after idle periods', async () => {
    const made = await makeApp();
    app = made.app;
    made.clock.advance(400_000);
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      status: 'ready',
      mapVersion: T0 + 400_000,
      expiresAt: '2026-11-22T10:11:40.000Z',
    });
  });

  it('shares one re-sign between concurrent requests', async () => {
    const made = await makeApp();
    app = made.app;
    made.clock.advance(200_000);
    const bodies = await Promise.all(
      Array.from({ length: 5 }, () => app!.inject({ url: MAP_PATH, headers: bearer() })),
    );
    expect(new Set(bodies.map((b) => b.json<ServiceMap>().version))).toEqual(new Set([T0 + 200_000]));
  });
});

describe('reload', () => {
  it('installs a good manifest: new map, manifest_info metric, ready', async () => {
    const made = await makeApp();
    app = made.app;
    const oldEtag = (await app.inject({ url: MAP_PATH, headers: bearer() })).headers.etag;
    made.source.set({ ...fixtureJson(), manifestVersion: '2026.11.22-2' });
    const result = await app.asbr.reload('sighup');
    expect(result).toMatchObject({ ok: true, changed: true });
    const res = await app.inject({ url: MAP_PATH, headers: bearer() });
    expect(res.json()).toMatchObject({ manifestVersion: '2026.11.22-2', version: T0 + 1 });
    expect(res.headers.etag).not.toBe(oldEtag);
    const metrics = (await app.inject({ url: '/metrics' })).body;
    expect(metrics).toContain('brainwav_manifest_info{manifest_version="2026.11.22-2"} 1');
    expect(metrics).not.toContain('manifest_version="2026.11.22-1"');
    expect((await app.inject({ url: '/readyz' })).json()).toMatchObject({
      status: 'ready',
      mapVersion: T0 + 1,
    });
  });

  it('keeps the current map when the manifest did not change', async () => {
    ({ app } = await makeApp());
    const result = await app.asbr.reload('watch');
    expect(result).toMatchObject({ ok: true, changed: false });
    expect((await app.inject({ url: MAP_PATH, headers: bearer() })).json().version).toBe(T0);
  });

  it('keeps the last good map on a bad manifest: metric, readyz degraded, recovery', async () => {
    const made = await makeApp();
    app = made.app;
    const good = await app.inject({ url: MAP_PATH, headers: bearer() });
    made.source.set({ ...fixtureJson(), ttlSeconds: -5 });
    const result = await app.asbr.reload('watch');
    expect(result).toMatchObject({ ok: false, failure: { code: 'MANIFEST_INVALID' } });
    const still = await app.inject({ url: MAP_PATH, headers: bearer() });
    expect(still.statusCode).toBe(200);
    expect(still.body).toBe(good.body);
    const metrics = (await app.inject({ url: '/metrics' })).body;
    expect(metrics).toContain('brainwav_manifest_reload_failures_total{reason="MANIFEST_INVALID"} 1');
    expect(metrics).toContain('brainwav_manifest_info{manifest_version="2026.11.22-1"} 1');
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      status: 'degraded',
      mapVersion: T0,
      lastError: { code: 'MANIFEST_INVALID' },
    });
    expect(ready.json().reason).toMatch(/^brAInwav: .*ttlSeconds/);
    made.source.set(fixtureJson());
    expect(await app.asbr.reload()).toMatchObject({ ok: true, changed: false });
    expect((await app.inject({ url: '/readyz' })).json().status).toBe('ready');
  });
});

describe('errors', () => {
  it('answers unknown routes with a branded 404', async () => {
    ({ app } = await makeApp());
    const res = await app.inject({ url: '/nope?token=abc' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({
      brand: 'brAInwav',
      error: { code: 'NOT_FOUND', message: 'brAInwav: route GET /nope not found' },
    });
  });

  it('hides internal errors behind a branded 500 without stack traces', async () => {
    ({ app } = await makeApp());
    // routes are behind the API key unless marked public
    app.get('/boom', () => {
      throw new Error('internal detail');
    });
    const res = await app.inject({ url: '/boom', headers: bearer() });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({
      brand: 'brAInwav',
      error: { code: 'INTERNAL', message: 'brAInwav: internal error' },
      traceId: res.json().traceId,
    });
    expect(res.body).not.toContain('internal detail');
    expect(res.body).not.toContain('at ');
  });

  it('uses the trace id of an incoming traceparent', async () => {
    ({ app } = await makeApp());
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await app.inject({
      url: MAP_PATH,
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect(res.json().traceId).toBe(traceId);
  });
});
