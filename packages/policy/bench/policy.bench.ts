// policy benchmark: a decision per call with 200 rules and tools/list filtering for one principal over
// 50 connectors / 650 tools, each beside its baseline (a single-rule policy, a plain function) in one run.
// Writes verification/policy/policy-bench.json and policy-bench.md at the repository root.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { compilePolicy, type CompiledPolicy, type PolicyRequest } from '@cortex-os/policy';
import { callRequests, policy1, policy200, supportPrincipal, TARGETS } from './fixtures.js';
import { median, percentile, round } from './stats.js';

const OUT_DIR = fileURLToPath(new URL('../../../verification/policy/', import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? '5');
const BATCHES = Number(process.env.BENCH_BATCHES ?? '200');
const BATCH = 100;
const TARGET_DECISION_US = 20;
const TARGET_LIST_MS = 1;

interface Row {
  readonly case: string;
  readonly unit: 'µs/decision' | 'ms/list';
  /** Median over rounds of each round's p50. */
  readonly p50: number;
  /** Median over rounds of each round's p90. */
  readonly p90: number;
  readonly rounds: number;
  readonly samplesPerRound: number;
}

type Sampler = () => number[];

/** Per-decision µs, timed over batches of BATCH decisions (timer overhead spread over the batch). */
function perDecision(decide: (r: PolicyRequest) => unknown, requests: readonly PolicyRequest[]): Sampler {
  return () => {
    const out: number[] = [];
    for (let b = 0; b < BATCHES; b++) {
      const offset = (b * BATCH) % (requests.length - BATCH);
      const t0 = performance.now();
      for (let i = 0; i < BATCH; i++) decide(requests[offset + i]!);
      out.push(((performance.now() - t0) * 1000) / BATCH);
    }
    return out;
  };
}

/** ms to filter all 650 tools for one principal. */
function listFilter(policy: () => { mayList: CompiledPolicy['mayList'] }, runs = 100): Sampler {
  return () => {
    const out: number[] = [];
    for (let r = 0; r < runs; r++) {
      const p = policy();
      const who = supportPrincipal();
      const t0 = performance.now();
      let shown = 0;
      for (const t of TARGETS) if (p.mayList(who, t.connectorId, t.tool, ['tickets:read'])) shown += 1;
      out.push(performance.now() - t0);
      if (shown === 0) throw new Error('brAInwav: bench policy lists nothing');
    }
    return out;
  };
}

function measure(name: string, unit: Row['unit'], sampler: Sampler): Row {
  sampler(); // warm-up round (JIT, caches of warm cases)
  const rounds = Array.from({ length: ROUNDS }, sampler);
  return {
    case: name,
    unit,
    p50: round(median(rounds.map((r) => median(r)))),
    p90: round(median(rounds.map((r) => percentile(r, 0.9)))),
    rounds: ROUNDS,
    samplesPerRound: rounds[0]?.length ?? 0,
  };
}

const p200 = compilePolicy(policy200());
const p1 = compilePolicy(policy1());
const requests = callRequests(20_000);
const plain = (r: PolicyRequest) => r.principal.roles.includes('support') && !r.tool.startsWith('delete_');
const denyShare = requests.filter((r) => !p200.decide(r).allow).length / requests.length;

const loadBefore = loadavg()[0]!;
const rows: Row[] = [
  measure(
    'decide, 200 rules (target)',
    'µs/decision',
    perDecision((r) => p200.decide(r), requests),
  ),
  measure('decide, 200 rules, cold: fresh compiled policy each batch', 'µs/decision', () => {
    const out: number[] = [];
    for (let b = 0; b < 20; b++) {
      const fresh = compilePolicy(policy200());
      const t0 = performance.now();
      for (let i = 0; i < BATCH; i++) fresh.decide(requests[b * BATCH + i]!);
      out.push(((performance.now() - t0) * 1000) / BATCH);
    }
    return out;
  }),
  measure(
    'decide, 1 rule (baseline)',
    'µs/decision',
    perDecision((r) => p1.decide(r), requests),
  ),
  measure('plain function (baseline)', 'µs/decision', perDecision(plain, requests)),
  measure(
    'tools/list filter, 650 tools, 200 rules (target)',
    'ms/list',
    listFilter(() => p200),
  ),
  measure(
    'tools/list filter, cold: fresh compiled policy each list',
    'ms/list',
    listFilter(() => compilePolicy(policy200()), 20),
  ),
  measure(
    'tools/list filter, 1 rule (baseline)',
    'ms/list',
    listFilter(() => p1),
  ),
  measure(
    'tools/list filter, plain function (baseline)',
    'ms/list',
    listFilter(() => ({
      mayList: (who, _c, tool) => who.roles.includes('support') && !tool.startsWith('delete_'),
    })),
  ),
];
const loadAfter = loadavg()[0]!;

const decision = rows[0]!;
const list = rows[4]!;
const verdict = (value: number, target: number) => (value <= target ? 'met' : 'NOT met');
const result = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  loadAverage1m: { before: round(loadBefore, 2), after: round(loadAfter, 2) },
  rules: p200.rules.length,
  tools: TARGETS.length,
  denyShareOfCallRequests: round(denyShare, 3),
  targets: {
    decisionP50Us: {
      target: TARGET_DECISION_US,
      measured: decision.p50,
      verdict: verdict(decision.p50, TARGET_DECISION_US),
    },
    listP50Ms: { target: TARGET_LIST_MS, measured: list.p50, verdict: verdict(list.p50, TARGET_LIST_MS) },
  },
  rows,
};

const table = rows.map((r) => `| ${r.case} | ${r.p50} | ${r.p90} | ${r.unit} |`).join('\n');
const md = `# policy benchmark (brAInwav)

${result.date}, Node ${result.node}, ${result.cpus} CPUs shared with other work (1-min load average ${result.loadAverage1m.before} before, ${result.loadAverage1m.after} after).
${result.rules} rules over 50 connectors (per-connector read/write/deny/export rules, CEL over claims and args);
${result.tools} tools. Call requests cycle over every tool with a fresh principal object each (as a verified
token yields), ${Math.round(denyShare * 100)}% of them denied. Decisions are timed in batches of ${BATCH}; each row is the
median over ${ROUNDS} rounds of the round's p50 (p90), after one warm-up round. Target and baselines run in one process.

| case | p50 | p90 | unit |
|---|---|---|---|
${table}

Decision per call with 200 rules: p50 ${decision.p50} µs (target ≤ ${TARGET_DECISION_US} µs: ${result.targets.decisionP50Us.verdict}).
tools/list filtered for one principal over 650 tools: p50 ${list.p50} ms (target ≤ ${TARGET_LIST_MS} ms: ${result.targets.listP50Ms.verdict}).
"Cold" rows compile a fresh policy, so every target and principal is seen for the first time (the cost right after
a reload); warm rows hit the per-target and per-principal memo of the compiled policy.
`;

mkdirSync(OUT_DIR, { recursive: true });
writeFileSync(`${OUT_DIR}policy-bench.json`, `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(`${OUT_DIR}policy-bench.md`, md);
process.stdout.write(md);
