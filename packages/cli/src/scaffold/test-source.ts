import { HELLO_TOOL, helloText, type ScaffoldTransport } from './types.js';

function cases(id: string): string {
  return `
  it('lists the ${HELLO_TOOL} tool with its input schema', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual([${JSON.stringify(HELLO_TOOL)}]);
    expect(tools[0]?.inputSchema.required).toEqual(['name']);
  });

  it('${HELLO_TOOL} greets by name', async () => {
    const result = await client.callTool({ name: ${JSON.stringify(HELLO_TOOL)}, arguments: { name: 'Ada' } });
    expect(result.isError).not.toBe(true);
    expect(result.content).toEqual([{ type: 'text', text: ${JSON.stringify(helloText(id, 'Ada'))} }]);
  });

  it('${HELLO_TOOL} without a name is a tool error naming the field', async () => {
    const result = await client.callTool({ name: ${JSON.stringify(HELLO_TOOL)}, arguments: {} });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain('name');
  });
`;
}

function stdioTest(id: string): string {
  return `import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('brAInwav connector ${id} (stdio, real child process)', () => {
  let client: Client;

  beforeAll(async () => {
    client = new Client({ name: '${id}-test', version: '0.1.0' });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--import', 'tsx', 'src/server.ts'],
      cwd: ROOT,
      stderr: 'inherit',
    });
    await client.connect(transport);
  });

  afterAll(async () => {
    await client.close();
  });
${cases(id)}});
`;
}

function httpTest(id: string): string {
  return `import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Starts src/server.ts on port 0 and resolves with the URL it prints. */
async function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for await (const line of createInterface({ input: child.stdout! })) {
    const url = /listening on (http:\\/\\/\\S+)/.exec(line)?.[1];
    if (url) return { child, url };
  }
  throw new Error('brAInwav: the server exited before printing its URL');
}

describe('brAInwav connector ${id} (Streamable HTTP, real server on port 0)', () => {
  let server: { child: ChildProcess; url: string };
  let client: Client;

  beforeAll(async () => {
    server = await startServer();
    client = new Client({ name: '${id}-test', version: '0.1.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
  });

  afterAll(async () => {
    await client?.close();
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await once(server.child, 'exit');
    }
  });
${cases(id)}});
`;
}

/** `test/server.test.ts`: vitest, the real server (a child process) called through an SDK `Client`. */
export function serverTestSource(id: string, transport: ScaffoldTransport): string {
  return transport === 'stdio' ? stdioTest(id) : httpTest(id);
}
