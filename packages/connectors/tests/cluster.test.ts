// `npm run cluster` for real (scripts/cluster.mjs): Redis, 2 asbr and 3 connectors replicas behind HAProxy, on a
// manifest of test upstreams (server-everything and a fixture server started here) and free ports, one cluster
// for every test:
// - a quota of 100/min holds to exactly 100 across the replicas;
// - 1,000 tool calls of a stock SDK client through the load balancer while a replica is SIGKILLed (and restarted
//   by the cluster), once on a 2025-era session and once on the sessionless 2026-07-28 revision: every call
//   answers (the client sends again only what failed), the audit lines across replicas show no call ran more
//   often than it was sent, the session continues;
// - tools/list_changed reaches a 2025 GET stream and a 2026 subscriptions/listen stream held by one replica when
//   the manifest changes and another replica sees the new map first (the holder's own refresh is an hour away);
// - SSE clients of /v1/connectors/events on every replica (their own ports) see an upstream go offline and back;
// - Ctrl-C leaves no process behind.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport, type ClientOptions } from '@modelcontextprotocol/client';
import {
  freePort,
  startEverythingServer,
  startFixtureServer,
  type EverythingServer,
  type FixtureServer,
} from '@cortex-os/mcp-bridge/testing';
import {
  alive,
  bannerPairs,
  bannerValue,
  callsThroughKill,
  redisChannels,
  replicaMapVersion,
  restartedPids,
  startCluster,
  stopCluster,
  type ClusterRun,
} from './cluster-helpers.js';
import { haproxyAdmin, haproxyServers } from '../../../scripts/stack/haproxy.mjs';
import { connector, readSse } from './helpers.js';

const CALLS = 1_000;
const BACKEND = 'connectors-replicas';
// a run folder of its own: another cluster (a developer's `npm run cluster`) writes tmp/cluster
const runDir = mkdtempSync(join(tmpdir(), 'brainwav-cluster-run-'));
const KEYS = {
  CONNECTORS_SIGNATURE_KEY: 'cluster-test-signature-key-0123456789-abcdefghij',
  CONNECTORS_API_KEY: 'cluster-test-rest-key-0123456789abcdef',
  MCP_API_KEY: 'cluster-test-mcp-key-0123456789abcdef',
  CONNECTORS_SESSION_KEYS: Buffer.alloc(32, 7).toString('base64'),
};
const rest = { authorization: `Bearer ${KEYS.CONNECTORS_API_KEY}` };
const mcpAuth = { requestInit: { headers: { authorization: `Bearer ${KEYS.MCP_API_KEY}` } } };
const modernClient: ClientOptions = { versionNegotiation: { mode: 'auto' } };

/** The cluster's manifest: `extra` (the fixture's tools) enabled or not. */
function manifest(everything: string, fixture: string, extraEnabled: boolean): string {
  return JSON.stringify({
    id: 'cluster-test',
    manifestVersion: 'v1',
    brand: 'brAInwav',
    // an hour: the map's own revalidation (half the TTL) stays out of the test
    ttlSeconds: 3600,
    connectors: [
      connector('everything', everything, { quotas: { perMinute: 100_000, perHour: 1_000_000 } }),
      // the same upstream under a tight quota: 100/min must hold exactly across the 3 replicas
      connector('limited', everything, { quotas: { perMinute: 100, perHour: 10_000 } }),
      // the fixture server: stopped and restarted by the availability test
      connector('flaky', fixture),
      connector('extra', fixture, { enabled: extraEnabled }),
    ],
  });
}

