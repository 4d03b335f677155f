import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import {
  createKeySet,
  verifyServiceMap,
  type ServiceMap,
  type ServiceMapConnector,
} from '@cortex-os/connectors-manifest';
import { ConfigError, loadAsbrConfig } from '../src/index.js';
import { API_KEY, MAP_PATH, SIGNING_KEY, T0, bearer, fixtureJson, makeApp } from './helpers.js';

/** A stdio connector entry whose launch fields carry names that must never reach the map. */
const STDIO_ENTRY = {
  id: 'local-files',
  version: '0.3.0',
  displayName: 'Local files',
  description: 'brAInwav stdio fixture',
  transport: 'stdio',
  command: 'npx',
  args: ['-y', '@modelcontextprotocol/server-filesystem', '/srv/secret-launch-dir'],
  cwd: '/srv/launch-cwd',
  env: { CONNECTOR_FILES_TOKEN: { secretRef: 'env:FILES_TOKEN_SOURCE' } },
  limits: { memoryMb: 256, maxRestarts: 3 },
  sandbox: { enabled: true },
  startup: 'boot',
  auth: { type: 'none' },
  scopes: ['tools:call'],
  quotas: { perMinute: 60, perHour: 1000 },
  requiresCore: '^0.1.0',
};
/** Strings of the launch spec: none may appear in the published map. */
const LAUNCH_STRINGS = [
  'npx',
  'server-filesystem',
  '/srv/secret-launch-dir',
  '/srv/launch-cwd',
  'CONNECTOR_FILES_TOKEN',
  'FILES_TOKEN_SOURCE',
  'memoryMb',
  'sandbox',
  'startup',
];

const withStdio = (): Record<string, unknown> => {
  const manifest = fixtureJson();
  return { ...manifest, connectors: [...(manifest.connectors as unknown[]), STDIO_ENTRY] };
};

let app: FastifyInstance | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function manifestFile(value: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'asbr-stdio-'));
  dirs.push(dir);
  const path = join(dir, 'connectors.manifest.json');
  writeFileSync(path, JSON.stringify(value));
  return path;
}

