/**
 * Rows (a)/(b) as deployed: the stack `npm start` runs (connectors server + asbr in their own processes, access
 * log, audit file and spans on: see host-process.ts), called by a stock SDK client with the MCP API key.
 */
import { connectDeployed, startGatewayProcess } from './host-process.js';
import { latencyRounds, median, type LatencyRound } from './latency.js';
import { round, throughput } from './lib.js';

/** Result of {@link measureDeployed}. */
export interface DeployedResult {
  /** The round whose added p50 is the median of the three. */
  median: LatencyRound;
  latencyRounds: LatencyRound[];
  directCallsPerS: number;
  gatewayCallsPerS: number;
  /** Median of three paired rounds (direct, then gateway) of 2,000 calls with 16 in flight. */
  ratio: number;
  rounds: Array<{ direct: number; gateway: number; ratio: number; serverCpuMicrosPerCall: number }>;
  /** CPU time of the connectors server process per gateway call (median of the throughput rounds), µs. */
  serverCpuMicrosPerCall: number;
  /** How the processes were started and the settings that shape the hot path. */
  entry: string;
  settings: Record<string, string>;
  /** Lines the connectors server wrote to its log and audit file during the measurement. */
  lines: { log: number; audit: number; calls: number };
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
  const stack = await startGatewayProcess(upstreamUrl);
  try {
    const client = await connectDeployed(stack);
    const gatewayEcho = async () => {
      const result = await client.callTool({ name: 'everything__echo', arguments: echoArgs });
      if (result.isError)
        throw new Error(`brAInwav: deployed echo failed: ${JSON.stringify(result.content)}`);
      return result;
    };
    await throughput(3_000, 16, directEcho);
    await throughput(3_000, 16, gatewayEcho);
    const before = stack.lines();
    const latency = await latencyRounds(directEcho, gatewayEcho);
    const rounds: DeployedResult['rounds'] = [];
    for (let i = 0; i < 3; i += 1) {
      const direct = await throughput(2_000, 16, directEcho);
      const cpu0 = stack.connectors.cpuMicros();
      const gateway = await throughput(2_000, 16, gatewayEcho);
      const serverCpuMicrosPerCall = round((stack.connectors.cpuMicros() - cpu0) / 2_000, 1);
      rounds.push({ direct, gateway, ratio: round(gateway / direct), serverCpuMicrosPerCall });
    }
    await client.close();
    const after = stack.lines();
    return {
      median: latency.median,
      latencyRounds: latency.rounds,
      directCallsPerS: median(rounds.map((r) => r.direct)),
      gatewayCallsPerS: median(rounds.map((r) => r.gateway)),
      ratio: median(rounds.map((r) => r.ratio)),
      rounds,
      serverCpuMicrosPerCall: median(rounds.map((r) => r.serverCpuMicrosPerCall)),
      entry: stack.entry,
      settings: stack.settings,
      // 3 latency rounds of 1,000 + 500 warm-up calls, and 3 × 2,000 in the throughput rounds
      lines: {
        log: after.log - before.log,
        audit: after.audit - before.audit,
        calls: 3 * 1_000 + 500 + 6_000,
      },
    };
  } finally {
    await stack.stop();
  }
}
