import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createStdioSupervisor,
  StdioSupervisorError,
  type StdioExitEvent,
  type StdioLaunchSpec,
  type StdioSupervisor,
} from '../src/index.js';
import { createSupervisorWithTools } from '../src/supervisor.js';
import { firstReport, fixture, marker, pidsWithMarker, tempDir, waitFor } from './helpers.js';

interface IdleReport {
  pid: number;
  cwd: string;
  env: Record<string, string>;
  limits: string;
}

const GATEWAY_KEY = 'gw-key-9f8e7d6c5b4a-never-in-children';
const supervisors: StdioSupervisor[] = [];
let savedKey: string | undefined;

beforeAll(() => {
  savedKey = process.env.MCP_API_KEY;
  process.env.MCP_API_KEY = GATEWAY_KEY;
  process.env.CORTEX_GATEWAY_SECRET = GATEWAY_KEY;
});
afterAll(() => {
  if (savedKey === undefined) delete process.env.MCP_API_KEY;
  else process.env.MCP_API_KEY = savedKey;
  delete process.env.CORTEX_GATEWAY_SECRET;
});
afterEach(async () => {
  await Promise.all(supervisors.splice(0).map((s) => s.close()));
});

function supervise(spec: Omit<StdioLaunchSpec, 'command'>, workspacesDir = tempDir()) {
  const sup = createStdioSupervisor({ command: process.execPath, ...spec }, { workspacesDir });
  supervisors.push(sup);
  return { sup, workspace: join(workspacesDir, spec.id) };
}

