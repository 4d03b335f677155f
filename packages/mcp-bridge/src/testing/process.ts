import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** Asks the OS for a free TCP port on 127.0.0.1 (bind to port 0, read it, release it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Terminates a child by its pid (SIGTERM, then SIGKILL after `graceMs` ms) and resolves once it has exited.
 * Resolves at once when the child already exited.
 */
export async function waitForExit(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killPid(pid, 'SIGTERM');
  const timer = setTimeout(() => killPid(pid, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

function killPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}
