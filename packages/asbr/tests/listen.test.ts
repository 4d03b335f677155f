import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createKeySet, verifyServiceMap } from '@cortex-os/connectors-manifest';
import { createConnectorsMetrics, createSilentLogger } from '@cortex-os/telemetry';
import { buildApp } from '../src/index.js';
import { API_KEY, MAP_PATH, SIGNING_KEY, testConfig } from './helpers.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('real listen on port 0', () => {
  it('serves the signed map over HTTP with fetch, 304 on revalidation', async () => {
    app = await buildApp({
      config: testConfig(),
      logger: createSilentLogger('asbr-test'),
      metrics: createConnectorsMetrics(),
    });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const res = await fetch(`${address}${MAP_PATH}`, { headers: { authorization: `Bearer ${API_KEY}` } });
    expect(res.status).toBe(200);
    const body = await res.text();
    const keys = await createKeySet([{ alg: 'HS256', secret: SIGNING_KEY }]);
    expect(await verifyServiceMap(body, { keys })).toMatchObject({ ok: true });
    const etag = res.headers.get('etag') ?? '';
    const again = await fetch(`${address}${MAP_PATH}`, {
      headers: { 'x-api-key': API_KEY, 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
    const denied = await fetch(`${address}${MAP_PATH}`);
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({ brand: 'brAInwav', error: { code: 'UNAUTHORIZED' } });
  });
});
