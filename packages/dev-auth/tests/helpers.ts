import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import {
  generateDevAuthJwks,
  startDevAuthServer,
  type DevAuthClient,
  type DevAuthJwks,
  type DevAuthServer,
  type DevAuthServerOptions,
} from '../src/index.js';

/** Secrets of the two demo clients in tests (≥ 16 characters). */
export const ADMIN_SECRET = 'dev-admin-test-secret-0123456789';
export const SUPPORT_SECRET = 'dev-support-test-secret-0123456789';

/** The connectors resource every test token is bound to. */
export const RESOURCE = 'http://127.0.0.1:7071/mcp';

/** The scopes of `config/dev-auth.json`. */
export const SCOPES = ['openid', 'offline_access', 'mcp:tools', 'tools:read', 'tools:call'];

export const CLIENTS: readonly DevAuthClient[] = [
  {
    client_id: 'dev-admin',
    client_secret: ADMIN_SECRET,
    roles: ['admin'],
    scopes: ['mcp:tools', 'tools:read', 'tools:call'],
    grant_types: ['client_credentials'],
  },
  {
    client_id: 'dev-support',
    client_secret: SUPPORT_SECRET,
    roles: ['support'],
    scopes: ['mcp:tools', 'tools:read'],
    grant_types: ['client_credentials'],
  },
  {
    client_id: 'dev-cli',
    roles: [],
    scopes: ['mcp:tools', 'tools:read', 'tools:call'],
    grant_types: ['authorization_code', 'refresh_token'],
    redirect_uris: ['http://127.0.0.1/callback'],
  },
];

export const USERS = [
  { sub: 'alice', roles: ['admin'] },
  { sub: 'bob', roles: ['support'] },
];

let jwks: Promise<DevAuthJwks> | undefined;

/** One RS256 JWKS per test file (RSA key generation is slow on 2 shared cores). */
export function testJwks(): Promise<DevAuthJwks> {
  jwks ??= generateDevAuthJwks();
  return jwks;
}

/** Starts a dev server on 127.0.0.1:0 with the demo users and clients (options override). */
export async function startTestServer(options: Partial<DevAuthServerOptions> = {}): Promise<DevAuthServer> {
  return startDevAuthServer({
    jwks: await testJwks(),
    clients: CLIENTS,
    users: USERS,
    scopes: SCOPES,
    ...options,
  });
}

/** A PKCE verifier and its S256 challenge. */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** POST a form to `url` (optionally with HTTP Basic client authentication) and parse the JSON answer. */
export async function postForm(
  url: string,
  form: Record<string, string>,
  basic?: { id: string; secret: string },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic) {
    const encoded = Buffer.from(
      `${encodeURIComponent(basic.id)}:${encodeURIComponent(basic.secret)}`,
    ).toString('base64');
    headers.authorization = `Basic ${encoded}`;
  }
  const response = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(form) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The discovery document of `server`. */
export async function discovery(server: DevAuthServer): Promise<Record<string, unknown>> {
  const response = await fetch(server.discoveryUrl);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}
