import { afterEach, describe, expect, it } from 'vitest';
import { startFixtureServer } from '@cortex-os/mcp-bridge/testing';
import { createConnectorsMetrics } from '@cortex-os/telemetry';
import {
  createConnectorsGateway,
  createMemoryAuditSink,
  staticConnectorSource,
  type GatewayConnector,
  type GatewayLogger,
} from '../src/index.js';
import { connectClient, connectorEntry, serveGateway } from './helpers/http.js';
import { metricValue } from './helpers/metrics.js';
import { bridgeProxy } from './helpers/proxy.js';
import { startRootsUpstream } from './helpers/roots-upstream.js';

const SECRET = 'sk-test-0123456789abcdef-secret';

describe('per-connector endpoint: auth, roots, offline', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
    delete process.env.CONNECTOR_MCP_SERVER_TEST_SECRET;
  });

  const logs: string[] = [];
  const logger = Object.fromEntries(
    ['debug', 'info', 'warn', 'error'].map((level) => [
      level,
      (obj: object, msg?: string) => void logs.push(`${level} ${JSON.stringify(obj)} ${msg ?? ''}`),
    ]),
  ) as unknown as GatewayLogger;

  async function mount(
    connector: GatewayConnector,
    audit = createMemoryAuditSink(),
    metrics = createConnectorsMetrics(),
  ) {
    const proxy = bridgeProxy(connector);
    const gateway = createConnectorsGateway({
      source: staticConnectorSource([{ connector, proxy }]),
      audit,
      metrics,
      logger,
    });
    const http = await serveGateway(gateway);
    closers.push(
      () => proxy.close(),
      () => gateway.close(),
      () => http.close(),
    );
    return { http, audit, metrics, gateway };
  }

  it('sends the manifest auth header upstream and never leaks the secret', async () => {
    process.env.CONNECTOR_MCP_SERVER_TEST_SECRET = SECRET;
    const fixture = await startFixtureServer({
      tools: ['echo'],
      requireAuth: { header: 'x-api-key', value: SECRET },
    });
    closers.push(() => fixture.stop());
    const connector = connectorEntry('secure', fixture.url, {
      auth: { type: 'apiKey', headerName: 'X-API-Key', secretRef: 'env:CONNECTOR_MCP_SERVER_TEST_SECRET' },
      headers: { 'x-brand': 'brAInwav' },
    });
    const { http, audit } = await mount(connector);
    const client = await connectClient(`${http.base}/mcp/connectors/secure`);
    closers.push(() => client.close());
    expect(await client.callTool({ name: 'echo', arguments: { text: 'authed' } })).toEqual({
      content: [{ type: 'text', text: 'authed' }],
    });
    expect(fixture.headersSeen.length).toBeGreaterThan(2);
    expect(fixture.headersSeen.every((h) => h['x-api-key'] === SECRET && h['x-brand'] === 'brAInwav')).toBe(
      true,
    );
    await fixture.stop();
    const offline = await client.callTool({ name: 'echo', arguments: { text: 'down' } });
    expect(offline.isError).toBe(true);
    expect(logs.some((line) => line.startsWith('warn') && line.includes('"connectorId":"secure"'))).toBe(
      true,
    );
    expect(JSON.stringify(audit.records)).not.toContain(SECRET);
    expect(logs.join('\n')).not.toContain(SECRET);
    expect(JSON.stringify(offline)).not.toContain(SECRET);
  });

  it('refuses a session with a branded SECRET_UNRESOLVED when the secret is missing', async () => {
    const connector = connectorEntry('nosecret', 'http://127.0.0.1:9/mcp', {
      auth: { type: 'bearer', secretRef: 'env:CONNECTOR_MCP_SERVER_TEST_SECRET' },
    });
    const { http } = await mount(connector);
    const res = await fetch(`${http.base}/mcp/connectors/nosecret`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
      }),
    });
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('SECRET_UNRESOLVED');
    expect(body.error.message).toMatch(/^brAInwav: .*env:CONNECTOR_MCP_SERVER_TEST_SECRET/);
  });

  it('answers a branded 502 UPSTREAM_UNAVAILABLE when the upstream is down at session start', async () => {
    const fixture = await startFixtureServer({ tools: ['echo'] });
    const url = fixture.url;
    await fixture.stop();
    const { http } = await mount(connectorEntry('down', url));
    const res = await fetch(`${http.base}/mcp/connectors/down`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
      }),
    });
    expect(res.status).toBe(502);
    const body = (await res.json()) as { brand: string; error: { code: string; message: string } };
    expect(body.brand).toBe('brAInwav');
    expect(body.error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(body.error.message).toMatch(/^brAInwav: connector "down" is unreachable: /);
  });

  it('relays roots/list from the upstream to the calling client', async () => {
    const upstream = await startRootsUpstream();
    closers.push(() => upstream.close());
    const { http } = await mount(connectorEntry('roots', upstream.url));
    const client = await connectClient(`${http.base}/mcp/connectors/roots`, {
      capabilities: { roots: { listChanged: true } },
    });
    closers.push(() => client.close());
    client.setRequestHandler('roots/list', () => ({
      roots: [{ uri: 'file:///work/a', name: 'a' }, { uri: 'file:///work/b' }],
    }));
    const result = await client.callTool({ name: 'listRoots', arguments: {} });
    expect(result.content).toEqual([{ type: 'text', text: 'file:///work/a,file:///work/b' }]);
  });

  it('answers isError + offline metric when the upstream dies mid-session, and keeps the session', async () => {
    const fixture = await startFixtureServer({ tools: ['echo'] });
    closers.push(() => fixture.stop());
    const { http, metrics, gateway } = await mount(connectorEntry('flaky', fixture.url));
    const client = await connectClient(`${http.base}/mcp/connectors/flaky`);
    closers.push(() => client.close());
    await fixture.stop();
    const result = await client.callTool({ name: 'echo', arguments: { text: 'x' } });
    expect(result).toMatchObject({
      isError: true,
      content: [
        {
          type: 'text',
          text: 'brAInwav: connector "Flaky demo" (flaky) is offline; tool "echo" is unavailable right now',
        },
      ],
    });
    expect(await metricValue(metrics, 'offlineFallbackTotal', { connector: 'flaky' })).toBe(1);
    expect(gateway.sessionCount).toBe(1);
    expect(await client.ping()).toEqual({});
  });
});
