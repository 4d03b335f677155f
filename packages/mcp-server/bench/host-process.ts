/** Starts bench/gateway-host.ts (the gateway in its own process, as deployed) and reads its internal timings. */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Starts bench/gateway-host.ts (the gateway in its own process) and resolves its base URL once ready. */
export async function startGatewayProcess(
  upstreamUrl: string,
): Promise<{ base: string; child: ChildProcess }> {
  const host = join(dirname(fileURLToPath(import.meta.url)), 'gateway-host.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@cortex-os/source', host], {
    env: { ...process.env, UPSTREAM_URL: upstreamUrl, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // a failed run exits early: never leave the gateway host behind
  process.once('exit', () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`brAInwav: gateway host exited (${code})`)));
  });
  return { base, child };
}

/** Per-call timings taken inside the gateway process since the last read (see gateway-host.ts). */
export async function readHostTimings(base: string): Promise<{ requestMs: number[]; upstreamMs: number[] }> {
  const res = await fetch(`${base}/bench/timings`);
  return (await res.json()) as { requestMs: number[]; upstreamMs: number[] };
}

/** SIGTERM the host and wait for it to exit. */
export async function stopGatewayProcess(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
