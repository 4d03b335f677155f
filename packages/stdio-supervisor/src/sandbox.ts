import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { StdioSupervisorError } from './errors.js';

const SELF_CHECK_TIMEOUT_MS = 10_000;
const checks = new Map<string, Promise<string | undefined>>();

function runSelfCheck(bwrap: string, network: boolean): Promise<string | undefined> {
  try {
    accessSync(bwrap, constants.X_OK);
  } catch {
    return Promise.resolve(`${bwrap} is not installed (bubblewrap)`);
  }
  const args = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-all'];
  if (network) args.push('--share-net');
  args.push('--die-with-parent', '--', '/bin/true');
  return new Promise((resolve) => {
    const child = spawn(bwrap, args, { env: { PATH: '/usr/bin:/bin' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-500);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), SELF_CHECK_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve(`${bwrap} could not run (${(error as NodeJS.ErrnoException).code ?? error.message})`);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(undefined);
      else {
        const how = signal ?? `exit code ${String(code)}`;
        const last = stderr.trim().split('\n').pop()?.trim();
        resolve(`${bwrap} self-check failed (${last ? `${how}: ${last}` : how})`);
      }
    });
  });
}

/**
 * Runs `bwrap … -- /bin/true` once per (binary, network) and caches the outcome; throws a branded
 * `STDIO_SANDBOX_UNAVAILABLE` when bubblewrap is missing or cannot create the namespaces here.
 */
export async function assertSandboxAvailable(
  connectorId: string,
  bwrap: string,
  network: boolean,
): Promise<void> {
  const key = `${bwrap}\0${network}`;
  let check = checks.get(key);
  if (!check) {
    check = runSelfCheck(bwrap, network);
    checks.set(key, check);
  }
  const problem = await check;
  if (problem !== undefined) {
    throw new StdioSupervisorError(
      'STDIO_SANDBOX_UNAVAILABLE',
      connectorId,
      `${connectorId}: a sandbox was asked for but ${problem}`,
    );
  }
}
