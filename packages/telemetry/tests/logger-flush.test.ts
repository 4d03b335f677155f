import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CHILD = fileURLToPath(new URL('./fixtures/log-then-exit.ts', import.meta.url));
const SECRET = 'sk-flush-test-7c1d2e3f4a5b';
const COUNT = 5_000;

/** Runs the child, piping its stdout slowly enough that lines are still queued when it ends. */
function run(how: string): Promise<{ code: number | null; stdout: string }> {
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
    ['exit', 0, COUNT],
    ['sigterm', 0, COUNT + 1],
    ['fatal', 1, COUNT + 1],
  ])(
    'keeps every line, in order, when the process ends by %s',
    async (how, code, lines) => {
      const out = await run(how);
      expect(out.code).toBe(code);
      expect(lineNumbers(out.stdout)).toEqual(Array.from({ length: lines }, (_, i) => i));
      expect(out.stdout).not.toContain(SECRET);
      expect(out.stdout).toContain('[REDACTED]');
    },
    30_000,
  );

  it('keeps every line when an uncaught exception kills the process', async () => {
    const out = await run('throw');
    expect(out.code).toBe(1);
    expect(lineNumbers(out.stdout)).toEqual(Array.from({ length: COUNT }, (_, i) => i));
    expect(out.stdout).not.toContain(SECRET);
  }, 30_000);
});
