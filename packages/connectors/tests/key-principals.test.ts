import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Client } from '@modelcontextprotocol/client';
import { startFixtureServer, type FixtureServer } from '@cortex-os/mcp-bridge/testing';
import { keyId, keySha256 } from '@cortex-os/server-kit';
import { DASHBOARD_TOOL } from '../src/index.js';
import {
  API_KEY,
  MCP_KEY,
  connector,
  controlledSource,
  readSse,
  removeDir,
  signedMapText,
  startApp,
  testEnv,
} from './helpers.js';
import {
  ADMIN_KEY,
  SUPPORT_KEY,
  connectMcp,
  errorMeta,
  metricValue,
  principalsFileText,
  toolNames,
  toolsById,
} from './policy-helpers.js';

const POLICY = `version: 1
rules:
  - id: admin-everything
    effect: allow
    roles: [admin]
  - id: support-reads
    effect: allow
    roles: [support]
    connectors: [fixtures]
    tools: [echo]
  - id: support-dashboard
    effect: allow
    roles: [support]
    connectors: [gateway]
    tools: [connectors_dashboard]
  - id: support-no-add
    effect: deny
    roles: [support]
    tools: [add]
`;

const ALL = ['echo', 'add', 'increment'];
const DENIALS = 'brainwav_mcp_policy_decisions_total';

interface AuditLine {
  callerId: string;
  via: string;
  connectorId: string;
  tool: string;
  outcome: string;
  ruleId?: string;
  endpoint: string;
}

type CallResult = { isError?: boolean; content?: unknown; _meta?: Record<string, unknown> };

