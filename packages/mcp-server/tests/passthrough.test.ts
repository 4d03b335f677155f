import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/client';
import {
  startEverythingServer,
  startFixtureServer,
  type EverythingServer,
  type FixtureServer,
} from '@cortex-os/mcp-bridge/testing';
import { createConnectorsMetrics } from '@cortex-os/telemetry';
import {
  createConnectorsGateway,
  createMemoryAuditSink,
  staticConnectorSource,
  type ConnectorsGateway,
} from '../src/index.js';
import { connectClient, connectorEntry, eventually, serveGateway } from './helpers/http.js';
import { metricValue } from './helpers/metrics.js';
import { bridgeProxy } from './helpers/proxy.js';
import { apiKeyPrincipal } from './helpers/principals.js';

describe('per-connector endpoint /mcp/connectors/<id>', () => {
  let everything: EverythingServer;
  let fixture: FixtureServer;
  let gateway: ConnectorsGateway;
  let http: Awaited<ReturnType<typeof serveGateway>>;
  const clients: Client[] = [];
  const proxies: Array<ReturnType<typeof bridgeProxy>> = [];
  const metrics = createConnectorsMetrics();
  const audit = createMemoryAuditSink();

  beforeAll(async () => {
    [everything, fixture] = await Promise.all([
      startEverythingServer(),
      startFixtureServer({ name: 'fixture-pass' }),
    ]);
    const connectors = [connectorEntry('everything', everything.url), connectorEntry('fixture', fixture.url)];
    proxies.push(...connectors.map(bridgeProxy));
    gateway = createConnectorsGateway({
      source: staticConnectorSource(connectors.map((connector, i) => ({ connector, proxy: proxies[i]! }))),
      metrics,
      audit,
      principalOf: () => apiKeyPrincipal('key-pass'),
    });
    http = await serveGateway(gateway);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await gateway?.close();
    await http?.close();
    await Promise.all(proxies.map((p) => p.close()));
    await Promise.all([everything?.stop(), fixture?.stop()]);
  });

  async function pair(
    id: 'everything' | 'fixture',
    options: Parameters<typeof connectClient>[1] = {},
  ): Promise<[Client, Client]> {
    const upstreamUrl = id === 'everything' ? everything.url : fixture.url;
    const [viaGateway, direct] = await Promise.all([
      connectClient(`${http.base}/mcp/connectors/${id}`, options),
      connectClient(upstreamUrl, options),
    ]);
    clients.push(viaGateway, direct);
    return [viaGateway, direct];
  }

  it('shows exactly the upstream surface of server-everything (deep equality)', async () => {
    const [gw, direct] = await pair('everything');
    expect(gw.getServerVersion()).toEqual(direct.getServerVersion());
    expect(gw.getServerCapabilities()).toEqual(direct.getServerCapabilities());
    expect(gw.getInstructions()).toEqual(direct.getInstructions());
    expect(await gw.listTools()).toEqual(await direct.listTools());
    expect(await gw.listResources()).toEqual(await direct.listResources());
    expect(await gw.listResourceTemplates()).toEqual(await direct.listResourceTemplates());
    expect(await gw.listPrompts()).toEqual(await direct.listPrompts());
    const { resources } = await direct.listResources();
    expect(resources.length).toBeGreaterThan(0);
    expect(await gw.readResource({ uri: resources[0]!.uri })).toEqual(
      await direct.readResource({ uri: resources[0]!.uri }),
    );
  });

  it('passes every content kind and completion unchanged (fixture)', async () => {
    const [gw, direct] = await pair('fixture');
    for (const [name, args] of [
      ['echo', { text: 'x' }],
      ['image', {}],
      ['structured', { city: 'Oslo' }],
      ['add', { a: 1, b: 2 }],
    ] as const) {
      const viaGateway = await gw.callTool({ name, arguments: args });
      expect(viaGateway).toEqual(await direct.callTool({ name, arguments: args }));
    }
    expect(await gw.readResource({ uri: 'fixture://items/7' })).toEqual(
      await direct.readResource({ uri: 'fixture://items/7' }),
    );
    const complete = {
      ref: { type: 'ref/prompt' as const, name: 'greet' },
      argument: { name: 'name', value: 'a' },
    };
    expect(await gw.complete(complete)).toEqual(await direct.complete(complete));
    expect((await gw.complete(complete)).completion.values).toEqual(['alice']);
    expect(await gw.getPrompt({ name: 'greet', arguments: { name: 'al' } })).toEqual(
      await direct.getPrompt({ name: 'greet', arguments: { name: 'al' } }),
    );
    const calls = audit.records.filter((r) => r.endpoint === 'connector' && r.connectorId === 'fixture');
    expect(calls.length).toBeGreaterThanOrEqual(4);
    expect(calls[0]).toMatchObject({ callerId: 'key-pass', tool: 'echo', outcome: 'ok' });
    expect(
      await metricValue(metrics, 'toolCallsTotal', { connector: 'fixture', tool: 'image', outcome: 'ok' }),
    ).toBe(1);
  });

  it('relays sampling and elicitation to the calling session and the answers back', async () => {
    const [gw] = await pair('fixture', { capabilities: { sampling: {}, elicitation: { form: {} } } });
    const seen: string[] = [];
    gw.setRequestHandler('sampling/createMessage', (request) => {
      const content = request.params.messages[0]!.content;
      seen.push(`sample:${'text' in content ? content.text : ''}`);
      return { model: 'test-model', role: 'assistant', content: { type: 'text', text: 'sampled answer' } };
    });
    gw.setRequestHandler('elicitation/create', (request) => {
      seen.push(`elicit:${request.params.message}`);
      return { action: 'accept', content: { name: 'Ada' } };
    });
    const sampled = await gw.callTool({ name: 'samplingOnCall', arguments: { prompt: 'hello model' } });
    expect(JSON.stringify(sampled.content)).toContain('sampled answer');
    const elicited = await gw.callTool({ name: 'elicitOnCall', arguments: { message: 'your name?' } });
    expect(JSON.stringify(elicited.content)).toContain('Ada');
    expect(seen).toEqual(['sample:hello model', 'elicit:your name?']);
  });

  it('relays progress with the caller token, logging and setLevel', async () => {
    const [gw] = await pair('fixture');
    const progress: number[] = [];
    const result = await gw.callTool(
      { name: 'slow', arguments: { ms: 60, steps: 3 } },
      { onprogress: (p) => progress.push(p.progress) },
    );
    expect(result.content).toEqual([{ type: 'text', text: 'slept 60' }]);
    expect(progress).toEqual([1, 2, 3]);
    const logs: unknown[] = [];
    gw.setNotificationHandler('notifications/message', (n) => void logs.push(n.params.data));
    await gw.setLoggingLevel('info');
    await gw.callTool({ name: 'log', arguments: { message: 'from upstream', level: 'warning' } });
    await eventually(() => logs.includes('from upstream'));
    await gw.setLoggingLevel('error');
    await gw.callTool({ name: 'log', arguments: { message: 'filtered', level: 'info' } });
    await gw.callTool({ name: 'log', arguments: { message: 'kept', level: 'error' } });
    await eventually(() => logs.includes('kept'));
    expect(logs).not.toContain('filtered');
  });

  it('relays cancellation upstream', async () => {
    const [gw] = await pair('fixture');
    const before = fixture.cancelledCount;
    const controller = new AbortController();
    const call = gw.callTool({ name: 'slow', arguments: { ms: 10_000 } }, { signal: controller.signal });
    await eventually(() =>
      fixture.calls.some((c) => c.tool === 'slow' && (c.args as { ms: number }).ms === 10_000),
    );
    controller.abort();
    await expect(call).rejects.toThrow();
    await eventually(() => fixture.cancelledCount === before + 1);
    expect(audit.records.at(-1)).toMatchObject({ tool: 'slow', outcome: 'cancelled' });
  });

  it('relays resource subscriptions and updated notifications', async () => {
    const [gw] = await pair('fixture');
    const updated: string[] = [];
    gw.setNotificationHandler('notifications/resources/updated', (n) => void updated.push(n.params.uri));
    await gw.subscribeResource({ uri: 'fixture://items/1' });
    expect(await fixture.notifyResourceUpdated('fixture://items/1')).toBeGreaterThanOrEqual(1);
    await eventually(() => updated.includes('fixture://items/1'));
    await gw.unsubscribeResource({ uri: 'fixture://items/1' });
  });

  it('answers 404 for unknown connectors and unknown sessions, and closes upstream sessions on DELETE', async () => {
    const res = await fetch(`${http.base}/mcp/connectors/nope`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: '{}',
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      brand: 'brAInwav',
      error: { code: 'CONNECTOR_NOT_FOUND', message: 'brAInwav: no enabled connector "nope"' },
      traceId: null,
    });
    const stale = await fetch(`${http.base}/mcp/connectors/fixture`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-session-id': 'missing',
      },
      body: '{"jsonrpc":"2.0","id":1,"method":"ping"}',
    });
    expect(stale.status).toBe(404);
    expect(((await stale.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    const upstreamBefore = fixture.sessionCount;
    const [gw] = await pair('fixture');
    await eventually(() => fixture.sessionCount === upstreamBefore + 2);
    const sessions = gateway.sessionCount;
    await (gw.transport as unknown as { terminateSession(): Promise<void> }).terminateSession();
    await eventually(() => gateway.sessionCount === sessions - 1);
    await eventually(() => fixture.sessionCount === upstreamBefore + 1);
  });
});
