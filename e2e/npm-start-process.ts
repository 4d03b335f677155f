import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Whether nothing listens on 127.0.0.1:`port`. */
export function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), done(false)));
    socket.once('error', () => done(true));
  });
}

/** The variables of `.env.local` (the dev keys npm start generated). */
export function readEnvLocal(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(resolve(root, '.env.local'), 'utf8').split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

/** A running `npm start` (install and build skipped). */
export interface NpmStack {
  readonly child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Ctrl-C, then waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Runs `node scripts/npm-start.mjs --skip-install --skip-build` with `extraEnv` once `ports` are free, and waits
 * for its ready banner. Rejects with what it printed when it exits early or is not ready in time.
 */
export async function startNpmStack(
  ports: readonly number[],
  extraEnv: Record<string, string> = {},
  timeoutMs = 120_000,
): Promise<NpmStack> {
  const busy = [];
  for (const port of ports) if (!(await portFree(port))) busy.push(port);
  if (busy.length)
    throw new Error(`brAInwav: npm start needs ports ${busy.join(', ')} free (is a stack already running?)`);
  let output = '';
  const child = spawn(process.execPath, ['scripts/npm-start.mjs', '--skip-install', '--skip-build'], {
    cwd: root,
    env: { ...process.env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + timeoutMs;
  while (!output.includes('stack is ready')) {
    if (child.exitCode !== null) throw new Error(`brAInwav: npm start exited early:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGINT');
      throw new Error(`brAInwav: npm start was not ready in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT');
      await exited;
    },
  };
}
