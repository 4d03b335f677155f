import type { Comparison } from './http-rounds.js';

/** Figures of one autocannon target over several rounds (medians across rounds). */
export interface HttpFigures {
  rounds: number;
  reqPerSecMedian: number;
  /** Server process CPU time per request, microseconds (robust to a contended machine). */
  serverCpuMicrosPerReqMedian: number;
  p50MsMedian: number;
  p99MsMedian: number;
  perRound: { reqPerSec: number; p50Ms: number; p99Ms: number }[];
  non2xxOrErrors: number;
}

/** The as-deployed comparison: asbr's own entry and env (npm start) vs a bare Fastify process. */
export interface DeployedRows extends Comparison {
  entry: string;
  env: Record<string, string>;
  logLines: number;
  loadAverageAtStart: number[];
}

/** What bench.json holds. */
export interface BenchReport {
  brand: 'brAInwav';
  at: string;
  node: string;
  cpus: number;
  loadAverageAtStart: number[];
  setup: string;
  /** In-process rows; `cpuEfficiencyRatio` (bare CPU µs/req ÷ asbr's) is the ratio on a dedicated CPU. */
  http: Comparison & { connectors: number; bytes: number; connections: number; durationSeconds: number };
  deployed: DeployedRows;
  sign: {
    connectors: number;
    manifestBytes: number;
    runs: number;
    hs256MedianMs: number;
    hs256CpuMedianMs: number;
    eddsaMedianMs: number;
    eddsaCpuMedianMs: number;
    validateOnlyMedianMs: number;
    signOnlyMedianMs: number;
    baselineMedianMs: number;
    baselineCpuMedianMs: number;
    hs256VsBaseline: number;
  };
  targets: {
    ratioMin: number;
    p99MaxMs: number;
    signMedianMaxMs: number;
    ratioMet: boolean;
    p99Met: boolean;
    deployedRatioMin: number;
    deployedP99MaxMs: number;
    deployedRatioMet: boolean;
    deployedP99Met: boolean;
    signMet: boolean;
    signCpuMet: boolean;
  };
}

const mark = (ok: boolean): string => (ok ? 'met' : 'NOT met');

function deployedMarkdown(r: BenchReport): string {
  const d = r.deployed;
  const t = r.targets;
  const requests = d.target.perRound.reduce((sum, x) => sum + x.reqPerSec, 0) * r.http.durationSeconds;
  return `## As deployed: asbr as \`npm start\` runs it vs a bare Fastify process (50 connections, ${d.target.rounds} × ${r.http.durationSeconds} s rounds each, ABBA; load average at start ${d.loadAverageAtStart.join(' / ')})

asbr runs from its own entry (${d.entry}) in its own process with npm start's environment (${Object.entries(
    d.env,
  )
    .filter(([k]) => !['PATH', 'HOME'].includes(k) && !k.endsWith('_PATH') && !k.endsWith('_LOG'))
    .map(([k, v]) => `${k}=${v}`)
    .join(
      ', ',
    )}; default LOG_LEVEL, LOG_ACCESS and tracing unless listed), stdout/stderr appended to a file; the bare route (no logger, no hooks, same bytes) in another process.

| route | req/s (median) | p50 ms | p99 ms | server CPU µs/req | non-2xx/errors |
|---|---|---|---|---|---|
| asbr service-map (deployed) | ${d.target.reqPerSecMedian} | ${d.target.p50MsMedian} | ${d.target.p99MsMedian} | ${d.target.serverCpuMicrosPerReqMedian} | ${d.target.non2xxOrErrors} |
| bare Fastify process | ${d.baseline.reqPerSecMedian} | ${d.baseline.p50MsMedian} | ${d.baseline.p99MsMedian} | ${d.baseline.serverCpuMicrosPerReqMedian} | ${d.baseline.non2xxOrErrors} |

Ratio deployed asbr / bare: **${d.ratio}** (paired rounds ${d.pairedRatios.join(', ')}, median ${d.pairedRatioMedian}; target ≥ ${t.deployedRatioMin}: ${mark(t.deployedRatioMet)}); CPU-cost ratio **${d.cpuEfficiencyRatio}**; p99 ${d.target.p99MsMedian} ms (target ≤ ${t.deployedP99MaxMs} ms: ${mark(t.deployedP99Met)}). asbr wrote ${d.logLines} log lines for about ${Math.round(requests)} requests.
`;
}

/** The short Markdown summary written next to bench.json. */
export function renderMarkdown(r: BenchReport): string {
  const { http, sign, targets } = r;
  return `# asbr benchmark (brAInwav)

${r.at}, Node ${r.node}, ${r.cpus} CPUs shared with other work (load average at start ${r.loadAverageAtStart.join(' / ')}). ${r.setup}

## GET /v1/connectors/service-map (auth on, ${http.connectors} connectors, ${http.bytes} bytes, ${http.connections} connections, ${http.target.rounds} × ${http.durationSeconds} s rounds each, alternating ABBA)

| route | req/s (median) | p50 ms | p99 ms | server CPU µs/req | non-2xx/errors |
|---|---|---|---|---|---|
| asbr service-map | ${http.target.reqPerSecMedian} | ${http.target.p50MsMedian} | ${http.target.p99MsMedian} | ${http.target.serverCpuMicrosPerReqMedian} | ${http.target.non2xxOrErrors} |
| bare Fastify static Buffer | ${http.baseline.reqPerSecMedian} | ${http.baseline.p50MsMedian} | ${http.baseline.p99MsMedian} | ${http.baseline.serverCpuMicrosPerReqMedian} | ${http.baseline.non2xxOrErrors} |

Little's law floor at this throughput: ${http.connections} connections / ${http.baseline.reqPerSecMedian} req/s = ${((http.connections / http.baseline.reqPerSecMedian) * 1000).toFixed(2)} ms mean latency even for the bare route, so the absolute p99 mostly reflects the shared CPUs; the ratio is the fair figure.

Ratio asbr / bare (of the medians): **${http.ratio}**; median of the per-round paired ratios ${http.pairedRatioMedian} (rounds: ${http.pairedRatios.join(', ')}; target ≥ ${targets.ratioMin}: ${mark(targets.ratioMet)}); CPU-cost ratio (bare µs/req ÷ asbr µs/req) **${http.cpuEfficiencyRatio}**; asbr p99 ${http.target.p99MsMedian} ms (target ≤ ${targets.p99MaxMs} ms: ${mark(targets.p99Met)}).

${deployedMarkdown(r)}
## Validate + sign a ${sign.connectors}-connector manifest (${sign.manifestBytes} bytes, median of ${sign.runs} runs)

| step | wall median ms | CPU median ms |
|---|---|---|
| JSON.parse → parseManifest → buildServiceMap → sign HS256 → serialize + ETag | ${sign.hs256MedianMs} | ${sign.hs256CpuMedianMs} |
| same with EdDSA (Ed25519) | ${sign.eddsaMedianMs} | ${sign.eddsaCpuMedianMs} |
| of which JSON.parse + parseManifest (Zod) only | ${sign.validateOnlyMedianMs} | |
| of which buildServiceMap + JCS + sign + serialize + ETag only | ${sign.signOnlyMedianMs} | |
| baseline JSON.parse + JSON.stringify | ${sign.baselineMedianMs} | ${sign.baselineCpuMedianMs} |

HS256 wall median ${sign.hs256MedianMs} ms (target ≤ ${targets.signMedianMaxMs} ms: ${mark(targets.signMet)}; on-CPU ${sign.hs256CpuMedianMs} ms: ${mark(targets.signCpuMet)}), ${sign.hs256VsBaseline}× the baseline.
`;
}
