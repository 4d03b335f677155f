// agents benchmark: verify + hydrate a signed 1,000-connector service map (registry.ready() over an
// in-memory source, default lazy createRemoteToolProxy, no network) beside the baseline JSON.parse of the
// same bytes. Writes verification/agents/bench.json and bench.md at the repository root.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  buildServiceMap,
  createKeySet,
  createSigner,
  generateSigningKey,
  parseManifest,
  signServiceMap,
  verifyServiceMap,
  type KeySet,
  type SignatureAlg,
} from '@cortex-os/connectors-manifest';
import { createConnectorsRegistry, type ServiceMapSource } from '@cortex-os/agents';

const OUT_DIR = fileURLToPath(new URL('../../../verification/agents/', import.meta.url));
const CONNECTORS = 1_000;
const RUNS = Number(process.env.BENCH_RUNS ?? '40');
const WARMUP = 5;
const TARGET_MS = 50;

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (v: number, d = 3): number => Number(v.toFixed(d));

function manifest(): ReturnType<typeof parseManifest> {
  const connectors = Array.from({ length: CONNECTORS }, (_, i) => ({
    id: `c${String(i).padStart(4, '0')}`,
    version: '1.0.0',
    displayName: `brAInwav connector ${i}`,
    description: 'Synthetic connector for the registry benchmark.',
    endpoint: `http://127.0.0.1:${10_000 + (i % 50_000)}/mcp`,
    auth:
      i % 3 === 0
        ? { type: 'none' as const }
        : { type: 'bearer' as const, secretRef: `env:BENCH_TOKEN_${i}` },
    headers: { 'x-client': 'cortex-os' },
    scopes: ['tools:read', 'tools:call'],
    quotas: { perMinute: 60, perHour: 1000 },
    enabled: i % 10 !== 0,
  }));
  return parseManifest({
    id: 'brainwav-bench',
    manifestVersion: '1',
    brand: 'brAInwav',
    ttlSeconds: 3600,
    connectors,
  });
}

async function signed(alg: SignatureAlg): Promise<{ bytes: string; keys: KeySet }> {
  const key = await generateSigningKey(alg);
  const unsigned = buildServiceMap(manifest(), { now: new Date(), id: '0'.repeat(26), version: 1 });
  const map = await signServiceMap(unsigned, await createSigner(key.signing));
  return { bytes: JSON.stringify(map), keys: await createKeySet([key.verify]) };
}

interface Row {
  readonly step: string;
  readonly medianMs: number;
  readonly p90Ms: number;
  readonly runs: number;
}

function row(step: string, samples: number[]): Row {
  const s = [...samples].sort((a, b) => a - b);
  return {
    step,
    medianMs: round(median(s)),
    p90Ms: round(s[Math.floor(s.length * 0.9)] ?? 0),
    runs: s.length,
  };
}

/** One registry.ready(): in-memory fetch → verify → hydrate 900 lazy proxies (+ span). Close is not timed. */
async function hydrateOnce(bytes: string, keys: KeySet): Promise<{ ms: number; proxies: number }> {
  const source: ServiceMapSource = { fetch: () => Promise.resolve({ status: 200, bodyText: bytes }) };
  const registry = createConnectorsRegistry({ source, keys });
  const t0 = performance.now();
  const map = await registry.ready();
  const ms = performance.now() - t0;
  const proxies = map.connectors.filter(
    (c) => c.status === 'enabled' && registry.proxy(c.id).state === 'idle',
  ).length;
  await registry.close();
  return { ms, proxies };
}

async function measure(
  alg: SignatureAlg,
): Promise<{ alg: SignatureAlg; bytes: number; proxies: number; rows: Row[] }> {
  const { bytes, keys } = await signed(alg);
  const target: number[] = [];
  const verifyOnly: number[] = [];
  const baseline: number[] = [];
  let proxies = 0;
  for (let i = 0; i < WARMUP + RUNS; i += 1) {
    const h = await hydrateOnce(bytes, keys);
    let t = performance.now();
    const v = await verifyServiceMap(bytes, { keys });
    const vMs = performance.now() - t;
    if (!v.ok) throw new Error(`brAInwav: bench map did not verify (${v.code})`);
    t = performance.now();
    JSON.parse(bytes);
    const bMs = performance.now() - t;
    if (i < WARMUP) continue;
    target.push(h.ms);
    verifyOnly.push(vMs);
    baseline.push(bMs);
    proxies = h.proxies;
  }
  return {
    alg,
    bytes: Buffer.byteLength(bytes),
    proxies,
    rows: [
      row('registry.ready(): verify + hydrate (target)', target),
      row('verifyServiceMap only', verifyOnly),
      row('JSON.parse (baseline)', baseline),
    ],
  };
}

function markdown(at: string, results: Awaited<ReturnType<typeof measure>>[]): string {
  const lines = [
    '# agents benchmark (brAInwav)',
    '',
    `${at}, Node ${process.version}, ${cpus().length} CPUs (shared machine). In-memory map source (no network); default lazy`,
    '`createRemoteToolProxy` per enabled connector (nothing sent upstream). Target and baseline alternate in one loop.',
    '',
  ];
  for (const r of results) {
    const [target, , base] = r.rows;
    lines.push(
      `## ${CONNECTORS} connectors, ${r.alg}, ${r.bytes} bytes, ${r.proxies} proxies hydrated (median of ${target!.runs} runs)`,
      '',
    );
    lines.push('| step | median ms | p90 ms |', '|---|---|---|');
    for (const x of r.rows) lines.push(`| ${x.step} | ${x.medianMs} | ${x.p90Ms} |`);
    const ok = target!.medianMs <= TARGET_MS ? 'met' : 'NOT met';
    lines.push(
      '',
      `Target median ${target!.medianMs} ms (≤ ${TARGET_MS} ms: ${ok}); ${round(target!.medianMs / base!.medianMs, 1)}× the JSON.parse baseline.`,
      '',
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const at = new Date().toISOString();
  const results = [await measure('EdDSA'), await measure('HS256')];
  mkdirSync(OUT_DIR, { recursive: true });
  const report = {
    brand: 'brAInwav',
    at,
    node: process.version,
    cpus: cpus().length,
    connectors: CONNECTORS,
    targetMs: TARGET_MS,
    results,
  };
  writeFileSync(`${OUT_DIR}bench.json`, `${JSON.stringify(report, null, 2)}\n`);
  const md = markdown(at, results);
  writeFileSync(`${OUT_DIR}bench.md`, md);
  process.stdout.write(`${md}\n`);
}

await main();
