#!/usr/bin/env node
// `pnpm chaos`: builds what is stale, starts the stack as `npm start` does (every part its own process, loopback,
// free ports), runs bounded fault scenarios against it and writes verification/chaos/report.{md,json}.
// Exits 1 when a scenario fails. Flags: --tiny (small counts, for the smoke test), --skip-build, --out <dir>,
// --only <name,...> (run some scenarios), --messages <n> (fuzz size). Every process it starts is stopped by pid, also on failure.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pnpmOrExit } from './lib/pnpm.mjs';
import { fuzz } from './chaos/fuzz.mjs';
import { hostile } from './chaos/hostile.mjs';
import { badPolicy, hotReload } from './chaos/hot-reload.mjs';
import { killUpstream } from './chaos/kill-upstream.mjs';
import { writeReport } from './chaos/report.mjs';
import { slowClients } from './chaos/slow-clients.mjs';
import { startStack } from './chaos/stack.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const tiny = flag('--tiny');
const out = resolve(root, option('--out') ?? 'verification/chaos');
const only = option('--only')?.split(',');

/** Timeouts of the stack and sizes of the scenarios; `--tiny` keeps the smoke test under a minute. */
const settings = {
  probeIntervalMs: 2_000,
  downDebounceMs: 2_000, // the connectors server's proxy down debounce (buildApp default)
  breakerResetMs: 4_000,
  refreshIntervalMs: 1_000,
  headersTimeoutMs: tiny ? 1_500 : 4_000,
  requestTimeoutMs: tiny ? 3_000 : 8_000,
  callTimeoutMs: 30_000, // the connectors server's aggregate call timeout (buildApp default)
};
const sizes = tiny
  ? { inflight: 4, sampleMs: 1_200, sockets: 4, messages: 300, concurrency: 8, stepMs: 1_200, hugeMiB: 50 }
  : {
      inflight: 16,
      sampleMs: 2_500,
      sockets: 24,
      messages: 10_000,
      concurrency: 16,
      stepMs: 1_500,
      hugeMiB: 50,
    };
if (option('--messages')) sizes.messages = Number(option('--messages'));

const PACKAGES = [
  'connectors-manifest',
  'telemetry',
  'server-kit',
  'asbr',
  'mcp-bridge',
  'agents',
  'mcp-server',
  'connectors',
];

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Packages whose dist/ is missing or older than their src/. */
function stalePackages() {
  return PACKAGES.filter((name) => {
    const dir = resolve(root, 'packages', name);
    const dist = resolve(dir, 'dist');
    return !existsSync(dist) || newest(resolve(dir, 'src')) > newest(dist);
  });
}

const step = (text) => console.log(`brAInwav chaos ▸ ${text}`);

async function main() {
  if (!flag('--skip-build')) {
    const stale = stalePackages();
    if (stale.length) {
      step(`building (stale: ${stale.join(', ')})`);
      pnpmOrExit(
        [
          'nx',
          'run-many',
          '-t',
          'build',
          '--projects=@cortex-os/connectors,@cortex-os/asbr',
          '--outputStyle=stream',
        ],
        'build',
      );
    } else step('build is current');
  }
  const started = Date.now();
  const runDir = resolve(root, 'tmp/chaos', String(started));
  step(`starting the stack (logs in ${runDir})`);
  const stack = await startStack(root, {
    ...settings,
    runDir,
    hostileEnv: { HOSTILE_HUGE_MIB: String(sizes.hugeMiB) },
  });
  const onSignal = () => void stack.stop().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const o = { ...settings, ...sizes, seed: 20261122, timeoutMs: 10_000, rssGrowthMiB: 48, peakGrowthMiB: 96 };
  const scenarios = [
    ['kill-upstream', () => killUpstream(stack, o)],
    ['slow-clients', () => slowClients(stack, o)],
    ['hot-reload', () => hotReload(stack, o)],
    ['bad-policy-reload', () => badPolicy(stack, o)],
    ['hostile-upstream', () => hostile(stack, o)],
    ['fuzz', () => fuzz(stack, o)],
  ].filter(([name]) => !only || only.includes(name));
  const results = [];
  try {
    for (const [name, run] of scenarios) {
      step(`scenario ${name}`);
      const t0 = Date.now();
      const result = await Promise.resolve()
        .then(run)
        .catch((error) => ({
          name,
          status: 'fail',
          checks: [{ what: 'scenario ran', ok: false, value: error.message, limit: 'no exception' }],
          figures: {},
        }));
      result.seconds = Math.round((Date.now() - t0) / 100) / 10;
      results.push(result);
      step(
        `  ${result.status} in ${result.seconds} s${
          result.status === 'fail'
            ? `: ${result.checks
                .filter((c) => !c.ok)
                .map((c) => `${c.what} = ${JSON.stringify(c.value)}`)
                .join('; ')}`
            : ''
        }`,
      );
    }
  } finally {
    step('stopping every process of the stack');
    await stack.stop();
  }
  const run = {
    brand: 'brAInwav',
    profile: tiny ? 'tiny' : 'full',
    startedAt: new Date(started).toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    node: process.version,
    cpus: cpus().length,
    settings,
    sizes,
    scenarios: results,
  };
  const paths = writeReport(out, run);
  const failed = results.filter((s) => s.status === 'fail');
  step(`report: ${paths.md}`);
  step(failed.length ? `FAIL: ${failed.map((s) => s.name).join(', ')}` : 'PASS');
  process.exit(failed.length ? 1 : 0);
}

main().catch((error) => {
  console.error(`brAInwav chaos ▸ ${error.message}`);
  process.exit(2);
});
