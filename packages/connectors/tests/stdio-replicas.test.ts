// Scale-out with stdio connectors: every replica runs its own children from the same local manifest (no
// replica depends on another to reach a stdio connector). Two connectors servers built from one manifest and
// one signed map stand in for two replicas behind a load balancer.
import { statSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Client } from '@modelcontextprotocol/client';
import { controlledSource, removeDir, rest, startApp, testEnv } from './helpers.js';
import { alive, connect, entry, signStdioMap, stdioEntry, until } from './stdio-helpers.js';

interface Replica {
  readonly app: FastifyInstance;
  readonly base: string;
  readonly workspaces: string;
}

const everythingPid = (r: Replica): number | undefined =>
  r.app.connectors.stdio.supervisor('everything')?.pid;

async function availability(r: Replica): Promise<string | undefined> {
  const res = await fetch(`${r.base}/v1/connectors`, { headers: rest });
  const body = (await res.json()) as { connectors: Array<{ id: string; availability?: string }> };
  return body.connectors.find((c) => c.id === 'everything')?.availability;
}

const echo = async (client: Client, message: string): Promise<unknown> =>
  (await client.callTool({ name: 'everything__echo', arguments: { message } })).content;

describe('stdio connectors on several replicas (each replica runs its own child)', () => {
  let dir: string;
  const replicas: Replica[] = [];
  const clients: Client[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'brainwav-stdio-replicas-'));
    const manifestJson = {
      id: 'stdio-replicas',
      manifestVersion: 'v1',
      brand: 'brAInwav',
      ttlSeconds: 300,
      connectors: [stdioEntry('everything', [entry('server-everything'), 'stdio'])],
    };
    const manifestPath = join(dir, 'connectors.manifest.json');
    await writeFile(manifestPath, JSON.stringify(manifestJson));
    const map = await signStdioMap(manifestJson);
    for (const name of ['a', 'b']) {
      const workspaces = join(dir, `workspaces-${name}`);
      const app = await startApp(
        testEnv({ CONNECTORS_MANIFEST_PATH: manifestPath, CONNECTORS_WORKSPACES_DIR: workspaces }),
        controlledSource(map),
        { downDebounceMs: 0 },
      );
      replicas.push({ app, base: await app.listen({ port: 0, host: '127.0.0.1' }), workspaces });
    }
  }, 30_000);

  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    for (const r of replicas) await r.app.close();
    await removeDir(dir);
  });

  it('both replicas serve the stdio connector, each from a child of its own in its own workspace', async () => {
    for (const [i, r] of replicas.entries()) {
      const client = await connect(`${r.base}/mcp`);
      clients.push(client);
      expect(await echo(client, `replica ${i}`)).toEqual([{ type: 'text', text: `Echo: replica ${i}` }]);
    }
    const [a, b] = replicas.map(everythingPid);
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
    expect(a).not.toBe(b);
    expect(alive(a!) && alive(b!)).toBe(true);
    for (const r of replicas) expect(statSync(join(r.workspaces, 'everything')).mode & 0o777).toBe(0o700);
  });

  it("a child crash on one replica is that replica's alone: the other keeps its child and answers throughout", async () => {
    const [ra, rb] = replicas as [Replica, Replica];
    const [clientA, clientB] = clients as [Client, Client];
    const pidA = everythingPid(ra)!;
    const pidB = everythingPid(rb)!;
    process.kill(pidA, 'SIGKILL');
    expect(
      await until(
        () => availability(ra),
        (s) => s === 'offline',
      ),
    ).toBe('offline');
    // meanwhile replica b still serves from the same child
    expect(await echo(clientB, 'still here')).toEqual([{ type: 'text', text: 'Echo: still here' }]);
    expect(everythingPid(rb)).toBe(pidB);
    expect(await availability(rb)).toBe('online');
    // replica a recovers on a new child
    const restarted = await until(
      () => everythingPid(ra),
      (pid) => pid !== undefined && pid !== pidA,
    );
    expect(alive(restarted!)).toBe(true);
    expect(
      await until(
        () => availability(ra),
        (s) => s === 'online',
      ),
    ).toBe('online');
    expect(await echo(clientA, 'back')).toEqual([{ type: 'text', text: 'Echo: back' }]);
  });

  it("closing one replica stops its child only; the other replica's child keeps serving", async () => {
    const [ra, rb] = replicas as [Replica, Replica];
    const pidA = everythingPid(ra)!;
    const pidB = everythingPid(rb)!;
    await clients[0]!.close();
    await ra.app.close();
    expect(
      await until(
        () => alive(pidA),
        (up) => !up,
      ),
    ).toBe(false);
    expect(alive(pidB)).toBe(true);
    expect(await echo(clients[1]!, 'after a replica left')).toEqual([
      { type: 'text', text: 'Echo: after a replica left' },
    ]);
    replicas.shift(); // closed above
  });
});
