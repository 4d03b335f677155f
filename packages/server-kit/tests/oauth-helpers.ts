import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import {
  authPlugin,
  errorHandlerPlugin,
  principalOf,
  type AuthPluginOptions,
  type Authenticator,
} from '../src/index.js';

/** An RSA signing key and its public JWK (with `kid`). */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

export async function signingKey(kid: string): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/**
 * A real authorization server stand-in on 127.0.0.1:0: `/jwks` (the current keys),
 * `/.well-known/oauth-authorization-server` (RFC 8414 metadata naming `/jwks`), request counts per path.
 */
export interface FakeIssuer {
  readonly issuer: string;
  readonly jwksUrl: URL;
  readonly hits: Map<string, number>;
  keys: SigningKey[];
  /** Paths answering 404 (e.g. the RFC 8414 document, to exercise the OpenID fallback). */
  readonly missing: Set<string>;
  close(): Promise<void>;
}

export async function startIssuer(
  keys: SigningKey[],
  scopes = ['tickets:read', 'tickets:write'],
): Promise<FakeIssuer> {
  const hits = new Map<string, number>();
  const missing = new Set<string>();
  let issuer = '';
  const state = { keys };
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const metadata = {
      issuer,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
      response_types_supported: ['code'],
      scopes_supported: scopes,
    };
    const documents: Record<string, unknown> = {
      '/jwks': { keys: state.keys.map((k) => k.publicJwk) },
      '/.well-known/oauth-authorization-server': metadata,
      '/.well-known/openid-configuration': metadata,
    };
    const body = missing.has(path) ? undefined : documents[path];
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? { error: 'not found' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    jwksUrl: new URL(`${issuer}/jwks`),
    hits,
    missing,
    get keys() {
      return state.keys;
    },
    set keys(next: SigningKey[]) {
      state.keys = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (!server.listening) return resolve();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Options of {@link mint}. */
export interface MintOptions {
  readonly issuer: string;
  readonly audience: string | string[];
  readonly subject?: string;
  /** Seconds from now; negative for an expired token. Default 600. */
  readonly expiresIn?: number;
  /** Seconds from now. */
  readonly notBefore?: number;
  readonly claims?: JWTPayload;
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** An RS256 JWT access token signed with `key`. */
export function mint(key: SigningKey, options: MintOptions): Promise<string> {
  const now = nowSeconds();
  const jwt = new SignJWT({ scope: 'tickets:read', roles: ['support'], client_id: 'cli', ...options.claims })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'at+jwt' })
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setSubject(options.subject ?? 'alice')
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expiresIn ?? 600));
  if (options.notBefore !== undefined) jwt.setNotBefore(now + options.notBefore);
  return jwt.sign(key.privateKey);
}

/** An app with the error handler, the auth plugin over `authenticator`, and MCP-like routes. */
export async function buildOAuthApp(
  authenticator: Authenticator,
  auth: Partial<AuthPluginOptions> = {},
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(errorHandlerPlugin);
  await app.register(authPlugin, {
    scopes: {
      mcp: { keys: ['mcp-key-0123456789abcdef'], label: 'the MCP endpoint' },
      rest: { keys: ['rest-key-0123456789abcdef'], label: 'the REST API' },
    },
    defaultScope: 'mcp',
    realm: 'brAInwav test',
    authenticator,
    ...auth,
  });
  app.get('/mcp', (request) => ({ principal: request.principal, raw: principalOf(request.raw) }));
  app.get('/mcp/connectors/:id', (request) => ({ principal: request.principal }));
  app.get('/v1/connectors', { config: { auth: 'rest' } }, (request) => ({ principal: request.principal }));
  return app;
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
