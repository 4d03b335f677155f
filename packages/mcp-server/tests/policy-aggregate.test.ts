import { describe, expect, it } from 'vitest';
import { ProtocolError } from '@modelcontextprotocol/client';
import type { ExtensionCallContext } from '../src/index.js';
import { useGatewayHarness } from './helpers/harness.js';
import { metricValue } from './helpers/metrics.js';
import { panelExtension, UI_URI } from './helpers/panel.js';
import { PRINCIPALS, startPolicyWorld, toolNames } from './helpers/policy-world.js';
import { rawPost, rawSessionOf, SDK_RESULT_PREFIX } from './helpers/raw-mcp.js';

const denied = (text: string, detail: Record<string, unknown> = {}) => ({
  content: [{ type: 'text', text }],
  isError: true,
  _meta: { 'io.brainwav/error': { brand: 'brAInwav', code: 'POLICY_DENIED', ...detail } },
});

describe('policy on the aggregate endpoint /mcp', () => {
  const h = useGatewayHarness();

  it('lists per principal: tools (fast lane and SDK path), prompts and the gateway-owned extension tools/resources', async () => {
    const w = await startPolicyWorld(h, { extensions: [panelExtension([])] });
    const [alice, bob, carol, dave] = await Promise.all(
      ['alice', 'bob', 'carol', 'dave'].map((token) => w.connect(token)),
    );
    expect(await toolNames(alice!)).toEqual(['alpha__echo', 'alpha__add']);
    expect(await toolNames(bob!)).toEqual([
      'alpha__echo',
      'alpha__add',
      'alpha__image',
      'beta__echo',
      'show_panel',
      'broken_panel',
    ]);
    // OAuth: the connector's scopes are required token scopes (carol holds alpha:read only)
    expect(await toolNames(carol!)).toEqual([
      'alpha__echo',
      'alpha__add',
      'alpha__image',
      'show_panel',
      'broken_panel',
    ]);
    expect(await toolNames(dave!)).toEqual([]);

    // the SDK path (a cursor: the fast lane declines) filters the same way
    const session = rawSessionOf(alice!, `${w.base}/mcp`);
    const sdk = await rawPost(
      session,
      { jsonrpc: '2.0', id: 'sdk-1', method: 'tools/list', params: { cursor: 'c' } },
      { headers: { authorization: 'Bearer alice' } },
    );
    expect(sdk.text.startsWith(SDK_RESULT_PREFIX)).toBe(true);
    const listed = (JSON.parse(sdk.text) as { result: { tools: Array<{ name: string }> } }).result.tools;
    expect(listed.map((t) => t.name)).toEqual(['alpha__echo', 'alpha__add']);

    expect((await alice!.listPrompts()).prompts).toEqual([]);
    expect((await bob!.listPrompts()).prompts.map((p) => p.name)).toEqual(['alpha__greet', 'beta__greet']);
    expect((await carol!.listPrompts()).prompts.map((p) => p.name)).toEqual(['alpha__greet']);
    expect((await alice!.listResources()).resources).toEqual([]);
    expect((await bob!.listResources()).resources.map((r) => r.uri)).toEqual([UI_URI]);
  });

  it('decides every call before the quota and the upstream: CEL argument condition, exact POLICY_DENIED, metric, audit', async () => {
    const w = await startPolicyWorld(h);
    const [alice, bob] = await Promise.all([w.connect('alice'), w.connect('bob')]);
    const echo = (client: typeof alice, text: string) =>
      client.callTool({ name: 'alpha__echo', arguments: { text } });

    expect(await echo(alice, '/public/readme')).toEqual({
      content: [{ type: 'text', text: '/public/readme' }],
    });
    expect(await echo(alice, '/private/keys')).toEqual(
      denied('brAInwav: POLICY_DENIED: denied by rule "no-private" (rule no-private)', {
        ruleId: 'no-private',
      }),
    );
    // no rule allows it: the default deny names no rule
    expect(await echo(alice, '/tmp/x')).toEqual(
      denied('brAInwav: POLICY_DENIED: no rule allows phase call of alpha "echo"'),
    );
    // listed to nobody but admins, yet routable: the call is decided, not "unknown tool"
    expect(await alice.callTool({ name: 'alpha__image', arguments: {} })).toEqual(
      denied('brAInwav: POLICY_DENIED: no rule allows phase call of alpha "image"'),
    );
    expect(await alice.callTool({ name: 'alpha__add', arguments: { a: 2, b: 3 } })).toEqual({
      content: [{ type: 'text', text: '5' }],
    });
    expect(await echo(bob, '/tmp/x')).toEqual({ content: [{ type: 'text', text: '/tmp/x' }] });
    expect((await echo(bob, '/private/x'))._meta).toEqual(
      denied('', { ruleId: 'no-private' })._meta, // the deny rule binds admins too
    );
    // REST path: same decision, endpoint rest
    const rest = await w.gateway.callTool(
      'alpha',
      'echo',
      { text: '/private/z' },
      {
        principal: PRINCIPALS.alice!,
      },
    );
    expect(rest).toEqual(
      denied('brAInwav: POLICY_DENIED: denied by rule "no-private" (rule no-private)', {
        ruleId: 'no-private',
      }),
    );

    // denied calls never reached the upstream nor spent quota
    expect(w.alpha.calls.map((c) => c.args)).toEqual([
      { text: '/public/readme' },
      { a: 2, b: 3 },
      { text: '/tmp/x' },
    ]);
    expect(await w.gateway.getQuotaUse('alpha')).toEqual({ minute: 3, hour: 3 });
    const decisions = (decision: string) =>
      metricValue(h.metrics, 'policyDecisionsTotal', { decision, connector: 'alpha' });
    expect(await decisions('allow')).toBe(3);
    expect(await decisions('deny')).toBe(5);
    expect(
      await metricValue(h.metrics, 'toolCallsTotal', { connector: 'alpha', tool: 'echo', outcome: 'denied' }),
    ).toBe(4);

    const records = h.audit.records;
    expect(records).toHaveLength(8);
    expect(records[0]).toMatchObject({
      callerId: 'alice',
      via: 'api-key',
      connectorId: 'alpha',
      tool: 'echo',
      outcome: 'ok',
      ruleId: 'support-public-echo',
      endpoint: 'aggregate',
    });
    expect(records[1]).toMatchObject({
      brand: 'brAInwav',
      callerId: 'alice',
      via: 'api-key',
      connectorId: 'alpha',
      tool: 'echo',
      outcome: 'denied',
      ruleId: 'no-private',
      endpoint: 'aggregate',
    });
    expect(records[2]).toMatchObject({ callerId: 'alice', outcome: 'denied' });
    expect(records[2]).not.toHaveProperty('ruleId');
    expect(records[7]).toMatchObject({ callerId: 'alice', outcome: 'denied', endpoint: 'rest' });
    expect(Object.keys(records[1]!).sort()).toEqual([
      'brand',
      'callerId',
      'connectorId',
      'durationMs',
      'endpoint',
      'outcome',
      'ruleId',
      'tool',
      'traceId',
      'ts',
      'via',
    ]);
    expect(JSON.stringify(records)).not.toContain('/private');
  });

  it('requires the connector scopes of OAuth principals only (denied with missingScopes), never recording claims', async () => {
    const w = await startPolicyWorld(h);
    const [carol, bob] = await Promise.all([w.connect('carol'), w.connect('bob')]);
    expect(await carol.callTool({ name: 'beta__echo', arguments: { text: 'hi' } })).toEqual(
      denied(
        'brAInwav: POLICY_DENIED: insufficient_scope: missing required scopes "beta:read", "beta:write" for connector "beta"',
        { missingScopes: ['beta:read', 'beta:write'] },
      ),
    );
    expect(await carol.callTool({ name: 'alpha__echo', arguments: { text: 'hi' } })).toEqual({
      content: [{ type: 'text', text: 'hi' }],
    });
    // an API-key admin is governed by roles and policy only
    expect(await bob.callTool({ name: 'beta__echo', arguments: { text: 'hi' } })).toEqual({
      content: [{ type: 'text', text: 'hi' }],
    });
    expect(w.beta.calls).toHaveLength(1);
    expect(
      await metricValue(h.metrics, 'policyDecisionsTotal', { decision: 'deny', connector: 'beta' }),
    ).toBe(1);
    expect(h.audit.records[0]).toMatchObject({
      callerId: 'carol',
      via: 'oauth',
      connectorId: 'beta',
      outcome: 'denied',
    });
    expect(JSON.stringify(h.audit.records)).not.toContain('acme-secret-claim');
    expect(JSON.stringify(w.logger.lines)).not.toContain('acme-secret-claim');
    expect(w.logger.lines.find((l) => l.msg === 'policy denied a tool call')?.obj).toEqual({
      connectorId: 'beta',
      tool: 'echo',
      subject: 'carol',
      via: 'oauth',
      ruleId: undefined,
      missingScopes: ['beta:read', 'beta:write'],
    });
  });

  it('decides prompts/get and the gateway-owned tools and resources (pseudo-connector "gateway")', async () => {
    const seen: ExtensionCallContext[] = [];
    const w = await startPolicyWorld(h, { extensions: [panelExtension(seen)] });
    const [alice, bob] = await Promise.all([w.connect('alice'), w.connect('bob')]);
    await bob.listPrompts();

    const prompt = alice.getPrompt({ name: 'alpha__greet', arguments: { name: 'eve' } });
    await expect(prompt).rejects.toBeInstanceOf(ProtocolError);
    await expect(prompt).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining('brAInwav: POLICY_DENIED: no rule allows phase call of alpha "greet"'),
      data: { code: 'POLICY_DENIED' },
    });
    expect((await bob.getPrompt({ name: 'alpha__greet', arguments: { name: 'bob' } })).messages).toEqual([
      { role: 'user', content: { type: 'text', text: 'Hello bob' } },
    ]);

    expect(await alice.callTool({ name: 'show_panel', arguments: {} })).toEqual(
      denied('brAInwav: POLICY_DENIED: no rule allows phase call of gateway "show_panel"'),
    );
    expect(await bob.callTool({ name: 'show_panel', arguments: {} })).toMatchObject({
      content: [{ type: 'text', text: 'panel {}' }],
    });
    expect(seen.map((c) => [c.callerId, c.principal.roles])).toEqual([['bob', ['admin']]]);
    await expect(alice.readResource({ uri: UI_URI })).rejects.toMatchObject({
      code: -32602,
      data: { code: 'POLICY_DENIED' },
    });
    expect((await bob.readResource({ uri: UI_URI })).contents).toHaveLength(1);

    const gateway = (decision: string) =>
      metricValue(h.metrics, 'policyDecisionsTotal', { decision, connector: 'gateway' });
    expect([await gateway('allow'), await gateway('deny')]).toEqual([2, 2]);
    expect(await metricValue(h.metrics, 'policyDecisionsTotal', { connector: 'alpha' })).toBe(2);
    // extension calls carry no audit line (as before); prompts are not tool calls
    expect(h.audit.records).toEqual([]);
  });
});
