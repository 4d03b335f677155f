import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '@cortex-os/mcp-bridge/testing';
import { connector, removeDir, rest, signedMapText, testEnv } from './helpers.js';
import { errorMeta } from './policy-helpers.js';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** REST callers with `CONNECTORS_API_KEY` are env-key principals with the role `rest`. */
const ALLOW_ALL = `version: 1
rules:
  - id: rest-everything
    effect: allow
    roles: [rest]
`;
const NO_ADD = `${ALLOW_ALL}  - id: no-add
    effect: deny
    roles: [rest]
    tools: [add]
`;

type CallResult = { isError?: boolean; content?: unknown; _meta?: Record<string, unknown> };
type LogLine = { msg?: string; signal?: string; policy?: string; rules?: number; path?: string };

/** A stand-in for asbr: serves one signed map text at `/v1/connectors/service-map`. */
async function startMapServer(text: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url !== '/v1/connectors/service-map') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json', etag: '"map-1"' }).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, server };
}

/** Terminates the child we started, by its pid, and waits for its exit. */
async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(child.pid, 'SIGTERM');
  const kill = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(kill);
}

describe('SIGHUP reloads the policy file of the running server process', () => {
  let fixture: FixtureServer;
  let asbr: { url: string; server: Server };
  let dir: string;
  let target: string;
  let child: ChildProcess | undefined;
  let stdout = '';
  let stderr = '';
  let base = '';

  const logs = (): LogLine[] =>
    stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LogLine);
  const reloadLogs = () => logs().filter((l) => l.msg === 'brAInwav: policy reload requested');

  const callAdd = async (): Promise<CallResult> => {
    const res = await fetch(`${base}/v1/connectors/fixtures/tools/add/call`, {
      method: 'POST',
      headers: { ...rest, 'content-type': 'application/json' },
      body: JSON.stringify({ arguments: { a: 1, b: 2 } }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as CallResult;
  };
  const readyz = async () =>
    (await (await fetch(`${base}/readyz`)).json()) as {
      status: string;
      policy: { state: string; rules: number; loadedAt: string };
    };

  beforeAll(async () => {
    fixture = await startFixtureServer({ tools: ['echo', 'add'] });
    asbr = await startMapServer(await signedMapText([connector('fixtures', fixture.url)]));
    dir = await mkdtemp(join(tmpdir(), 'brainwav-sighup-'));
    // the server watches the directory of CONNECTORS_POLICY_FILE; the symlink's target lives elsewhere, so
    // rewriting the target fires no watch event: only SIGHUP can make the server read it
    await mkdir(join(dir, 'live'));
    await mkdir(join(dir, 'store'));
    target = join(dir, 'store', 'policy.yaml');
    await writeFile(target, ALLOW_ALL);
    await symlink(target, join(dir, 'live', 'policy.yaml'));
    child = spawn(process.execPath, ['--conditions=@cortex-os/source', '--import', 'tsx', MAIN], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        ...testEnv({
          CONNECTORS_PORT: '0',
          ASBR_URL: asbr.url,
          CONNECTORS_POLICY_FILE: join(dir, 'live', 'policy.yaml'),
          LOG_LEVEL: 'info',
          LOG_ACCESS: 'off',
        }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    base = await new Promise<string>((resolve, reject) => {
      child!.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        const url = /listening on (http:\/\/127\.0\.0\.1:\d+) /.exec(stdout)?.[1];
        if (url) resolve(url);
      });
      child!.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child!.once('exit', (code) => reject(new Error(`connectors server exited ${code}: ${stderr}`)));
    });
  }, 60_000);
  afterAll(async () => {
    await stopChild(child);
    await fixture?.stop();
    await new Promise((resolve) => asbr?.server.close(resolve));
    if (dir) await removeDir(dir);
  });

  it('applies an edit on SIGHUP only, logs the request, and keeps the last good policy on a bad edit', async () => {
    expect(stderr).toBe('');
    await expect.poll(async () => (await readyz()).status, { timeout: 20_000 }).toBe('ready');
    await expect
      .poll(async () => JSON.stringify((await callAdd()).content), { timeout: 20_000 })
      .toBe(JSON.stringify([{ type: 'text', text: '3' }]));
    const before = await readyz();
    expect(before.policy).toMatchObject({ state: 'ok', rules: 1 });

    await writeFile(target, NO_ADD);
    // no watch event for the target: the old policy still decides
    expect(await callAdd()).toEqual({ content: [{ type: 'text', text: '3' }] });
    expect(reloadLogs()).toEqual([]);

    process.kill(child!.pid!, 'SIGHUP');
    await expect.poll(() => reloadLogs().length, { timeout: 20_000 }).toBe(1);
    expect(reloadLogs()[0]).toMatchObject({ signal: 'SIGHUP', policy: 'ok' });
    expect(
      logs()
        .filter((l) => l.msg === 'brAInwav: policy loaded')
        .map((l) => l.rules),
    ).toEqual([1, 2]);
    const denied = await callAdd();
    expect(denied.isError).toBe(true);
    expect(denied.content).toEqual([
      { type: 'text', text: 'brAInwav: POLICY_DENIED: denied by rule "no-add" (rule no-add)' },
    ]);
    expect(errorMeta(denied)).toEqual({ brand: 'brAInwav', code: 'POLICY_DENIED', ruleId: 'no-add' });
    const after = await readyz();
    expect(after.policy).toMatchObject({ state: 'ok', rules: 2 });
    expect(after.policy.loadedAt > before.policy.loadedAt).toBe(true);

    await writeFile(target, 'version: 1\nrules:\n  - id: broken\n    effect: maybe\n');
    process.kill(child!.pid!, 'SIGHUP');
    await expect.poll(() => reloadLogs().length, { timeout: 20_000 }).toBe(2);
    expect(reloadLogs()[1]).toMatchObject({ signal: 'SIGHUP', policy: 'degraded' });
    expect(await readyz()).toMatchObject({ status: 'degraded', policy: { state: 'degraded', rules: 2 } });
    expect(errorMeta(await callAdd())).toMatchObject({ code: 'POLICY_DENIED', ruleId: 'no-add' });

    await writeFile(target, ALLOW_ALL);
    process.kill(child!.pid!, 'SIGHUP');
    await expect.poll(() => reloadLogs().length, { timeout: 20_000 }).toBe(3);
    expect(reloadLogs()[2]).toMatchObject({ signal: 'SIGHUP', policy: 'ok' });
    expect(await readyz()).toMatchObject({ status: 'ready', policy: { state: 'ok', rules: 1 } });
    expect(await callAdd()).toEqual({ content: [{ type: 'text', text: '3' }] });
    expect(child!.exitCode).toBeNull();
  }, 90_000);
});
