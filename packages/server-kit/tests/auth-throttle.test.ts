import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { REST_KEY, bearer, buildTestApp } from './helpers.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await app?.close();
  app = undefined;
});

const WINDOW_MS = 10_000;
const from = (remoteAddress: string, headers: Record<string, string> = {}) =>
  app!.inject({ url: '/rest', remoteAddress, headers });

describe('auth failure throttling (@fastify/rate-limit, failures only)', () => {
  it('answers 429 after N failures from one address, never to a valid key, not to other addresses, and recovers', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    app = await buildTestApp({ failureLimit: { max: 3, timeWindowMs: WINDOW_MS } });
    const statuses = [];
    for (const headers of [{}, bearer('wrong-key'), {}])
      statuses.push((await from('10.0.0.1', headers)).statusCode);
    expect(statuses).toEqual([401, 403, 401]);

    const limited = await from('10.0.0.1', bearer('wrong-key'));
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('10');
    expect(limited.json()).toEqual({
      brand: 'brAInwav',
      error: {
        code: 'TOO_MANY_AUTH_FAILURES',
        message: 'brAInwav: too many failed authentications from this address; retry in 10 s',
      },
      traceId: limited.json().traceId,
    });
    expect((await from('10.0.0.1')).statusCode).toBe(429);

    // a valid key from the throttled address is served and not counted
    for (let i = 0; i < 5; i += 1) expect((await from('10.0.0.1', bearer(REST_KEY))).statusCode).toBe(200);
    // another address has its own budget
    expect((await from('10.0.0.2')).statusCode).toBe(401);

    vi.setSystemTime(Date.now() + WINDOW_MS);
    expect((await from('10.0.0.1')).statusCode).toBe(401);
  });

  it('never counts authenticated requests: a valid key any number of times leaves the full failure budget', async () => {
    app = await buildTestApp({ failureLimit: { max: 2, timeWindowMs: WINDOW_MS } });
    for (let i = 0; i < 50; i += 1) expect((await from('10.0.0.3', bearer(REST_KEY))).statusCode).toBe(200);
    expect([(await from('10.0.0.3')).statusCode, (await from('10.0.0.3')).statusCode]).toEqual([401, 401]);
    expect((await from('10.0.0.3')).statusCode).toBe(429);
  });

  it('does not throttle public routes or guard rejections, and can be turned off', async () => {
    app = await buildTestApp({ failureLimit: { max: 1, timeWindowMs: WINDOW_MS } });
    for (let i = 0; i < 3; i += 1) {
      expect((await app.inject({ url: '/open', remoteAddress: '10.0.0.4' })).statusCode).toBe(200);
      const foreign = await app.inject({
        url: '/rest',
        remoteAddress: '10.0.0.4',
        headers: { host: 'evil.example' },
      });
      expect(foreign.statusCode).toBe(403);
    }
    expect((await from('10.0.0.4')).statusCode).toBe(401);
    await app.close();
    app = await buildTestApp({ failureLimit: false });
    for (let i = 0; i < 30; i += 1) expect((await from('10.0.0.5')).statusCode).toBe(401);
  });
});
