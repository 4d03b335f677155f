import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { rawGet } from '@cortex-os/server-kit/testing';
import { API_KEY, MAP_PATH, bearer, makeApp } from './helpers.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await app?.close();
  app = undefined;
});

describe('asbr DNS-rebinding guard (every route)', () => {
  it('refuses a foreign Host on the service map, health and metrics with a branded 403 HOST_NOT_ALLOWED', async () => {
    ({ app } = await makeApp());
    for (const url of [MAP_PATH, '/healthz', '/readyz', '/metrics']) {
      const res = await app.inject({ url, headers: { ...bearer(), host: 'evil.example' } });
      expect(res.statusCode, url).toBe(403);
      expect(res.json()).toMatchObject({
        brand: 'brAInwav',
        error: {
          code: 'HOST_NOT_ALLOWED',
          message:
            'brAInwav: Host header not allowed (DNS rebinding protection); to allow it, add the name to ASBR_ALLOWED_HOSTS',
        },
      });
    }
  });

  it('compares an Origin with the bound port (server on port 0)', async () => {
    ({ app } = await makeApp());
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    const host = `127.0.0.1:${port}`;
    expect(
      (await rawGet(port, MAP_PATH, { ...bearer(), host, origin: `http://127.0.0.1:${port}` })).status,
    ).toBe(200);
    const wrongPort = await rawGet(port, MAP_PATH, {
      ...bearer(),
      host,
      origin: `http://127.0.0.1:${port + 1}`,
    });
    expect(wrongPort.status).toBe(403);
    expect(JSON.parse(wrongPort.body).error.code).toBe('ORIGIN_NOT_ALLOWED');
    expect((await rawGet(port, '/healthz', { host, origin: 'http://evil.example' })).status).toBe(403);
  });

  it('accepts hosts and origins configured in ASBR_ALLOWED_HOSTS / ASBR_ALLOWED_ORIGINS', async () => {
    ({ app } = await makeApp({
      env: { ASBR_ALLOWED_HOSTS: 'asbr.internal', ASBR_ALLOWED_ORIGINS: 'https://ops.example:8443' },
    }));
    const res = await app.inject({
      url: MAP_PATH,
      headers: { ...bearer(), host: 'asbr.internal', origin: 'https://ops.example:8443' },
    });
    expect(res.statusCode).toBe(200);
  });
});

describe('asbr auth failure throttling', () => {
  it('answers 429 TOO_MANY_AUTH_FAILURES with Retry-After after ASBR_AUTH_FAILURE_LIMIT failures, never to a valid key', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    ({ app } = await makeApp({
      env: { ASBR_AUTH_FAILURE_LIMIT: '2', ASBR_AUTH_FAILURE_WINDOW_MS: '30000' },
    }));
    const at = (remoteAddress: string, headers: Record<string, string> = {}) =>
      app!.inject({ url: MAP_PATH, remoteAddress, headers });
    expect([(await at('10.1.1.1')).statusCode, (await at('10.1.1.1', bearer('wrong'))).statusCode]).toEqual([
      401, 403,
    ]);
    const limited = await at('10.1.1.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('30');
    expect(limited.json()).toMatchObject({ brand: 'brAInwav', error: { code: 'TOO_MANY_AUTH_FAILURES' } });
    expect((await at('10.1.1.1', bearer(API_KEY))).statusCode).toBe(200);
    expect((await at('10.1.1.2')).statusCode).toBe(401);
    vi.setSystemTime(Date.now() + 30_000);
    expect((await at('10.1.1.1')).statusCode).toBe(401);
  });
});
