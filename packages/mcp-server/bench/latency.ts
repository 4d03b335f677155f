/** Sequential-latency rounds shared by the in-process and the as-deployed rows (a). */
import { round, sequential, stats } from './lib.js';

type Stats = ReturnType<typeof stats>;

/** One latency round: 1,000 sequential echo calls per side, interleaved in blocks of 100. */
export interface LatencyRound {
  direct: Stats;
  gateway: Stats;
  addedP50Ms: number;
  /** Median over the 10 blocks of (gateway block p50 − direct block p50): robust to drift. */
  addedP50PairedMs: number;
  /** Inside the gateway process, per call: whole request, its upstream leg, and the difference (the gateway's own work). */
  inside?: { requestP50: number; upstreamP50: number; ownP50: number };
}

/** Per-call timings read from inside the gateway process (as deployed only). */
export type TimingsReader = () => Promise<{ requestMs: number[]; upstreamMs: number[] }>;

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function latencyRound(
  directEcho: () => Promise<unknown>,
  gatewayEcho: () => Promise<unknown>,
  timingsOf?: TimingsReader,
): Promise<LatencyRound> {
  await timingsOf?.();
  const aDirect: number[] = [];
  const aGateway: number[] = [];
  const blockDiffs: number[] = [];
  for (let block = 0; block < 10; block += 1) {
    const direct = await sequential(100, directEcho);
    const gateway = await sequential(100, gatewayEcho);
    blockDiffs.push(stats(gateway).p50 - stats(direct).p50);
    aDirect.push(...direct);
    aGateway.push(...gateway);
  }
  const timings = await timingsOf?.();
  const direct = stats(aDirect);
  const gateway = stats(aGateway);
  return {
    direct,
    gateway,
    addedP50Ms: round(gateway.p50 - direct.p50),
    addedP50PairedMs: round(median(blockDiffs)),
    ...(timings ? { inside: insideStats(timings) } : {}),
  };
}

function insideStats(timings: { requestMs: number[]; upstreamMs: number[] }): LatencyRound['inside'] {
  const own = timings.requestMs.map((ms, i) => ms - (timings.upstreamMs[i] ?? 0));
  return {
    requestP50: stats(timings.requestMs).p50,
    upstreamP50: stats(timings.upstreamMs).p50,
    ownP50: stats(own).p50,
  };
}

/** Three latency rounds (the machine is shared and noisy): all of them, and the one with the median added p50. */
export async function latencyRounds(
  directEcho: () => Promise<unknown>,
  gatewayEcho: () => Promise<unknown>,
  timingsOf?: TimingsReader,
): Promise<{ median: LatencyRound; rounds: LatencyRound[] }> {
  // sequential warm-up too: the throughput warm-up leaves the one-at-a-time path less optimized
  await sequential(500, directEcho);
  await sequential(500, gatewayEcho);
  await timingsOf?.();
  const rounds: LatencyRound[] = [];
  for (let i = 0; i < 3; i += 1) rounds.push(await latencyRound(directEcho, gatewayEcho, timingsOf));
  return { median: [...rounds].sort((x, y) => x.addedP50Ms - y.addedP50Ms)[1]!, rounds };
}