describe('API-key principals (MCP_AUTH=apiKey) under a policy file', () => {
  let fixture: FixtureServer;
  let app: FastifyInstance;
  let base: string;
  let dir: string;
  const clients: Client[] = [];

  async function client(path: string, key: string): Promise<Client> {
    const c = await connectMcp(`${base}${path}`, key);
    clients.push(c);
    return c;
  }

  const auth = (key: string) => ({ authorization: `Bearer ${key}` });

  async function auditLines(): Promise<AuditLine[]> {
    const text = await readFile(join(dir, 'audit.jsonl'), 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AuditLine);
  }

  beforeAll(async () => {
    fixture = await startFixtureServer({ tools: ALL });
    dir = await mkdtemp(join(tmpdir(), 'brainwav-key-principals-'));
    await writeFile(join(dir, 'principals.json'), principalsFileText(keySha256(ADMIN_KEY)));
    await writeFile(join(dir, 'policy.yaml'), POLICY);
    const env = testEnv({
      CONNECTORS_PRINCIPALS_FILE: join(dir, 'principals.json'),
      CONNECTORS_POLICY_FILE: join(dir, 'policy.yaml'),
      CONNECTORS_AUDIT_LOG: join(dir, 'audit.jsonl'),
      SUPPORT_BOT_KEY: SUPPORT_KEY,
    });
    app = await startApp(env, controlledSource(await signedMapText([connector('fixtures', fixture.url)])));
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await app?.close();
    await fixture?.stop();
    if (dir) await removeDir(dir);
  });

  it('lists different tools per principal on /mcp (the env MCP key matches no rule: nothing)', async () => {
    const support = await client('/mcp', SUPPORT_KEY);
    const admin = await client('/mcp', ADMIN_KEY);
    const envKey = await client('/mcp', MCP_KEY);
    await expect.poll(() => toolNames(admin)).toContain('fixtures__increment');
    expect(await toolNames(admin)).toEqual([
      'fixtures__echo',
      'fixtures__add',
      'fixtures__increment',
      DASHBOARD_TOOL,
    ]);
    expect(await toolNames(support)).toEqual(['fixtures__echo', DASHBOARD_TOOL]);
    expect(await toolNames(envKey)).toEqual([]);
    // the dashboard resources are governed as connector "gateway" by URI: only admin-everything allows them
    expect((await admin.listResources()).resources.map((r) => r.uri)).toEqual([
      'ui://connectors/dashboard.html',
      'ui://connectors/dashboard.skybridge.html',
    ]);
    expect((await support.listResources()).resources).toEqual([]);
  });

  it('lists different tools per principal on the passthrough /mcp/connectors/fixtures', async () => {
    const support = await client('/mcp/connectors/fixtures', SUPPORT_KEY);
    const admin = await client('/mcp/connectors/fixtures', ADMIN_KEY);
    expect(await toolNames(admin)).toEqual(ALL);
    expect(await toolNames(support)).toEqual(['echo']);
  });

  it('decides each call per principal: POLICY_DENIED with the rule id, or the default deny without one', async () => {
    const support = await client('/mcp', SUPPORT_KEY);
    const admin = await client('/mcp', ADMIN_KEY);
    expect(await support.callTool({ name: 'fixtures__echo', arguments: { text: 'hi' } })).toEqual({
      content: [{ type: 'text', text: 'hi' }],
    });
    const add = (await support.callTool({ name: 'fixtures__add', arguments: { a: 1, b: 2 } })) as CallResult;
    expect(add.isError).toBe(true);
    expect(add.content).toEqual([
      {
        type: 'text',
        text: 'brAInwav: POLICY_DENIED: denied by rule "support-no-add" (rule support-no-add)',
      },
    ]);
    expect(errorMeta(add)).toEqual({ brand: 'brAInwav', code: 'POLICY_DENIED', ruleId: 'support-no-add' });
    const inc = (await support.callTool({ name: 'fixtures__increment', arguments: {} })) as CallResult;
    expect(inc.isError).toBe(true);
    expect(errorMeta(inc)).toEqual({ brand: 'brAInwav', code: 'POLICY_DENIED' });
    expect(await admin.callTool({ name: 'fixtures__add', arguments: { a: 1, b: 2 } })).toEqual({
      content: [{ type: 'text', text: '3' }],
    });

    const passthrough = await client('/mcp/connectors/fixtures', SUPPORT_KEY);
    const viaPassthrough = (await passthrough.callTool({
      name: 'add',
      arguments: { a: 1, b: 2 },
    })) as CallResult;
    expect(viaPassthrough.isError).toBe(true);
    expect(errorMeta(viaPassthrough)).toEqual({
      brand: 'brAInwav',
      code: 'POLICY_DENIED',
      ruleId: 'support-no-add',
    });
    // no denied call reached the upstream
    expect(fixture.calls.map((c) => c.tool)).toEqual(['echo', 'add']);
  });

  it('the REST list and the SSE snapshot show each principal only the tools it may list', async () => {
    const list = async (key: string) => {
      const res = await fetch(`${base}/v1/connectors`, { headers: auth(key) });
      expect(res.status).toBe(200);
      return toolsById((await res.json()) as Parameters<typeof toolsById>[0]);
    };
    expect(await list(ADMIN_KEY)).toEqual({ fixtures: ALL });
    expect(await list(SUPPORT_KEY)).toEqual({ fixtures: ['echo'] });
    expect(await list(API_KEY)).toEqual({ fixtures: [] });

    const snapshot = async (key: string) => {
      const res = await fetch(`${base}/v1/connectors/events`, { headers: auth(key) });
      expect(res.status).toBe(200);
      const { events } = await readSse(res, (ev) => ev.some((e) => e.event === 'snapshot'));
      const data = events.find((e) => e.event === 'snapshot')!.data!;
      return toolsById(JSON.parse(data) as Parameters<typeof toolsById>[0]);
    };
    expect(await snapshot(ADMIN_KEY)).toEqual({ fixtures: ALL });
    expect(await snapshot(SUPPORT_KEY)).toEqual({ fixtures: ['echo'] });
    expect(await snapshot(API_KEY)).toEqual({ fixtures: [] });
  });

  it('REST tool calls are decided for the key principal: POLICY_DENIED for a denied tool', async () => {
    const call = async (key: string, tool: string, args: Record<string, unknown>) => {
      const res = await fetch(`${base}/v1/connectors/fixtures/tools/${tool}/call`, {
        method: 'POST',
        headers: { ...auth(key), 'content-type': 'application/json' },
        body: JSON.stringify({ arguments: args }),
      });
      return { status: res.status, body: (await res.json()) as CallResult };
    };
    const denied = await call(SUPPORT_KEY, 'add', { a: 2, b: 2 });
    expect(denied.status).toBe(200);
    expect(denied.body).toEqual({
      content: [
        {
          type: 'text',
          text: 'brAInwav: POLICY_DENIED: denied by rule "support-no-add" (rule support-no-add)',
        },
      ],
      isError: true,
      _meta: { 'io.brainwav/error': { brand: 'brAInwav', code: 'POLICY_DENIED', ruleId: 'support-no-add' } },
    });
    expect(await call(ADMIN_KEY, 'add', { a: 2, b: 2 })).toEqual({
      status: 200,
      body: { content: [{ type: 'text', text: '4' }] },
    });
    expect(await call(SUPPORT_KEY, 'echo', { text: 'rest' })).toEqual({
      status: 200,
      body: { content: [{ type: 'text', text: 'rest' }] },
    });
  });

  it('the dashboard tool returns each principal its filtered snapshot; the env key may not call it', async () => {
    const snapshotOf = async (key: string) => {
      const result = (await (
        await client('/mcp', key)
      ).callTool({
        name: DASHBOARD_TOOL,
        arguments: {},
      })) as CallResult & { structuredContent?: Parameters<typeof toolsById>[0] };
      expect(result.isError).not.toBe(true);
      return toolsById(result.structuredContent!);
    };
    expect(await snapshotOf(ADMIN_KEY)).toEqual({ fixtures: ALL });
    expect(await snapshotOf(SUPPORT_KEY)).toEqual({ fixtures: ['echo'] });
    const envKey = (await (
      await client('/mcp', MCP_KEY)
    ).callTool({
      name: DASHBOARD_TOOL,
      arguments: {},
    })) as CallResult;
    expect(envKey.isError).toBe(true);
    expect(errorMeta(envKey)).toEqual({ brand: 'brAInwav', code: 'POLICY_DENIED' });
  });

  it('audits every connector call with its subject and via; counts the decisions per connector', async () => {
    const expected: Omit<AuditLine, 'endpoint'>[] = [
      { callerId: 'support-bot', tool: 'echo', outcome: 'ok', ruleId: 'support-reads' },
      { callerId: 'support-bot', tool: 'add', outcome: 'denied', ruleId: 'support-no-add' },
      { callerId: 'support-bot', tool: 'increment', outcome: 'denied' },
      { callerId: 'admin-bot', tool: 'add', outcome: 'ok', ruleId: 'admin-everything' },
      { callerId: 'support-bot', tool: 'add', outcome: 'denied', ruleId: 'support-no-add' },
      { callerId: 'support-bot', tool: 'add', outcome: 'denied', ruleId: 'support-no-add' },
      { callerId: 'admin-bot', tool: 'add', outcome: 'ok', ruleId: 'admin-everything' },
      { callerId: 'support-bot', tool: 'echo', outcome: 'ok', ruleId: 'support-reads' },
    ].map((l) => ({ ...l, via: 'api-key', connectorId: 'fixtures' }));
    await expect.poll(async () => (await auditLines()).length).toBe(expected.length);
    const lines = await auditLines();
    expect(
      lines.map(({ callerId, via, connectorId, tool, outcome, ruleId }) => ({
        callerId,
        via,
        connectorId,
        tool,
        outcome,
        ...(ruleId ? { ruleId } : {}),
      })),
    ).toEqual(expected);
    expect(lines.map((l) => l.endpoint)).toEqual([
      'aggregate',
      'aggregate',
      'aggregate',
      'aggregate',
      'connector',
      'rest',
      'rest',
      'rest',
    ]);
    const text = await readFile(join(dir, 'audit.jsonl'), 'utf8');
    for (const key of [SUPPORT_KEY, ADMIN_KEY, MCP_KEY]) expect(text).not.toContain(key);
    expect(text).not.toContain(keyId(MCP_KEY)); // the env key made no connector call

    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metricValue(metrics, DENIALS, 'decision="deny",connector="fixtures"')).toBe(4);
    expect(metricValue(metrics, DENIALS, 'decision="allow",connector="fixtures"')).toBe(4);
    expect(metricValue(metrics, DENIALS, 'decision="deny",connector="gateway"')).toBe(1);
    expect(metricValue(metrics, DENIALS, 'decision="allow",connector="gateway"')).toBe(2);
  });
});
