// Helpers of the `npm run cluster` test (cluster.test.ts): start and stop scripts/cluster.mjs, read its banner,
// ask the cluster's Redis (a raw socket: no client library), and run a stream of tool calls that survives a replica
// being killed. HAProxy's runtime API: scripts/stack/haproxy.mjs.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** A running `npm run cluster`: its process and everything it printed so far. */
export interface ClusterRun {
  readonly child: ChildProcess;
  output(): string;
}

/** `node scripts/cluster.mjs --skip-install --skip-build` until its ready banner. */
export async function startCluster(env: Record<string, string>): Promise<ClusterRun> {
  let output = '';
  const child = spawn(process.execPath, ['scripts/cluster.mjs', '--skip-install', '--skip-build'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 120_000;
  while (!output.includes('cluster is ready')) {
    if (child.exitCode !== null) throw new Error(`brAInwav: npm run cluster exited early:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGINT');
      throw new Error(`brAInwav: npm run cluster was not ready in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { child, output: () => output };
}

/** Ctrl-C: SIGINT to the cluster script; resolves once it exited. */
export async function stopCluster(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await exited;
}

/** `name=number` pairs of the banner line starting with `label` (`replicas`, `others`, `ports`). */
export function bannerPairs(output: string, label: string): Record<string, number> {
  const line = output.split('\n').find((l) => l.trimStart().startsWith(label)) ?? '';
  return Object.fromEntries([...line.matchAll(/([\w-]+)=(\d+)/g)].map((m) => [m[1]!, Number(m[2])]));
}

/** The banner value after `label` (e.g. `redis`, `HAProxy runtime API`). */
export function bannerValue(output: string, label: string): string {
  const line = output.split('\n').find((l) => l.trimStart().startsWith(`${label} `)) ?? '';
  return line.trim().slice(label.length).trim();
}

/** Pids of the replicas the cluster started again after they died (`restarted <name> (pid <n>)`). */
export function restartedPids(output: string): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const m of output.matchAll(/restarted ([\w-]+) \(pid (\d+)\)/g))
    (out[m[1]!] ??= []).push(Number(m[2]));
  return out;
}

/** True while `pid` runs (a zombie counts as gone). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Channels of the Redis at `redisUrl` matching `pattern` (`PUBSUB CHANNELS`, inline command, RESP reply). */
export async function redisChannels(redisUrl: string, pattern: string): Promise<string[]> {
  const { hostname, port } = new URL(redisUrl);
  const reply = await new Promise<string>((done, fail) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let text = '';
    socket.setTimeout(5_000, () => socket.destroy(new Error('brAInwav: Redis did not answer')));
    socket.once('error', fail);
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const count = /^\*(\d+)\r\n/.exec(text);
      if (count && text.split('\r\n').length >= 2 + 2 * Number(count[1])) {
        socket.end();
        done(text);
      }
    });
    socket.once('connect', () => socket.write(`PUBSUB CHANNELS ${pattern}\r\n`));
  });
  return reply
    .split('\r\n')
    .slice(1)
    .filter((_, i) => i % 2 === 1);
}

/** The map version a replica holds (`GET <base>/readyz`, straight to the replica). */
export async function replicaMapVersion(base: string): Promise<number | null> {
  const res = await fetch(`${base}/readyz`);
  return ((await res.json()) as { mapVersion?: number | null }).mapVersion ?? null;
}

/**
 * Makes `calls` tool calls in order through `call(i)`, running `kill()` before call `killAt`; a call that fails
 * (throws) is sent again, at most 3 more times, 200 ms apart. Resolves with every call's answer (checked by the
 * caller, never retried for a wrong answer) and how many times a call was sent again.
 */
export async function callsThroughKill<T>(
  calls: number,
  killAt: number,
  kill: () => void,
  call: (i: number) => Promise<T>,
): Promise<{ answers: T[]; retries: number }> {
  let retries = 0;
  const answers: T[] = [];
  for (let i = 0; i < calls; i += 1) {
    if (i === killAt) kill();
    for (let attempt = 0; ; attempt += 1) {
      try {
        answers.push(await call(i));
        break;
      } catch (error) {
        retries += 1;
        if (attempt >= 3) throw error;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }
  return { answers, retries };
}
