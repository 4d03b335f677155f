/** Child processes of the as-deployed benchmark: free ports, readiness, CPU time from /proc, stop by pid. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A port that was free a moment ago (listen on 0, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * How `npm start` runs a package: `node dist/main.js` (what `pnpm bench` builds first). When a source file is
 * newer than the build (a developer's tree), the same entry from `src/` through tsx, so the bench never
 * measures stale code; `kind` says which.
 */
export function deployedEntry(packageDir: string): { args: string[]; kind: 'dist' | 'src (tsx)' } {
  const dist = join(packageDir, 'dist/main.js');
  const src = join(packageDir, 'src/main.ts');
  if (
    existsSync(dist) &&
    process.env.BENCH_FROM_SRC !== 'true' &&
    statSync(dist).mtimeMs >= newestSrc(packageDir)
  )
    return { args: [dist], kind: 'dist' };
  return { args: ['--conditions=@cortex-os/source', '--import', 'tsx', src], kind: 'src (tsx)' };
}

function newestSrc(packageDir: string): number {
  const dir = join(packageDir, 'src');
  let newest = 0;
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else newest = Math.max(newest, stat.mtimeMs);
    }
  };
  walk(dir);
  return newest;
}

/** A started child process: its pid, and its CPU time (user + system) in microseconds from /proc. */
export interface BenchChild {
  readonly child: ChildProcess;
  /** Where its stdout and stderr go. */
  readonly logPath: string;
  readonly cpuMicros: () => number;
  readonly stop: () => Promise<void>;
}

const TICK_MICROS = 1e6 / 100; // USER_HZ is 100 on Linux

/** Starts `node <args>` with exactly `env`; stdout and stderr appended to `logPath` (as `npm start` keeps them). */
export function startChild(args: string[], env: Record<string, string>, logPath: string): BenchChild {
  const log = openSync(logPath, 'a');
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', log, log] });
  process.once('exit', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return {
    child,
    logPath,
    cpuMicros: () => {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) * TICK_MICROS;
    },
    stop: () => {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Polls `url` until it answers 2xx (or the child exits, or `timeoutMs` passes). */
export async function waitReady(child: BenchChild, url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.child.exitCode !== null)
      throw new Error(`brAInwav: bench child exited (${child.child.exitCode})`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const tail = readFileSync(child.logPath, 'utf8').slice(-1_500);
  throw new Error(`brAInwav: ${url} not ready within ${timeoutMs} ms; log tail:\n${tail}`);
}

/** Settings a run may override through BENCH_<NAME> (e.g. BENCH_LOG_ACCESS=all); unset means the default. */
const TUNABLE = ['LOG_LEVEL', 'LOG_ACCESS', 'OTEL_SDK_DISABLED', 'CONNECTORS_LIST_FAST_LANE'];

/**
 * The environment scripts/npm-start.mjs gives asbr and the connectors server: PATH, HOME, NODE_ENV=production,
 * the dev keys and paths in `values`, the manifest and audit file under `dir`; log and tracing settings at their
 * defaults unless a BENCH_<NAME> override is set. `overrides` lists those that were.
 */
export function npmStartEnv(
  dir: string,
  values: Record<string, string>,
): { env: Record<string, string>; overrides: Record<string, string> } {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    NODE_ENV: 'production',
    CONNECTORS_MANIFEST_PATH: join(dir, 'manifest.json'),
    CONNECTORS_AUDIT_LOG: join(dir, 'audit.jsonl'),
    ...values,
  };
  const overrides: Record<string, string> = {};
  for (const name of TUNABLE) {
    const value = process.env[`BENCH_${name}`];
    if (value !== undefined) env[name] = overrides[name] = value;
  }
  return { env, overrides };
}
