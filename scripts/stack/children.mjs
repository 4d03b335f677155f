// Child processes of the local stack: spawn with logs to files, readiness probes, stop by pid.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { connect, createServer } from 'node:net';

/** Spawns `node <args>` with `env`, stdout/stderr appended to `logPath`. Returns { name, child, pid, logPath }. */
export function startNode(name, args, env, logPath) {
  return startProcess(name, process.execPath, args, env, logPath);
}

/** Spawns `command <args>` (e.g. haproxy, redis-server) like {@link startNode}. */
export function startProcess(name, command, args, env, logPath) {
  const log = createWriteStream(logPath, { flags: 'a' });
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let tail = '';
  const keep = (chunk) => {
    tail = (tail + chunk.toString('utf8')).slice(-2000);
  };
  child.stderr.on('data', keep);
  if (command !== process.execPath) child.stdout.on('data', keep); // haproxy and redis log to stdout
  child.once('error', (error) => keep(`brAInwav: cannot run ${command}: ${error.message}\n`));
  return { name, child, pid: child.pid, logPath, stderrTail: () => tail };
}

/** Sends SIGTERM to the child by pid, SIGKILL after `graceMs`; resolves once it exited. */
export function stopChild(proc, graceMs = 8000) {
  const { child } = proc;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      try {
        process.kill(proc.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      process.kill(proc.pid, 'SIGTERM');
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}

const INIT = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'brainwav-npm-start', version: '0.1.0' },
  },
});

/** True when `url` answers an MCP initialize (the session is deleted again). */
export async function mcpAnswers(url, headers = {}) {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...headers,
      },
      body: INIT,
      signal: AbortSignal.timeout(3000),
    });
    const session = res.headers.get('mcp-session-id');
    await res.body?.cancel();
    if (session)
      await fetch(url, { method: 'DELETE', headers: { ...headers, 'mcp-session-id': session } }).then(
        (r) => r.body?.cancel(),
        () => undefined,
      );
    return res.ok;
  } catch {
    return false;
  }
}

/** True when GET `url` answers 200. */
export async function httpOk(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

/** Polls `check` every 250 ms until true; rejects after `timeoutMs` or when the child exits. */
export async function waitUntil(proc, check, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
      throw new Error(
        `brAInwav: ${proc.name} exited (code ${proc.child.exitCode ?? proc.child.signalCode}) before it was ready; see ${proc.logPath}\n${proc.stderrTail()}`,
      );
    }
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`brAInwav: ${proc.name} was not ready within ${timeoutMs / 1000} s; see ${proc.logPath}`);
}

/** True when a Redis server on 127.0.0.1:`port` answers PING (raw RESP, no client library). */
export function redisAnswers(port) {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    const finish = (ok) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(1000, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk) => finish(chunk.toString('latin1').startsWith('+PONG')));
  });
}

/**
 * The processes of a local stack, stopped together: `stopAll(code)` stops them in reverse start order and exits
 * with `code`; SIGINT and SIGTERM (Ctrl-C) call it with 0. `stopping()` tells exit handlers not to report.
 */
export function processGroup(step) {
  const procs = [];
  let stopping;
  // a second call (an exit handler raced the caller) waits for the first: nothing runs after stopAll() but the exit
  const stopAll = (code) =>
    (stopping ??= (async () => {
      step('stopping every child process');
      for (const p of [...procs].reverse()) {
        await stopChild(p);
        console.log(`  stopped ${p.name} (pid ${p.pid})`);
      }
      process.exit(code);
    })());
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));
  return { procs, stopAll, stopping: () => stopping !== undefined };
}

/** A free loopback TCP port (the kernel picks it; released before the child binds it). */
export function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}
