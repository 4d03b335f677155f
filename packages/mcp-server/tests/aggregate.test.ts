import { describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/client';
import { startFixtureServer } from '@cortex-os/mcp-bridge/testing';
import { createConnectorsGateway, staticConnectorSource, type ConnectorsGateway } from '../src/index.js';
import { connectClient, connectorEntry, eventually } from './helpers/http.js';
import { metricValue } from './helpers/metrics.js';
import { bridgeProxy } from './helpers/proxy.js';
import { serveAndConnect, useGatewayHarness } from './helpers/harness.js';
import { apiKeyPrincipal } from './helpers/principals.js';

describe('aggregate endpoint /mcp', () => {
  const h = useGatewayHarness();
  const { fixtures, closers } = h;

  async function binding(id: string, tools?: string[], extra = {}) {
    const fixture = await startFixtureServer({ name: `fixture-${id}`, ...(tools ? { tools } : {}) });
    fixtures.push(fixture);
    const connector = connectorEntry(id, fixture.url, extra);
    const proxy = bridgeProxy(connector);
    closers.push(() => proxy.close());
    return { fixture, binding: { connector, proxy } };
  }

  async function start(
    source: ReturnType<typeof staticConnectorSource>,
  ): Promise<{ gateway: ConnectorsGateway; client: Client; base: string }> {
    const gateway = createConnectorsGateway({
      source,
      metrics: h.metrics,
      audit: h.audit,
      principalOf: () => apiKeyPrincipal('key-test-1'),
    });
    const { client, base } = await serveAndConnect(gateway, closers);
    return { gateway, client, base };
  }

  it('serves tools/list from the serialized cache with the same body the SDK path produces', async () => {
    const a = await binding('alpha', ['echo', 'structured']);
    const { client, base } = await start(staticConnectorSource([a.binding]));
    const { tools } = await client.listTools(undefined, { cacheMode: 'bypass' });
    const sessionId = (client.transport as unknown as { sessionId: string }).sessionId;
    const res = await fetch(`${base}/mcp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-session-id': sessionId,
        'mcp-protocol-version': client.getNegotiatedProtocolVersion()!,
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 'req-7', method: 'tools/list' }),
    });
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ jsonrpc: '2.0', id: 'req-7', result: { tools } });
    expect(tools.map((t) => t.name)).toEqual(['alpha__echo', 'alpha__structured']);
    expect(tools[1]!.outputSchema).toMatchObject({ type: 'object', required: ['city', 'temperature'] });
  });

  it('names tools <id>__<tool>, brands descriptions, and keeps names stable from 1 to 3 connectors', async () => {
    const a = await binding('alpha', ['echo', 'add']);
    const source = staticConnectorSource([a.binding]);
    const { client } = await start(source);
    const first = await client.listTools();
    expect(first.tools.map((t) => t.name)).toEqual(['alpha__echo', 'alpha__add']);
    expect(first.tools[0]).toMatchObject({
      description: '[brAInwav · Alpha demo] Echoes its text',
      _meta: { 'io.brainwav/connectorId': 'alpha', 'io.brainwav/tool': 'echo' },
    });
    let changed = 0;
    client.setNotificationHandler('notifications/tools/list_changed', () => void (changed += 1));
    const b = await binding('beta', ['echo']);
    const c = await binding('gamma', ['image', 'echo'], { tools: { deny: ['image'] } });
    source.set([c.binding, a.binding, b.binding]);
    await eventually(
      async () => (await client.listTools(undefined, { cacheMode: 'bypass' })).tools.length === 4,
    );
    const names = (await client.listTools(undefined, { cacheMode: 'bypass' })).tools.map((t) => t.name);
    expect(names).toEqual(['alpha__echo', 'alpha__add', 'beta__echo', 'gamma__echo']);
    await eventually(() => changed >= 1);
    source.set([b.binding]);
    expect((await client.listTools(undefined, { cacheMode: 'bypass' })).tools.map((t) => t.name)).toEqual([
      'beta__echo',
    ]);
  });

  it('routes calls to the right upstream, records metrics and one audit line per call', async () => {
    const a = await binding('alpha', ['echo', 'image']);
    const b = await binding('beta', ['echo']);
    const { client } = await start(staticConnectorSource([a.binding, b.binding]));
    await client.listTools();
    const result = await client.callTool({ name: 'beta__echo', arguments: { text: 'hi' } });
    const direct = await connectClient(b.fixture.url);
    closers.push(() => direct.close());
    expect(result).toEqual(await direct.callTool({ name: 'echo', arguments: { text: 'hi' } }));
    const image = await client.callTool({ name: 'alpha__image', arguments: {} });
    expect(image.content).toEqual([{ type: 'image', data: expect.any(String), mimeType: 'image/png' }]);
    expect(b.fixture.calls.filter((call) => call.tool === 'echo')).toHaveLength(2);
    expect(a.fixture.calls.map((call) => call.tool)).toEqual(['image']);
    expect(
      await metricValue(h.metrics, 'toolCallsTotal', { connector: 'beta', tool: 'echo', outcome: 'ok' }),
    ).toBe(1);
    expect(
      await metricValue(h.metrics, 'toolCallDurationSeconds', { connector: 'alpha', tool: 'image' }),
    ).toBe(1);
    expect(h.audit.records).toHaveLength(2);
    expect(h.audit.records[0]).toMatchObject({
      brand: 'brAInwav',
      callerId: 'key-test-1',
      via: 'api-key',
      connectorId: 'beta',
      tool: 'echo',
      outcome: 'ok',
      endpoint: 'aggregate',
    });
    expect(h.audit.records[0]!.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(h.audit.records)).not.toContain('hi');
    await expect(client.callTool({ name: 'nope__echo', arguments: {} })).rejects.toThrow(
      /unknown tool nope__echo/,
    );
  });

  it('calls a tool for the REST API with filters, quotas, metrics and audit (gateway.callTool)', async () => {
    const a = await binding('alpha', ['echo', 'image'], { tools: { deny: ['image'] } });
    const { gateway } = await start(staticConnectorSource([a.binding]));
    expect(
      await gateway.callTool('alpha', 'echo', { text: 'rest' }, { principal: apiKeyPrincipal('key-rest') }),
    ).toEqual({
      content: [{ type: 'text', text: 'rest' }],
    });
    const denied = await gateway.callTool('alpha', 'image', {}, { principal: apiKeyPrincipal('key-rest') });
    expect(denied).toMatchObject({ isError: true, _meta: { 'io.brainwav/error': { code: 'NOT_FOUND' } } });
    const missing = await gateway.callTool('nope', 'echo', {}, { principal: apiKeyPrincipal('key-rest') });
    expect(missing.content).toEqual([{ type: 'text', text: 'brAInwav: no enabled connector "nope"' }]);
    expect(h.audit.records).toEqual([
      expect.objectContaining({
        callerId: 'key-rest',
        connectorId: 'alpha',
        tool: 'echo',
        outcome: 'ok',
        endpoint: 'rest',
      }),
    ]);
    expect(
      await metricValue(h.metrics, 'toolCallsTotal', { connector: 'alpha', tool: 'echo', outcome: 'ok' }),
    ).toBe(1);
    expect(await gateway.getQuotaUse('alpha')).toEqual({ minute: 1, hour: 1 });
  });

  it('notifies tools/list_changed only when an upstream list really changes', async () => {
    const a = await binding('alpha', ['echo']);
    const { client } = await start(staticConnectorSource([a.binding]));
    await client.listTools();
    let changed = 0;
    client.setNotificationHandler('notifications/tools/list_changed', () => void (changed += 1));
    const names = async () =>
      (await client.listTools(undefined, { cacheMode: 'bypass' })).tools.map((t) => t.name);
    await a.fixture.setTools(['echo', 'add']);
    await eventually(() => changed === 1);
    expect(await names()).toEqual(['alpha__echo', 'alpha__add']);
    await a.fixture.setTools(['echo', 'add']); // upstream notifies, list identical: no downstream notification
    await a.fixture.setTools(['echo']);
    await eventually(() => changed === 2);
    expect(await names()).toEqual(['alpha__echo']);
    expect(changed).toBe(2);
  });

  it('keeps an offline connector listed, answers isError + metric, and leaves others working', async () => {
    const a = await binding('alpha', ['echo']);
    const b = await binding('beta', ['echo']);
    const { client } = await start(staticConnectorSource([a.binding, b.binding]));
    await client.listTools();
    await b.fixture.stop();
    const offline = await client.callTool({ name: 'beta__echo', arguments: { text: 'x' } });
    expect(offline.isError).toBe(true);
    expect(offline.content).toEqual([
      {
        type: 'text',
        text: 'brAInwav: connector "Beta demo" (beta) is offline; tool "echo" is unavailable right now',
      },
    ]);
    expect(offline._meta).toEqual({
      'io.brainwav/error': { brand: 'brAInwav', code: 'UPSTREAM_UNAVAILABLE' },
    });
    expect(await metricValue(h.metrics, 'offlineFallbackTotal', { connector: 'beta' })).toBe(1);
    expect(await metricValue(h.metrics, 'toolCallsTotal', { connector: 'beta', outcome: 'offline' })).toBe(1);
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['alpha__echo', 'beta__echo']);
    expect(await client.callTool({ name: 'alpha__echo', arguments: { text: 'still' } })).toMatchObject({
      content: [{ type: 'text', text: 'still' }],
    });
    await b.fixture.restart();
    expect((await client.callTool({ name: 'beta__echo', arguments: { text: 'back' } })).isError).toBeFalsy();
  });

  it('lists prompts prefixed and branded, and gets them through the connector', async () => {
    const a = await binding('alpha', ['echo']);
    const { client } = await start(staticConnectorSource([a.binding]));
    const { prompts } = await client.listPrompts();
    expect(prompts).toEqual([
      expect.objectContaining({
        name: 'alpha__greet',
        description: '[brAInwav · Alpha demo] Greets someone',
      }),
    ]);
    const prompt = await client.getPrompt({ name: 'alpha__greet', arguments: { name: 'bob' } });
    expect(prompt.messages).toEqual([{ role: 'user', content: { type: 'text', text: 'Hello bob' } }]);
  });
});
