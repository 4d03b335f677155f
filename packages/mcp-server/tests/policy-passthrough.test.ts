import { describe, expect, it } from 'vitest';
import { principalOf } from '@cortex-os/server-kit';
import { startEverythingServer } from '@cortex-os/mcp-bridge/testing';
import { createConnectorsGateway, staticConnectorSource } from '../src/index.js';
import { useGatewayHarness } from './helpers/harness.js';
import { connectClient, connectorEntry, eventually, serveGateway } from './helpers/http.js';
import { metricValue } from './helpers/metrics.js';
import { bearerAuth, connectAs, openTestPolicy } from './helpers/policy.js';
import { PRINCIPALS, startPolicyWorld, toolNames } from './helpers/policy-world.js';
import { bridgeProxy } from './helpers/proxy.js';

const POLICY_ERROR = { code: -32602, data: { code: 'POLICY_DENIED' } };

describe('policy on the per-connector endpoint /mcp/connectors/<id>', () => {
  const h = useGatewayHarness();

  it('filters tools, prompts and resources per principal; an admin sees the upstream answers unchanged', async () => {
    const w = await startPolicyWorld(h);
    const [alice, bob] = await Promise.all([
      w.connect('alice', '/mcp/connectors/alpha'),
      w.connect('bob', '/mcp/connectors/alpha'),
    ]);
    const direct = await connectClient(w.alpha.url);
    h.closers.push(() => direct.close());

    expect(await toolNames(alice)).toEqual(['echo', 'add']);
    expect((await alice.listPrompts()).prompts).toEqual([]);
    expect((await alice.listResources()).resources).toEqual([]);
    expect(await bob.listTools()).toEqual(await direct.listTools());
    expect(await bob.listPrompts()).toEqual(await direct.listPrompts());
    expect(await bob.listResources()).toEqual(await direct.listResources());
    expect((await bob.listResources()).resources.map((r) => r.uri)).toEqual(['fixture://info']);
  });

  it('decides tools/call, prompts/get and resources/read before they go upstream', async () => {
    const w = await startPolicyWorld(h);
    const [alice, bob] = await Promise.all([
      w.connect('alice', '/mcp/connectors/alpha'),
      w.connect('bob', '/mcp/connectors/alpha'),
    ]);
    expect(await alice.callTool({ name: 'echo', arguments: { text: '/public/a' } })).toEqual({
      content: [{ type: 'text', text: '/public/a' }],
    });
    expect(await alice.callTool({ name: 'echo', arguments: { text: '/private/b' } })).toEqual({
      content: [
        { type: 'text', text: 'brAInwav: POLICY_DENIED: denied by rule "no-private" (rule no-private)' },
      ],
      isError: true,
      _meta: { 'io.brainwav/error': { brand: 'brAInwav', code: 'POLICY_DENIED', ruleId: 'no-private' } },
    });
    await expect(alice.getPrompt({ name: 'greet', arguments: { name: 'x' } })).rejects.toMatchObject(
      POLICY_ERROR,
    );
    await expect(alice.readResource({ uri: 'fixture://info' })).rejects.toMatchObject({
      ...POLICY_ERROR,
      message: expect.stringContaining(
        'brAInwav: POLICY_DENIED: no rule allows phase call of alpha "fixture://info"',
      ),
    });
    await expect(alice.subscribeResource({ uri: 'fixture://info' })).rejects.toMatchObject(POLICY_ERROR);
    expect((await bob.readResource({ uri: 'fixture://info' })).contents).toEqual([
      { uri: 'fixture://info', mimeType: 'text/plain', text: 'brAInwav fixture resource' },
    ]);
    expect(w.alpha.calls.map((c) => c.args)).toEqual([{ text: '/public/a' }]);
    expect([...w.alpha.calls]).toHaveLength(1);
    expect(h.audit.records.map((r) => [r.callerId, r.endpoint, r.outcome, r.ruleId])).toEqual([
      ['alice', 'connector', 'ok', 'support-public-echo'],
      ['alice', 'connector', 'denied', 'no-private'],
    ]);
    expect(
      await metricValue(h.metrics, 'policyDecisionsTotal', { decision: 'deny', connector: 'alpha' }),
    ).toBe(4);
    expect(
      await metricValue(h.metrics, 'policyDecisionsTotal', { decision: 'allow', connector: 'alpha' }),
    ).toBe(2);
  });

  it('gives a principal that may list nothing its session with empty lists; OAuth scopes apply here too', async () => {
    const w = await startPolicyWorld(h);
    const dave = await w.connect('dave', '/mcp/connectors/alpha');
    expect(dave.getServerVersion()?.name).toBe('fixture-alpha');
    expect((await dave.listTools()).tools).toEqual([]);
    expect((await dave.listPrompts()).prompts).toEqual([]);
    expect((await dave.listResources()).resources).toEqual([]);
    const carol = await w.connect('carol', '/mcp/connectors/beta');
    expect((await carol.listTools()).tools).toEqual([]);
    expect(await carol.callTool({ name: 'echo', arguments: { text: 'x' } })).toMatchObject({
      isError: true,
      _meta: {
        'io.brainwav/error': { code: 'POLICY_DENIED', missingScopes: ['beta:read', 'beta:write'] },
      },
    });
    expect(w.beta.calls).toEqual([]);
  });

  it('still relays tools/list_changed, and the new list is filtered too', async () => {
    const w = await startPolicyWorld(h);
    const alice = await w.connect('alice', '/mcp/connectors/alpha');
    let changed = 0;
    alice.setNotificationHandler('notifications/tools/list_changed', () => void (changed += 1));
    expect(await toolNames(alice)).toEqual(['echo', 'add']);
    await w.alpha.setTools(['echo', 'add', 'image', 'increment']);
    await eventually(() => changed >= 1);
    expect(await toolNames(alice)).toEqual(['echo', 'add']);
    await w.alpha.setTools(['echo']);
    await eventually(() => changed >= 2);
    expect(await toolNames(alice)).toEqual(['echo']);
  });

  it('filters server-everything for a support principal on both endpoints; an admin sees it whole', async () => {
    const everything = await startEverythingServer();
    h.closers.push(() => everything.stop());
    const connector = connectorEntry('everything', everything.url);
    const proxy = bridgeProxy(connector);
    h.closers.push(() => proxy.close());
    const policy = await openTestPolicy(`version: 1
rules:
  - id: support-echo
    effect: allow
    roles: [support]
    connectors: [everything]
    tools: [echo]
  - id: admin-all
    effect: allow
    roles: [admin]
`);
    h.closers.push(() => policy.close());
    const gateway = createConnectorsGateway({
      source: staticConnectorSource([{ connector, proxy }]),
      principalOf,
      policy: policy.store,
      metrics: h.metrics,
      audit: h.audit,
    });
    const http = await serveGateway(gateway, bearerAuth(PRINCIPALS));
    h.closers.push(
      () => gateway.close(),
      () => http.close(),
    );
    await gateway.ready();
    const clients = await Promise.all([
      connectClient(everything.url),
      connectAs(`${http.base}/mcp/connectors/everything`, 'alice'),
      connectAs(`${http.base}/mcp/connectors/everything`, 'bob'),
      connectAs(`${http.base}/mcp`, 'alice'),
    ]);
    for (const client of clients) h.closers.push(() => client.close());
    const [direct, alicePass, bobPass, aliceAggregate] = clients;
    const upstream = await direct.listTools();
    expect(upstream.tools.length).toBeGreaterThan(1);
    expect(await alicePass.listTools()).toEqual({
      ...upstream,
      tools: upstream.tools.filter((t) => t.name === 'echo'),
    });
    expect(await bobPass.listTools()).toEqual(upstream);
    expect((await alicePass.listPrompts()).prompts).toEqual([]);
    expect(await bobPass.listPrompts()).toEqual(await direct.listPrompts());
    expect(await toolNames(aliceAggregate)).toEqual(['everything__echo']);
    const echoed = await aliceAggregate.callTool({ name: 'everything__echo', arguments: { message: 'hi' } });
    expect(echoed).toEqual(await direct.callTool({ name: 'echo', arguments: { message: 'hi' } }));
    const other = upstream.tools.find((t) => t.name !== 'echo')!.name;
    expect((await alicePass.callTool({ name: other, arguments: {} }))._meta).toEqual({
      'io.brainwav/error': { brand: 'brAInwav', code: 'POLICY_DENIED' },
    });
  });
});
