import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { freePort, waitForExit } from './process.js';
import { initializeRequest } from './initialize.js';

/** Transport mode of the spawned `@modelcontextprotocol/server-everything` process. */
export type EverythingMode = 'streamableHttp' | 'sse';

/** Options of {@link startEverythingServer}. */
export interface EverythingServerOptions {
  /** `streamableHttp` (default, endpoint `/mcp`) or legacy `sse` (endpoint `/sse`). */
  readonly mode?: EverythingMode;
  /** How long to wait for the process to accept an MCP `initialize`, in ms (default 30000). */
  readonly readyTimeoutMs?: number;
}

/** A running `server-everything` child process. */
export interface EverythingServer {
  /** MCP endpoint URL, e.g. `http://127.0.0.1:40123/mcp` (or `/sse` in `sse` mode). */
  readonly url: string;
  /** TCP port the process listens on. */
  readonly port: number;
  /** Process id of the child (kill by pid only). */
  readonly pid: number;
  /** Sends SIGTERM to the child (SIGKILL after 5 s) and resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);

/** Absolute path of the server-everything CLI entry (its package `bin`). */
function everythingEntry(): string {
  const pkgJson = require.resolve('@modelcontextprotocol/server-everything/package.json');
  return pkgJson.replace(/package\.json$/, 'dist/index.js');
}

const INIT_BODY = initializeRequest('brainwav-readiness-probe');

/** One readiness attempt: true when the endpoint answers an MCP initialize (or opens the SSE stream). */
async function answersInitialize(url: string, mode: EverythingMode): Promise<boolean> {
  try {
    if (mode === 'sse') {
      const controller = new AbortController();
      const res = await fetch(url, { headers: { accept: 'text/event-stream' }, signal: controller.signal });
      controller.abort();
      return res.ok;
    }
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: INIT_BODY,
    });
    const session = res.headers.get('mcp-session-id');
    await res.body?.cancel();
    if (res.ok && session) {
      await fetch(url, { method: 'DELETE', headers: { 'mcp-session-id': session } }).then(
        (r) => r.body?.cancel(),
        () => undefined,
      );
    }
    return res.ok && session !== null;
  } catch {
    return false;
  }
}

async function waitReady(
  child: ChildProcess,
  url: string,
  mode: EverythingMode,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    if (await answersInitialize(url, mode)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

async function spawnOnce(
  mode: EverythingMode,
  timeoutMs: number,
): Promise<EverythingServer | { error: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [everythingEntry(), mode], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-2000);
  });
  const url = `http://127.0.0.1:${port}${mode === 'sse' ? '/sse' : '/mcp'}`;
  const stop = async (): Promise<void> => {
    await waitForExit(child);
  };
  if (child.pid === undefined || !(await waitReady(child, url, mode, timeoutMs))) {
    await stop();
    return { error: stderr.trim() || 'no initialize answer' };
  }
  return { url, port, pid: child.pid, stop };
}

/**
 * Spawns `@modelcontextprotocol/server-everything` (`node dist/index.js <mode>` with `PORT` set to a free
 * port) and resolves once it answers an MCP `initialize`. Retries up to 3 times on a port race.
 *
 * @throws Error `brAInwav: server-everything did not start …` when every attempt fails.
 */
export async function startEverythingServer(
  options: EverythingServerOptions = {},
): Promise<EverythingServer> {
  const mode = options.mode ?? 'streamableHttp';
  const timeoutMs = options.readyTimeoutMs ?? 30_000;
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const started = await spawnOnce(mode, timeoutMs);
    if (!('error' in started)) return started;
    lastError = started.error;
  }
  throw new Error(`brAInwav: server-everything did not start in ${mode} mode: ${lastError}`);
}
