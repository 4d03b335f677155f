import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CHILD = fileURLToPath(new URL('./fixtures/log-then-exit.ts', import.meta.url));
const SECRET = 'sk-flush-test-7c1d2e3f4a5b';
const COUNT = 5_000;

/**
 * Runs the child; with `slowReader` its stdout is not read for the first 300 ms, so the pipe fills and
 * writes are still pending when it ends (what a busy parent such as `npm start` does to it).
 */
function run(how: string, slowReader = false): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@cortex-os/source', '--import', 'tsx', CHILD, how, String(COUNT)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    if (slowReader) {
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), 300);
    }
    child.stderr.resume();
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout: Buffer.concat(chunks).toString('utf8') }));
  });
}

function lineNumbers(stdout: string): number[] {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { i: number }).i);
}

describe('createLogger default destination (asynchronous stdout)', () => {
  it.each([
    ['exit', 0, COUNT, false],
    ['sigterm', 0, COUNT + 1, false],
    ['fatal', 1, COUNT + 1, false],
    ['exit', 0, COUNT, true],
    ['sigterm', 0, COUNT + 1, true],
    ['fatal', 1, COUNT + 1, true],
  ])(
    'keeps every line, in order, when the process ends by %s (exit code %i, %i lines, slow reader %s)',
    async (how, code, lines, slowReader) => {
      const out = await run(how, slowReader);
      expect(out.code).toBe(code);
      expect(lineNumbers(out.stdout)).toEqual(Array.from({ length: lines }, (_, i) => i));
      expect(out.stdout).not.toContain(SECRET);
      expect(out.stdout).toContain('[REDACTED]');
    },
    30_000,
  );

  it('keeps every line when an uncaught exception kills the process', async () => {
    const out = await run('throw', true);
    expect(out.code).toBe(1);
    expect(lineNumbers(out.stdout)).toEqual(Array.from({ length: COUNT }, (_, i) => i));
    expect(out.stdout).not.toContain(SECRET);
  }, 30_000);
});
