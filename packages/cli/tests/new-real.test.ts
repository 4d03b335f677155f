import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';
import {
  StdioRpc,
  postRpc,
  postWithHost,
  scaffoldTempDir,
  startScaffoldServer,
  stop,
  typecheck,
  waitForLine,
} from './scaffold-run.js';

const INITIALIZE = {
  protocolVersion: '2025-06-18',
  capabilities: {},
  clientInfo: { name: 'brainwav-cli-test', version: '0.1.0' },
};

let tmp: { path: string; remove: () => Promise<void> };
const children: ChildProcess[] = [];

beforeAll(async () => {
  tmp = await scaffoldTempDir();
});

afterAll(async () => {
  for (const child of children) await stop(child);
  await tmp.remove();
});

async function scaffold(id: string, transport: 'stdio' | 'http'): Promise<string> {
  const dir = join(tmp.path, id);
  const result = await runCli(['new', id, '--transport', transport, '--dir', dir]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return dir;
}

describe('new: the scaffolded stdio server, run for real', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await scaffold('hello-stdio', 'stdio');
  });

  it('src/server.ts type-checks against the installed SDK (tsc --noEmit)', async () => {
    const result = await typecheck(dir);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(0);
  });

  it('answers initialize, tools/list and tools/call hello over newline-delimited JSON-RPC, exits on EOF', async () => {
    const child = startScaffoldServer(dir);
    children.push(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const rpc = new StdioRpc(child);
    const init = await rpc.request('initialize', INITIALIZE);
    expect(init.result?.serverInfo).toEqual({ name: 'hello-stdio', version: '0.1.0' });
    rpc.notify('notifications/initialized');
    const list = await rpc.request('tools/list');
    const tools = list.result?.tools as { name: string; inputSchema: { required: string[] } }[];
    expect(tools.map((tool) => tool.name)).toEqual(['hello']);
    expect(tools[0]?.inputSchema.required).toEqual(['name']);
    const call = await rpc.request('tools/call', { name: 'hello', arguments: { name: 'Ada' } });
    expect(call.result).toEqual({
      content: [{ type: 'text', text: 'Hello, Ada! (brAInwav connector hello-stdio)' }],
    });
    const bad = await rpc.request('tools/call', { name: 'hello', arguments: {} });
    expect(bad.result?.isError).toBe(true);
    expect(JSON.stringify(bad.result?.content)).toContain('name');
    const exited = once(child, 'exit') as Promise<[number | null]>;
    child.stdin?.end();
    expect((await exited)[0]).toBe(0);
    expect(stderr).toBe('');
  });
});

describe('new: the scaffolded Streamable HTTP server, run for real on port 0', () => {
  let dir: string;
  let url: string;
  beforeAll(async () => {
    dir = await scaffold('hello-http', 'http');
    const child = startScaffoldServer(dir, { PORT: '0' });
    children.push(child);
    url = await waitForLine(
      child,
      /^brAInwav connector hello-http listening on (http:\/\/127\.0\.0\.1:\d+\/mcp)$/,
    );
  });

  it('src/server.ts type-checks against the installed SDK (tsc --noEmit)', async () => {
    const result = await typecheck(dir);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(0);
  });

  it('answers POST initialize and tools/call hello', async () => {
    const init = await postRpc(url, { id: 1, method: 'initialize', params: INITIALIZE });
    expect(init.status).toBe(200);
    expect(init.message?.result?.serverInfo).toEqual({ name: 'hello-http', version: '0.1.0' });
    const headers = { 'mcp-protocol-version': '2025-06-18' };
    const call = await postRpc(
      url,
      { id: 2, method: 'tools/call', params: { name: 'hello', arguments: { name: 'Grace' } } },
      headers,
    );
    expect(call.status).toBe(200);
    expect(call.message).toEqual({
      jsonrpc: '2.0',
      id: 2,
      result: { content: [{ type: 'text', text: 'Hello, Grace! (brAInwav connector hello-http)' }] },
    });
  });

  it('rejects a foreign Host header (403) and unknown paths (404)', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'initialize', params: INITIALIZE });
    const host = await postWithHost(url, 'evil.example', body);
    expect(host.status).toBe(403);
    expect(JSON.parse(host.text)).toEqual({
      jsonrpc: '2.0',
      error: { code: -32000, message: 'Invalid Host: evil.example' },
      id: null,
    });
    const local = await postWithHost(url, `localhost:${new URL(url).port}`, body);
    expect(local.status).toBe(200);
    const other = await fetch(url.replace(/\/mcp$/, '/other'));
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual({ error: 'brAInwav: not found (use /mcp)' });
  });

  it('exits on SIGTERM', async () => {
    const child = children.at(-1)!;
    const { code, signal } = await stop(child);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });
});
