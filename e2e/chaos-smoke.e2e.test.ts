import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * `pnpm chaos` with tiny counts (`--tiny`, built dist/ as `npm test` leaves it), so the chaos runner and its
 * scenarios cannot rot silently: every scenario must run against the real stack and pass (or be `n/a` with a reason).
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface Report {
  profile: string;
  scenarios: { name: string; status: string; reason?: string; checks: { what: string; ok: boolean }[] }[];
}

function runChaos(out: string): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['scripts/chaos.mjs', '--tiny', '--skip-build', '--out', out], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => done({ code, output }));
  });
}

describe('chaos smoke (pnpm chaos --tiny)', () => {
  let out = '';
  afterAll(async () => {
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('runs every scenario against the real stack and writes a passing report', async () => {
    out = await mkdtemp(join(tmpdir(), 'brainwav-chaos-'));
    const { code, output } = await runChaos(out);
    const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as Report;
    const failed = report.scenarios.flatMap((s) =>
      s.checks.filter((c) => !c.ok).map((c) => `${s.name}: ${c.what}`),
    );
    expect(failed, output).toEqual([]);
    expect(code, output).toBe(0);
    expect(report.profile).toBe('tiny');
    expect(report.scenarios.map((s) => [s.name, s.status])).toEqual([
      ['kill-upstream', 'pass'],
      ['slow-clients', 'pass'],
      ['hot-reload', 'pass'],
      ['bad-policy-reload', 'pass'],
      ['hostile-upstream', 'pass'],
      ['fuzz', 'pass'],
    ]);
    const policy = report.scenarios.find((s) => s.name === 'bad-policy-reload');
    expect(policy?.checks.map((c) => c.ok)).toEqual(policy?.checks.map(() => true));
    expect(policy?.checks.length).toBeGreaterThanOrEqual(5);
    const md = await readFile(join(out, 'report.md'), 'utf8');
    expect(md).toContain('# brAInwav chaos run');
  }, 120_000);
});
