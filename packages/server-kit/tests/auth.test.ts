import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { keyId } from '../src/index.js';
import { MCP_KEY, REST_KEY, bearer, buildTestApp } from './helpers.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('authPlugin', () => {
  it('answers 401 with WWW-Authenticate without a key and 403 with a wrong one, branded, per scope', async () => {
    app = await buildTestApp();
    const none = await app.inject({ url: '/rest' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="brAInwav test"');
    expect(none.json()).toEqual({
      brand: 'brAInwav',
      error: {
        code: 'UNAUTHORIZED',
        message: 'brAInwav: this route requires an API key (Authorization: Bearer <key> or X-API-Key)',
      },
      traceId: none.json().traceId,
    });
    const wrong = await app.inject({ url: '/mcp', headers: bearer(REST_KEY) });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.headers['www-authenticate']).toBeUndefined();
    expect(wrong.json().error).toEqual({
      code: 'FORBIDDEN',
      message: 'brAInwav: the API key presented for the MCP endpoint is not accepted',
    });
  });

  it('gives every authenticated request a principal {subject, roles}, on the raw request too', async () => {
    app = await buildTestApp();
    const rest = await app.inject({ url: '/rest', headers: { 'x-api-key': REST_KEY } });
    expect(rest.json()).toEqual({
      principal: { subject: keyId(REST_KEY), roles: ['rest'], scopes: [], claims: {}, via: 'api-key' },
    });
    const mcp = await app.inject({ url: '/mcp', headers: bearer(MCP_KEY) });
    expect(mcp.json()).toEqual({
      raw: { subject: keyId(MCP_KEY), roles: ['mcp'], scopes: [], claims: {}, via: 'api-key' },
    });
    const open = await app.inject({ url: '/open' });
    expect(open.json()).toEqual({
      principal: { subject: 'anonymous', roles: [], scopes: [], claims: {}, via: 'none' },
    });
  });

  it('opens scopes whose keys are null (NO_AUTH) with the anonymous principal', async () => {
    app = await buildTestApp({
      scopes: { rest: { keys: null, label: 'this route' }, mcp: { keys: null, label: 'the MCP endpoint' } },
    });
    expect((await app.inject({ url: '/rest' })).json()).toEqual({
      principal: { subject: 'anonymous', roles: [], scopes: [], claims: {}, via: 'none' },
    });
  });

  it('puts unknown routes under notFoundScope: the default scope, or public for a plain 404', async () => {
    app = await buildTestApp();
    expect((await app.inject({ url: '/nope' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/nope', headers: bearer(REST_KEY) })).statusCode).toBe(404);
    await app.close();
    app = await buildTestApp({ notFoundScope: 'public' });
    const res = await app.inject({ url: '/nope?token=abc' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toEqual({ code: 'NOT_FOUND', message: 'brAInwav: route GET /nope not found' });
  });

  it('refuses a route naming an unknown scope at startup', async () => {
    app = await buildTestApp();
    expect(() => app?.get('/typo', { config: { auth: 'rset' } }, () => 'x')).toThrow(
      'brAInwav: route GET /typo names auth scope "rset", which is none of public, rest, mcp',
    );
  });
});
