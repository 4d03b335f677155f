import { afterEach, describe, expect, it } from 'vitest';
import { Client, type Transport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { createStdioSupervisor, type StdioSupervisor } from '../src/index.js';
import {
  firstReport,
  fixture,
  marker,
  pidAlive,
  pidsWithMarker,
  serverEntry,
  tempDir,
  waitFor,
} from './helpers.js';

const supervisors: StdioSupervisor[] = [];
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(supervisors.splice(0).map((s) => s.close()));
});

const everything = (): string[] => [serverEntry('server-everything'), 'stdio'];

/** Drops fields that legitimately differ between two runs of the same server. */
function stable(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (key, v: unknown) =>
      ['_meta', 'timestamp', 'requestId'].includes(key) ? undefined : v,
    ),
  );
}

/** The same scripted session against any transport: initialize, list, a few calls (one unknown tool, one bad input). */
async function session(transport: Transport): Promise<Record<string, unknown>> {
  const client = new Client({ name: 'differential', version: '1.0.0' });
  clients.push(client);
  await client.connect(transport);
  const tools = await client.listTools();
  const resources = await client.listResources();
  const prompts = await client.listPrompts();
  const first = resources.resources[0];
  return {
    server: client.getServerVersion(),
    capabilities: client.getServerCapabilities(),
    instructions: client.getInstructions(),
    tools: tools.tools,
    echo: await client.callTool({ name: 'echo', arguments: { message: 'differential ✓' } }),
    sum: await client.callTool({ name: 'get-sum', arguments: { a: 40, b: 2 } }),
    image: await client.callTool({ name: 'get-tiny-image', arguments: {} }),
    unknownTool: await client.callTool({ name: 'no-such-tool', arguments: {} }),
    badInput: await client.callTool({ name: 'echo', arguments: { message: 42 } }),
    resources: resources.resources,
    firstResource: first ? await client.readResource({ uri: first.uri }) : undefined,
    prompts: prompts.prompts,
    prompt: await client.getPrompt({ name: 'simple-prompt', arguments: {} }),
  };
}

describe('differential: supervisor transport vs the SDK StdioClientTransport (server-everything stdio)', () => {
  it('the same scripted session yields the same results', async () => {
    const sup = createStdioSupervisor(
      { id: 'everything', command: process.execPath, args: everything() },
      { workspacesDir: tempDir() },
    );
    supervisors.push(sup);
    const ours = await session(await sup.connect());
    const sdk = await session(
      new StdioClientTransport({ command: process.execPath, args: everything(), stderr: 'pipe' }),
    );

    expect(stable(ours)).toEqual(stable(sdk));
    // Sanity: the session really exercised the server (not two equal failures).
    expect((ours.tools as unknown[]).length).toBeGreaterThan(5);
    expect(ours.echo).toEqual({ content: [{ type: 'text', text: 'Echo: differential ✓' }] });
    expect(ours.sum).toEqual({ content: [{ type: 'text', text: 'The sum of 40 and 2 is 42.' }] });
    expect(ours.unknownTool).toMatchObject({ isError: true });
    expect(JSON.stringify(ours.unknownTool)).toContain('-32602');
    expect(ours.badInput).toMatchObject({ isError: true });
    expect((ours.prompts as unknown[]).length).toBeGreaterThan(0);
  });

  it('differs where intended: the environment (get-env tool)', async () => {
    const key = 'gw-diff-key-5a4b3c2d1e';
    process.env.MCP_API_KEY = key;
    try {
      const sup = createStdioSupervisor(
        { id: 'everything-env', command: process.execPath, args: everything(), env: { DECLARED: 'yes' } },
        { workspacesDir: tempDir() },
      );
      supervisors.push(sup);
      const envOf = async (transport: Transport): Promise<Record<string, string>> => {
        const client = new Client({ name: 'env', version: '1.0.0' });
        clients.push(client);
        await client.connect(transport);
        const result = await client.callTool({ name: 'get-env', arguments: {} });
        const text = (result.content as Array<{ type: string; text: string }>)[0]?.text ?? '{}';
        return JSON.parse(text) as Record<string, string>;
      };
      const ours = await envOf(await sup.connect());
      const sdk = await envOf(
        new StdioClientTransport({
          command: process.execPath,
          args: everything(),
          env: { DECLARED: 'yes' },
          stderr: 'pipe',
        }),
      );
      expect(Object.keys(ours).sort()).toEqual(['DECLARED', 'HOME', 'LANG', 'PATH']);
      expect(ours.HOME).not.toBe(process.env.HOME);
      // The SDK merges getDefaultEnvironment(): the gateway's own PATH/HOME (and USER, SHELL… when set) leak in.
      expect(sdk.DECLARED).toBe('yes');
      expect(sdk.PATH).toBe(process.env.PATH);
      if (process.env.HOME !== undefined) expect(sdk.HOME).toBe(process.env.HOME);
      expect(JSON.stringify(ours)).not.toContain(key);
      expect(JSON.stringify(sdk)).not.toContain(key); // the SDK's allowlist does keep this one out
    } finally {
      delete process.env.MCP_API_KEY;
    }
  });

  it('differs where intended: SDK close() leaves grandchildren running, the supervisor does not', async () => {
    const mark = marker('sdk-fork');
    const sdk = new StdioClientTransport({
      command: process.execPath,
      args: [fixture('fork'), mark],
      stderr: 'pipe',
    });
    const sdkReport = await firstReport<{ pid: number; grandchildren: number[] }>(sdk);
    const t0 = Date.now();
    await sdk.close();
    // The grandchildren hold the stdout pipe open, so the SDK waits its full 2 s for 'close' before signalling.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1_900);
    try {
      expect(pidAlive(sdkReport.pid)).toBe(false);
      expect(sdkReport.grandchildren.filter(pidAlive)).toEqual(sdkReport.grandchildren); // survivors
    } finally {
      for (const pid of sdkReport.grandchildren) if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
    }

    const sup = createStdioSupervisor(
      { id: 'fork-ours', command: process.execPath, args: [fixture('fork'), mark] },
      { workspacesDir: tempDir(), killGraceMs: 300 },
    );
    supervisors.push(sup);
    const ours = await firstReport<{ pid: number; grandchildren: number[] }>(await sup.connect());
    expect(ours.grandchildren.filter(pidAlive)).toEqual(ours.grandchildren);
    await sup.stop();
    expect([ours.pid, ...ours.grandchildren].filter(pidAlive)).toEqual([]);
    await waitFor(() => pidsWithMarker(mark).length === 0, 5_000, 'no marked process left');
  });
});
