import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/client';
import { createStdioSupervisor, type StdioExitEvent, type StdioSupervisor } from '../src/index.js';
import { pidAlive, serverEntry, tempDir, waitFor } from './helpers.js';

const supervisors: StdioSupervisor[] = [];
afterEach(async () => {
  await Promise.all(supervisors.splice(0).map((s) => s.close()));
});

function supervise(id: string, args: string[], onExit?: (e: StdioExitEvent) => void): StdioSupervisor {
  const s = createStdioSupervisor(
    { id, command: process.execPath, args, limits: { restartBackoffMs: { initial: 50, max: 100 } } },
    { workspacesDir: tempDir(), ...(onExit ? { onExit } : {}) },
  );
  supervisors.push(s);
  return s;
}

describe('real stdio MCP servers through the supervisor', () => {
  it('server-memory: initialize, listTools, create and read entities', async () => {
    const sup = supervise('memory', [serverEntry('server-memory')]);
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(await sup.connect());
    expect(sup.status).toBe('running');
    expect(client.getServerVersion()?.name).toMatch(/memory/i);

    const tools = await client.listTools();
    const names = tools.tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['create_entities', 'read_graph', 'search_nodes']));

    const created = await client.callTool({
      name: 'create_entities',
      arguments: { entities: [{ name: 'brAInwav', entityType: 'org', observations: ['builds connectors'] }] },
    });
    expect(created.isError ?? false).toBe(false);
    const graph = await client.callTool({ name: 'read_graph', arguments: {} });
    expect(JSON.stringify(graph.content)).toContain('builds connectors');

    const pid = sup.pid as number;
    await client.close();
    await sup.stop();
    expect(sup.status).toBe('idle');
    expect(sup.pid).toBeUndefined();
    expect(pidAlive(pid)).toBe(false);
  });

  it('server-everything (stdio): listTools and echo', async () => {
    const sup = supervise('everything', [serverEntry('server-everything'), 'stdio']);
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(await sup.connect());
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name)).toContain('echo');
    const result = await client.callTool({ name: 'echo', arguments: { message: 'hello brAInwav' } });
    expect(result.content).toEqual([{ type: 'text', text: 'Echo: hello brAInwav' }]);
    await client.close();
    expect(sup.status).toBe('idle');
  });

  it('a server killed under a connected client: the client sees the close, a reconnect after the backoff works', async () => {
    const exits: StdioExitEvent[] = [];
    const sup = supervise('memory-crash', [serverEntry('server-memory')], (e) => exits.push(e));
    const client = new Client({ name: 'test', version: '1.0.0' });
    let clientClosed = 0;
    client.onclose = () => (clientClosed += 1);
    await client.connect(await sup.connect());
    const pid = sup.pid as number;
    process.kill(pid, 'SIGKILL');
    await waitFor(() => exits.length === 1 && clientClosed === 1, 10_000, 'exit and client close');
    expect(exits[0]).toMatchObject({ code: null, signal: 'SIGKILL' });
    expect(exits[0]?.reason).toMatch(/^signal SIGKILL/);
    expect(sup.status).toBe('backoff');
    await expect(client.listTools()).rejects.toThrow();

    await waitFor(() => sup.status === 'idle', 5_000, 'backoff over');
    const again = new Client({ name: 'test', version: '1.0.0' });
    await again.connect(await sup.connect());
    expect((await again.listTools()).tools.length).toBeGreaterThan(0);
    expect(sup.restarts).toBe(1);
    expect(sup.pid).not.toBe(pid);
    await again.close();
    // A spawn after a plain stop is not a restart.
    const third = new Client({ name: 'test', version: '1.0.0' });
    await third.connect(await sup.connect());
    expect(sup.restarts).toBe(1);
    await third.close();
  });

  it('concurrent connects are serialized: the second replaces the first child (not a crash)', async () => {
    const exits: StdioExitEvent[] = [];
    const sup = supervise('memory-twice', [serverEntry('server-memory')], (e) => exits.push(e));
    const [first, second] = await Promise.all([sup.connect(), sup.connect()]);
    expect(first).not.toBe(second);
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(second);
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    expect(exits).toEqual([]);
    expect(sup.restarts).toBe(0);
    await sup.close();
    expect(sup.status).toBe('closed');
    const refused = await sup.connect().catch((e: unknown) => e);
    expect((refused as { code: string }).code).toBe('STDIO_SPAWN_FAILED');
  });
});
