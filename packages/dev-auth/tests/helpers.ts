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

/** A cookie jar by name (paths ignored: the flow visits one interaction at a time). */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** GET `url` without following redirects, sending and storing cookies. */
export async function step(url: string, jar: CookieJar): Promise<Response> {
  const response = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
  jar.store(response);
  await response.body?.cancel();
  return response;
}

/**
 * Follows the redirects of the automatic login and consent from the authorization URL until the
 * redirect URI (which is never requested) and returns that URL with its query.
 */
export async function authorize(authorizationUrl: string, redirectUri: string): Promise<URL> {
  const jar = new CookieJar();
  let url = authorizationUrl;
  for (let hop = 0; hop < 10; hop += 1) {
    const response = await step(url, jar);
    expect([302, 303]).toContain(response.status);
    const location = new URL(response.headers.get('location') ?? '', url);
    if (location.href.startsWith(redirectUri)) return location;
    url = location.href;
  }
  throw new Error('too many redirects');
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
