import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { SignJWT, base64url } from 'jose';
import {
  createOAuthAuthenticator,
  type OAuthAuthenticator,
  type OAuthAuthenticatorOptions,
} from '../src/index.js';
import {
  bearer,
  buildOAuthApp,
  mint,
  signingKey,
  startIssuer,
  type FakeIssuer,
  type SigningKey,
} from './oauth-helpers.js';

const BASE = 'http://127.0.0.1:3026';
const MCP = `${BASE}/mcp`;
const PRM_MCP = `${BASE}/.well-known/oauth-protected-resource/mcp`;

let key1: SigningKey;
let key2: SigningKey;
let issuer: FakeIssuer;
let app: FastifyInstance | undefined;

beforeAll(async () => {
  [key1, key2] = await Promise.all([signingKey('k1'), signingKey('k2')]);
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  await issuer?.close();
});

async function setup(
  options: Partial<OAuthAuthenticatorOptions> = {},
): Promise<{ app: FastifyInstance; auth: OAuthAuthenticator }> {
  issuer = await startIssuer([key1]);
  const auth = createOAuthAuthenticator({
    issuer: issuer.issuer,
    jwks: issuer.jwksUrl,
    jwksCooldownMs: 0,
    resourceOf: (request) => new URL(request.url.split('?')[0]!, BASE),
    requiredScopesOf: (request) =>
      request.url === '/mcp/connectors/tickets' ? ['tickets:read', 'tickets:write'] : undefined,
    ...options,
  });
  app = await buildOAuthApp(auth, { failureLimit: false });
  return { app, auth };
}

const tokenFor = (key: SigningKey, overrides: Partial<Parameters<typeof mint>[1]> = {}) =>
  mint(key, { issuer: issuer.issuer, audience: MCP, ...overrides });

describe('createOAuthAuthenticator: valid tokens', () => {
  it('maps a verified token to the principal: sub, roles, scopes, frozen claims, via oauth', async () => {
    const { app } = await setup();
    const token = await tokenFor(key1, { claims: { scope: 'tickets:read files:read', tenant: 'acme' } });
    const res = await app.inject({ url: '/mcp', headers: bearer(token) });
    expect(res.statusCode).toBe(200);
    const { principal, raw } = res.json();
    expect(principal).toEqual({
      subject: 'alice',
      roles: ['support'],
      scopes: ['tickets:read', 'files:read'],
      claims: expect.objectContaining({ sub: 'alice', aud: MCP, iss: issuer.issuer, tenant: 'acme' }),
      via: 'oauth',
    });
    expect(raw).toEqual(principal);
  });

  it('reads roles from a space-separated string or a custom claim, scopes from scp', async () => {
    const { app } = await setup({ rolesClaim: 'https://brainwav.ai/roles' });
    const token = await tokenFor(key1, {
      claims: { scope: undefined, scp: ['a', 'b'], 'https://brainwav.ai/roles': 'admin support' },
    });
    const { principal } = (await app.inject({ url: '/mcp', headers: bearer(token) })).json();
    expect(principal.roles).toEqual(['admin', 'support']);
    expect(principal.scopes).toEqual(['a', 'b']);
  });

  it('accepts a token whose aud array holds the route resource (per-connector resource too)', async () => {
    const { app } = await setup();
    const token = await tokenFor(key1, {
      audience: ['https://other.example/api', `${BASE}/mcp/connectors/github`],
    });
    const res = await app.inject({ url: '/mcp/connectors/github', headers: bearer(token) });
    expect(res.statusCode).toBe(200);
    expect(res.json().principal.subject).toBe('alice');
  });
});

