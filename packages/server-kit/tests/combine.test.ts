import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import {
  combineAuthenticators,
  createKeyAuthenticator,
  createOAuthAuthenticator,
  keyId,
  keySha256,
} from '../src/index.js';
import {
  buildOAuthApp,
  mint,
  signingKey,
  startIssuer,
  type FakeIssuer,
  type SigningKey,
} from './oauth-helpers.js';

const BASE = 'http://127.0.0.1:3026';
const MCP_KEY = 'mcp-key-0123456789abcdef';
const BOT_KEY = 'support-bot-key-0123456789';

let key: SigningKey;
let issuer: FakeIssuer;
let app: FastifyInstance;

beforeAll(async () => {
  key = await signingKey('k1');
});
afterEach(async () => {
  await app.close();
  await issuer.close();
});

async function combined(): Promise<FastifyInstance> {
  issuer = await startIssuer([key]);
  const oauth = createOAuthAuthenticator({
    issuer: issuer.issuer,
    jwks: issuer.jwksUrl,
    resourceOf: (request) => new URL(request.url.split('?')[0]!, BASE),
  });
  const scopes = {
    mcp: { keys: [MCP_KEY], label: 'the MCP endpoint' },
    rest: { keys: [], label: 'the REST API' },
  };
  const keys = createKeyAuthenticator(scopes, [
    { subject: 'support-bot', roles: ['support'], keySha256: keySha256(BOT_KEY), access: null },
  ]);
  app = await buildOAuthApp(combineAuthenticators(oauth, keys), { scopes, failureLimit: false });
  return app;
}

describe('combineAuthenticators (MCP_AUTH=both)', () => {
  it('sends a JWT-shaped bearer to OAuth and any other credential to the keys', async () => {
    const app = await combined();
    const token = await mint(key, { issuer: issuer.issuer, audience: `${BASE}/mcp` });
    const viaToken = await app.inject({ url: '/mcp', headers: { authorization: `Bearer ${token}` } });
    expect(viaToken.json().principal).toMatchObject({ subject: 'alice', roles: ['support'], via: 'oauth' });
    const viaKey = await app.inject({ url: '/mcp', headers: { authorization: `Bearer ${MCP_KEY}` } });
    expect(viaKey.json().principal).toEqual({
      subject: keyId(MCP_KEY),
      roles: ['mcp'],
      scopes: [],
      claims: {},
      via: 'api-key',
    });
    const viaBound = await app.inject({ url: '/v1/connectors', headers: { 'x-api-key': BOT_KEY } });
    expect(viaBound.json().principal).toMatchObject({
      subject: 'support-bot',
      roles: ['support'],
      via: 'api-key',
    });
  });

  it('answers a wrong key 403 FORBIDDEN and a bad JWT 401 INVALID_TOKEN', async () => {
    const app = await combined();
    const wrong = await app.inject({ url: '/mcp', headers: { 'x-api-key': 'wrong-key-0123456789' } });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.code).toBe('FORBIDDEN');
    const bad = await app.inject({ url: '/mcp', headers: { authorization: 'Bearer aaa.bbb.ccc' } });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().error).toEqual({
      code: 'INVALID_TOKEN',
      message: 'brAInwav: the access token presented for the MCP endpoint is not valid: token is malformed',
    });
  });

  it('answers no credential with the OAuth challenge over real HTTP, so clients discover the AS', async () => {
    const app = await combined();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/mcp/connectors/github`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="${BASE}/.well-known/oauth-protected-resource/mcp/connectors/github"`,
    );
    expect(((await res.json()) as { error: unknown }).error).toEqual({
      code: 'UNAUTHORIZED',
      message:
        'brAInwav: the MCP endpoint requires an OAuth access token or an API key (Authorization: Bearer <key> or X-API-Key)',
    });
  });
});