async function listen(instance: FastifyInstance): Promise<string> {
  await instance.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(instance.server.address() as AddressInfo).port}`;
}

describe('stdio connectors in the service map', () => {
  it('publishes <gateway>/mcp/connectors/<id>, transport stdio, and never the command line or env', async () => {
    const path = manifestFile(withStdio());
    ({ app } = await makeApp({
      env: { CONNECTORS_MANIFEST_PATH: path, CONNECTORS_GATEWAY_URL: 'https://gw.example.com/base/' },
      readManifest: undefined,
    }));
    const url = await listen(app);
    const res = await fetch(`${url}${MAP_PATH}`, { headers: { authorization: `Bearer ${API_KEY}` } });
    expect(res.status).toBe(200);
    const body = await res.text();
    const keys = await createKeySet([{ alg: 'HS256', secret: SIGNING_KEY }]);
    expect((await verifyServiceMap(body, { keys, now: new Date(T0 + 1_000) })).ok).toBe(true);
    const map = JSON.parse(body) as ServiceMap;
    expect(map.connectors.map((c) => c.id)).toEqual(['everything', 'fixtures', 'local-files', 'tasks']);
    const stdio = map.connectors.find((c) => c.id === 'local-files') as ServiceMapConnector;
    expect(stdio).toEqual({
      id: 'local-files',
      version: '0.3.0',
      displayName: 'Local files',
      description: 'brAInwav stdio fixture',
      endpoint: 'https://gw.example.com/base/mcp/connectors/local-files',
      transport: 'stdio',
      headers: {},
      auth: { type: 'none' },
      scopes: ['tools:call'],
      ttlSeconds: 300,
      quotas: { perMinute: 60, perHour: 1000 },
      enabled: true,
      metadata: { brand: 'brAInwav' },
      requiresCore: '^0.1.0',
      status: 'enabled',
      statusMessage: 'brAInwav: connector enabled',
    });
    for (const text of LAUNCH_STRINGS) expect(body).not.toContain(text);
    const http = map.connectors.find((c) => c.id === 'everything');
    expect(http).toMatchObject({ endpoint: 'http://127.0.0.1:7101/mcp', transport: 'streamable-http' });
  });

  it('falls back to CONNECTORS_PUBLIC_URL when CONNECTORS_GATEWAY_URL is unset (reload adds the stdio entry)', async () => {
    const made = await makeApp({ env: { CONNECTORS_PUBLIC_URL: 'http://127.0.0.1:7071' } });
    app = made.app;
    made.source.set(withStdio());
    expect(await app.asbr.reload('watch')).toMatchObject({ ok: true, changed: true });
    const map = (await app.inject({ url: MAP_PATH, headers: bearer() })).json<ServiceMap>();
    expect(map.connectors.find((c) => c.id === 'local-files')).toMatchObject({
      endpoint: 'http://127.0.0.1:7071/mcp/connectors/local-files',
      transport: 'stdio',
    });
  });

  it('without a gateway URL: the bad-manifest path (last good map kept, branded error naming the variable)', async () => {
    const made = await makeApp();
    app = made.app;
    const good = await app.inject({ url: MAP_PATH, headers: bearer() });
    made.source.set(withStdio());
    const result = await app.asbr.reload('watch');
    expect(result).toMatchObject({ ok: false, failure: { code: 'MANIFEST_INVALID' } });
    if (result.ok) throw new Error('expected a failed reload');
    expect(result.failure.message).toBe(
      'brAInwav: connector local-files is a stdio connector: set CONNECTORS_GATEWAY_URL to the gateway base URL its map endpoint is published under',
    );
    const still = await app.inject({ url: MAP_PATH, headers: bearer() });
    expect(still.statusCode).toBe(200);
    expect(still.body).toBe(good.body);
    const metrics = (await app.inject({ url: '/metrics' })).body;
    expect(metrics).toContain('brainwav_manifest_reload_failures_total{reason="MANIFEST_INVALID"} 1');
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      status: 'degraded',
      mapVersion: T0,
      lastError: { code: 'MANIFEST_INVALID' },
    });
    made.source.set(fixtureJson());
    expect(await app.asbr.reload()).toMatchObject({ ok: true, changed: false });
    expect((await app.inject({ url: '/readyz' })).json().status).toBe('ready');
  });

  it('without a gateway URL at startup: no map, 503 MANIFEST_UNAVAILABLE', async () => {
    const path = manifestFile(withStdio());
    ({ app } = await makeApp({ env: { CONNECTORS_MANIFEST_PATH: path }, readManifest: undefined }));
    const res = await app.inject({ url: MAP_PATH, headers: bearer() });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.code).toBe('MANIFEST_UNAVAILABLE');
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(app.asbr.reloader.readiness().failure).toMatchObject({
      code: 'MANIFEST_INVALID',
      message: expect.stringContaining('set CONNECTORS_GATEWAY_URL'),
    });
  });
});

describe('gateway URL config', () => {
  const base = { CONNECTORS_SIGNATURE_KEY: 'k'.repeat(32), CONNECTORS_API_KEY: 'key-one' };
  const failure = (env: Record<string, string>): ConfigError => {
    try {
      loadAsbrConfig({ ...base, ...env }, '/srv/app');
    } catch (error) {
      if (error instanceof ConfigError) return error;
      throw error;
    }
    throw new Error('expected a ConfigError');
  };

  it('normalizes CONNECTORS_GATEWAY_URL, which wins over CONNECTORS_PUBLIC_URL; none → undefined', () => {
    expect(loadAsbrConfig({ ...base, CONNECTORS_GATEWAY_URL: ' https://gw.example.com// ' }).gatewayUrl).toBe(
      'https://gw.example.com',
    );
    expect(
      loadAsbrConfig({
        ...base,
        CONNECTORS_GATEWAY_URL: 'http://gw:7071',
        CONNECTORS_PUBLIC_URL: 'http://public:7071',
      }).gatewayUrl,
    ).toBe('http://gw:7071');
    expect(loadAsbrConfig({ ...base, CONNECTORS_PUBLIC_URL: 'http://public:7071/' }).gatewayUrl).toBe(
      'http://public:7071',
    );
    expect(loadAsbrConfig({ ...base, CONNECTORS_GATEWAY_URL: '  ' }).gatewayUrl).toBeUndefined();
  });

  it('refuses a bad value as CONFIG_INVALID naming the variable and the rule, never the value', () => {
    const cases: [Record<string, string>, string][] = [
      [{ CONNECTORS_GATEWAY_URL: 'ftp://gw.example.com' }, 'CONNECTORS_GATEWAY_URL must be an http(s) URL'],
      [
        { CONNECTORS_GATEWAY_URL: 'https://user:hunter2-secret@gw.example.com' },
        'CONNECTORS_GATEWAY_URL must not carry credentials',
      ],
      [
        { CONNECTORS_GATEWAY_URL: 'https://gw.example.com/?k=1' },
        'CONNECTORS_GATEWAY_URL must not have a query',
      ],
      [{ CONNECTORS_PUBLIC_URL: 'not a url' }, 'CONNECTORS_PUBLIC_URL must be an absolute http(s) URL'],
    ];
    for (const [env, message] of cases) {
      const error = failure(env);
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.message).toBe(`brAInwav: ${message}`);
      expect(error.variable).toBe(Object.keys(env)[0]);
    }
    expect(
      failure({ CONNECTORS_GATEWAY_URL: 'https://user:hunter2-secret@gw.example.com' }).message,
    ).not.toContain('hunter2');
  });
});
