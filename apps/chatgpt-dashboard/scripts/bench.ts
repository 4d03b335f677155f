// `pnpm bench`: Lighthouse 12 (npm) against the served widget with 20 connectors, in the system Chromium.
// Gates (issue 6): LCP <= 1000 ms, TBT <= 50 ms (desktop preset, median of 3 runs), initial JS <= 150 KB gz.
// Baseline column: the seed's budgets (LCP <= 2500 ms, TBT <= 300 ms). Mobile preset figures are informational.
// Writes verification/widget/lighthouse.json and lighthouse.md.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import lighthouse, { desktopConfig } from 'lighthouse';
import { startApiServer } from '../tests/support/apiServer.js';
import { measureBundle } from '../tests/support/bundle.js';
import { makeData, makeTraffic } from '../tests/support/fixtures.js';
import {
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  VERIFICATION_DIR,
  dashboardUrl,
  ensureBuilt,
} from '../tests/e2e/browser.js';

const BUDGET = { lcpMs: 1000, tbtMs: 50, initialJsGzipBytes: 150 * 1024 };
const SEED_BUDGET = { lcpMs: 2500, tbtMs: 300 };
const RUNS = 3;

interface RunFigures {
  preset: 'desktop' | 'mobile';
  lcpMs: number;
  tbtMs: number;
  fcpMs: number;
  performanceScore: number;
}

function startChromium(): Promise<{ proc: ChildProcess; port: number; profile: string }> {
  const profile = mkdtempSync(join(tmpdir(), 'brainwav-lh-'));
  const proc = spawn(
    CHROMIUM_PATH,
    [...CHROMIUM_ARGS, '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(
      () => reject(new Error('brAInwav: Chromium did not open a DevTools port within 30 s')),
      30_000,
    );
    proc.once('error', (error) =>
      reject(new Error(`brAInwav: cannot start ${CHROMIUM_PATH}: ${error.message}`)),
    );
    proc.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve({ proc, port: Number(match[1]), profile });
      }
    });
  });
}

function stopChromium(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    proc.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    proc.kill('SIGTERM');
  });
}

async function runOnce(url: string, port: number, preset: RunFigures['preset']): Promise<RunFigures> {
  const result = await lighthouse(
    url,
    { port, output: 'json', logLevel: 'error', onlyCategories: ['performance'] },
    preset === 'desktop' ? desktopConfig : undefined,
  );
  if (!result) throw new Error('brAInwav: Lighthouse returned no result');
  const audit = (id: string): number => result.lhr.audits[id]?.numericValue ?? Number.NaN;
  return {
    preset,
    lcpMs: Math.round(audit('largest-contentful-paint')),
    tbtMs: Math.round(audit('total-blocking-time')),
    fcpMs: Math.round(audit('first-contentful-paint')),
    performanceScore: Math.round((result.lhr.categories.performance?.score ?? 0) * 100),
  };
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

function markdown(
  report: Record<string, unknown>,
  desktop: RunFigures[],
  mobile: RunFigures,
  beacons: number[],
  initialKb: number,
  pass: boolean,
): string {
  const row = (r: RunFigures, i: number, note = ''): string =>
    `| ${r.preset} #${i + 1}${note} | ${r.lcpMs} | ${r.tbtMs} | ${r.fcpMs} | ${r.performanceScore} |`;
  return [
    '# brAInwav widget — Lighthouse bench',
    '',
    `Generated ${String(report.generatedAt)} · Lighthouse 12 · ${CHROMIUM_PATH} · served page with 20 connectors (\`/apps/chatgpt-dashboard/\`).`,
    '',
    '| figure | measured | target (issue 6) | baseline (seed budget) |',
    '|---|---|---|---|',
    `| LCP, desktop median of ${RUNS} (ms) | ${median(desktop.map((r) => r.lcpMs))} | ≤ ${BUDGET.lcpMs} | ≤ ${SEED_BUDGET.lcpMs} |`,
    `| TBT, desktop median of ${RUNS} (ms) | ${median(desktop.map((r) => r.tbtMs))} | ≤ ${BUDGET.tbtMs} | ≤ ${SEED_BUDGET.tbtMs} |`,
    `| initial JS gzipped (KB) | ${initialKb.toFixed(1)} | ≤ 150 | — |`,
    `| brainwav_apps_widget_lcp_ms (beacon values, ms) | ${beacons.join(', ') || 'none'} | reported | — |`,
    '',
    '| run | LCP ms | TBT ms | FCP ms | perf score |',
    '|---|---|---|---|---|',
    ...desktop.map((r, i) => row(r, i)),
    row(mobile, 0, ' (informational: simulated slow 4G, 4x CPU)'),
    '',
    `Result: **${pass ? 'PASS' : 'FAIL'}**`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const distDir = await ensureBuilt();
  const sizes = measureBundle(distDir);
  // 20 connectors with their traffic charts, timelines and 50 recent calls (issue 15)
  const data = makeData(20);
  const server = await startApiServer({ apiKey: null, data, distDir, traffic: makeTraffic(data) });
  const chrome = await startChromium();
  try {
    const url = dashboardUrl(server.url);
    const desktop: RunFigures[] = [];
    for (let i = 0; i < RUNS; i += 1) desktop.push(await runOnce(url, chrome.port, 'desktop'));
    const mobile = await runOnce(url, chrome.port, 'mobile');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const beacons = server.beacons.filter((b) => b.name === 'lcp').map((b) => b.value);
    const lcp = median(desktop.map((r) => r.lcpMs));
    const tbt = median(desktop.map((r) => r.tbtMs));
    const pass =
      lcp <= BUDGET.lcpMs && tbt <= BUDGET.tbtMs && sizes.initialGzipBytes <= BUDGET.initialJsGzipBytes;
    const report = {
      brand: 'brAInwav',
      generatedAt: new Date().toISOString(),
      tool: 'lighthouse@12 (npm), desktop preset gates, mobile informational',
      chromium: CHROMIUM_PATH,
      connectors: 20,
      budget: BUDGET,
      baseline: SEED_BUDGET,
      median: { lcpMs: lcp, tbtMs: tbt },
      runs: [...desktop, mobile],
      bundle: sizes,
      beaconLcpMs: beacons,
      pass,
    };
    mkdirSync(VERIFICATION_DIR, { recursive: true });
    writeFileSync(join(VERIFICATION_DIR, 'lighthouse.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(
      join(VERIFICATION_DIR, 'lighthouse.md'),
      markdown(report, desktop, mobile, beacons, sizes.initialGzipBytes / 1024, pass),
    );
    process.stdout.write(
      `brAInwav bench: LCP ${lcp} ms, TBT ${tbt} ms, initial JS ${(sizes.initialGzipBytes / 1024).toFixed(1)} KB gz, beacons [${beacons.join(', ')}] → ${pass ? 'PASS' : 'FAIL'}\n`,
    );
    process.exitCode = pass ? 0 : 1;
  } finally {
    await stopChromium(chrome.proc);
    await server.close();
    rmSync(chrome.profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
}

await main();
