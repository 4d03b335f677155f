import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@cortex-os/telemetry';
import type { ConnectorEntry } from '@cortex-os/connectors-manifest';
import { createSecretRefPolicy, createSecretResolver } from '@cortex-os/connectors-manifest/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  buildUpstreamHeaders,
  createRemoteToolProxy,
  defaultResolveSecret,
  type ProxyConnector,
  type RemoteToolProxy,
} from '../src/index.js';
import { startFixtureServer, startSseFixtureServer, type FixtureServer } from '../src/testing/index.js';
import { captureLines, connectorFor, rejectionOf } from './helpers.js';

const SECRET = 'sk-live-9f8e7d6c5b4a3f2e1d';
const ENV = 'CONNECTOR_BRIDGE_TEST_TOKEN_4711';
let fixture: FixtureServer;
let dir: string;
const proxies: RemoteToolProxy[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bridge-auth-'));
  writeFileSync(join(dir, 'key'), `${SECRET}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(async () => {
  process.env[ENV] = SECRET;
  fixture = await startFixtureServer();
});
afterEach(async () => {
  delete process.env[ENV];
  await Promise.all(proxies.splice(0).map((p) => p.close()));
  await fixture.stop();
});

function track(proxy: RemoteToolProxy): RemoteToolProxy {
  proxies.push(proxy);
  return proxy;
}

describe('auth headers', () => {
  it('sends Authorization: Bearer <secret from env:> plus static headers on every request', async () => {
    fixture.setRequireAuth({ header: 'Authorization', value: `Bearer ${SECRET}` });
    const proxy = track(
      createRemoteToolProxy(
        connectorFor(fixture.url, {
          auth: { type: 'bearer', secretRef: `env:${ENV}` },
          headers: { 'X-Tenant': 'acme' },
        }),
      ),
    );
    await proxy.callTool('echo', { text: 'authed' });
    const posts = fixture.requests.filter((r) => r.httpMethod === 'POST');
    expect(posts.map((r) => r.rpcMethod)).toEqual(['initialize', 'notifications/initialized', 'tools/call']);
    for (const seen of fixture.headersSeen) {
      expect(seen.authorization).toBe(`Bearer ${SECRET}`);
      expect(seen['x-tenant']).toBe('acme');
    }
  });

  it('sends <headerName>: <secret from file:> for apiKey auth', async () => {
    fixture.setRequireAuth({ header: 'X-Api-Key', value: SECRET });
    const proxy = track(
      createRemoteToolProxy(
        connectorFor(fixture.url, {
          auth: { type: 'apiKey', headerName: 'X-Api-Key', secretRef: `file:${join(dir, 'key')}` },
        }),
        { resolveSecret: createSecretResolver(createSecretRefPolicy({ secretDir: dir })) },
      ),
    );
    expect((await proxy.listTools()).length).toBeGreaterThan(0);
    expect(fixture.headersSeen.every((h) => h['x-api-key'] === SECRET && h.authorization === undefined)).toBe(
      true,
    );
  });

  it('sends the auth and static headers on the legacy SSE transport too (stream and messages)', async () => {
    const sse = await startSseFixtureServer({ requireAuth: { header: 'X-Api-Key', value: SECRET } });
    try {
      const proxy = track(
        createRemoteToolProxy(
          connectorFor(sse.url, {
            transport: 'sse',
            auth: { type: 'apiKey', headerName: 'X-Api-Key', secretRef: `env:${ENV}` },
            headers: { 'X-Tenant': 'acme' },
          }),
          { probeIntervalMs: 0 },
        ),
      );
      const result = await proxy.callTool('echo', { text: 'sse authed' });
      expect(result.content).toEqual([{ type: 'text', text: 'sse authed' }]);
      expect(sse.requests.map((r) => r.httpMethod)).toEqual(['GET', 'POST', 'POST', 'POST']);
      expect(sse.headersSeen.length).toBe(4);
      expect(sse.headersSeen.every((h) => h['x-api-key'] === SECRET && h['x-tenant'] === 'acme')).toBe(true);
      const crash = await rejectionOf(proxy.callTool('crash', {}, { timeoutMs: 20_000 }));
      expect(crash).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
      expect((await proxy.callTool('echo', { text: 'new stream' })).content).toEqual([
        { type: 'text', text: 'new stream' },
      ]);
      expect(sse.requests.filter((r) => r.httpMethod === 'GET')).toHaveLength(2);
      await proxy.close();
    } finally {
      await sse.stop();
    }
  });

  it('refuses incomplete auth configs with AUTH_CONFIG_INVALID before any request', () => {
    const cases: ProxyConnector['auth'][] = [
      { type: 'bearer' },
      { type: 'apiKey', secretRef: `env:${ENV}` },
      { type: 'apiKey', headerName: 'bad header', secretRef: `env:${ENV}` },
    ];
    for (const auth of cases) {
      let thrown: unknown;
      try {
        createRemoteToolProxy(connectorFor(fixture.url, { auth }));
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({ code: 'AUTH_CONFIG_INVALID', connectorId: 'fixture' });
      expect((thrown as Error).message).toMatch(/^brAInwav: connector fixture: auth\./);
    }
    expect(fixture.requests).toHaveLength(0);
  });

  it('fails with SECRET_UNRESOLVED naming the ref (never a value) and sends nothing', async () => {
    const proxy = track(
      createRemoteToolProxy(
        connectorFor(fixture.url, { auth: { type: 'bearer', secretRef: 'env:CONNECTOR_MISSING_SECRET_X' } }),
        { retries: { attempts: 1 } },
      ),
    );
    const error = await rejectionOf(proxy.connect());
    expect(error).toMatchObject({
      code: 'SECRET_UNRESOLVED',
      connectorId: 'fixture',
      secretRef: 'env:CONNECTOR_MISSING_SECRET_X',
    });
    expect(error.message).toBe(
      'brAInwav: connector fixture: secretRef env:CONNECTOR_MISSING_SECRET_X could not be resolved',
    );
    expect(fixture.requests).toHaveLength(0);
    await expect(defaultResolveSecret(`env:${ENV}`)).resolves.toBe(SECRET);
  });

  it('accepts a manifest ConnectorEntry as is', async () => {
    const entry: ConnectorEntry = {
      id: 'entry',
      version: '1.0.0',
      displayName: 'Entry',
      endpoint: fixture.url,
      transport: 'streamable-http',
      auth: { type: 'bearer', secretRef: `env:${ENV}` },
      headers: { 'X-From': 'manifest' },
      scopes: ['read'],
      ttlSeconds: 60,
      quotas: { perMinute: 10, perHour: 100 },
      enabled: true,
      metadata: { brand: 'brAInwav' },
    };
    expect(await buildUpstreamHeaders(entry, defaultResolveSecret)).toEqual({
      headers: { 'X-From': 'manifest', Authorization: `Bearer ${SECRET}` },
      secrets: [SECRET],
    });
    const proxy = track(createRemoteToolProxy(entry));
    await proxy.connect();
    expect(proxy.connectorId).toBe('entry');
    expect(fixture.headersSeen[0]?.['x-from']).toBe('manifest');
  });
});

describe('secretRef policy (the gateway keys are never sent upstream)', () => {
  const GATEWAY_KEY = 'gateway-mcp-key-value-0123456789';
  beforeEach(() => {
    process.env.MCP_API_KEY = GATEWAY_KEY;
    process.env.CONNECTOR_COPY_OF_GATEWAY_KEY = GATEWAY_KEY;
  });
  afterEach(() => {
    delete process.env.MCP_API_KEY;
    delete process.env.CONNECTOR_COPY_OF_GATEWAY_KEY;
  });

  it('refuses env:MCP_API_KEY with SECRET_REF_NOT_ALLOWED: the fixture never receives the key', async () => {
    const out = captureLines();
    const logger = createLogger({ component: 'mcp-bridge', level: 'debug', destination: out });
    const proxy = track(
      createRemoteToolProxy(
        connectorFor(fixture.url, { id: 'search', auth: { type: 'bearer', secretRef: 'env:MCP_API_KEY' } }),
        { logger, retries: { attempts: 1 }, downDebounceMs: 0 },
      ),
    );
    const error = await rejectionOf(proxy.callTool('echo', { text: 'x' }));
    expect(error).toMatchObject({ code: 'SECRET_REF_NOT_ALLOWED', connectorId: 'search' });
    expect(error.message).toBe(
      'brAInwav: connector "search": secretRef env:MCP_API_KEY is not allowed (CONNECTORS_SECRET_REFS)',
    );
    expect(proxy.lastError).toMatchObject({ code: 'SECRET_REF_NOT_ALLOWED', message: error.message });
    expect(fixture.requests).toHaveLength(0);
    expect(fixture.headersSeen.map((h) => JSON.stringify(h)).join('')).not.toContain(GATEWAY_KEY);
    expect(out.lines.join('') + JSON.stringify(proxy.lastError) + error.stack).not.toContain(GATEWAY_KEY);
  });

  it('refuses an allowed name whose value is a gateway key, and any file: ref without a secret dir', async () => {
    for (const secretRef of ['env:CONNECTOR_COPY_OF_GATEWAY_KEY', `file:${join(dir, 'key')}`]) {
      const proxy = track(
        createRemoteToolProxy(connectorFor(fixture.url, { auth: { type: 'bearer', secretRef } }), {
          retries: { attempts: 1 },
        }),
      );
      const error = await rejectionOf(proxy.connect());
      expect(error).toMatchObject({ code: 'SECRET_REF_NOT_ALLOWED', secretRef });
      expect(error.message).not.toContain(GATEWAY_KEY);
    }
    expect(fixture.requests).toHaveLength(0);
  });
});

describe('secrets never leak', () => {
  it('keeps the resolved secret out of error messages, causes, lastError and captured log output', async () => {
    const out = captureLines();
    const logger = createLogger({ component: 'mcp-bridge', level: 'debug', destination: out });
    const errors: Error[] = [];
    fixture.setRequireAuth({ header: 'Authorization', value: 'Bearer something-else' });
    const proxy = track(
      createRemoteToolProxy(
        connectorFor(fixture.url, { auth: { type: 'bearer', secretRef: `env:${ENV}` } }),
        { logger, retries: { attempts: 2, baseDelayMs: 0 }, downDebounceMs: 0 },
      ),
    );
    const authFailure = await rejectionOf(proxy.connect());
    expect(authFailure).toMatchObject({ code: 'UPSTREAM_AUTH_FAILED' });
    errors.push(authFailure);
    fixture.setRequireAuth(undefined);
    await proxy.connect();
    fixture.failNext(1, { method: 'tools/call', message: `upstream echoed Bearer ${SECRET}` });
    const echoed = await rejectionOf(proxy.callTool('increment'));
    expect(echoed).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    errors.push(echoed);
    await fixture.stop();
    errors.push(await rejectionOf(proxy.callTool('echo', { text: 'x' })));

    expect(fixture.headersSeen.some((h) => h.authorization === `Bearer ${SECRET}`)).toBe(true);
    for (const error of errors) {
      const cause = error.cause as Error | undefined;
      const dump = [error.message, error.stack, String(cause), cause?.stack, JSON.stringify(error)].join(
        '\n',
      );
      expect(dump).not.toContain(SECRET);
    }
    expect(String((echoed.cause as Error).message)).toContain('[REDACTED]');
    expect(JSON.stringify(proxy.lastError)).not.toContain(SECRET);
    expect(out.lines.length).toBeGreaterThan(3);
    expect(out.lines.join('')).not.toContain(SECRET);
  });
});
