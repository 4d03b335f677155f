import { createSecretRefPolicy, createSecretResolver } from '@cortex-os/connectors-manifest/node';
import { startFixtureServer, type FixtureServer } from '@cortex-os/mcp-bridge/testing';
import { createSilentLogger } from '@cortex-os/telemetry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConnectorsRegistry, type ConnectorsRegistry } from '../src/index.js';
import {
  API_KEY,
  connector,
  hsSigner,
  SECRET_A,
  signedMap,
  startMapServer,
  type MapServer,
} from './helpers.js';

const GATEWAY_KEY = 'agents-gateway-mcp-key-0123456789';
const TOKEN = 'agents-upstream-token-0123456789';

describe('registry proxies resolve secretRefs under the secretRef policy', () => {
  let fixture: FixtureServer;
  let server: MapServer;
  const registries: ConnectorsRegistry[] = [];

  beforeEach(async () => {
    process.env.MCP_API_KEY = GATEWAY_KEY;
    process.env.AGENTS_TEST_TOKEN = TOKEN;
    fixture = await startFixtureServer();
    server = await startMapServer();
    const auth = (secretRef: string) => ({ auth: { type: 'bearer' as const, secretRef } });
    server.serve(
      await signedMap({
        connectors: [
          connector('search', fixture.url, auth('env:MCP_API_KEY')),
          connector('custom', fixture.url, auth('env:AGENTS_TEST_TOKEN')),
        ],
        version: 1,
        now: Date.now(),
        signer: await hsSigner(),
      }),
    );
  });
  afterEach(async () => {
    await Promise.all(registries.splice(0).map((r) => r.close()));
    await fixture.stop();
    await server.close();
    delete process.env.MCP_API_KEY;
    delete process.env.AGENTS_TEST_TOKEN;
  });

  function registry(extra: Parameters<typeof createConnectorsRegistry>[0]['resolveSecret'] = undefined) {
    const r = createConnectorsRegistry({
      url: server.url,
      apiKey: API_KEY,
      keys: [{ alg: 'HS256', secret: SECRET_A }],
      logger: createSilentLogger('test'),
      ...(extra ? { resolveSecret: extra } : {}),
    });
    registries.push(r);
    return r;
  }

  it('the default factory refuses env:MCP_API_KEY (the fixture never sees it) and names outside env:CONNECTOR_*', async () => {
    const r = registry();
    await r.ready();
    for (const id of ['search', 'custom']) {
      await expect(r.proxy(id).callTool('echo', { text: id })).rejects.toMatchObject({
        code: 'SECRET_REF_NOT_ALLOWED',
        connectorId: id,
      });
    }
    expect(fixture.requests).toHaveLength(0);
    expect(JSON.stringify(fixture.headersSeen)).not.toContain(GATEWAY_KEY);
  });

  it('resolveSecret lets the caller allow its own names; the gateway key stays refused', async () => {
    const r = registry(createSecretResolver(createSecretRefPolicy({ allow: ['env:*'] })));
    await r.ready();
    const result = await r.proxy('custom').callTool('echo', { text: 'custom' });
    expect(result.content).toEqual([{ type: 'text', text: 'custom' }]);
    expect(fixture.headersSeen.every((h) => h.authorization === `Bearer ${TOKEN}`)).toBe(true);
    await expect(r.proxy('search').callTool('echo', { text: 'x' })).rejects.toMatchObject({
      code: 'SECRET_REF_NOT_ALLOWED',
    });
    expect(JSON.stringify(fixture.headersSeen)).not.toContain(GATEWAY_KEY);
  });
});
