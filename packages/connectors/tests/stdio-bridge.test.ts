import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createStdioHttpBridge, type StdioHttpBridge } from '../src/index.js';
import { removeDir } from './helpers.js';

const TOKEN = 'memory-token-0123456789abcdef';
const memoryEntry = createRequire(import.meta.url)
  .resolve('@modelcontextprotocol/server-memory/package.json')
  .replace(/package\.json$/, 'dist/index.js');

describe('stdio→HTTP bridge with @modelcontextprotocol/server-memory', () => {
  let bridge: StdioHttpBridge;
  let server: Server;
  let url: string;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'brainwav-memory-'));
    bridge = createStdioHttpBridge({
      command: process.execPath,
      args: [memoryEntry],
      env: { MEMORY_FILE_PATH: join(dir, 'memory.jsonl') },
      token: TOKEN,
    });
    server = createServer((req, res) => void bridge.handle(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  });
  afterAll(async () => {
    await bridge?.close();
    await new Promise((r) => server?.close(r));
    await removeDir(dir);
  });

  it('refuses requests without the bearer token', async () => {
    const none = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(none.status).toBe(401);
    const wrong = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer nope-nope-nope' },
      body: '{}',
    });
    expect(wrong.status).toBe(403);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
  });

  it('relays a full MCP session to the stdio server and ends the child on close', async () => {
    const client = new Client({ name: 'bridge-test', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { authorization: `Bearer ${TOKEN}` } },
    });
    await client.connect(transport);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['create_entities', 'read_graph']));
    await client.callTool({
      name: 'create_entities',
      arguments: { entities: [{ name: 'brAInwav', entityType: 'org', observations: ['ships connectors'] }] },
    });
    const graph = await client.callTool({ name: 'read_graph', arguments: {} });
    expect(JSON.stringify(graph)).toContain('ships connectors');
    expect(bridge.sessionCount).toBe(1);
    await transport.terminateSession();
    await client.close();
    await expect.poll(() => bridge.sessionCount).toBe(0);
  });
});
