import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { REST_KEY, buildTestApp } from './helpers.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('errorHandlerPlugin', () => {
  it('hides internal errors behind a branded 500 without stack traces', async () => {
    app = await buildTestApp();
    const res = await app.inject({ url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({
      brand: 'brAInwav',
      error: { code: 'INTERNAL', message: 'brAInwav: internal error' },
      traceId: res.json().traceId,
    });
    expect(res.body).not.toContain('secret internal detail');
    expect(res.body).not.toContain('at ');
  });

  it('maps Fastify client errors to branded BAD_REQUEST and PAYLOAD_TOO_LARGE', async () => {
    app = await buildTestApp();
    app.post('/echo', { config: { auth: 'public' }, bodyLimit: 16 }, (request) => request.body);
    const json = { 'content-type': 'application/json', 'x-api-key': REST_KEY };
    const bad = await app.inject({ method: 'POST', url: '/echo', headers: json, payload: '{nope' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('BAD_REQUEST');
    expect(bad.json().error.message).toMatch(/^brAInwav: invalid request: /);
    const big = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: json,
      payload: JSON.stringify({ a: 'x'.repeat(64) }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().error).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'brAInwav: request body too large',
    });
  });
});
