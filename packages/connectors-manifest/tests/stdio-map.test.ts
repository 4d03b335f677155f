import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  buildServiceMap,
  canonicalize,
  ConnectorsError,
  createKeySet,
  createSigner,
  GatewayUrlError,
  normalizeGatewayUrl,
  parseManifest,
  ServiceMapSchema,
  signServiceMap,
  STDIO_SPEC_FIELDS,
  verifyServiceMap,
} from '@cortex-os/connectors-manifest';
import { HS_SECRET, manifestWith, sampleManifest, sampleStdioEntry } from './helpers.js';

const NOW = new Date('2026-11-22T10:00:00.000Z');
const ID = '01KAQ3Z6W5J8Y4N2B7C9D0E1F2';
const GATEWAY = 'https://gateway.example.com/base';

function stdioManifest() {
  return parseManifest(
    manifestWith(
      {
        ...sampleStdioEntry(),
        description: 'Knowledge graph memory',
        cwd: 'data',
        sandbox: { enabled: true },
        startup: 'boot',
        requiresCore: '^0.1.0',
        tools: { deny: ['delete_entities'] },
        auth: { type: 'bearer', secretRef: 'env:CONNECTOR_GATEWAY_TOKEN' },
      },
      { ...sampleStdioEntry(), id: 'another', enabled: false },
    ),
  );
}

describe('service map of stdio connectors', () => {
  it('publishes the gateway URL as endpoint, transport stdio, no headers and no launch fields', () => {
    const map = buildServiceMap(stdioManifest(), { now: NOW, id: ID, version: 1, gatewayUrl: `${GATEWAY}/` });
    expect(map.connectors.map((c) => c.id)).toEqual(['another', 'conn-0000', 'memory']);
    const memory = map.connectors[2]!;
    expect(memory).toEqual({
      id: 'memory',
      version: '1.0.0',
      displayName: 'Memory',
      description: 'Knowledge graph memory',
      endpoint: 'https://gateway.example.com/base/mcp/connectors/memory',
      transport: 'stdio',
      headers: {},
      auth: { type: 'bearer', secretRef: 'env:CONNECTOR_GATEWAY_TOKEN' },
      scopes: ['tools:call'],
      ttlSeconds: 300,
      quotas: { perMinute: 60, perHour: 1000 },
      enabled: true,
      metadata: { brand: 'brAInwav' },
      tools: { deny: ['delete_entities'] },
      requiresCore: '^0.1.0',
      status: 'enabled',
      statusMessage: 'brAInwav: connector enabled',
    });
    expect(map.connectors[0]).toMatchObject({
      endpoint: 'https://gateway.example.com/base/mcp/connectors/another',
      status: 'disabled',
    });
    const text = JSON.stringify(map);
    for (const field of STDIO_SPEC_FIELDS) expect(Object.keys(memory)).not.toContain(field);
    for (const leaked of [
      'server-memory',
      'MEMORY_FILE_PATH',
      'CONNECTOR_MEMORY_FILE',
      'memoryMb',
      'sandbox',
    ])
      expect(text).not.toContain(leaked);
  });

  it('signs a map with stdio connectors that verifies and passes the map schema', async () => {
    const unsigned = buildServiceMap(stdioManifest(), { now: NOW, id: ID, version: 7, gatewayUrl: GATEWAY });
    const signed = await signServiceMap(unsigned, await createSigner({ alg: 'HS256', secret: HS_SECRET }));
    expect(ServiceMapSchema.safeParse(signed).success).toBe(true);
    const keys = await createKeySet([{ alg: 'HS256', secret: HS_SECRET }]);
    const result = await verifyServiceMap(JSON.stringify(signed), { keys, now: NOW });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.map.connectors.find((c) => c.id === 'memory')?.transport).toBe('stdio');
    const tampered = JSON.stringify(signed).replace('/mcp/connectors/memory', '/mcp/connectors/evil');
    expect(await verifyServiceMap(tampered, { keys, now: NOW })).toMatchObject({
      ok: false,
      code: 'BAD_SIGNATURE',
    });
  });

  it('refuses to build without a gateway URL, naming CONNECTORS_GATEWAY_URL', () => {
    for (const gatewayUrl of [undefined, '  ']) {
      let error: unknown;
      try {
        buildServiceMap(stdioManifest(), { now: NOW, id: ID, version: 1, gatewayUrl });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConnectorsError);
      expect((error as ConnectorsError).code).toBe('MANIFEST_INVALID');
      expect((error as Error).message).toBe(
        'brAInwav: connector memory is a stdio connector: set CONNECTORS_GATEWAY_URL to the gateway base URL its map endpoint is published under',
      );
    }
  });

  it('leaves HTTP entries unchanged and needs no gateway URL without stdio connectors', () => {
    const manifest = parseManifest(sampleManifest(3));
    const plain = buildServiceMap(manifest, { now: NOW, id: ID, version: 1 });
    const withGateway = buildServiceMap(manifest, { now: NOW, id: ID, version: 1, gatewayUrl: GATEWAY });
    expect(JSON.stringify(withGateway)).toBe(JSON.stringify(plain));
    expect(Object.keys(plain.connectors[0]!)).toEqual([
      'id',
      'version',
      'displayName',
      'endpoint',
      'transport',
      'auth',
      'headers',
      'scopes',
      'quotas',
      'enabled',
      'metadata',
      'ttlSeconds',
      'status',
      'statusMessage',
    ]);
  });
});