describe('createOAuthAuthenticator: refusals', () => {
  async function refusal(token: string, url = '/mcp') {
    const res = await app!.inject({ url, headers: bearer(token) });
    expect(res.body).not.toContain(token);
    expect(String(res.headers['www-authenticate'])).not.toContain(token);
    return res;
  }

  it('answers 401 INVALID_TOKEN with the exact SDK challenge for an expired token', async () => {
    await setup();
    const res = await refusal(await tokenFor(key1, { expiresIn: -60 }));
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe(
      `Bearer error="invalid_token", error_description="Token has expired", resource_metadata="${PRM_MCP}"`,
    );
    expect(res.json()).toEqual({
      brand: 'brAInwav',
      error: {
        code: 'INVALID_TOKEN',
        message: 'brAInwav: the access token presented for the MCP endpoint is not valid: token has expired',
      },
      traceId: res.json().traceId,
    });
  });

  it.each([
    ['nbf beyond the clock tolerance', { notBefore: 120 }, 'Token is not yet valid'],
    ['another audience', { audience: `${BASE}/v1/connectors` }, 'Token was not issued for this resource'],
    ['another issuer', { issuer: 'https://evil.example' }, 'Token issuer is not accepted'],
  ])('refuses a token with %s', async (_case, overrides, description) => {
    await setup();
    const res = await refusal(await tokenFor(key1, overrides));
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('INVALID_TOKEN');
    expect(res.headers['www-authenticate']).toBe(
      `Bearer error="invalid_token", error_description="${description}", resource_metadata="${PRM_MCP}"`,
    );
  });

  it('accepts nbf within the clock tolerance', async () => {
    const { app } = await setup({ clockToleranceSeconds: 30 });
    const res = await app.inject({ url: '/mcp', headers: bearer(await tokenFor(key1, { notBefore: 10 })) });
    expect(res.statusCode).toBe(200);
  });

  it('refuses a tampered payload (signature invalid)', async () => {
    await setup();
    const [header, , signature] = (await tokenFor(key1)).split('.');
    const forged = base64url.encode(
      JSON.stringify({ iss: issuer.issuer, aud: MCP, sub: 'root', roles: ['admin'], exp: 4e9 }),
    );
    const res = await refusal(`${header}.${forged}.${signature}`);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toBe(
      'brAInwav: the access token presented for the MCP endpoint is not valid: token signature is invalid',
    );
  });

  it('refuses alg none and HS256 signed with the public key (algorithm confusion)', async () => {
    await setup();
    const payload = { iss: issuer.issuer, aud: MCP, sub: 'root', exp: Math.floor(Date.now() / 1000) + 600 };
    const none = `${base64url.encode(JSON.stringify({ alg: 'none', kid: 'k1' }))}.${base64url.encode(JSON.stringify(payload))}.`;
    const hs256 = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .sign(new TextEncoder().encode(JSON.stringify(key1.publicJwk)));
    for (const token of [none, hs256]) {
      const res = await refusal(token);
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toContain(
        'error_description="Token algorithm is not accepted"',
      );
    }
  });

  it('answers a missing token 401 UNAUTHORIZED with a resource_metadata challenge (and realm, scope)', async () => {
    await setup({ realm: 'brAInwav connectors' });
    const res = await app!.inject({
      url: '/mcp/connectors/tickets',
      headers: { 'x-api-key': 'not-a-bearer' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe(
      `Bearer realm="brAInwav connectors", scope="tickets:read tickets:write", resource_metadata="${BASE}/.well-known/oauth-protected-resource/mcp/connectors/tickets"`,
    );
    expect(res.json().error).toEqual({
      code: 'UNAUTHORIZED',
      message: 'brAInwav: the MCP endpoint requires an OAuth access token (Authorization: Bearer <token>)',
    });
  });

  it('answers missing scopes 403 INSUFFICIENT_SCOPE with scope= in the challenge', async () => {
    await setup();
    const res = await refusal(
      await tokenFor(key1, { audience: `${BASE}/mcp/connectors/tickets` }),
      '/mcp/connectors/tickets',
    );
    expect(res.statusCode).toBe(403);
    expect(res.headers['www-authenticate']).toBe(
      `Bearer error="insufficient_scope", error_description="Insufficient scope", scope="tickets:read tickets:write", resource_metadata="${BASE}/.well-known/oauth-protected-resource/mcp/connectors/tickets"`,
    );
    expect(res.json().error).toEqual({
      code: 'INSUFFICIENT_SCOPE',
      message: 'brAInwav: the access token presented for the MCP endpoint lacks the scope tickets:write',
    });
    const full = await tokenFor(key1, {
      audience: `${BASE}/mcp/connectors/tickets`,
      claims: { scope: 'tickets:read tickets:write' },
    });
    expect((await app!.inject({ url: '/mcp/connectors/tickets', headers: bearer(full) })).statusCode).toBe(
      200,
    );
  });

  it('counts token failures for the throttle: 429 after the limit', async () => {
    issuer = await startIssuer([key1]);
    const auth = createOAuthAuthenticator({
      issuer: issuer.issuer,
      jwks: issuer.jwksUrl,
      resourceOf: () => new URL(MCP),
    });
    app = await buildOAuthApp(auth, { failureLimit: { max: 2, timeWindowMs: 60_000 } });
    const expired = bearer(await tokenFor(key1, { expiresIn: -60 }));
    const codes = [];
    for (let i = 0; i < 3; i += 1)
      codes.push((await app.inject({ url: '/mcp', headers: expired })).statusCode);
    expect(codes).toEqual([401, 401, 429]);
  });

  it('answers 503 AUTH_UNAVAILABLE when the JWKS cannot be fetched (not a failed authentication)', async () => {
    const { app } = await setup();
    const token = await tokenFor(key1);
    await issuer.close();
    const res = await app.inject({ url: '/mcp', headers: bearer(token) });
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toEqual({
      code: 'AUTH_UNAVAILABLE',
      message: 'brAInwav: cannot verify access tokens now: the JWKS cannot be fetched',
    });
    issuer = await startIssuer([key1]); // afterEach closes it
  });
});

describe('createOAuthAuthenticator: JWKS and the verified-token cache', () => {
  it('verifies a repeated token once: one JWKS fetch, one verification, then cache hits', async () => {
    const { app, auth } = await setup();
    const token = await tokenFor(key1);
    for (let i = 0; i < 3; i += 1)
      expect((await app.inject({ url: '/mcp', headers: bearer(token) })).statusCode).toBe(200);
    expect(auth.stats()).toEqual({ verifications: 1, cacheHits: 2, cached: 1 });
    expect(issuer.hits.get('/jwks')).toBe(1);
    // a cached token is still bound to the route's resource and scopes
    expect((await app.inject({ url: '/v1/connectors', headers: bearer(token) })).statusCode).toBe(401);
  });

  it('follows a key rotation: a new kid refetches the JWKS; an old verified token lives on only in the cache', async () => {
    const { app, auth } = await setup();
    const oldToken = await tokenFor(key1);
    expect((await app.inject({ url: '/mcp', headers: bearer(oldToken) })).statusCode).toBe(200);
    issuer.keys = [key2];
    const newToken = await tokenFor(key2);
    expect((await app.inject({ url: '/mcp', headers: bearer(newToken) })).statusCode).toBe(200);
    expect(issuer.hits.get('/jwks')).toBe(2);
    expect((await app.inject({ url: '/mcp', headers: bearer(oldToken) })).statusCode).toBe(200);
    expect(auth.stats()).toMatchObject({ verifications: 2, cacheHits: 1 });
    const fresh = createOAuthAuthenticator({
      issuer: issuer.issuer,
      jwks: issuer.jwksUrl,
      resourceOf: () => new URL(MCP),
    });
    const app2 = await buildOAuthApp(fresh, { failureLimit: false });
    const res = await app2.inject({ url: '/mcp', headers: bearer(oldToken) });
    await app2.close();
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toContain('error_description="Token signing key is unknown"');
  });

  it('never answers a cached token past its exp', async () => {
    let clock = Date.now();
    const { app, auth } = await setup({ now: () => clock });
    const token = await tokenFor(key1, { expiresIn: 60 });
    expect((await app.inject({ url: '/mcp', headers: bearer(token) })).statusCode).toBe(200);
    clock += 61_000;
    const res = await app.inject({ url: '/mcp', headers: bearer(token) });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toContain('error_description="Token has expired"');
    expect(auth.stats()).toEqual({ verifications: 2, cacheHits: 0, cached: 0 });
  });

  it('evicts the least recently used token when the cache is full', async () => {
    const { app, auth } = await setup({ tokenCacheSize: 2 });
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((subject) => tokenFor(key1, { subject })));
    for (const token of [a, b, a, c, a, b])
      expect((await app.inject({ url: '/mcp', headers: bearer(token!) })).statusCode).toBe(200);
    // a, b miss; a hit; c miss evicts b; a hit; b miss again
    expect(auth.stats()).toEqual({ verifications: 4, cacheHits: 2, cached: 2 });
  });

  it('finds the JWKS through the issuer metadata when no jwks is given (OpenID fallback)', async () => {
    issuer = await startIssuer([key1]);
    issuer.missing.add('/.well-known/oauth-authorization-server');
    const auth = createOAuthAuthenticator({ issuer: issuer.issuer, resourceOf: () => new URL(MCP) });
    app = await buildOAuthApp(auth, { failureLimit: false });
    const tokens = await Promise.all(['ann', 'bob', 'cid'].map((subject) => tokenFor(key1, { subject })));
    const first = await Promise.all(tokens.map((t) => app!.inject({ url: '/mcp', headers: bearer(t) })));
    expect(first.map((r) => r.json<{ principal: { subject: string } }>().principal.subject)).toEqual([
      'ann',
      'bob',
      'cid',
    ]);
    const later = await app.inject({
      url: '/mcp',
      headers: bearer(await tokenFor(key1, { subject: 'dan' })),
    });
    expect(later.statusCode).toBe(200);
    // concurrent first requests share one discovery and one JWKS fetch
    expect([...issuer.hits.entries()].sort()).toEqual([
      ['/.well-known/oauth-authorization-server', 1],
      ['/.well-known/openid-configuration', 1],
      ['/jwks', 1],
    ]);
  });
});

describe('createOAuthAuthenticator: configuration', () => {
  it.each([
    [
      { issuer: 'http://as.example' },
      'brAInwav: OAuth option issuer must be https (plain http only on a loopback host)',
    ],
    [
      { jwks: new URL('http://as.example/jwks') },
      'brAInwav: OAuth option jwks must be https (plain http only on a loopback host)',
    ],
    [
      { algorithms: ['RS256', 'HS256'] },
      'brAInwav: OAuth option algorithms must list asymmetric JWS algorithms only (no none, no HS*)',
    ],
    [{ jwks: { keys: 'none' } as never }, 'brAInwav: OAuth option jwks is not a valid JSON Web Key Set'],
    [
      { clockToleranceSeconds: 3600 },
      'brAInwav: OAuth option clockToleranceSeconds must be an integer from 0 to 300',
    ],
  ])('refuses %j', (options, message) => {
    expect(() =>
      createOAuthAuthenticator({ issuer: 'https://as.example', resourceOf: () => new URL(MCP), ...options }),
    ).toThrow(message);
  });
});
