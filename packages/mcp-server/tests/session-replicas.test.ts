import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/client';
import {
  startEverythingServer,
  startFixtureServer,
  type EverythingServer,
  type FixtureServer,
} from '@cortex-os/mcp-bridge/testing';
import {
  RedisChannels,
  RedisSessionRevocations,
  randomSessionKey,
  type ConnectorsGatewayOptions,
} from '../src/index.js';
import { connectorEntry, eventually } from './helpers/http.js';
import { rawPost, rawSessionOf, toolCall } from './helpers/raw-mcp.js';
import { startTestRedis, type TestRedis } from './helpers/redis.js';
import { connectRoundRobin, startReplica, type Replica } from './helpers/replicas.js';

const UNKNOWN_SESSION = JSON.stringify({
  brand: 'brAInwav',
  error: { code: 'NOT_FOUND', message: 'brAInwav: unknown or expired MCP session' },
  traceId: null,
});

/** Initialize on replica 0, then every later HTTP request alternates between replicas 1 and 2. */
const initOnFirst = (n: number) => (n === 0 ? 0 : 1 + (n % 2));

describe('2025-era sessions without affinity (sealed handles, three replicas sharing only config and Redis)', () => {
  let everything: EverythingServer;
  let fixture: FixtureServer;
  let redis: TestRedis;
  const keys = [randomSessionKey()];
  const open: Array<{ close(): Promise<void> }> = [];
  const clients: Client[] = [];

  beforeAll(async () => {
    [everything, fixture, redis] = await Promise.all([
      startEverythingServer(),
      startFixtureServer({ name: 'fixture-replicas' }),
      startTestRedis(),
    ]);
  }, 60_000);

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
    await Promise.all(open.splice(0).map((o) => o.close().catch(() => undefined)));
  });

  afterAll(async () => {
    await Promise.all([everything?.stop(), fixture?.stop(), redis?.stop()]);
  });

  async function replicas(
    n = 3,
    options: Partial<ConnectorsGatewayOptions> = {},
    prefix = `t${Math.random().toString(36).slice(2)}:`,
  ): Promise<Replica[]> {
    const started: Replica[] = [];
    for (let i = 0; i < n; i++) {
      const channels = new RedisChannels({ url: redis.url, prefix });
      const revocations = new RedisSessionRevocations(channels);
      await revocations.subscribed();
      open.push(channels);
      const replica = await startReplica([connectorEntry('everything', everything.url)], {
        sessionKeys: keys,
        sessionRevocations: revocations,
        ...options,
      });
      open.push(replica);
      started.push(replica);
    }
    return started;
  }

  const postsWith = (replica: Replica, id: string) =>
    replica.seen.filter((s) => s.method === 'POST' && s.sessionId === id).length;

  it('a session opened on replica 1 is served by replicas 2 and 3 (aggregate: tools/list and tools/call)', async () => {
    const rs = await replicas();
    const client = await connectRoundRobin(rs, '/mcp', initOnFirst);
    clients.push(client);
    const { sessionId } = rawSessionOf(client, `${rs[0]!.base}/mcp`);
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toContain('everything__echo');
    for (let i = 0; i < 4; i++) {
      const result = await client.callTool({ name: 'everything__echo', arguments: { message: `hi ${i}` } });
      expect(result.content).toEqual([{ type: 'text', text: `Echo: hi ${i}` }]);
    }
    expect(rs[0]!.seen.filter((s) => s.sessionId === sessionId)).toEqual([]);
    expect(postsWith(rs[1]!, sessionId)).toBeGreaterThanOrEqual(2);
    expect(postsWith(rs[2]!, sessionId)).toBeGreaterThanOrEqual(2);
    expect(rs.map((r) => r.gateway.sessionCount)).toEqual([1, 1, 1]);
  });

  it('serves the per-connector passthrough across replicas (each replica opens its own upstream session)', async () => {
    const rs = await replicas();
    const client = await connectRoundRobin(rs, '/mcp/connectors/everything', initOnFirst);
    clients.push(client);
    expect(client.getServerVersion()?.name).toMatch(/everything/i);
    const tools = (await client.listTools()).tools.map((t) => t.name);
    expect(tools).toContain('echo');
    for (let i = 0; i < 3; i++) {
      const result = await client.callTool({ name: 'echo', arguments: { message: `p${i}` } });
      expect(result.content).toEqual([{ type: 'text', text: `Echo: p${i}` }]);
    }
    const { sessionId } = rawSessionOf(client, '');
    expect(postsWith(rs[1]!, sessionId) + postsWith(rs[2]!, sessionId)).toBeGreaterThanOrEqual(5);
  });

  it('delivers tools/list_changed from whichever replica holds the GET stream', async () => {
    const rs = await replicas();
    const client = await connectRoundRobin(rs, '/mcp', initOnFirst);
    clients.push(client);
    let changed = 0;
    client.setNotificationHandler('notifications/tools/list_changed', () => void changed++);
    await client.listTools();
    const { sessionId } = rawSessionOf(client, '');
    await eventually(() =>
      rs.some((r) => r.seen.some((s) => s.method === 'GET' && s.sessionId === sessionId)),
    );
    const both = [connectorEntry('everything', everything.url), connectorEntry('fixture', fixture.url)];
    for (const r of rs) r.setConnectors(both);
    await eventually(() => changed > 0, 10_000);
    await eventually(async () =>
      (await client.listTools()).tools.some((t) => t.name.startsWith('fixture__')),
    );
  });

  it('DELETE on one replica ends the session on every replica (Redis revocations)', async () => {
    const rs = await replicas();
    const client = await connectRoundRobin(rs, '/mcp', initOnFirst);
    clients.push(client);
    await client.listTools();
    const session = rawSessionOf(client, `${rs[0]!.base}/mcp`);
    const del = await fetch(`${rs[1]!.base}/mcp`, {
      method: 'DELETE',
      headers: { 'mcp-session-id': session.sessionId, 'mcp-protocol-version': session.protocolVersion },
    });
    expect(del.status).toBe(200);
    // the DELETE's replica and any replica rebuilding the handle refuse at once; a replica holding a live copy
    // ends it when the revocation's pub/sub message arrives (the store is written before the DELETE answers)
    const replies = (r: Replica) =>
      rawPost({ ...session, url: `${r.base}/mcp` }, toolCall(9, 'everything__echo', {}));
    expect(await replies(rs[1]!)).toMatchObject({ status: 404, text: UNKNOWN_SESSION });
    for (const r of rs) await eventually(async () => (await replies(r)).status === 404, 10_000);
    for (const r of rs) expect(await replies(r)).toMatchObject({ status: 404, text: UNKNOWN_SESSION });
    await eventually(() => rs.every((r) => r.gateway.sessionCount === 0));
  });

  it('answers a tampered, foreign-key, other-endpoint or other-principal handle with the unknown-session 404', async () => {
    const rs = await replicas(2);
    const client = await connectRoundRobin(rs, '/mcp', () => 0);
    clients.push(client);
    const session = rawSessionOf(client, `${rs[1]!.base}/mcp`);
    const id = session.sessionId;
    const flipped = id.slice(0, 20) + (id[20] === 'A' ? 'B' : 'A') + id.slice(21);
    const foreign = await replicas(1, { sessionKeys: [randomSessionKey()] });
    const cases = [
      { url: `${rs[1]!.base}/mcp`, sessionId: flipped },
      { url: `${rs[1]!.base}/mcp`, sessionId: id.slice(0, -4) },
      { url: `${rs[1]!.base}/mcp`, sessionId: 's1.' },
      { url: `${rs[1]!.base}/mcp/connectors/everything`, sessionId: id },
      { url: `${foreign[0]!.base}/mcp`, sessionId: id },
    ];
    for (const c of cases) {
      const reply = await rawPost({ ...session, ...c }, toolCall(1, 'everything__echo', { message: 'x' }));
      expect(reply.status).toBe(404);
      expect(reply.text).toBe(UNKNOWN_SESSION);
    }
    const asBob = await rawPost(session, toolCall(2, 'everything__echo', { message: 'x' }), {
      headers: { authorization: 'Bearer bob' },
    });
    expect(asBob.status).toBe(404);
    expect(asBob.text).toBe(UNKNOWN_SESSION);
    expect(rs[1]!.gateway.sessionCount).toBe(0);
    const ok = await rawPost(session, toolCall(3, 'everything__echo', { message: 'still' }));
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('Echo: still');
  });

  it('key rotation: a replica with [new, old] keys serves old handles and seals with the new key', async () => {
    const oldKey = keys[0]!;
    const newKey = randomSessionKey();
    const [oldReplica] = await replicas(1, { sessionKeys: [oldKey] });
    const [rotated] = await replicas(1, { sessionKeys: [newKey, oldKey] });
    const [newOnly] = await replicas(1, { sessionKeys: [newKey] });
    const before = await connectRoundRobin([oldReplica!, rotated!], '/mcp', (n) => (n === 0 ? 0 : 1));
    clients.push(before);
    const echo = await before.callTool({ name: 'everything__echo', arguments: { message: 'rotated' } });
    expect(echo.content).toEqual([{ type: 'text', text: 'Echo: rotated' }]);
    const oldSession = rawSessionOf(before, `${newOnly!.base}/mcp`);
    const refused = await rawPost(oldSession, toolCall(5, 'everything__echo', { message: 'x' }));
    expect(refused.status).toBe(404);
    const after = await connectRoundRobin([rotated!, newOnly!], '/mcp', (n) => (n === 0 ? 0 : 1));
    clients.push(after);
    const served = await after.callTool({ name: 'everything__echo', arguments: { message: 'new' } });
    expect(served.content).toEqual([{ type: 'text', text: 'Echo: new' }]);
  });
});
