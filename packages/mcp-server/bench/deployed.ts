/** Rows (a)/(b) as deployed: the gateway in its own process (bench/gateway-host.ts), like the connectors server. */
import { readHostTimings, startGatewayProcess, stopGatewayProcess } from './host-process.js';
import { connect, round, sequential, stats, throughput } from './lib.js';

/** Result of {@link measureDeployed}. */
export interface DeployedResult {
  direct: ReturnType<typeof stats>;
  gateway: ReturnType<typeof stats>;
  addedP50Ms: number;
  /** Median over the 10 interleaved blocks of (gateway block p50 − direct block p50): robust to drift. */
  addedP50PairedMs: number;
  /** Inside the gateway process, per call: whole request, its upstream leg, and the difference (the gateway's own work). */
  inside: { requestP50: number; upstreamP50: number; ownP50: number };
  directCallsPerS: number;
  gatewayCallsPerS: number;
  /** Median of three paired rounds (direct, then gateway) of 2,000 calls with 16 in flight. */
  ratio: number;
  rounds: Array<{ direct: number; gateway: number; ratio: number }>;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Warms both paths (3,000 calls, 16 in flight: a deployed gateway is warm), then (a) 1,000 sequential echo
 * calls interleaved in blocks of 100 so drift hits both sides equally, and (b) three paired throughput rounds.
 */
export async function measureDeployed(
  upstreamUrl: string,
  directEcho: () => Promise<unknown>,
  echoArgs: Record<string, unknown>,
): Promise<DeployedResult> {
  const host = await startGatewayProcess(upstreamUrl);
  const client = await connect(`${host.base}/mcp`);
  const gatewayEcho = () => client.callTool({ name: 'everything__echo', arguments: echoArgs });
  await throughput(3_000, 16, directEcho);
  await throughput(3_000, 16, gatewayEcho);
  await readHostTimings(host.base);
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
  const timings = await readHostTimings(host.base);
  const own = timings.requestMs.map((ms, i) => ms - (timings.upstreamMs[i] ?? 0));
  const rounds: DeployedResult['rounds'] = [];
  for (let round_ = 0; round_ < 3; round_ += 1) {
    const direct = await throughput(2_000, 16, directEcho);
    const gateway = await throughput(2_000, 16, gatewayEcho);
    rounds.push({ direct, gateway, ratio: round(gateway / direct) });
  }
  await client.close();
  await stopGatewayProcess(host.child);
  const direct = stats(aDirect);
  const gateway = stats(aGateway);
  return {
    direct,
    gateway,
    addedP50Ms: round(gateway.p50 - direct.p50),
    addedP50PairedMs: round(median(blockDiffs)),
    inside: {
      requestP50: stats(timings.requestMs).p50,
      upstreamP50: stats(timings.upstreamMs).p50,
      ownP50: stats(own).p50,
    },
    directCallsPerS: median(rounds.map((r) => r.direct)),
    gatewayCallsPerS: median(rounds.map((r) => r.gateway)),
    ratio: median(rounds.map((r) => r.ratio)),
    rounds,
  };
}
