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

const GATEWAY_KEY = 'agents-gateway-key-0123456789abcdef';

/** A stdio connector as the map publishes it: reached at the gateway's /mcp/connectors/<id>. */
const stdio = (id: string) => ({
  id,
  version: '1.0.0',
  displayName: `Stdio ${id}`,
  transport: 'stdio' as const,
  command: 'node',
  args: ['server.js'],
  auth: { type: 'none' as const },
  scopes: ['tools:read'],
  quotas: { perMinute: 60, perHour: 1000 },
});

describe('gatewayApiKey: stdio connectors are reached through the gateway with its key', () => {
  let gateway: FixtureServer;
  let http: FixtureServer;
  let server: MapServer;
  const registries: ConnectorsRegistry[] = [];

  beforeEach(async () => {
    gateway = await startFixtureServer({ path: '/mcp/connectors/memory' });
    http = await startFixtureServer();
    server = await startMapServer();
    server.serve(
      await signedMap({
        connectors: [stdio('memory'), connector('plain', http.url)],
        version: 1,
        now: Date.now(),
        signer: await hsSigner(),
        gatewayUrl: new URL(gateway.url).origin,
      }),
    );
  });
  afterEach(async () => {
    await Promise.all(registries.splice(0).map((r) => r.close()));
    await gateway.stop();
    await http.stop();
    await server.close();
  });

  function registry(gatewayApiKey?: string): ConnectorsRegistry {
    const r = createConnectorsRegistry({
      url: server.url,
      apiKey: API_KEY,
      keys: [{ alg: 'HS256', secret: SECRET_A }],
      logger: createSilentLogger('test'),
      ...(gatewayApiKey ? { gatewayApiKey } : {}),
    });
    registries.push(r);
    return r;
  }

  it('sends the key as a Bearer token to the stdio connector endpoint only', async () => {
    const r = registry(GATEWAY_KEY);
    await r.ready();
    expect(r.connectors().find((c) => c.id === 'memory')?.endpoint).toBe(`${gateway.url}`);
    const tools = await r.proxy('memory').listTools();
    expect(tools.map((t) => t.name)).toContain('echo');
    expect(gateway.headersSeen.length).toBeGreaterThan(0);
    expect(gateway.headersSeen.every((h) => h.authorization === `Bearer ${GATEWAY_KEY}`)).toBe(true);
    await r.proxy('plain').listTools();
    expect(http.headersSeen.length).toBeGreaterThan(0);
    expect(http.headersSeen.some((h) => h.authorization !== undefined)).toBe(false);
  });

  it('without it, no Authorization header is sent', async () => {
    const r = registry();
    await r.ready();
    await r.proxy('memory').listTools();
    expect(gateway.headersSeen.some((h) => h.authorization !== undefined)).toBe(false);
  });
});
