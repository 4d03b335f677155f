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
  RedisSessionStreams,
  randomSessionKey,
  type GatewayConnector,
} from '../src/index.js';
import { connectorEntry, eventually } from './helpers/http.js';
import { rawSessionOf } from './helpers/raw-mcp.js';
import { startTestRedis, type TestRedis } from './helpers/redis.js';
import { connectRoundRobin, getStreamsOpened, startReplica, type Replica } from './helpers/replicas.js';

/** initialize and the GET stream on replica 0; every other POST on replica 1. */
const getOnFirst = (n: number, init?: RequestInit) => (n === 0 || init?.method === 'GET' ? 0 : 1);

describe('server→client streams across replicas (Redis pub/sub relay and event store)', () => {
  let everything: EverythingServer;
  let fixture: FixtureServer;
  let redis: TestRedis;
  const keys = [randomSessionKey()];
  const open: Array<{ close(): Promise<void> }> = [];
  const clients: Client[] = [];

  beforeAll(async () => {
    [everything, fixture, redis] = await Promise.all([
      startEverythingServer(),
      startFixtureServer({ name: 'fixture-streams' }),
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

  async function replicas(connectors: GatewayConnector[], n = 2): Promise<Replica[]> {
    const prefix = `s${Math.random().toString(36).slice(2)}:`;
    const started: Replica[] = [];
    for (let i = 0; i < n; i++) {
      const channels = new RedisChannels({ url: redis.url, prefix });
      const revocations = new RedisSessionRevocations(channels);
      await revocations.subscribed();
      open.push(channels);
      const replica = await startReplica(connectors, {
        sessionKeys: keys,
        sessionRevocations: revocations,
        sessionStreams: new RedisSessionStreams(channels),
      });
      open.push(replica);
      started.push(replica);
    }
    return started;
  }

  const heldGet = (r: Replica, id: string) => r.seen.some((s) => s.method === 'GET' && s.sessionId === id);

  it('an upstream notification of the passthrough session on replica 2 reaches the GET stream on replica 1', async () => {
    const rs = await replicas([connectorEntry('fixture', fixture.url)]);
    const client = await connectRoundRobin(rs, '/mcp/connectors/fixture', getOnFirst);
    clients.push(client);
    const updated: string[] = [];
    client.setNotificationHandler('notifications/resources/updated', (n) => void updated.push(n.params.uri));
    const { sessionId } = rawSessionOf(client, '');
    await eventually(() => heldGet(rs[0]!, sessionId) && getStreamsOpened(client) === 1);
    await client.subscribeResource({ uri: 'fixture://items/1' }); // replica 2's upstream session subscribes
    expect(
      rs[1]!.seen.filter((s) => s.method === 'POST' && s.sessionId === sessionId).length,
    ).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 100)); // the holder's channel subscription is confirmed
    expect(await fixture.notifyResourceUpdated('fixture://items/1')).toBeGreaterThanOrEqual(1);
    await eventually(() => updated.includes('fixture://items/1'));
    expect(updated).toEqual(['fixture://items/1']);
  });

  it('standalone events resume on another replica with Last-Event-ID (the holder may die)', async () => {
    const rs = await replicas([connectorEntry('everything', everything.url)]);
    const client = await connectRoundRobin(rs, '/mcp', getOnFirst);
    clients.push(client);
    let changed = 0;
    client.setNotificationHandler('notifications/tools/list_changed', () => void changed++);
    const session = rawSessionOf(client, '');
    await eventually(() => heldGet(rs[0]!, session.sessionId) && getStreamsOpened(client) === 1);
    const one = [connectorEntry('everything', everything.url), connectorEntry('fixture', fixture.url)];
    for (const r of rs) r.setConnectors(one);
    await eventually(() => changed === 1, 30_000);
    for (const r of rs) r.setConnectors([connectorEntry('fixture', fixture.url)]);
    await eventually(() => changed === 2, 30_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(changed).toBe(2); // one notification per change, from the holder only
    await rs[0]!.close(); // the holder dies
    const resumed = await fetch(`${rs[1]!.base}/mcp`, {
      headers: {
        accept: 'text/event-stream',
        'mcp-session-id': session.sessionId,
        'mcp-protocol-version': session.protocolVersion,
        'last-event-id': '_GET_stream.1',
      },
    });
    expect(resumed.status).toBe(200);
    const reader = resumed.body!.getReader();
    let text = '';
    while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(text).toContain('id: _GET_stream.2');
    expect(text).toContain('"method":"notifications/tools/list_changed"');
    expect(text).not.toContain('_GET_stream.1\n');
  }, 90_000);
});
