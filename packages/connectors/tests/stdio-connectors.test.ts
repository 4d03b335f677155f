import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { MCP_KEY, controlledSource, removeDir, rest, startApp, testEnv } from './helpers.js';
import { alive, connect, entry, signStdioMap, stdioEntry, until } from './stdio-helpers.js';

const TOKEN = 'stdio-token-9f8e7d6c5b4a';

interface Item {
  id: string;
  status: string;
  availability?: string;
  state?: string;
  lastError?: { code: string; message: string };
}

describe('stdio connectors under the connectors server (real server-memory and server-everything)', () => {
  let dir: string;
  let app: FastifyInstance;
  let base: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'brainwav-stdio-app-'));
    process.env.CONNECTOR_STDIO_TEST_TOKEN = TOKEN;
    process.env.MCP_API_KEY = MCP_KEY; // the gateway's own key in its environment: never the children's
    const manifestJson = {
      id: 'stdio-test',
      manifestVersion: 'v1',
      brand: 'brAInwav',
      ttlSeconds: 300,
      connectors: [
        stdioEntry('memory', [entry('server-memory')], {
          env: { MEMORY_FILE_PATH: { secretRef: 'env:CONNECTOR_STDIO_MEMORY_FILE' } },
        }),
        stdioEntry('everything', [entry('server-everything'), 'stdio'], {
          env: { API_TOKEN: { secretRef: 'env:CONNECTOR_STDIO_TEST_TOKEN' } },
          startup: 'boot',
        }),
        stdioEntry('future', [entry('server-memory')], { requiresCore: '>=99.0.0' }),
        stdioEntry('crashy', ['-e', 'console.error("brAInwav fixture: boom"); process.exit(3)'], {
          limits: { maxRestarts: 1, restartWindowSeconds: 60, restartBackoffMs: { initial: 20, max: 40 } },
        }),
      ],
    };
    process.env.CONNECTOR_STDIO_MEMORY_FILE = join(dir, 'memory.jsonl');
    const manifestPath = join(dir, 'connectors.manifest.json');
    await writeFile(manifestPath, JSON.stringify(manifestJson));
    // the signed map also lists "ghost", a stdio connector the gateway's local manifest does not have
    const map = await signStdioMap({
      ...manifestJson,
      connectors: [...manifestJson.connectors, stdioEntry('ghost', ['ghost.js'])],
    });
    app = await startApp(
      testEnv({ CONNECTORS_MANIFEST_PATH: manifestPath, CONNECTORS_WORKSPACES_DIR: join(dir, 'workspaces') }),
      controlledSource(map),
      { downDebounceMs: 0 },
    );
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  }, 30_000);

  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await app?.close();
    delete process.env.CONNECTOR_STDIO_TEST_TOKEN;
    delete process.env.CONNECTOR_STDIO_MEMORY_FILE;
    await removeDir(dir);
  });

  const items = async (): Promise<Item[]> => {
    const res = await fetch(`${base}/v1/connectors`, { headers: rest });
    return ((await res.json()) as { connectors: Item[] }).connectors;
  };

  it('startup lazy: no child before first use; startup boot: started when the map hydrates it', async () => {
    const booted = await until(
      () => app.connectors.stdio.supervisor('everything')?.pid,
      (pid) => pid !== undefined,
    );
    expect(alive(booted!)).toBe(true);
    expect(app.connectors.stdio.supervisor('memory')).toBeUndefined();
    const listed = await items();
    expect(listed.find((c) => c.id === 'memory')?.availability).toBe('unknown');
    expect(app.connectors.stdio.supervisor('memory')).toBeUndefined();
  });

  it('the aggregate /mcp lists and calls the tools of both stdio connectors', async () => {
    const client = await connect(`${base}/mcp`);
    clients.push(client);
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toContain('memory__create_entities');
    expect(names).toContain('everything__echo');
    expect(names.some((n) => n.startsWith('future__'))).toBe(false);
    const echo = await client.callTool({ name: 'everything__echo', arguments: { message: 'over stdio' } });
    expect(echo.content).toEqual([{ type: 'text', text: 'Echo: over stdio' }]);
    await client.callTool({
      name: 'memory__create_entities',
      arguments: { entities: [{ name: 'brAInwav', entityType: 'org', observations: ['stdio works'] }] },
    });
    const graph = await client.callTool({ name: 'memory__read_graph', arguments: {} });
    expect(JSON.stringify(graph.content)).toContain('stdio works');
    // the declared env reached the child: server-memory wrote where MEMORY_FILE_PATH said
    expect(readFileSync(join(dir, 'memory.jsonl'), 'utf8')).toContain('brAInwav');
  });

  it('the passthrough /mcp/connectors/<id> is a dedicated child that sees only its minimal env', async () => {
    const client = await connect(`${base}/mcp/connectors/everything`);
    clients.push(client);
    expect(client.getServerVersion()?.name).toMatch(/everything/i);
    const result = await client.callTool({ name: 'get-env', arguments: {} });
    const env = JSON.parse((result.content as Array<{ text: string }>)[0]!.text) as Record<string, string>;
    expect(Object.keys(env).sort()).toEqual(['API_TOKEN', 'HOME', 'LANG', 'PATH']);
    expect(env.API_TOKEN).toBe(TOKEN);
    expect(env.HOME).toBe(join(dir, 'workspaces', 'everything'));
    expect(JSON.stringify(env)).not.toContain(MCP_KEY);
    expect(existsSync(join(dir, 'workspaces', 'everything'))).toBe(true);
  });

  it('the stdio passthrough is faithful: the same surface and results as the server run directly over stdio', async () => {
    const gw = await connect(`${base}/mcp/connectors/everything`);
    const direct = new Client({ name: 'brainwav-stdio-test', version: '1.0.0' });
    await direct.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [entry('server-everything'), 'stdio'],
        stderr: 'pipe',
      }),
    );
    clients.push(gw, direct);
    expect(gw.getServerVersion()).toEqual(direct.getServerVersion());
    expect(gw.getServerCapabilities()).toEqual(direct.getServerCapabilities());
    expect(gw.getInstructions()).toEqual(direct.getInstructions());
    expect(await gw.listTools()).toEqual(await direct.listTools());
    expect(await gw.listPrompts()).toEqual(await direct.listPrompts());
    expect(await gw.listResourceTemplates()).toEqual(await direct.listResourceTemplates());
    const { resources } = await direct.listResources();
    expect(await gw.listResources()).toEqual({ resources });
    expect(resources.length).toBeGreaterThan(0);
    expect(await gw.readResource({ uri: resources[0]!.uri })).toEqual(
      await direct.readResource({ uri: resources[0]!.uri }),
    );
    const sum = { name: 'get-sum', arguments: { a: 40, b: 2 } };
    expect(await gw.callTool(sum)).toEqual(await direct.callTool(sum));
    const bad = { name: 'get-sum', arguments: { a: 'x' } };
    expect(await gw.callTool(bad)).toEqual(await direct.callTool(bad));
    expect(await gw.callTool({ name: 'no-such-tool', arguments: {} })).toEqual(
      await direct.callTool({ name: 'no-such-tool', arguments: {} }),
    );
  });

  it('a crash loop ends offline with the reason (no hot loop); a map-only stdio connector is STDIO_SPEC_MISSING', async () => {
    const probe = (id: string) =>
      fetch(`${base}/v1/connectors/${id}/probe`, { method: 'POST', headers: rest });
    await probe('crashy'); // first use; every exit and due restart probes again on its own
    const offline = await until(
      () => app.connectors.stdio.supervisor('crashy')?.status,
      (status) => status === 'offline',
    );
    expect(offline).toBe('offline');
    const supervisor = app.connectors.stdio.supervisor('crashy')!;
    expect(supervisor.restarts).toBe(1);
    expect(supervisor.reason).toContain('brAInwav fixture: boom');
    // the reason and the availability come from the crash and the probe that follows it: wait for both
    const all = await until(items, (list) => {
      const entry = list.find((c) => c.id === 'crashy');
      return Boolean(entry?.lastError?.message.includes('is offline')) && entry?.availability === 'offline';
    });
    const crashy = all.find((c) => c.id === 'crashy')!;
    expect(crashy.availability).toBe('offline');
    expect(crashy.lastError?.message).toBe(
      'brAInwav: connector crashy: crashy is offline: crashed 2 times in 60 s (last: exit code 3: brAInwav fixture: boom)',
    );
    await probe('crashy');
    expect(supervisor.restarts).toBe(1); // a probe while offline spawns nothing
    await probe('ghost');
    const ghost = (await items()).find((c) => c.id === 'ghost')!;
    expect(ghost.availability).toBe('offline');
    expect(ghost.lastError?.message).toMatch(/ghost is stdio in the map but not in the local manifest/);
    const client = await connect(`${base}/mcp`);
    clients.push(client);
    const echo = await client.callTool({ name: 'everything__echo', arguments: { message: 'still here' } });
    expect(echo.content).toEqual([{ type: 'text', text: 'Echo: still here' }]);
  });

  it('a connector whose requiresCore excludes this core is offline with CORE_VERSION_MISMATCH; others unaffected', async () => {
    await fetch(`${base}/v1/connectors/future/probe`, { method: 'POST', headers: rest });
    const future = await until(items, (all) => all.find((c) => c.id === 'future')?.lastError !== undefined);
    const item = future.find((c) => c.id === 'future')!;
    expect(item.lastError?.message).toMatch(/requires core >=99\.0\.0 but this is core 0\.1\.0/);
    expect(item.lastError?.message).toContain('CORE_VERSION_MISMATCH');
    expect(app.connectors.stdio.supervisor('future')).toBeUndefined();
  });

  it('killing the child shows the connector offline, then recovered with a new process', async () => {
    const supervisor = app.connectors.stdio.supervisor('memory')!;
    const pid = supervisor.pid!;
    expect(alive(pid)).toBe(true);
    const events = await fetch(`${base}/v1/connectors/events`, { headers: rest });
    process.kill(pid, 'SIGKILL');
    const down = await until(
      items,
      (all) => all.find((c) => c.id === 'memory')?.availability === 'offline',
      5_000,
    );
    expect(down.find((c) => c.id === 'memory')?.availability).toBe('offline');
    const up = await until(items, (all) => all.find((c) => c.id === 'memory')?.availability === 'online');
    expect(up.find((c) => c.id === 'memory')?.availability).toBe('online');
    expect(supervisor.restarts).toBe(1);
    expect(supervisor.pid).not.toBe(pid);
    await events.body?.cancel();
    const client = await connect(`${base}/mcp`);
    clients.push(client);
    const graph = await client.callTool({ name: 'memory__read_graph', arguments: {} });
    expect(JSON.stringify(graph.content)).toContain('stdio works');
  });

  it('closing the server leaves no child running', async () => {
    const pids = ['memory', 'everything'].map((id) => app.connectors.stdio.supervisor(id)?.pid);
    expect(pids.every((p) => typeof p === 'number' && alive(p))).toBe(true);
    for (const c of clients.splice(0)) await c.close().catch(() => undefined);
    await app.close();
    for (const pid of pids) expect(alive(pid!)).toBe(false);
  });
});
