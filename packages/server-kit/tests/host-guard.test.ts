import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { REST_KEY, buildTestApp } from './helpers.js';
import { rawGet } from '../src/testing.js';

describe('hostGuardPlugin on a listening server (port 0)', () => {
  let app: FastifyInstance;
  let port: number;
  beforeAll(async () => {
    app = await buildTestApp();
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
  });
  afterAll(() => app.close());

  const key = { 'x-api-key': REST_KEY };

  it('refuses a foreign Host on every route, public and unknown ones included, before auth', async () => {
    for (const path of ['/rest', '/open', '/nope']) {
      const res = await rawGet(port, path, { host: 'evil.example' });
      expect(res.status, path).toBe(403);
      expect(JSON.parse(res.body)).toEqual({
        brand: 'brAInwav',
        error: {
          code: 'HOST_NOT_ALLOWED',
          message:
            'brAInwav: Host header not allowed (DNS rebinding protection); to allow it, add the name to TEST_ALLOWED_HOSTS',
        },
        traceId: expect.any(String),
      });
    }
  });

  it('compares the Origin port with the bound port', async () => {
    expect(
      (await rawGet(port, '/rest', { ...key, host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}` }))
        .status,
    ).toBe(200);
    expect(
      (await rawGet(port, '/rest', { ...key, host: `localhost:${port}`, origin: `http://localhost:${port}` }))
        .status,
    ).toBe(200);
    const wrongPort = await rawGet(port, '/rest', {
      ...key,
      host: `127.0.0.1:${port}`,
      origin: `http://127.0.0.1:${port + 1}`,
    });
    expect(wrongPort.status).toBe(403);
    expect(JSON.parse(wrongPort.body).error).toEqual({
      code: 'ORIGIN_NOT_ALLOWED',
      message:
        'brAInwav: Origin not allowed (DNS rebinding protection); to allow it, add the origin to TEST_ALLOWED_ORIGINS',
    });
    // the bound port, not the Host header's, is what an Origin is compared with
    const spoofed = await rawGet(port, '/rest', {
      ...key,
      host: 'localhost:9999',
      origin: 'http://localhost:9999',
    });
    expect(spoofed.status).toBe(403);
  });

  it('lets clients without Origin and configured hosts through', async () => {
    expect((await rawGet(port, '/rest', { ...key, host: `127.0.0.1:${port}` })).status).toBe(200);
    expect((await rawGet(port, '/open', { host: 'svc.internal' })).status).toBe(200);
  });
});
