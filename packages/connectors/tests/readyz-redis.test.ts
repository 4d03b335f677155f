// Redis down (a private redis-server this test kills and restarts): the gateway keeps serving tool calls on local
// quota limits, /readyz stays 200 with status "degraded" and redis.up false (a balancer keeps the replica),
// brainwav_redis_up drops to 0, and everything comes back by itself when Redis returns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import {
  startFixtureServer,
  startRedisServer,
  type FixtureServer,
  type TestRedisServer,
} from '@cortex-os/mcp-bridge/testing';
import { connector, controlledSource, rest, signedMapText, startApp, testEnv } from './helpers.js';

async function call(app: FastifyInstance): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/connectors/fixtures/tools/echo/call',
    headers: rest,
    payload: { arguments: { text: 'hi' } },
  });
  expect(res.statusCode).toBe(200);
  const body = res.json<{ isError?: boolean; _meta?: Record<string, { code: string }> }>();
  return body.isError ? (body._meta?.['io.brainwav/error']?.code ?? 'error') : 'ok';
}

async function readyz(app: FastifyInstance) {
  const res = await app.inject({ method: 'GET', url: '/readyz' });
  return {
    code: res.statusCode,
    body: res.json<{ status: string; reason?: string; redis?: { up: boolean; mode: string } }>(),
  };
}

async function redisUpMetric(app: FastifyInstance): Promise<string | undefined> {
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  return /^brainwav_redis_up (\d)$/m.exec(text)?.[1];
}

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('brAInwav: condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('/readyz and quotas while Redis is down', () => {
  let redis: TestRedisServer;
  let fixture: FixtureServer;

  beforeAll(async () => {
    [redis, fixture] = await Promise.all([startRedisServer(), startFixtureServer()]);
  });
  afterAll(async () => {
    await fixture?.stop();
    await redis?.stop();
  });

  for (const mode of ['open', 'closed'] as const) {
    it(`CONNECTORS_QUOTA_REDIS_FAILURE=${mode}: degraded but ready, then recovers by itself`, async () => {
      const entry = connector('fixtures', fixture.url, { quotas: { perMinute: 1000, perHour: 100_000 } });
      const app = await startApp(
        testEnv({ REDIS_URL: redis.url, CONNECTORS_QUOTA_REDIS_FAILURE: mode }),
        controlledSource(await signedMapText([entry])),
      );
      try {
        expect(await call(app)).toBe('ok');
        expect(await readyz(app)).toMatchObject({
          code: 200,
          body: { status: 'ready', redis: { up: true, mode } },
        });
        expect(await redisUpMetric(app)).toBe('1');

        await redis.stop();
        expect(await call(app)).toBe(mode === 'open' ? 'ok' : 'INTERNAL');
        const down = await readyz(app);
        expect(down.code).toBe(200);
        expect(down.body).toMatchObject({ status: 'degraded', redis: { up: false, mode } });
        expect(down.body.reason).toBe(
          mode === 'open'
            ? 'brAInwav: Redis unreachable: quotas count against this replica’s local limits until it returns'
            : 'brAInwav: Redis unreachable: tool calls are refused (quota store unavailable) until it returns',
        );
        expect(await redisUpMetric(app)).toBe('0');

        redis = await startRedisServer({ port: redis.port });
        await until(async () => (await call(app)) === 'ok' && (await readyz(app)).body.status === 'ready');
        expect(await redisUpMetric(app)).toBe('1');
      } finally {
        await app.close();
      }
    }, 30_000);
  }
});
