import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { run, type CliEnv } from '../src/index.js';

/** packages/cli */
export const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Repository root. */
export const REPO_ROOT = resolve(PACKAGE_DIR, '../..');
/** The valid fixture manifest (3 connectors, gamma disabled). */
export const FIXTURE_MANIFEST = join(PACKAGE_DIR, 'tests/fixtures/connectors.manifest.json');
/** A manifest with 4 issues. */
export const INVALID_MANIFEST = join(PACKAGE_DIR, 'tests/fixtures/invalid.manifest.json');
/** An HS256 secret of 44 bytes used across tests. */
export const HS_SECRET = 'brainwav-cli-test-secret-0123456789-abcdefgh';
/** A fixed clock: 2026-11-22T03:00:00.000Z. */
export const NOW = Date.parse('2026-11-22T03:00:00.000Z');

/** Exit code and everything written to each stream. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runCli}. */
export interface RunOptions {
  readonly env?: CliEnv;
  readonly cwd?: string;
  readonly now?: number;
  readonly fetch?: typeof fetch;
}

/** Runs the CLI in-process through `run(argv, io)` with captured streams and a fixed clock. */
export async function runCli(argv: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env: options.env ?? {},
    cwd: options.cwd ?? REPO_ROOT,
    now: () => options.now ?? NOW,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return { code, stdout, stderr };
}

/** Runs `node --conditions=@cortex-os/source --import tsx packages/cli/src/bin.ts …` as a real child process. */
export function runChild(argv: readonly string[], env: CliEnv = {}, cwd = REPO_ROOT): Promise<CliResult> {
  const args = [
    '--conditions=@cortex-os/source',
    '--import',
    'tsx',
    join(PACKAGE_DIR, 'src/bin.ts'),
    ...argv,
  ];
  const childEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env };
  return new Promise((done) => {
    execFile(process.execPath, args, { cwd, env: childEnv, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

/** Asserts that none of `secrets` appears in any output of `result`. */
export function expectNoSecrets(result: CliResult, secrets: readonly string[]): void {
  for (const secret of secrets) {
    expect(secret.length).toBeGreaterThan(0);
    expect(result.stdout).not.toContain(secret);
    expect(result.stderr).not.toContain(secret);
  }
}

/** A fresh temporary directory and its remover. */
export async function tempDir(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'cortex-cli-test-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A real HTTP server on 127.0.0.1, port 0; every request is recorded. */
export interface TestServer {
  readonly url: string;
  readonly requests: IncomingMessage[];
  close(): Promise<void>;
}

/** Starts a real `node:http` server on port 0 answering with `handler`. */
export async function startServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<TestServer> {
  const requests: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    requests.push(req);
    handler(req, res);
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/connectors/service-map`,
    requests,
    close: () =>
      new Promise<void>((closed) => {
        server.closeAllConnections();
        server.close(() => closed());
      }),
  };
}

/** A handler serving `body` as JSON with status 200. */
export function serveJson(body: string, status = 200): (req: IncomingMessage, res: ServerResponse) => void {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
  };
}

/** Signs the fixture manifest with `env` keys through the CLI and returns the map JSON text. */
export async function signedFixture(env: CliEnv, extra: readonly string[] = []): Promise<string> {
  const result = await runCli(['sign', FIXTURE_MANIFEST, '--version', '7', ...extra], { env });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

/** `text` with the first occurrence of `from` replaced by `to` (one-byte tampering). */
export function tamper(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  expect(at).toBeGreaterThanOrEqual(0);
  return `${text.slice(0, at)}${to}${text.slice(at + from.length)}`;
}
