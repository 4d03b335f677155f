// agents benchmark: verify + hydrate a signed 1,000-connector service map (registry.ready() over an
// in-memory source, default lazy createRemoteToolProxy, no network) beside the baseline JSON.parse of the
// same bytes. Writes verification/agents/bench.json and bench.md at the repository root.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
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
import { createRemoteToolProxy } from '@cortex-os/mcp-bridge';
import { createSilentLogger } from '@cortex-os/telemetry';
import { createConnectorsRegistry, type ServiceMapSource } from '@cortex-os/agents';
import { ProxyPool } from '../src/pool.js';

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
  /** Median process CPU time (user + system, all threads), ms: less sensitive to a busy shared machine. */
  readonly medianCpuMs: number;
  readonly runs: number;
}

interface Sample {
  readonly ms: number;
  readonly cpuMs: number;
}

function row(step: string, samples: Sample[]): Row {
  const s = samples.map((x) => x.ms).sort((a, b) => a - b);
  return {
    step,
    medianMs: round(median(s)),
    p90Ms: round(s[Math.floor(s.length * 0.9)] ?? 0),
    medianCpuMs: round(median(samples.map((x) => x.cpuMs))),
    runs: s.length,
  };
}

/** Wall and CPU time of `fn`, ms. */
async function time(fn: () => unknown): Promise<Sample> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms, cpuMs: (c.user + c.system) / 1000 };
}

const logger = createSilentLogger('bench');

/**
 * One registry.ready(): in-memory fetch → verify → hydrate 900 proxy slots (+ span), timed; then the
 * first `proxy()` of every enabled connector (instantiation, no network), timed apart. Close is not timed.
 */
async function hydrateOnce(
  bytes: string,
  keys: KeySet,
): Promise<{ sample: Sample; instantiate: Sample; proxies: number }> {
  const source: ServiceMapSource = { fetch: () => Promise.resolve({ status: 200, bodyText: bytes }) };
  const registry = createConnectorsRegistry({ source, keys, logger });
  const sample = await time(() => registry.ready());
  let proxies = 0;
  const enabled = registry.connectors().filter((c) => c.status === 'enabled');
  const instantiate = await time(() => {
    for (const c of enabled) if (registry.proxy(c.id).state === 'idle') proxies += 1;
  });
  await registry.close();
  return { sample, instantiate, proxies };
}

/** Hydration alone: the proxy pool reconciling an already verified map (900 slots, proxies on first use). */
async function poolOnce(connectors: Parameters<ProxyPool['sync']>[0]): Promise<Sample> {
  const pool = new ProxyPool(
    (c) => createRemoteToolProxy(c, { logger }),
    logger,
    () => undefined,
  );
  const sample = await time(() => pool.sync(connectors));
  await pool.closeAll('registry-closed').closing;
  return sample;
}

async function measure(
  alg: SignatureAlg,
): Promise<{ alg: SignatureAlg; bytes: number; proxies: number; rows: Row[] }> {
  const { bytes, keys } = await signed(alg);
  const v = await verifyServiceMap(bytes, { keys });
  if (!v.ok) throw new Error(`brAInwav: bench map did not verify (${v.code})`);
  const target: Sample[] = [];
  const verifyOnly: Sample[] = [];
  const hydrateOnly: Sample[] = [];
  const instantiateAll: Sample[] = [];
  const baseline: Sample[] = [];
  let proxies = 0;
  for (let i = 0; i < WARMUP + RUNS; i += 1) {
    const h = await hydrateOnce(bytes, keys);
    const vs = await time(() => verifyServiceMap(bytes, { keys }));
    const ps = await poolOnce(v.map.connectors);
    const bs = await time(() => JSON.parse(bytes));
    if (i < WARMUP) continue;
    target.push(h.sample);
    verifyOnly.push(vs);
    hydrateOnly.push(ps);
    instantiateAll.push(h.instantiate);
    baseline.push(bs);
    proxies = h.proxies;
  }
  return {
    alg,
    bytes: Buffer.byteLength(bytes),
    proxies,
    rows: [
      row('registry.ready(): verify + hydrate (target)', target),
      row('JSON.parse of the same bytes (baseline)', baseline),
      row('of which verifyServiceMap (manifest package)', verifyOnly),
      row('of which hydrate: proxy slots for 900 enabled connectors (this package)', hydrateOnly),
      row('not in target: first registry.proxy() of all 900 (lazy instantiation)', instantiateAll),
    ],
  };
}

function markdown(at: string, results: Awaited<ReturnType<typeof measure>>[]): string {
  const lines = [
    '# agents benchmark (brAInwav)',
    '',
    `${at}, Node ${process.version}, ${cpus().length} CPUs shared with other work (1-min load average ${round(loadavg()[0] ?? 0, 1)}).`,
    'In-memory map source (no network); default `createRemoteToolProxy`, instantiated on first `registry.proxy(id)`,',
    'nothing sent upstream. Target and baseline alternate in one loop.',
    '',
  ];
  for (const r of results) {
    const [target, base] = r.rows;
    lines.push(
      `## ${CONNECTORS} connectors, ${r.alg}, ${r.bytes} bytes, ${r.proxies} proxies hydrated (median of ${target!.runs} runs)`,
      '',
    );
    lines.push('| step | median wall ms | p90 wall ms | median CPU ms |', '|---|---|---|---|');
    for (const x of r.rows) lines.push(`| ${x.step} | ${x.medianMs} | ${x.p90Ms} | ${x.medianCpuMs} |`);
    const ok = target!.medianMs <= TARGET_MS ? 'met' : 'NOT met';
    lines.push(
      '',
      `Target median ${target!.medianMs} ms wall / ${target!.medianCpuMs} ms CPU (≤ ${TARGET_MS} ms: ${ok}); ` +
        `${round(target!.medianMs / base!.medianMs, 1)}× the JSON.parse baseline (wall), ` +
        `${round(target!.medianCpuMs / base!.medianCpuMs, 1)}× (CPU).`,
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