/** Replaces the manifest file in one step (asbr watches its folder and reloads). */
function writeManifest(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

const echoLines = (): number => {
  let total = 0;
  for (let i = 1; i <= 3; i += 1) {
    try {
      const text = readFileSync(join(runDir, `audit-${i}.jsonl`), 'utf8');
      total += text.split('\n').filter((l) => l.includes('"connectorId":"everything"')).length;
    } catch {
      // not written yet
    }
  }
  return total;
};

async function availability(base: string, id: string): Promise<string | undefined> {
  const res = await fetch(`${base}/v1/connectors`, { headers: rest });
  const body = (await res.json()) as { connectors: Array<{ id: string; availability?: string }> };
  return body.connectors.find((c) => c.id === id)?.availability;
}

describe('npm run cluster (HAProxy, 3 connectors replicas, 2 asbr, Redis)', () => {
  let stack: ClusterRun;
  let client: Client;
  let pids: Record<string, number>;
  let ports: Record<string, number>;
  let upstream: EverythingServer;
  let fixture: FixtureServer;
  let dir: string;
  let manifestPath: string;
  let LB: string;
  let admin: string;
  let redisUrl: string;
  const replica = (n: number): string => `http://127.0.0.1:${ports[`connectors-${n}`]}`;
  const echo = (i: number, era: string) => [{ type: 'text', text: `Echo: ${era} ${i}` }];

  /** Waits until HAProxy runs every connectors replica again (checks passed, none in maintenance). */
  const allServing = () =>
    expect
      .poll(
        async () =>
          Object.values(await haproxyServers(admin, BACKEND)).filter((s) => s.op === 2 && !s.maint).length,
        { timeout: 20_000, interval: 250 },
      )
      .toBe(3);

  beforeAll(async () => {
    [upstream, fixture] = await Promise.all([
      startEverythingServer(),
      startFixtureServer({ name: 'brainwav-cluster-fixture' }),
    ]);
    dir = mkdtempSync(join(tmpdir(), 'brainwav-cluster-test-'));
    manifestPath = join(dir, 'manifest.json');
    writeManifest(manifestPath, manifest(upstream.url, fixture.url, false));
    const port = await freePort();
    LB = `http://127.0.0.1:${port}`;
    stack = await startCluster({
      ...KEYS,
      CONNECTORS_MANIFEST_PATH: manifestPath,
      CLUSTER_PORT: String(port),
      CLUSTER_ASBR_PORT: String(await freePort()),
      CLUSTER_RUN_DIR: runDir,
      // connectors-2 and -3 never ask asbr for the map by themselves during the test: a new map reaches them
      // only through connectors-1 (every second) and its hint on the cluster bus
      CONNECTORS_REFRESH_INTERVAL_MS: '3600000',
      CLUSTER_REPLICA_1_CONNECTORS_REFRESH_INTERVAL_MS: '1000',
      CONNECTORS_PROBE_INTERVAL_MS: '1000',
      CONNECTORS_BREAKER_RESET_MS: '1000',
    });
    pids = { ...bannerPairs(stack.output(), 'replicas'), ...bannerPairs(stack.output(), 'others') };
    ports = bannerPairs(stack.output(), 'ports');
    admin = bannerValue(stack.output(), 'HAProxy runtime API');
    redisUrl = bannerValue(stack.output(), 'redis');
    client = new Client({ name: 'brainwav-cluster-e2e', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${LB}/mcp`), mcpAuth));
  }, 240_000);

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    if (stack) await stopCluster(stack.child);
    await Promise.all([upstream?.stop(), fixture?.stop()]);
    rmSync(dir, { recursive: true, force: true });
    rmSync(runDir, { recursive: true, force: true });
  });

  it('prints the load balancer MCP URL, every replica with its port, Redis and the HAProxy runtime API', async () => {
    expect(stack.output()).toContain(`${LB}/mcp`);
    const names = ['asbr-1', 'asbr-2', 'connectors-1', 'connectors-2', 'connectors-3'];
    expect(Object.keys(pids)).toEqual(expect.arrayContaining([...names, 'haproxy', 'redis']));
    expect(Object.keys(ports).sort()).toEqual(names);
    for (let n = 1; n <= 3; n += 1) expect((await fetch(`${replica(n)}/readyz`)).status).toBe(200);
    expect(redisUrl).toMatch(/^redis:\/\/127\.0\.0\.1:\d+/);
    expect(await haproxyServers(admin, BACKEND)).toEqual({
      'connectors-1': { op: 2, maint: false },
      'connectors-2': { op: 2, maint: false },
      'connectors-3': { op: 2, maint: false },
    });
  });

  it('a quota of 100/min admits exactly 100 of 150 concurrent REST calls spread by HAProxy over the replicas', async () => {
    // stay clear of a minute boundary (the window would reset mid-burst)
    while (new Date().getSeconds() > 45) await new Promise((r) => setTimeout(r, 500));
    const call = async (i: number): Promise<string> => {
      const res = await fetch(`${LB}/v1/connectors/limited/tools/echo/call`, {
        method: 'POST',
        headers: { ...rest, 'content-type': 'application/json' },
        body: JSON.stringify({ arguments: { message: `quota ${i}` } }),
      });
      const body = (await res.json()) as { isError?: boolean; _meta?: Record<string, { code?: string }> };
      return body.isError ? (body._meta?.['io.brainwav/error']?.code ?? `error ${res.status}`) : 'ok';
    };
    const outcomes = await Promise.all(Array.from({ length: 150 }, (_, i) => call(i)));
    const tally = outcomes.reduce<Record<string, number>>((t, o) => ({ ...t, [o]: (t[o] ?? 0) + 1 }), {});
    expect(tally).toEqual({ ok: 100, QUOTA_EXCEEDED: 50 });
  }, 60_000);

  /** 1,000 echo calls of `c` with `victim` SIGKILLed before call 300; checks answers, audit lines, the restart. */
  async function thousandCallsThroughKill(c: Client, era: string, victim: string): Promise<void> {
    expect((await c.listTools()).tools.map((t) => t.name)).toContain('everything__echo');
    const restartsBefore = restartedPids(stack.output())[victim]?.length ?? 0;
    const before = echoLines();
    const { answers, retries } = await callsThroughKill(
      CALLS,
      300,
      () => process.kill(pids[victim]!, 'SIGKILL'),
      async (i) =>
        (await c.callTool({ name: 'everything__echo', arguments: { message: `${era} ${i}` } })).content,
    );
    expect(answers).toEqual(Array.from({ length: CALLS }, (_, i) => echo(i, era)));
    // the killed replica came back (the cluster restarts replicas) and HAProxy serves through it again
    await expect
      .poll(() => restartedPids(stack.output())[victim]?.length ?? 0, { timeout: 20_000 })
      .toBe(restartsBefore + 1);
    await allServing();
    await new Promise((r) => setTimeout(r, 1_000)); // audit lines are written off the request path
    const ran = echoLines() - before;
    // audit lines are batched after the answer: a call retried on the killed replica may not have been audited,
    // and the one call (they are sequential) answered in the turn the replica was SIGKILLed may have lost its line
    expect(ran).toBeGreaterThanOrEqual(CALLS - retries - 1);
    expect(ran).toBeLessThanOrEqual(CALLS + retries);
    expect(retries).toBeLessThan(20);
  }

  it('1,000 calls on one 2025-era session survive killing a replica: none lost, none run twice beyond the retries', async () => {
    expect(client.getNegotiatedProtocolVersion()).toBe('2025-11-25');
    await thousandCallsThroughKill(client, 'session', 'connectors-2');
    // the session continues
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
  }, 240_000);

  it('1,000 sessionless 2026-07-28 calls survive killing a replica: none lost, none run twice beyond the retries', async () => {
    const modern = new Client({ name: 'brainwav-cluster-e2e-2026', version: '1.0.0' }, modernClient);
    try {
      await modern.connect(new StreamableHTTPClientTransport(new URL(`${LB}/mcp`), mcpAuth));
      expect(modern.getProtocolEra()).toBe('modern');
      expect(modern.getNegotiatedProtocolVersion()).toBe('2026-07-28');
      await thousandCallsThroughKill(modern, 'sessionless', 'connectors-3');
      expect((await modern.listTools()).tools.length).toBeGreaterThan(0);
    } finally {
      await modern.close().catch(() => undefined);
    }
  }, 240_000);

  it('tools/list_changed reaches a 2025 GET stream and a 2026 listen stream held by connectors-2 when connectors-1 sees the new map first', async () => {
    const counts = { legacy: 0, modern: 0 };
    const legacy = new Client({ name: 'brainwav-cluster-list-2025', version: '1.0.0' });
    const modern = new Client({ name: 'brainwav-cluster-list-2026', version: '1.0.0' }, modernClient);
    legacy.setNotificationHandler('notifications/tools/list_changed', () => void counts.legacy++);
    modern.setNotificationHandler('notifications/tools/list_changed', () => void counts.modern++);
    try {
      // HAProxy's runtime API sends every request to connectors-2 while both clients open their streams
      for (const s of ['connectors-1', 'connectors-3'])
        await haproxyAdmin(admin, `set server ${BACKEND}/${s} state maint`);
      try {
        const transport = new StreamableHTTPClientTransport(new URL(`${LB}/mcp`), mcpAuth);
        await legacy.connect(transport);
        // its GET stream is open: the holder listens on the session's Redis channel
        const key = createHash('sha256').update(transport.sessionId!).digest('base64url');
        await expect
          .poll(() => redisChannels(redisUrl, `*stream:${key}`), { timeout: 10_000 })
          .toHaveLength(1);
        await modern.connect(new StreamableHTTPClientTransport(new URL(`${LB}/mcp`), mcpAuth));
        expect(modern.getProtocolEra()).toBe('modern');
        const sub = await modern.listen({ toolsListChanged: true });
        expect(sub.honoredFilter).toEqual({ toolsListChanged: true });
      } finally {
        for (const s of ['connectors-1', 'connectors-3'])
          await haproxyAdmin(admin, `set server ${BACKEND}/${s} state ready`);
      }
      await allServing();
      const before = await replicaMapVersion(replica(1));
      for (const n of [2, 3]) expect(await replicaMapVersion(replica(n))).toBe(before);
      const toolsBefore = (await legacy.listTools()).tools.map((t) => t.name);
      expect(toolsBefore.some((t) => t.startsWith('extra__'))).toBe(false);

      writeManifest(manifestPath, manifest(upstream.url, fixture.url, true));
      await expect.poll(() => counts.legacy, { timeout: 30_000 }).toBeGreaterThan(0);
      await expect.poll(() => counts.modern, { timeout: 10_000 }).toBeGreaterThan(0);
      const after = await replicaMapVersion(replica(1));
      expect(after).toBeGreaterThan(before!);
      // connectors-2 and -3 (their own refresh an hour away) fetched the new map on connectors-1's hint
      await expect.poll(() => replicaMapVersion(replica(2)), { timeout: 10_000 }).toBe(after);
      await expect.poll(() => replicaMapVersion(replica(3)), { timeout: 10_000 }).toBe(after);
      // and every replica lists the new connector's tools, whichever HAProxy picks
      for (let i = 0; i < 3; i += 1) {
        expect((await legacy.listTools()).tools.map((t) => t.name)).toContain('extra__echo');
        expect((await modern.listTools()).tools.map((t) => t.name)).toContain('extra__echo');
      }
    } finally {
      await Promise.all([legacy.close(), modern.close()].map((p) => p.catch(() => undefined)));
    }
  }, 120_000);

  it('SSE clients of every replica (their own ports) see an upstream go offline, then online again', async () => {
    const bases = [1, 2, 3].map(replica);
    for (const base of bases)
      await expect.poll(() => availability(base, 'flaky'), { timeout: 20_000 }).toBe('online');
    const states = bases.map(() => ({ open: false, offline: false }));
    const flakyEvents = (events: { event?: string; data?: string }[]) =>
      events
        .filter((e) => e.event === 'availability')
        .map((e) => JSON.parse(e.data!) as { connectorId: string; availability: string })
        .filter((d) => d.connectorId === 'flaky')
        .map((d) => d.availability);
    const streams = await Promise.all(
      bases.map((base) => fetch(`${base}/v1/connectors/events`, { headers: rest })),
    );
    for (const s of streams) expect(s.status).toBe(200);
    const reads = streams.map((res, i) =>
      readSse(
        res,
        (events) => {
          states[i]!.open = events.some((e) => e.event === 'snapshot');
          const seen = flakyEvents(events);
          const off = seen.indexOf('offline');
          states[i]!.offline = off >= 0;
          return off >= 0 && seen.indexOf('online', off) > off;
        },
        60_000,
      ),
    );
    await expect.poll(() => states.every((s) => s.open), { timeout: 10_000 }).toBe(true);
    await fixture.stop();
    await expect.poll(() => states.map((s) => s.offline), { timeout: 30_000 }).toEqual([true, true, true]);
    for (const base of bases) expect(await availability(base, 'flaky')).toBe('offline');
    await fixture.restart();
    const results = await Promise.all(reads);
    for (const { events } of results) {
      const seen = flakyEvents(events);
      expect(seen.indexOf('offline')).toBeGreaterThanOrEqual(0);
      expect(seen.slice(seen.indexOf('offline'))).toContain('online');
    }
    for (const base of bases) expect(await availability(base, 'flaky')).toBe('online');
  }, 120_000);

  it('Ctrl-C stops every process of the cluster', async () => {
    const all = [...Object.values(pids), ...Object.values(restartedPids(stack.output())).flat()];
    expect(all.length).toBeGreaterThanOrEqual(9); // 7 started + the two restarted replicas
    await client.close();
    await stopCluster(stack.child);
    for (const pid of all) expect(alive(pid), `pid ${pid}`).toBe(false);
  }, 60_000);
});
