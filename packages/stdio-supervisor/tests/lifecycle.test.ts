import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createStdioSupervisor,
  StdioProcessTransport,
  StdioSupervisorError,
  type StdioExitEvent,
  type StdioLaunchSpec,
  type StdioSupervisor,
  type StdioSupervisorOptions,
} from '../src/index.js';
import { childEnv } from '../src/launch.js';
import {
  captureLogger,
  firstReport,
  fixture,
  marker,
  pidAlive,
  pidsWithMarker,
  tempDir,
  waitFor,
} from './helpers.js';

const supervisors: StdioSupervisor[] = [];
afterEach(async () => {
  await Promise.all(supervisors.splice(0).map((s) => s.close()));
});

function supervise(spec: Omit<StdioLaunchSpec, 'command'>, options: Partial<StdioSupervisorOptions> = {}) {
  const workspacesDir = tempDir();
  const sup = createStdioSupervisor({ command: process.execPath, ...spec }, { workspacesDir, ...options });
  supervisors.push(sup);
  return { sup, workspace: join(workspacesDir, spec.id) };
}

const SECRET = 'tok-0123456789-abcdef-SECRET';

describe('crash, backoff and crash loop', () => {
  it('reports the exit with a redacted reason, backs off, restarts, then goes offline without a hot loop', async () => {
    const exits: StdioExitEvent[] = [];
    const offline: string[] = [];
    let restartDue = 0;
    const { sup, workspace } = supervise(
      {
        id: 'crashy',
        args: [fixture('crash')],
        env: { UPSTREAM_TOKEN: SECRET },
        limits: { maxRestarts: 2, restartWindowSeconds: 60, restartBackoffMs: { initial: 100, max: 400 } },
      },
      {
        random: () => 0.5,
        onExit: (e) => exits.push(e),
        onOffline: (r) => offline.push(r),
        onRestartDue: () => (restartDue += 1),
      },
    );

    await sup.connect();
    await waitFor(() => exits.length === 1, 10_000, 'first exit');
    const first = exits[0] as StdioExitEvent;
    expect(first.code).toBe(1);
    expect(first.signal).toBeNull();
    expect(first.reason).toBe('exit code 1: fatal: cannot reach upstream with token [REDACTED]');
    expect(first.stderrTail).toBe('starting\nfatal: cannot reach upstream with token [REDACTED]');
    expect(JSON.stringify(exits)).not.toContain(SECRET);
    expect(first.restartInMs).toBeGreaterThanOrEqual(50);
    expect(first.restartInMs).toBeLessThanOrEqual(100);
    expect(sup.status).toBe('backoff');
    expect(sup.reason).toBe(first.reason);

    // During the backoff a connect is refused with a retry hint instead of spawning.
    const refused = await sup.connect().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StdioSupervisorError);
    expect((refused as StdioSupervisorError).code).toBe('STDIO_RESTARTING');
    expect((refused as StdioSupervisorError).message).toMatch(/^brAInwav: /);
    expect((refused as StdioSupervisorError).retryAfterMs).toBeGreaterThan(0);

    await waitFor(() => restartDue === 1, 5_000, 'restart due');
    expect(sup.status).toBe('idle');
    await sup.connect();
    expect(sup.restarts).toBe(1);
    await waitFor(() => exits.length === 2, 10_000, 'second exit');
    expect(exits[1]?.restartInMs).toBeGreaterThan(first.restartInMs as number); // exponential

    await waitFor(() => restartDue === 2, 5_000, 'second restart due');
    await sup.connect();
    expect(sup.restarts).toBe(2);
    await waitFor(() => exits.length === 3, 10_000, 'third exit');
    expect(sup.status).toBe('offline');
    expect(exits[2]?.restartInMs).toBeUndefined();
    expect(offline).toHaveLength(1);
    expect(offline[0]).toMatch(/^crashed 3 times in 60 s \(last: exit code 1: fatal: .*\[REDACTED\]\)$/);

    const loop = await sup.connect().catch((e: unknown) => e);
    expect((loop as StdioSupervisorError).code).toBe('STDIO_CRASH_LOOP');
    expect((loop as StdioSupervisorError).retryAfterMs).toBeGreaterThan(50_000);
    expect((loop as Error).message).not.toContain(SECRET);
    // Exactly three spawns: nothing restarted by itself or in a loop.
    expect(readFileSync(join(workspace, 'spawns'), 'utf8')).toBe('xxx');
  });
});

