import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initializeRequest } from '@cortex-os/mcp-bridge/testing';
import { portFree, readEnvLocal, root, startNpmStack, type NpmStack } from './npm-start-process.js';

/**
 * Issue 11's "done when" on the real local stack: `MCP_AUTH=oauth npm start` (install and build skipped), then the
 * stock SDK client (scripts/stack/mcp-oauth.mjs) is sent through the dev authorization server's OAuth flow, lists
 * exactly the tools its role allows under the demo policy, and a policy edit while it is connected changes what it
 * may call without a restart. The policy is a copy of config/policy.yaml, so the repository file is never edited.
 */
const PORTS = [7070, 7071, 7072, 7101, 7103];
const BASE = 'http://127.0.0.1:7071';
const policyPath = resolve(mkdtempSync(resolve(tmpdir(), 'brainwav-oauth-e2e-')), 'policy.yaml');
const demoPolicy = readFileSync(resolve(root, 'config/policy.yaml'), 'utf8');
let stack: NpmStack | undefined;

/** A signed-in SDK client session driven line by line. */
interface Session {
  readonly lines: Record<string, unknown>[];
  send(command: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

async function signIn(user: string): Promise<Session> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['scripts/stack/mcp-oauth.mjs', `${BASE}/mcp`, '--user', user],
    {
      cwd: root,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines: Record<string, unknown>[] = [];
  const waiting: ((line: Record<string, unknown>) => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (text) => {
    const line = JSON.parse(text) as Record<string, unknown>;
    lines.push(line);
    waiting.shift()?.(line);
  });
  const next = () =>
    new Promise<Record<string, unknown>>((done, fail) => {
      waiting.push(done);
      child.once('exit', (code) => fail(new Error(`mcp-oauth exited ${code}: ${stderr}`)));
    });
  while (lines.at(-1)?.step !== 'ready') await next();
  return {
    lines,
    send: (command) => {
      const answer = next();
      child.stdin!.write(`${command}\n`);
      return answer;
    },
    close: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.stdin!.end('quit\n');
      await exited;
    },
  };
}

beforeAll(async () => {
  copyFileSync(resolve(root, 'config/policy.yaml'), policyPath);
  stack = await startNpmStack(PORTS, { MCP_AUTH: 'oauth', CONNECTORS_POLICY_FILE: policyPath });
}, 150_000);

afterAll(async () => {
  await stack?.stop();
  for (const port of PORTS) expect(await portFree(port)).toBe(true);
}, 60_000);

describe('MCP_AUTH=oauth npm start, with the SDK client through the dev OAuth flow', () => {
  it('starts the dev authorization server first and prints its issuer and the token command', () => {
    const output = stack!.output();
    expect(output).toContain('issuer http://127.0.0.1:7072');
    expect(output.indexOf('starting the dev authorization server')).toBeLessThan(
      output.indexOf('starting the connectors server'),
    );
    expect(output).toContain('token --client dev-admin');
  });

  it('sends the client through 401 → discovery → registration → PKCE authorize → token', async () => {
    const bob = await signIn('bob');
    expect(bob.lines[0]).toEqual({
      step: 'authorize',
      endpoint: 'http://127.0.0.1:7072/auth',
      resource: `${BASE}/mcp`,
      pkce: 'S256',
    });
    expect(bob.lines[1]).toMatchObject({ step: 'token', user: 'bob' });
    await bob.close();
  });

  it('lists exactly what the role allows: admin everything, support the read-only tools', async () => {
    const alice = await signIn('alice');
    const bob = await signIn('bob');
    const all = (await alice.send('list')).tools as string[];
    const support = (await bob.send('list')).tools as string[];
    expect(all).toEqual(
      expect.arrayContaining(['memory__delete_entities', 'fixtures__add', 'everything__echo']),
    );
    expect(support).toEqual(
      expect.arrayContaining(['everything__echo', 'memory__read_graph', 'connectors_dashboard']),
    );
    for (const hidden of ['memory__delete_entities', 'fixtures__add', 'everything__get-env'])
      expect(support).not.toContain(hidden);
    expect(await bob.send('call memory__delete_entities {"entityNames":["x"]}')).toMatchObject({
      isError: true,
      error: { code: 'POLICY_DENIED', ruleId: 'support-never-deletes' },
    });
    await Promise.all([alice.close(), bob.close()]);
  });

  it('a policy edit while connected changes what the client may call, without a restart', async () => {
    const bob = await signIn('bob');
    expect(await bob.send('call everything__echo {"message":"before"}')).toMatchObject({ isError: false });
    writeFileSync(policyPath, demoPolicy.replace("tools: [echo, 'get*'", "tools: ['get*'"));
    let after: Record<string, unknown> = {};
    for (let i = 0; i < 40 && after.isError !== true; i += 1) {
      await new Promise((r) => setTimeout(r, 250));
      after = await bob.send('call everything__echo {"message":"after"}');
    }
    expect(after).toMatchObject({ isError: true, error: { code: 'POLICY_DENIED' } });
    expect((await bob.send('list')).tools).not.toContain('everything__echo');
    writeFileSync(policyPath, demoPolicy);
    await bob.close();
  });

  it('prints a client-credentials token with the CLI that the gateway accepts', async () => {
    const token = spawnSync(
      process.execPath,
      ['packages/cli/dist/bin.js', 'token', '--client', 'dev-support'],
      {
        cwd: root,
        env: { ...process.env, ...readEnvLocal() },
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(token.status).toBe(0);
    const init = await fetch(`${BASE}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token.stdout.trim()}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: initializeRequest('brainwav-oauth-e2e'),
    });
    expect(init.status).toBe(200);
    expect((await fetch(`${BASE}/mcp`, { method: 'POST', body: '{}' })).status).toBe(401);
  });
});
