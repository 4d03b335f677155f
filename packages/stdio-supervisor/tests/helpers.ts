import { mkdtempSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JSONRPCMessage } from '@modelcontextprotocol/client';
import { createLogger } from '@cortex-os/telemetry';
import type { Logger } from '@cortex-os/telemetry';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = dirname(here);

/** Absolute path of a fixture child script. */
export function fixture(name: string): string {
  return join(here, 'fixtures', `${name}.mjs`);
}

/** `dist/index.js` of one of the real MCP servers installed as dev dependencies. */
export function serverEntry(name: 'server-memory' | 'server-everything'): string {
  return join(
    realpathSync(join(packageDir, 'node_modules', '@modelcontextprotocol', name)),
    'dist',
    'index.js',
  );
}

/** A fresh directory under the OS temp dir. */
export function tempDir(prefix = 'stdio-sup-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

function stat(pid: string): { state: string; pgrp: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '?', pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

/** True while `pid` exists and is not a zombie. */
export function pidAlive(pid: number): boolean {
  const s = stat(String(pid));
  return s !== undefined && s.state !== 'Z';
}

/** Live (non-zombie) processes whose command line contains `marker`, from /proc. */
export function pidsWithMarker(marker: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmdline.split('\0').some((arg) => arg.includes(marker)) && pidAlive(Number(name)))
      pids.push(Number(name));
  }
  return pids;
}

/** A unique marker argument for /proc scans. */
export function marker(label: string): string {
  return `--marker=${label}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** A real pino logger (telemetry's) writing parsed JSON lines into an array. */
export function captureLogger(): { logger: Logger; lines: Array<Record<string, unknown>>; raw: string[] } {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const logger = createLogger({
    component: 'test',
    level: 'debug',
    destination: {
      write(text: string) {
        raw.push(text);
        for (const line of text.split('\n'))
          if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  });
  return { logger, lines, raw };
}

/** Polls `check` every 10 ms until it returns a value other than undefined/false; rejects after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | undefined | false,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Minimal view of an MCP transport used by the fixtures' report messages. */
interface Reporting {
  onmessage?: (message: JSONRPCMessage) => void;
  start(): Promise<void>;
}

/** Starts `transport` and resolves with the params of the first `fixture/report` notification. */
export async function firstReport<T = Record<string, unknown>>(
  transport: Reporting,
  timeoutMs = 10_000,
): Promise<T> {
  const report = new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no fixture report')), timeoutMs);
    transport.onmessage = (message) => {
      if ('method' in message && message.method === 'fixture/report') {
        clearTimeout(timer);
        resolve((message as { params: T }).params);
      }
    };
  });
  await transport.start();
  return report;
}
