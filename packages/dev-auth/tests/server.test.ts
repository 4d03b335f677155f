import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevAuthError, startDevAuthServer, type DevAuthServer } from '../src/index.js';
import {
  ADMIN_SECRET,
  discovery,
  pkce,
  postForm,
  RESOURCE,
  startTestServer,
  SUPPORT_SECRET,
  testJwks,
} from './helpers.js';
import { followDevAuthorization } from '../src/testing.js';

let server: DevAuthServer;
let meta: Record<string, unknown>;

beforeAll(async () => {
  server = await startTestServer();
  meta = await discovery(server);
});
afterAll(async () => {
  await server.close();
});

const tokenEndpoint = (): string => meta.token_endpoint as string;

async function verify(token: string, audience = RESOURCE) {
  const jwks = createRemoteJWKSet(new URL(meta.jwks_uri as string));
  return jwtVerify(token, jwks, { issuer: server.issuer, audience, algorithms: ['RS256'] });
}

async function register(
  metadata: Record<string, unknown>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(meta.registration_endpoint as string, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(metadata),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function authorizationUrl(params: Record<string, string>): string {
  const url = new URL(meta.authorization_endpoint as string);
  url.search = new URLSearchParams({ response_type: 'code', state: 'state-1', ...params }).toString();
  return url.href;
}

describe('discovery', () => {
  it('serves OpenID discovery with PKCE S256, registration, public clients and the issuer', () => {
    expect(server.issuer).toBe(server.url);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(meta).toMatchObject({
      issuer: server.issuer,
      authorization_endpoint: `${server.url}/auth`,
      token_endpoint: `${server.url}/token`,
      jwks_uri: `${server.url}/jwks`,
      registration_endpoint: `${server.url}/reg`,
      code_challenge_methods_supported: ['S256'],
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
    });
    expect(meta.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['none', 'client_secret_basic', 'client_secret_post']),
    );
    expect(meta.scopes_supported).toEqual([
      'openid',
      'offline_access',
      'mcp:tools',
      'tools:read',
      'tools:call',
    ]);
  });

  it('serves the same metadata at /.well-known/oauth-authorization-server (RFC 8414)', async () => {
    const response = await fetch(server.metadataUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(await response.json()).toEqual(meta);
  });

  it('publishes only the public half of the signing key', async () => {
    const { keys } = (await (await fetch(meta.jwks_uri as string)).json()) as {
      keys: Record<string, unknown>[];
    };
    const [key] = (await testJwks()).keys;
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({
      kty: 'RSA',
      kid: key!.kid,
      alg: 'RS256',
      use: 'sig',
      n: key!.n,
      e: 'AQAB',
    });
    expect(keys[0]).not.toHaveProperty('d');
  });
});

describe('dynamic client registration', () => {
  it('registers a public client (token_endpoint_auth_method none) without an initial access token', async () => {
    const { status, body } = await register({
      client_name: 'brAInwav test',
      redirect_uris: ['http://localhost:5555/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({
      client_name: 'brAInwav test',
      redirect_uris: ['http://localhost:5555/callback'],
      token_endpoint_auth_method: 'none',
    });
    expect(typeof body.client_id).toBe('string');
    expect(body).not.toHaveProperty('client_secret');
  });

  it('accepts ChatGPT-style https callbacks and loopback callbacks with a port', async () => {
    const { status, body } = await register({
      redirect_uris: [
        'https://chatgpt.com/connector_platform_oauth_redirect',
        'http://127.0.0.1:33418/callback',
      ],
      token_endpoint_auth_method: 'client_secret_post',
    });
    expect(status).toBe(201);
    expect(typeof body.client_secret).toBe('string');
  });
});

describe('authorization code + PKCE with a resource indicator', () => {
  const redirectUri = 'http://localhost:5555/callback';
  let clientId: string;
  beforeAll(async () => {
    const { body } = await register({
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'none',
    });
    clientId = body.client_id as string;
  });

  async function codeFor(params: Record<string, string>, verifierChallenge = pkce()) {
    const back = await followDevAuthorization(
      authorizationUrl({
        client_id: clientId,
        redirect_uri: redirectUri,
        code_challenge: verifierChallenge.challenge,
        code_challenge_method: 'S256',
        resource: RESOURCE,
        ...params,
      }),
      redirectUri,
    );
    return { back, verifier: verifierChallenge.verifier };
  }

  it('logs in the login_hint user, consents, and issues a JWT for the resource with that user’s roles', async () => {
    const { back, verifier } = await codeFor({
      scope: 'mcp:tools tools:read unknown:scope',
      login_hint: 'bob',
    });
    expect(back.searchParams.get('state')).toBe('state-1');
    expect(back.searchParams.get('iss')).toBe(server.issuer);
    const code = back.searchParams.get('code');
    expect(code).toBeTruthy();
    const { status, body } = await postForm(tokenEndpoint(), {
      grant_type: 'authorization_code',
      code: code!,
      redirect_uri: redirectUri,
      client_id: clientId,
      code_verifier: verifier,
      resource: RESOURCE,
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 600, scope: 'mcp:tools tools:read' });
    expect(typeof body.refresh_token).toBe('string');
    const { payload, protectedHeader } = await verify(body.access_token as string);
    expect(protectedHeader).toMatchObject({
      alg: 'RS256',
      typ: 'at+jwt',
      kid: (await testJwks()).keys[0]!.kid,
    });
    expect(payload).toMatchObject({
      iss: server.issuer,
      sub: 'bob',
      aud: RESOURCE,
      scope: 'mcp:tools tools:read',
      client_id: clientId,
      roles: ['support'],
    });
    expect(payload.exp! - payload.iat!).toBe(600);
  });

  it('without login_hint logs in the first configured user (alice, admin)', async () => {
    const { back, verifier } = await codeFor({ scope: 'mcp:tools' });
    const { body } = await postForm(tokenEndpoint(), {
      grant_type: 'authorization_code',
      code: back.searchParams.get('code')!,
      redirect_uri: redirectUri,
      client_id: clientId,
      code_verifier: verifier,
    });
    const { payload } = await verify(body.access_token as string);
    expect(payload).toMatchObject({ sub: 'alice', roles: ['admin'], aud: RESOURCE, scope: 'mcp:tools' });
  });

  it('refreshes: a new JWT for the same resource, user and roles', async () => {
    const { back, verifier } = await codeFor({ scope: 'mcp:tools tools:call', login_hint: 'alice' });
    const first = await postForm(tokenEndpoint(), {
      grant_type: 'authorization_code',
      code: back.searchParams.get('code')!,
      redirect_uri: redirectUri,
      client_id: clientId,
      code_verifier: verifier,
      resource: RESOURCE,
    });
    const refreshed = await postForm(tokenEndpoint(), {
      grant_type: 'refresh_token',
      refresh_token: first.body.refresh_token as string,
      client_id: clientId,
      resource: RESOURCE,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(first.body.refresh_token);
    const { payload } = await verify(refreshed.body.access_token as string);
    expect(payload).toMatchObject({ sub: 'alice', roles: ['admin'], scope: 'mcp:tools tools:call' });
  });

  it('a wrong code_verifier → 400 invalid_grant', async () => {
    const { back } = await codeFor({ scope: 'mcp:tools' });
    const { status, body } = await postForm(tokenEndpoint(), {
      grant_type: 'authorization_code',
      code: back.searchParams.get('code')!,
      redirect_uri: redirectUri,
      client_id: clientId,
      code_verifier: pkce().verifier,
    });
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_grant');
  });

  it('refuses a request without PKCE (redirected back with invalid_request)', async () => {
    const response = await fetch(
      authorizationUrl({
        client_id: clientId,
        redirect_uri: redirectUri,
        scope: 'mcp:tools',
        resource: RESOURCE,
      }),
      { redirect: 'manual' },
    );
    const location = new URL(response.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(redirectUri);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toBe(
      'Authorization Server policy requires PKCE to be used for this request',
    );
  });

  it('refuses code_challenge_method plain', async () => {
    const { verifier } = pkce();
    const response = await fetch(
      authorizationUrl({
        client_id: clientId,
        redirect_uri: redirectUri,
        scope: 'mcp:tools',
        code_challenge: verifier,
        code_challenge_method: 'plain',
      }),
      { redirect: 'manual' },
    );
    const location = new URL(response.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toBe(
      'not supported value of code_challenge_method',
    );
  });

  it('an unknown login_hint → access_denied with a branded description', async () => {
    const back = await followDevAuthorization(
      authorizationUrl({
        client_id: clientId,
        redirect_uri: redirectUri,
        scope: 'mcp:tools',
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
        login_hint: 'mallory',
      }),
      redirectUri,
    );
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('error_description')).toBe(
      'brAInwav: login_hint "mallory" is not a configured dev user',
    );
  });

  it('a resource that is neither loopback nor configured → invalid_target', async () => {
    const response = await fetch(
      authorizationUrl({
        client_id: clientId,
        redirect_uri: redirectUri,
        scope: 'mcp:tools',
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
        resource: 'https://evil.example.com/mcp',
      }),
      { redirect: 'manual' },
    );
    const location = new URL(response.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('invalid_target');
    expect(location.searchParams.get('error_description')).toMatch(
      /^brAInwav: resource https:\/\/evil\.example\.com\/mcp/,
    );
  });
});

describe('configured public client with a loopback redirect URI', () => {
  it('accepts the registered http://127.0.0.1/callback on any port (RFC 8252 §7.3)', async () => {
    const redirectUri = 'http://127.0.0.1:49152/callback';
    const { verifier, challenge } = pkce();
    const back = await followDevAuthorization(
      authorizationUrl({
        client_id: 'dev-cli',
        redirect_uri: redirectUri,
        scope: 'mcp:tools tools:read',
        code_challenge: challenge,
        code_challenge_method: 'S256',
        resource: RESOURCE,
        login_hint: 'bob',
      }),
      redirectUri,
    );
    const { status, body } = await postForm(tokenEndpoint(), {
      grant_type: 'authorization_code',
      code: back.searchParams.get('code')!,
      redirect_uri: redirectUri,
      client_id: 'dev-cli',
      code_verifier: verifier,
    });
    expect(status).toBe(200);
    const { payload } = await verify(body.access_token as string);
    expect(payload).toMatchObject({ sub: 'bob', client_id: 'dev-cli', roles: ['support'] });
  });

  it('still refuses another path or host', async () => {
    const response = await fetch(
      authorizationUrl({
        client_id: 'dev-cli',
        redirect_uri: 'http://127.0.0.1:49152/other',
        scope: 'mcp:tools',
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
      }),
      { redirect: 'manual' },
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ brand: 'brAInwav', error: 'invalid_redirect_uri' });
  });
});

describe('client credentials', () => {
  it('dev-support gets a JWT for the resource with roles ["support"], scopes limited to its own', async () => {
    const { status, body } = await postForm(
      tokenEndpoint(),
      { grant_type: 'client_credentials', resource: RESOURCE, scope: 'mcp:tools tools:read tools:call' },
      { id: 'dev-support', secret: SUPPORT_SECRET },
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 600, scope: 'mcp:tools tools:read' });
    const { payload } = await verify(body.access_token as string);
    expect(payload).toMatchObject({
      iss: server.issuer,
      sub: 'dev-support',
      aud: RESOURCE,
      client_id: 'dev-support',
      scope: 'mcp:tools tools:read',
      roles: ['support'],
    });
  });

  it('dev-admin gets roles ["admin"] for a per-connector resource', async () => {
    const resource = 'http://127.0.0.1:7071/mcp/connectors/alpha';
    const { body } = await postForm(
      tokenEndpoint(),
      { grant_type: 'client_credentials', resource, scope: 'tools:call' },
      { id: 'dev-admin', secret: ADMIN_SECRET },
    );
    const { payload } = await verify(body.access_token as string, resource);
    expect(payload).toMatchObject({ sub: 'dev-admin', roles: ['admin'], scope: 'tools:call', aud: resource });
    expect(decodeProtectedHeader(body.access_token as string).typ).toBe('at+jwt');
  });

  it('a wrong client secret → 401 invalid_client', async () => {
    const { status, body } = await postForm(
      tokenEndpoint(),
      { grant_type: 'client_credentials', resource: RESOURCE, scope: 'mcp:tools' },
      { id: 'dev-admin', secret: 'not-the-secret-0123456789' },
    );
    expect(status).toBe(401);
    expect(body.error).toBe('invalid_client');
  });

  it('a client without the grant type cannot use client credentials → 400', async () => {
    const { status, body } = await postForm(tokenEndpoint(), {
      grant_type: 'client_credentials',
      client_id: 'dev-cli',
      resource: RESOURCE,
    });
    expect(status).toBe(400);
    expect(body).toEqual({
      error: 'invalid_request',
      error_description: 'requested grant type is not allowed for this client',
    });
  });
});

describe('listen host', () => {
  it('refuses a non-loopback host without allowRemote', async () => {
    const started = startDevAuthServer({
      host: '0.0.0.0',
      jwks: await testJwks(),
      clients: [],
      users: [],
      scopes: ['mcp:tools'],
    });
    await expect(started).rejects.toBeInstanceOf(DevAuthError);
    await expect(started).rejects.toMatchObject({
      code: 'DEV_AUTH_REMOTE_REFUSED',
      message: expect.stringMatching(
        /^brAInwav: dev-auth refuses to listen on the non-loopback host 0\.0\.0\.0/,
      ),
    });
  });

  it('listens on a non-loopback host with allowRemote (DEV_AUTH_ALLOW_REMOTE=true)', async () => {
    const remote = await startTestServer({ host: '0.0.0.0', allowRemote: true });
    try {
      expect(remote.host).toBe('0.0.0.0');
      const response = await fetch(`http://127.0.0.1:${remote.port}/.well-known/openid-configuration`);
      expect(response.status).toBe(200);
    } finally {
      await remote.close();
    }
  });

  it('listens on localhost (a loopback name)', async () => {
    const local = await startTestServer({ host: 'localhost' });
    try {
      expect(local.issuer).toMatch(/^http:\/\/localhost:\d+$/);
      expect((await discovery(local)).issuer).toBe(local.issuer);
    } finally {
      await local.close();
    }
  });

  it('a configured issuer is the iss of discovery and tokens', async () => {
    const issuer = 'http://127.0.0.1:7072';
    const other = await startTestServer({ issuer: `${issuer}/` });
    try {
      expect(other.issuer).toBe(issuer);
      const response = await fetch(other.metadataUrl);
      expect(((await response.json()) as Record<string, unknown>).issuer).toBe(issuer);
    } finally {
      await other.close();
    }
  });
});