describe('termination', () => {
  it('a child ignoring SIGTERM is SIGKILLed after the grace (transport)', async () => {
    const workspace = tempDir();
    const transport = new StdioProcessTransport({
      command: process.execPath,
      args: [fixture('hang')],
      env: childEnv(workspace),
      cwd: workspace,
      killGraceMs: 300,
    });
    let closed = 0;
    transport.onclose = () => (closed += 1);
    const exits: unknown[] = [];
    transport.onexit = (e) => exits.push(e);
    const report = await firstReport<{ pid: number }>(transport);
    expect(report.pid).toBe(transport.pid);
    const t0 = Date.now();
    await transport.close();
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(3_000);
    expect(exits).toEqual([{ code: null, signal: 'SIGKILL', requested: true }]);
    expect(closed).toBe(1);
    expect(pidAlive(report.pid)).toBe(false);
    await transport.close(); // idempotent
    expect(closed).toBe(1);
  });

  it('supervisor.stop() kills a SIGTERM-ignoring child and does not count it as a crash', async () => {
    const exits: StdioExitEvent[] = [];
    const { sup } = supervise(
      { id: 'hang', args: [fixture('hang')] },
      { killGraceMs: 200, onExit: (e) => exits.push(e) },
    );
    const transport = await sup.connect();
    const { pid } = await firstReport<{ pid: number }>(transport);
    expect(sup.pid).toBe(pid);
    await sup.stop();
    expect(pidAlive(pid)).toBe(false);
    expect(sup.status).toBe('idle');
    expect(exits).toEqual([]);
    expect(sup.restarts).toBe(0);
  });

  it('grandchildren (one ignoring SIGTERM) are all gone after stop', async () => {
    const mark = marker('fork');
    const { sup } = supervise({ id: 'forker', args: [fixture('fork'), mark] }, { killGraceMs: 300 });
    const transport = await sup.connect();
    const report = await firstReport<{ pid: number; grandchildren: number[] }>(transport);
    const all = [report.pid, ...report.grandchildren];
    expect(pidsWithMarker(mark).sort()).toEqual([...all].sort());
    await sup.stop();
    expect(all.filter(pidAlive)).toEqual([]);
    expect(pidsWithMarker(mark)).toEqual([]);
  });

  it('grandchildren left by a leader that crashed are killed too', async () => {
    const mark = marker('orphans');
    const exits: StdioExitEvent[] = [];
    const { sup } = supervise(
      { id: 'orphans', args: [fixture('fork'), mark] },
      { killGraceMs: 200, onExit: (e) => exits.push(e) },
    );
    const transport = await sup.connect();
    const report = await firstReport<{ pid: number; grandchildren: number[] }>(transport);
    process.kill(report.pid, 'SIGKILL'); // the leader dies, its children would become orphans
    await waitFor(() => exits.length === 1, 10_000, 'exit');
    expect(exits[0]?.signal).toBe('SIGKILL');
    expect(exits[0]?.reason).toBe('signal SIGKILL');
    expect(report.grandchildren.filter(pidAlive)).toEqual([]);
    expect(pidsWithMarker(mark)).toEqual([]);
  });
});

describe('stderr capture', () => {
  it('rate-limits a spamming child and redacts the declared env values', async () => {
    const { logger, lines, raw } = captureLogger();
    const exits: StdioExitEvent[] = [];
    const { sup } = supervise(
      { id: 'spammer', args: [fixture('spam'), '5000'], env: { UPSTREAM_TOKEN: SECRET } },
      { logger, onExit: (e) => exits.push(e) },
    );
    await sup.connect();
    await waitFor(() => exits.length === 1, 15_000, 'exit');
    const stderrLines = lines.filter((l) => l.stream === 'stderr').map((l) => String(l.msg));
    const kept = stderrLines.filter((l) => l.startsWith('line ') || l.startsWith('last words'));
    const dropped = stderrLines
      .map((l) => /^… (\d+) stderr lines dropped$/.exec(l)?.[1])
      .filter((n): n is string => n !== undefined)
      .reduce((sum, n) => sum + Number(n), 0);
    expect(kept.length).toBeGreaterThanOrEqual(100);
    expect(kept.length).toBeLessThan(1_000);
    expect(kept.length + dropped).toBe(5001);
    expect(kept[0]).toBe('line 0 token=[REDACTED]');
    expect(raw.join('')).not.toContain(SECRET);
    expect(exits[0]?.reason).toBe('exit code 3: last words [REDACTED]');
    expect(exits[0]?.stderrTail.split('\n')).toHaveLength(20);
    expect(exits[0]?.stderrTail).not.toContain(SECRET);
  });
});

describe('memory watchdog', () => {
  it('kills a child whose group RSS exceeds the limit, with the reason', async () => {
    const exits: StdioExitEvent[] = [];
    const { sup } = supervise(
      { id: 'hog', args: [fixture('memory')], limits: { memoryMb: 128 } },
      { memoryCheckMs: 50, onExit: (e) => exits.push(e) },
    );
    const transport = await sup.connect();
    const { pid } = await firstReport<{ pid: number }>(transport);
    await waitFor(() => exits.length === 1, 20_000, 'watchdog kill');
    expect(exits[0]?.signal).toBe('SIGKILL');
    expect(exits[0]?.reason).toMatch(/^memory limit 128 MiB exceeded \(rss (\d+) MiB\)$/);
    const rss = Number(/rss (\d+) MiB/.exec(exits[0]?.reason ?? '')?.[1]);
    expect(rss).toBeGreaterThan(128);
    expect(sup.status).toBe('backoff');
    expect(sup.reason).toBe(exits[0]?.reason);
    expect(pidAlive(pid)).toBe(false);
  });
});

describe('start/stop cycles', () => {
  it('100 start/stop cycles leave no process behind', async () => {
    const mark = marker('cycle');
    const { sup } = supervise({ id: 'cycler', args: [fixture('idle'), mark] }, { killGraceMs: 500 });
    const pids = new Set<number>();
    for (let i = 0; i < 100; i += 1) {
      const transport = await sup.connect();
      pids.add(sup.pid as number);
      if (i % 2 === 0) await firstReport(transport); // half of them stopped before they even started reading
      await sup.stop();
    }
    expect(pids.size).toBe(100);
    expect(pidsWithMarker(mark)).toEqual([]);
    expect(sup.restarts).toBe(0);
    expect(sup.status).toBe('idle');
  }, 120_000);
});
