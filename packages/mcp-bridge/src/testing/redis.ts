import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { freePort, waitForExit } from './process.js';

/** A private `redis-server` for tests: loopback, a free port, no persistence. */
export interface TestRedisServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number | undefined;
  /** Stops it (SIGTERM, SIGKILL after 2 s); resolves once it exited. Idempotent. */
  stop(): Promise<void>;
}

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /** Port to listen on (a restart on the same port: a Redis outage and its recovery); default a free one. */
  readonly port?: number;
  /** How long to wait for PONG, ms (default 10 s). */
  readonly readyTimeoutMs?: number;
}

/** One `PING` over a raw RESP connection: true on `+PONG`. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk) => done(chunk.toString('latin1').startsWith('+PONG')));
  });
}

/**
 * Starts Debian's `redis-server` (on PATH) with no persistence on 127.0.0.1 and resolves once it answers PING.
 * @throws Error `brAInwav: redis-server did not start …` (not installed, port taken, or too slow).
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<TestRedisServer> {
  const port = options.port ?? (await freePort());
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  let spawnError = '';
  child.stderr?.on('data', (chunk: Buffer) => void (stderr += chunk.toString('utf8')));
  child.once('error', (error) => void (spawnError = error.message));
  const stop = (): Promise<void> => waitForExit(child, 2_000);
  const deadline = Date.now() + (options.readyTimeoutMs ?? 10_000);
  while (!(await ping(port))) {
    if (child.exitCode !== null || spawnError || Date.now() > deadline) {
      await stop();
      const why =
        spawnError || stderr.trim() || (child.exitCode !== null ? `exit ${child.exitCode}` : 'no PONG');
      throw new Error(`brAInwav: redis-server did not start on port ${port}: ${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { url: `redis://127.0.0.1:${port}`, port, pid: child.pid, stop };
}
