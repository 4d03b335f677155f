import { afterEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  authPlugin,
  defaultHostOriginPolicy,
  errorHandlerPlugin,
  hostGuardPlugin,
  protectedResourcePlugin,
  resourceMetadataUrl,
  resourceUrl,
  type ProtectedResourceOptions,
} from '../src/index.js';
import { startIssuer, type FakeIssuer } from './oauth-helpers.js';

const BASE = new URL('http://127.0.0.1:3026');
const AS_METADATA = '/.well-known/oauth-authorization-server';

let issuer: FakeIssuer;
let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
  await issuer?.close();
});

async function build(options: Partial<ProtectedResourceOptions> = {}): Promise<FastifyInstance> {
  app = Fastify({ logger: false });
  await app.register(errorHandlerPlugin);
  await app.register(hostGuardPlugin, { policy: defaultHostOriginPolicy() });
  await app.register(authPlugin, {
    scopes: { mcp: { keys: ['mcp-key-0123456789abcdef'], label: 'the MCP endpoint' } },
    defaultScope: 'mcp',
    realm: 'brAInwav test',
    failureLimit: false,
  });
  await app.register(protectedResourcePlugin, {
    authorizationServer: { issuer: issuer.issuer },
    baseUrl: BASE,
    resources: ['/mcp', '/v1/connectors'],
    defaultResource: '/mcp',
    dynamicResources: [
      {
        prefix: '/mcp/connectors',
        knows: (id) => id === 'github' || id === 'tickets',
        scopesOf: (id) => (id === 'tickets' ? ['tickets:read'] : undefined),
      },
    ],
    ...options,
  });
  app.get('/mcp', () => 'mcp');
  return app;
}

const get = (path: string, headers: Record<string, string> = {}) =>
  app!.inject({ url: path, headers: { host: '127.0.0.1:3026', ...headers } });

describe('resourceUrl / resourceMetadataUrl', () => {
  it('joins the base path and inserts the well-known prefix ahead of the path (SDK helper)', () => {
    expect(resourceUrl(BASE, '/mcp').href).toBe('http://127.0.0.1:3026/mcp');
    expect(resourceUrl(BASE, '/').href).toBe('http://127.0.0.1:3026/');
    expect(resourceUrl(new URL('https://gw.example/connectors/?x=1'), '/mcp').href).toBe(
      'https://gw.example/connectors/mcp',
    );
    expect(resourceMetadataUrl(BASE, '/mcp/connectors/github')).toBe(
      'http://127.0.0.1:3026/.well-known/oauth-protected-resource/mcp/connectors/github',
    );
    expect(resourceMetadataUrl(new URL('https://gw.example/connectors'), '/mcp')).toBe(
      'https://gw.example/.well-known/oauth-protected-resource/connectors/mcp',
    );
  });
});

describe('protectedResourcePlugin', () => {
  it('serves the RFC 9728 document of each resource, public, from any origin, cacheable', async () => {
    issuer = await startIssuer([]);
    await build();
    const expected = (resource: string, scopes: string[]) => ({
      resource,
      authorization_servers: [issuer.issuer],
      scopes_supported: scopes,
      resource_name: 'brAInwav connectors',
      bearer_methods_supported: ['header'],
    });
    const cases: [string, ReturnType<typeof expected>][] = [
      [
        '/.well-known/oauth-protected-resource',
        expected('http://127.0.0.1:3026/mcp', ['tickets:read', 'tickets:write']),
      ],
      [
        '/.well-known/oauth-protected-resource/mcp',
        expected('http://127.0.0.1:3026/mcp', ['tickets:read', 'tickets:write']),
      ],
      [
        '/.well-known/oauth-protected-resource/v1/connectors',
        expected('http://127.0.0.1:3026/v1/connectors', ['tickets:read', 'tickets:write']),
      ],
      [
        '/.well-known/oauth-protected-resource/mcp/connectors/github',
        expected('http://127.0.0.1:3026/mcp/connectors/github', ['tickets:read', 'tickets:write']),
      ],
      [
        '/.well-known/oauth-protected-resource/mcp/connectors/tickets',
        expected('http://127.0.0.1:3026/mcp/connectors/tickets', ['tickets:read']),
      ],
    ];
    for (const [path, document] of cases) {
      const res = await get(path, { origin: 'https://inspector.example' });
      expect(res.statusCode, path).toBe(200);
      expect(res.json()).toEqual(document);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['cache-control']).toBe('max-age=300');
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    }
    expect(issuer.hits.get(AS_METADATA)).toBe(1);
    // other routes keep the Origin check and the key
    expect((await get('/mcp', { origin: 'https://inspector.example' })).statusCode).toBe(403);
    expect((await get('/mcp')).statusCode).toBe(401);
  });

  it('answers an unknown connector id 404 NOT_FOUND, branded', async () => {
    issuer = await startIssuer([]);
    await build();
    const res = await get('/.well-known/oauth-protected-resource/mcp/connectors/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toEqual({
      code: 'NOT_FOUND',
      message: 'brAInwav: no protected resource /mcp/connectors/nope',
    });
  });

  it('answers a CORS preflight', async () => {
    issuer = await startIssuer([]);
    await build();
    const res = await app!.inject({
      method: 'OPTIONS',
      url: '/.well-known/oauth-protected-resource/mcp',
      headers: {
        host: '127.0.0.1:3026',
        origin: 'https://inspector.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'mcp-protocol-version',
      },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-methods']).toBe('GET, HEAD, OPTIONS');
    expect(res.headers['access-control-allow-headers']).toBe('mcp-protocol-version');
  });

  it('does not fetch the AS metadata when scopes are configured, and serves without it when the AS is down', async () => {
    issuer = await startIssuer([]);
    await build({ scopesSupported: ['mcp'] });
    expect((await get('/.well-known/oauth-protected-resource/mcp')).json().scopes_supported).toEqual(['mcp']);
    expect(issuer.hits.size).toBe(0);
    await app!.close();
    await issuer.close();
    await build();
    const res = await get('/.well-known/oauth-protected-resource/mcp');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      resource: 'http://127.0.0.1:3026/mcp',
      authorization_servers: [issuer.issuer],
      resource_name: 'brAInwav connectors',
      bearer_methods_supported: ['header'],
    });
  });

  it('refuses a plain-http issuer off loopback and a malformed resource path at registration', async () => {
    issuer = await startIssuer([]);
    await expect(build({ authorizationServer: { issuer: 'http://as.example' } })).rejects.toThrow(
      'brAInwav: OAuth option issuer must be https (plain http only on a loopback host)',
    );
    await app!.close();
    await expect(build({ resources: ['mcp/'] })).rejects.toThrow(
      'brAInwav: OAuth option resources entry "mcp/" is not a path like /mcp',
    );
  });
});
