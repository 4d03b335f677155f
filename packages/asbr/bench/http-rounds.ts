/** autocannon rounds of a target beside its baseline (ABBA order), with server CPU per request. */
import autocannon from 'autocannon';
import type { HttpFigures } from './report.js';

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
export const round = (value: number, digits = 3): number => Number(value.toFixed(digits));

/** One side of a comparison: its URL and the CPU time (µs) of the process serving it. */
export interface Side {
  readonly url: string;
  readonly cpuMicros: () => number | Promise<number>;
  /** Method, body and extra headers of every request (default a GET with the rounds' headers). */
  readonly request?: {
    method?: 'GET' | 'POST';
    /** A function gives each request its own body (e.g. a fresh JSON-RPC id). */
    body?: string | (() => string);
    headers?: Record<string, string>;
  };
}

/** What {@link abbaRounds} measures. */
export interface RoundsOptions {
  readonly connections: number;
  readonly durationS: number;
  readonly rounds: number;
  readonly headers: Record<string, string>;
}

type Measured = autocannon.Result & { cpuPerReq: number };

async function cannon(side: Side, seconds: number, options: RoundsOptions): Promise<autocannon.Result> {
  const { method = 'GET', body, headers } = side.request ?? {};
  const all = { ...options.headers, ...headers };
  return autocannon({
    url: side.url,
    connections: options.connections,
    duration: seconds,
    method,
    headers: all,
    ...(typeof body === 'function'
      ? { requests: [{ method, headers: all, setupRequest: (req) => ({ ...req, body: body() }) }] }
      : body === undefined
        ? {}
        : { body }),
  });
}

async function measured(side: Side, options: RoundsOptions): Promise<Measured> {
  const before = await side.cpuMicros();
  const result = await cannon(side, options.durationS, options);
  const used = (await side.cpuMicros()) - before;
  return { ...result, cpuPerReq: used / Math.max(1, result.requests.total) };
}

function figures(results: Measured[]): HttpFigures {
  return {
    rounds: results.length,
    reqPerSecMedian: round(median(results.map((r) => r.requests.average)), 0),
    serverCpuMicrosPerReqMedian: round(median(results.map((r) => r.cpuPerReq)), 1),
    p50MsMedian: round(median(results.map((r) => r.latency.p50))),
    p99MsMedian: round(median(results.map((r) => r.latency.p99))),
    perRound: results.map((r) => ({
      reqPerSec: round(r.requests.average, 0),
      p50Ms: r.latency.p50,
      p99Ms: r.latency.p99,
    })),
    non2xxOrErrors: results.reduce((sum, r) => sum + r.non2xx + r.errors, 0),
  };
}

/** Result of {@link abbaRounds}: figures of both sides and their ratios. */
export interface Comparison {
  target: HttpFigures;
  baseline: HttpFigures;
  ratio: number;
  pairedRatios: number[];
  pairedRatioMedian: number;
  cpuEfficiencyRatio: number;
}

/**
 * Warms both sides (2 s each), then `rounds` pairs in ABBA order (target first on even rounds, baseline first
 * on odd ones: slow load drift cancels out). Ratios are target / baseline.
 */
export async function abbaRounds(target: Side, baseline: Side, options: RoundsOptions): Promise<Comparison> {
  await cannon(target, 2, options);
  await cannon(baseline, 2, options);
  const t: Measured[] = [];
  const b: Measured[] = [];
  for (let i = 0; i < options.rounds; i += 1) {
    if (i % 2 === 0) {
      t.push(await measured(target, options));
      b.push(await measured(baseline, options));
    } else {
      b.push(await measured(baseline, options));
      t.push(await measured(target, options));
    }
  }
  const tf = figures(t);
  const bf = figures(b);
  const pairedRatios = t.map((r, i) => round(r.requests.average / b[i]!.requests.average));
  return {
    target: tf,
    baseline: bf,
    ratio: round(tf.reqPerSecMedian / bf.reqPerSecMedian),
    pairedRatios,
    pairedRatioMedian: round(median(pairedRatios)),
    cpuEfficiencyRatio: round(bf.serverCpuMicrosPerReqMedian / tf.serverCpuMicrosPerReqMedian),
  };
}