describe('HTTP entries against the interop vectors', () => {
  it('rebuilds and re-signs the valid-hs256 vector map from its manifest, byte for byte', async () => {
    const fixture = JSON.parse(
      readFileSync(new URL('./fixtures/service-map-signature.json', import.meta.url), 'utf8'),
    ) as { keys: { hs256: { secretUtf8: string } }; vectors: { name: string; bodyText: string }[] };
    const vector = fixture.vectors.find((v) => v.name === 'valid-hs256')!;
    const body = JSON.parse(vector.bodyText) as Record<string, unknown> & {
      connectors: Record<string, unknown>[];
    };
    const manifest = parseManifest({
      id: body.manifestId,
      manifestVersion: body.manifestVersion,
      brand: 'brAInwav',
      ttlSeconds: body.ttlSeconds,
      connectors: body.connectors.map(({ status: _s, statusMessage: _m, ...entry }) => entry),
    });
    const unsigned = buildServiceMap(manifest, {
      now: new Date(body.generatedAt as string),
      id: body.id as string,
      version: body.version as number,
      gatewayUrl: GATEWAY,
    });
    const signer = await createSigner({ alg: 'HS256', secret: fixture.keys.hs256.secretUtf8 });
    const signed = await signServiceMap(unsigned, signer);
    expect(canonicalize(signed)).toBe(canonicalize(body));
    expect(signed.signature).toBe(body.signature);
  });
});

describe('normalizeGatewayUrl', () => {
  it('trims trailing slashes and keeps a base path', () => {
    expect(normalizeGatewayUrl('http://127.0.0.1:7071/')).toBe('http://127.0.0.1:7071');
    expect(normalizeGatewayUrl(' https://GW.example.com/base// ')).toBe('https://gw.example.com/base');
  });

  it.each([
    ['ftp://gw.example.com', 'must be an http(s) URL'],
    ['gw.example.com', 'must be an absolute http(s) URL'],
    ['https://user:hunter2@gw.example.com', 'must not carry credentials'],
    ['https://gw.example.com/?token=hunter2', 'must not have a query'],
    ['https://gw.example.com/#x', 'must not have a fragment'],
  ])('refuses %s', (value, reason) => {
    let error: unknown;
    try {
      normalizeGatewayUrl(value);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GatewayUrlError);
    expect((error as GatewayUrlError).code).toBe('CONFIG_INVALID');
    expect((error as Error).message).toBe(`brAInwav: gateway URL ${reason}`);
    expect((error as Error).message).not.toContain('hunter2');
  });
});
