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
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function latencyRound(
  directEcho: () => Promise<unknown>,
  gatewayEcho: () => Promise<unknown>,
): Promise<LatencyRound> {
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
  const direct = stats(aDirect);
  const gateway = stats(aGateway);
  return {
    direct,
    gateway,
    addedP50Ms: round(gateway.p50 - direct.p50),
    addedP50PairedMs: round(median(blockDiffs)),
  };
}

/** Three latency rounds (the machine is shared and noisy): all of them, and the one with the median added p50. */
export async function latencyRounds(
  directEcho: () => Promise<unknown>,
  gatewayEcho: () => Promise<unknown>,
): Promise<{ median: LatencyRound; rounds: LatencyRound[] }> {
  // sequential warm-up too: the throughput warm-up leaves the one-at-a-time path less optimized
  await sequential(500, directEcho);
  await sequential(500, gatewayEcho);
  const rounds: LatencyRound[] = [];
  for (let i = 0; i < 3; i += 1) rounds.push(await latencyRound(directEcho, gatewayEcho));
  return { median: [...rounds].sort((x, y) => x.addedP50Ms - y.addedP50Ms)[1]!, rounds };
}