describe('environment and workspace', () => {
  it('the child sees only PATH, HOME (= its 0700 workspace), LANG and the declared env; cwd defaults to the workspace', async () => {
    expect(process.env.MCP_API_KEY).toBe(GATEWAY_KEY);
    const { sup, workspace } = supervise({
      id: 'env-probe',
      args: [fixture('idle')],
      env: { UPSTREAM_URL: 'https://example.test', UPSTREAM_TOKEN: 'declared-token-123' },
    });
    const report = await firstReport<IdleReport>(await sup.connect());
    expect(Object.keys(report.env).sort()).toEqual([
      'HOME',
      'LANG',
      'PATH',
      'UPSTREAM_TOKEN',
      'UPSTREAM_URL',
    ]);
    expect(report.env.HOME).toBe(workspace);
    expect(report.env.LANG).toBe('C.UTF-8');
    expect(report.env.PATH).toBe('/usr/local/bin:/usr/bin:/bin');
    expect(report.env.UPSTREAM_TOKEN).toBe('declared-token-123');
    expect(JSON.stringify(report.env)).not.toContain(GATEWAY_KEY);
    expect(report.cwd).toBe(workspace);
    expect(statSync(workspace).mode & 0o777).toBe(0o700);
    expect(report.pid).toBe(sup.pid);
  });

  it('re-secures an existing workspace to 0700 and resolves a relative cwd inside it', async () => {
    const workspacesDir = tempDir();
    mkdirSync(join(workspacesDir, 'rel-cwd', 'data'), { recursive: true, mode: 0o755 });
    const { sup, workspace } = supervise(
      { id: 'rel-cwd', args: [fixture('idle')], cwd: 'data' },
      workspacesDir,
    );
    const report = await firstReport<IdleReport>(await sup.connect());
    expect(report.cwd).toBe(join(workspace, 'data'));
    expect(statSync(workspace).mode & 0o777).toBe(0o700);
  });

  it('applies cpu and open-file limits through prlimit; the pid stays the group leader', async () => {
    const { sup } = supervise({
      id: 'limited',
      args: [fixture('idle')],
      limits: { cpuSeconds: 77, openFiles: 123 },
    });
    const report = await firstReport<IdleReport>(await sup.connect());
    expect(report.limits).toMatch(/^Max cpu time\s+77\s+77\s+seconds\s*$/m);
    expect(report.limits).toMatch(/^Max open files\s+123\s+123\s+files\s*$/m);
    expect(report.pid).toBe(sup.pid);
    expect(readFileSync(`/proc/${report.pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[2]).toBe(
      String(report.pid),
    );
  });
});

describe('configuration errors', () => {
  async function connectError(spec: StdioLaunchSpec, tools?: { prlimit: string; bwrap: string }) {
    const options = { workspacesDir: tempDir() };
    const sup = tools
      ? createSupervisorWithTools(spec, options, tools)
      : createStdioSupervisor(spec, options);
    supervisors.push(sup);
    const error = await sup.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StdioSupervisorError);
    expect((error as Error).message).toMatch(/^brAInwav: /);
    expect(sup.status).toBe('idle');
    return error as StdioSupervisorError;
  }

  it('a missing command is STDIO_SPAWN_FAILED', async () => {
    const error = await connectError({ id: 'nope', command: 'definitely-not-a-command-xyz' });
    expect(error.code).toBe('STDIO_SPAWN_FAILED');
    expect(error.connectorId).toBe('nope');
    expect(error.message).toContain('definitely-not-a-command-xyz not found');
  });

  it('an invalid id or limit is CONFIG_INVALID', async () => {
    expect((await connectError({ id: '../evil', command: process.execPath })).code).toBe('CONFIG_INVALID');
    const bad = await connectError({ id: 'bad-limit', command: process.execPath, limits: { memoryMb: -1 } });
    expect(bad.code).toBe('CONFIG_INVALID');
    expect(bad.message).toContain('limits.memoryMb must be a positive integer (got -1)');
  });

  it('limits without prlimit is CONFIG_INVALID naming the tool', async () => {
    const error = await connectError(
      { id: 'no-prlimit', command: process.execPath, args: [fixture('idle')], limits: { openFiles: 64 } },
      { prlimit: '/nonexistent/prlimit', bwrap: '/usr/bin/bwrap' },
    );
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('/nonexistent/prlimit');
  });

  it('a sandbox without bwrap is a clear STDIO_SANDBOX_UNAVAILABLE and spawns nothing', async () => {
    const mark = marker('nobwrap');
    const error = await connectError(
      {
        id: 'no-bwrap',
        command: process.execPath,
        args: [fixture('idle'), mark],
        sandbox: { enabled: true },
      },
      { prlimit: '/usr/bin/prlimit', bwrap: '/nonexistent/bwrap' },
    );
    expect(error.code).toBe('STDIO_SANDBOX_UNAVAILABLE');
    expect(error.message).toBe(
      'brAInwav: no-bwrap: a sandbox was asked for but /nonexistent/bwrap is not installed (bubblewrap)',
    );
    expect(pidsWithMarker(mark)).toEqual([]);
  });
});

describe('bubblewrap that cannot run', () => {
  it("a failing self-check is STDIO_SANDBOX_UNAVAILABLE with bwrap's last stderr line", async () => {
    const spec = {
      id: 'bad-bwrap',
      command: process.execPath,
      args: [fixture('idle')],
      sandbox: { enabled: true },
    };
    const fake = fixture('fake-bwrap');
    const sup = createSupervisorWithTools(
      spec,
      { workspacesDir: tempDir() },
      { prlimit: '/usr/bin/prlimit', bwrap: fake },
    );
    supervisors.push(sup);
    const error = (await sup.connect().catch((e: unknown) => e)) as StdioSupervisorError;
    expect(error.code).toBe('STDIO_SANDBOX_UNAVAILABLE');
    expect(error.message).toBe(
      `brAInwav: bad-bwrap: a sandbox was asked for but ${fake} self-check failed (exit code 1: bwrap: No permissions to creating new namespace, likely because the kernel does not allow it)`,
    );
    const silent = createSupervisorWithTools(
      { ...spec, id: 'silent-bwrap', sandbox: { enabled: true, network: true } },
      { workspacesDir: tempDir() },
      { prlimit: '/usr/bin/prlimit', bwrap: '/bin/false' },
    );
    supervisors.push(silent);
    const quiet = (await silent.connect().catch((e: unknown) => e)) as StdioSupervisorError;
    expect(quiet.message).toBe(
      'brAInwav: silent-bwrap: a sandbox was asked for but /bin/false self-check failed (exit code 1)',
    );
  });
});

describe('bubblewrap sandbox', () => {
  it('read-only root, writable workspace, no network but loopback; stop kills it all', async () => {
    const mark = marker('sandbox');
    const { sup } = supervise({
      id: 'sandboxed',
      args: [fixture('sandbox'), '/usr/local/brainwav-probe.txt', mark],
      sandbox: { enabled: true },
    });
    const report = await firstReport<{ outside: string; workspace: string; interfaces: string[] }>(
      await sup.connect(),
    );
    expect(report.outside).toBe('EROFS');
    expect(report.workspace).toBe('ok');
    expect(report.interfaces.filter((i) => i !== 'lo')).toEqual([]);
    // The group leader is bwrap itself; the server runs inside its namespaces.
    const leader = readFileSync(`/proc/${sup.pid as number}/cmdline`, 'utf8').split('\0');
    expect(leader[0]).toBe('/usr/bin/bwrap');
    expect(leader).toContain('--unshare-all');
    expect(leader).not.toContain('--share-net');
    expect(pidsWithMarker(mark).length).toBeGreaterThan(1); // bwrap and the sandboxed node
    await sup.stop();
    expect(pidsWithMarker(mark)).toEqual([]);
  });

  it('network: true keeps the host network', async () => {
    const { sup } = supervise({
      id: 'sandboxed-net',
      args: [fixture('sandbox'), '/etc/brainwav-probe.txt'],
      sandbox: { enabled: true, network: true },
    });
    const report = await firstReport<{ outside: string; workspace: string; interfaces: string[] }>(
      await sup.connect(),
    );
    expect(report.outside).toBe('EROFS');
    expect(report.workspace).toBe('ok');
    expect(report.interfaces.filter((i) => i !== 'lo').length).toBeGreaterThan(0);
  });

  it('the memory watchdog sees (and kills) a sandboxed child', async () => {
    const exits: StdioExitEvent[] = [];
    const sup = createStdioSupervisor(
      {
        id: 'sandboxed-hog',
        command: process.execPath,
        args: [fixture('memory')],
        limits: { memoryMb: 128 },
        sandbox: { enabled: true },
      },
      { workspacesDir: tempDir(), memoryCheckMs: 50, onExit: (e) => exits.push(e) },
    );
    supervisors.push(sup);
    await firstReport(await sup.connect());
    await waitFor(() => exits.length === 1, 20_000, 'watchdog kill');
    expect(exits[0]?.reason).toMatch(/^memory limit 128 MiB exceeded \(rss \d+ MiB\)/);
    expect(exits[0]?.signal).toBe('SIGKILL');
  });
});
