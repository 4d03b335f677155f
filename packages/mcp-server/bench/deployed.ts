/** Rows (a)/(b) as deployed: the gateway in its own process (bench/gateway-host.ts), like the connectors server. */
import { readHostTimings, startGatewayProcess, stopGatewayProcess } from './host-process.js';
import { latencyRounds, median, type LatencyRound } from './latency.js';
import { connect, round, throughput } from './lib.js';

/** Result of {@link measureDeployed}. */
export interface DeployedResult {
  /** The round whose added p50 is the median of the three. */
  median: LatencyRound;
  latencyRounds: LatencyRound[];
  directCallsPerS: number;
  gatewayCallsPerS: number;
  /** Median of three paired rounds (direct, then gateway) of 2,000 calls with 16 in flight. */
  ratio: number;
  rounds: Array<{ direct: number; gateway: number; ratio: number }>;
}

/**
 * Warms both paths (3,000 calls, 16 in flight: a deployed gateway is warm), then (a) three latency rounds
 * (the machine is shared and noisy: the median round is the headline) and (b) three paired throughput rounds.
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
  const latency = await latencyRounds(directEcho, gatewayEcho, () => readHostTimings(host.base));
  const rounds: DeployedResult['rounds'] = [];
  for (let i = 0; i < 3; i += 1) {
    const direct = await throughput(2_000, 16, directEcho);
    const gateway = await throughput(2_000, 16, gatewayEcho);
    rounds.push({ direct, gateway, ratio: round(gateway / direct) });
  }
  await client.close();
  await stopGatewayProcess(host.child);
  return {
    median: latency.median,
    latencyRounds: latency.rounds,
    directCallsPerS: median(rounds.map((r) => r.direct)),
    gatewayCallsPerS: median(rounds.map((r) => r.gateway)),
    ratio: median(rounds.map((r) => r.ratio)),
    rounds,
  };
}
