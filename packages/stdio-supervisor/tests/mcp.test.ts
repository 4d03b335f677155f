import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/client';
import { createStdioSupervisor, type StdioSupervisor } from '../src/index.js';
import { pidAlive, serverEntry, tempDir } from './helpers.js';

const supervisors: StdioSupervisor[] = [];
afterEach(async () => {
  await Promise.all(supervisors.splice(0).map((s) => s.close()));
});

function supervise(id: string, args: string[], env?: Record<string, string>): StdioSupervisor {
  const s = createStdioSupervisor(
    { id, command: process.execPath, args, ...(env ? { env } : {}) },
    { workspacesDir: tempDir() },
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
});
