// asbr benchmark: service-map route vs a bare Fastify static-Buffer route (autocannon, one run), and
// validate + sign of a 1,000-connector manifest vs JSON.parse + JSON.stringify. Writes
// verification/asbr/bench.json and bench.md at the repository root.
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createSigner, parseManifest } from '@cortex-os/connectors-manifest';
import { signManifest } from '../src/index.js';
import { BENCH_API_KEY, BENCH_SIGNING_KEY, syntheticManifest } from './fixtures.js';
import { measureDeployed } from './deployed.js';
import { abbaRounds, median, round } from './http-rounds.js';
import { renderMarkdown, type BenchReport } from './report.js';

const OUT_DIR = fileURLToPath(new URL('../../../verification/asbr/', import.meta.url));
const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? '4');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? '6');
const CONNECTIONS = 50;
const SIGN_RUNS = 40;
const MAP_PATH = '/v1/connectors/service-map';

interface BenchServer {
  asbr: string;
  bare: string;
  bytes: number;
  /** Server process CPU time (user + system), microseconds. */
  cpuMicros: () => Promise<number>;
  stop: () => void;
}

async function startServer(connectors: number): Promise<BenchServer> {
  const child = spawn(
    process.execPath,
    ['--conditions=@cortex-os/source', '--import', 'tsx', SERVER, String(connectors)],
    { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] },
  );
  const cpuMicros = () =>
    new Promise<number>((resolve) => {
      child.once('message', (usage) => {
        const { user, system } = usage as NodeJS.CpuUsage;
        resolve(user + system);
      });
      child.send('cpu');
    });
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`brAInwav: bench server exited with ${String(code)}`)));
  });
  const info = JSON.parse(first) as { asbr: string; bare: string; bytes: number };
  return { ...info, cpuMicros, stop: () => void (child.pid && process.kill(child.pid, 'SIGTERM')) };
}

const ROUNDS_OPTIONS = { connections: CONNECTIONS, durationS: DURATION_S, rounds: ROUNDS };

/** In-process rows: asbr (silent logger) and the bare route in one server process. */
async function httpBench(): Promise<BenchReport['http']> {
  const server = await startServer(50);
  try {
    const cpu = { cpuMicros: server.cpuMicros };
    const comparison = await abbaRounds(
      { url: `${server.asbr}${MAP_PATH}`, ...cpu },
      { url: `${server.bare}${MAP_PATH}`, ...cpu },
      { ...ROUNDS_OPTIONS, headers: { authorization: `Bearer ${BENCH_API_KEY}` } },
    );
    return {
      connectors: 50,
      bytes: server.bytes,
      connections: CONNECTIONS,
      durationSeconds: DURATION_S,
      ...comparison,
    };
  } finally {
    server.stop();
  }
}

/** Wall-clock and on-CPU (user + system) medians in ms; CPU time is less distorted by a contended machine. */
async function timeRuns(runs: number, fn: () => unknown): Promise<{ wall: number; cpu: number }> {
  for (let i = 0; i < 3; i += 1) await fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    await fn();
    wall.push(Number(process.hrtime.bigint() - start) / 1e6);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1e3);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

async function signBench(): Promise<BenchReport['sign']> {
  const text = JSON.stringify(syntheticManifest(1000));
  const hs = await createSigner({ alg: 'HS256', secret: BENCH_SIGNING_KEY });
  const privateJwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  const ed = await createSigner({ alg: 'EdDSA', privateJwk });
  let version = 0;
  const validateAndSign = (signer: typeof hs) => () =>
    signManifest(parseManifest(JSON.parse(text)), signer, {
      nowMs: Date.now(),
      id: '01KAQ3Z6W5J8Y4N2B7C9D0E1F2',
      version: ++version,
    });
  const baseline = await timeRuns(SIGN_RUNS, () => Buffer.from(JSON.stringify(JSON.parse(text))));
  const hsTimes = await timeRuns(SIGN_RUNS, validateAndSign(hs));
  const edTimes = await timeRuns(SIGN_RUNS, validateAndSign(ed));
  const manifest = parseManifest(JSON.parse(text));
  const signOnly = await timeRuns(SIGN_RUNS, () =>
    signManifest(manifest, hs, { nowMs: Date.now(), id: '01KAQ3Z6W5J8Y4N2B7C9D0E1F2', version: ++version }),
  );
  const validateOnly = await timeRuns(SIGN_RUNS, () => parseManifest(JSON.parse(text)));
  return {
    connectors: 1000,
    manifestBytes: Buffer.byteLength(text),
    runs: SIGN_RUNS,
    hs256MedianMs: round(hsTimes.wall),
    hs256CpuMedianMs: round(hsTimes.cpu),
    eddsaMedianMs: round(edTimes.wall),
    eddsaCpuMedianMs: round(edTimes.cpu),
    validateOnlyMedianMs: round(validateOnly.wall),
    signOnlyMedianMs: round(signOnly.wall),
    baselineMedianMs: round(baseline.wall),
    baselineCpuMedianMs: round(baseline.cpu),
    hs256VsBaseline: round(hsTimes.wall / baseline.wall, 1),
  };
}

const loadAverage = loadavg().map((l) => round(l, 2));
const http = await httpBench();
const deployedLoad = loadavg().map((l) => round(l, 2));
const deployed = { ...(await measureDeployed(ROUNDS_OPTIONS)), loadAverageAtStart: deployedLoad };
const sign = await signBench();
const report: BenchReport = {
  brand: 'brAInwav',
  at: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  loadAverageAtStart: loadAverage,
  setup:
    'Two processes: one server process hosts both the asbr app and a bare Fastify app (same bytes, static Buffer) on two ports; this process runs autocannon against each in alternating rounds.',
  http,
  deployed,
  sign,
  targets: {
    ratioMin: 0.8,
    p99MaxMs: 5,
    signMedianMaxMs: 50,
    ratioMet: http.ratio >= 0.8,
    p99Met: http.target.p99MsMedian <= 5,
    deployedRatioMin: 0.8,
    deployedP99MaxMs: 10,
    deployedRatioMet: deployed.ratio >= 0.8,
    deployedP99Met: deployed.target.p99MsMedian <= 10,
    signMet: sign.hs256MedianMs <= 50,
    signCpuMet: sign.hs256CpuMedianMs <= 50,
  },
};
mkdirSync(OUT_DIR, { recursive: true });
writeFileSync(`${OUT_DIR}bench.json`, `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(`${OUT_DIR}bench.md`, renderMarkdown(report));
process.stdout.write(renderMarkdown(report));
