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

/** What bench.json holds. */
export interface BenchReport {
  brand: 'brAInwav';
  at: string;
  node: string;
  cpus: number;
  loadAverageAtStart: number[];
  setup: string;
  http: {
    connectors: number;
    bytes: number;
    connections: number;
    durationSeconds: number;
    target: HttpFigures;
    baseline: HttpFigures;
    ratio: number;
    pairedRatios: number[];
    pairedRatioMedian: number;
    /** bare CPU µs/req ÷ asbr CPU µs/req: the throughput ratio the routes would have on a dedicated CPU. */
    cpuEfficiencyRatio: number;
  };
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
    signMet: boolean;
    signCpuMet: boolean;
  };
}

const mark = (ok: boolean): string => (ok ? 'met' : 'NOT met');

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
