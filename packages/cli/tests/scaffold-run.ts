import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PACKAGE_DIR } from './helpers.js';

/**
 * A fresh directory under packages/cli/.scaffold-tmp (git-ignored): scaffolds written there resolve
 * `@modelcontextprotocol/server`, zod and tsx from packages/cli/node_modules like an installed connector.
 */
export async function scaffoldTempDir(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = join(
    PACKAGE_DIR,
    '.scaffold-tmp',
    `run-${process.pid}-${Math.random().toString(36).slice(2, 10)}`,
  );
  await mkdir(path, { recursive: true });
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Exit code and output of a finished child process. */
export interface ChildResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `tsc -p tsconfig.json --noEmit` (the repository's TypeScript) in `cwd`. */
export async function typecheck(cwd: string): Promise<ChildResult> {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const child = spawn(process.execPath, [tsc, '-p', 'tsconfig.json', '--noEmit'], { cwd });
  return collect(child);
}

async function collect(child: ChildProcess): Promise<ChildResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/** `node --import tsx src/server.ts` in a scaffold directory. */
export function startScaffoldServer(cwd: string, env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** A JSON-RPC response as read from the wire. */
export interface RpcResponse {
  readonly id: number;
  readonly result?: Record<string, unknown>;
  readonly error?: { code: number; message: string };
}

/** Newline-delimited JSON-RPC over a child's stdin/stdout (the MCP stdio binding). */
export class StdioRpc {
  readonly #child: ChildProcess;
  readonly #waiting = new Map<number, (response: RpcResponse) => void>();
  #next = 1;

  constructor(child: ChildProcess) {
    this.#child = child;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const message = JSON.parse(line) as RpcResponse;
      this.#waiting.get(message.id)?.(message);
      this.#waiting.delete(message.id);
    });
  }

  /** Sends a request and resolves with its response. */
  request(method: string, params: Record<string, unknown> = {}): Promise<RpcResponse> {
    const id = this.#next++;
    const answered = new Promise<RpcResponse>((resolve) => this.#waiting.set(id, resolve));
    this.#child.stdin!.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    return answered;
  }

  /** Sends a notification (no response). */
  notify(method: string): void {
    this.#child.stdin!.write(`${JSON.stringify({ jsonrpc: '2.0', method })}\n`);
  }
}

/** Resolves with the first stdout line of `child` matching `pattern` (its first capture group). */
export async function waitForLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  for await (const line of createInterface({ input: child.stdout! })) {
    const match = pattern.exec(line)?.[1];
    if (match !== undefined) return match;
  }
  throw new Error(`brAInwav: the scaffolded server exited before printing ${pattern.source}`);
}

/** POSTs one JSON-RPC request to a Streamable HTTP endpoint; returns the status and the message (JSON or SSE). */
export async function postRpc(
  url: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ status: number; message: RpcResponse | undefined }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: JSON.stringify({ jsonrpc: '2.0', ...body }),
  });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  const json = type.startsWith('text/event-stream')
    ? text
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice('data: '.length))
        .at(-1)
    : text;
  return { status: response.status, message: json ? (JSON.parse(json) as RpcResponse) : undefined };
}

/** Stops a child with SIGTERM and resolves with its exit code and signal. */
export async function stop(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return { code: child.exitCode, signal: child.signalCode };
  }
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  child.kill('SIGTERM');
  const [code, signal] = await exited;
  return { code, signal };
}

/** POSTs `body` with an explicit Host header through node:http (fetch cannot override Host). */
export function postWithHost(
  url: string,
  host: string,
  body: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { host, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
