import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Client, ClientOptions } from '@modelcontextprotocol/client';
import {
  startEverythingServer,
  startFixtureServer,
  type EverythingServer,
  type FixtureServer,
} from '@cortex-os/mcp-bridge/testing';
import { randomSessionKey } from '../src/index.js';
import { connectorEntry, eventually } from './helpers/http.js';
import { connectRoundRobin, startReplica, type Replica } from './helpers/replicas.js';

const auto = { versionNegotiation: { mode: 'auto' as const } };

describe('the 2026-07-28 (sessionless) revision next to 2025-era sessions, on two replicas', () => {
  let everything: EverythingServer;
  let fixture: FixtureServer;
  let rs: Replica[];
  const clients: Client[] = [];
  const keys = [randomSessionKey()];

  beforeAll(async () => {
    [everything, fixture] = await Promise.all([
      startEverythingServer(),
      startFixtureServer({ name: 'fixture-modern' }),
    ]);
    const connectors = [connectorEntry('everything', everything.url)];
    rs = [
      await startReplica(connectors, { sessionKeys: keys }),
      await startReplica(connectors, { sessionKeys: keys }),
    ];
  }, 60_000);
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
  });
  afterAll(async () => {
    await Promise.all(rs.map((r) => r.close()));
    await Promise.all([everything?.stop(), fixture?.stop()]);
  });

  async function client(path: string, options: ClientOptions = auto): Promise<Client> {
    const c = await connectRoundRobin(rs, path, undefined, options);
    clients.push(c);
    return c;
  }

  it('negotiates 2026-07-28 with an auto-negotiating SDK client and serves /mcp on any replica, no session id', async () => {
    const c = await client('/mcp');
    expect(c.getProtocolEra()).toBe('modern');
    expect(c.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    const { tools } = await c.listTools();
    expect(tools.map((t) => t.name)).toContain('everything__echo');
    for (let i = 0; i < 4; i++) {
      const result = await c.callTool({ name: 'everything__echo', arguments: { message: `m${i}` } });
      expect(result.content).toEqual([{ type: 'text', text: `Echo: m${i}` }]);
    }
    for (const r of rs) {
      const posts = r.seen.filter((s) => s.method === 'POST');
      expect(posts.length).toBeGreaterThanOrEqual(2);
      expect(posts.every((s) => s.sessionId === undefined)).toBe(true);
    }
    expect(rs.map((r) => r.gateway.sessionCount)).toEqual([0, 0]);
  });

  it('a default (legacy) SDK client on the same endpoint still gets a 2025-era session', async () => {
    const c = await client('/mcp', {});
    expect(c.getProtocolEra()).toBe('legacy');
    expect(c.getNegotiatedProtocolVersion()).toBe('2025-11-25');
    const result = await c.callTool({ name: 'everything__echo', arguments: { message: 'old' } });
    expect(result.content).toEqual([{ type: 'text', text: 'Echo: old' }]);
  });

  it('serves the per-connector endpoint on 2026-07-28 (upstream surface, calls, no per-caller subscribe)', async () => {
    const c = await client('/mcp/connectors/everything');
    expect(c.getProtocolEra()).toBe('modern');
    expect(c.getServerVersion()?.name).toMatch(/everything/i);
    expect(c.getServerCapabilities()?.resources?.subscribe).toBeFalsy();
    expect((await c.listTools()).tools.map((t) => t.name)).toContain('echo');
    const result = await c.callTool({ name: 'echo', arguments: { message: 'direct' } });
    expect(result.content).toEqual([{ type: 'text', text: 'Echo: direct' }]);
    const { resources } = await c.listResources();
    expect(resources.length).toBeGreaterThan(0);
    const read = await c.readResource({ uri: resources[0]!.uri });
    expect(read.contents[0]?.uri).toBe(resources[0]!.uri);
  });

  it('tools/list_changed reaches a subscriptions/listen stream when the connector list changes', async () => {
    const c = await client('/mcp');
    let changed = 0;
    c.setNotificationHandler('notifications/tools/list_changed', () => void changed++);
    const sub = await c.listen({ toolsListChanged: true });
    expect(sub.honoredFilter).toEqual({ toolsListChanged: true });
    const both = [connectorEntry('everything', everything.url), connectorEntry('fixture', fixture.url)];
    for (const r of rs) r.setConnectors(both);
    await eventually(() => changed > 0, 10_000);
    await eventually(async () => (await c.listTools()).tools.some((t) => t.name.startsWith('fixture__')));
    await sub.close();
  });
});
