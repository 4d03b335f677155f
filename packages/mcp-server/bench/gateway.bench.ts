/**
 * brAInwav gateway benchmark (issue 3): target (through the gateway) beside baseline (direct to the same
 * upstream, @modelcontextprotocol/server-everything in streamableHttp mode, a separate process), and (issue 11)
 * row (e): a 200-rule policy on vs no policy. Writes verification/mcp-server/gateway-bench.{json,md}.
 * `BENCH_ONLY=policy` runs row (e) alone and merges it into the existing gateway-bench.json.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { createRemoteToolProxy, type RemoteToolProxy } from '@cortex-os/mcp-bridge';
import { startEverythingServer } from '@cortex-os/mcp-bridge/testing';
import { createConnectorsGateway, staticConnectorSource } from '../src/index.js';
import { measureDeployed } from './deployed.js';
import { latencyRounds } from './latency.js';
import { hopComparison } from './hop.js';
import { policyComparison } from './policy.js';
import {
  connect,
  connector,
  cpuMicros,
  gc,
  mb,
  mount,
  OUT,
  rawPoster,
  round,
  rss,
  sequential,
  sessionHeaders,
  stats,
  throughput,
} from './lib.js';
import { markdown } from './report.js';

async function policyRow() {
  const loadAverage = loadavg().map((l) => round(l, 2));
  return { ...(await policyComparison()), generatedAt: new Date().toISOString(), loadAverage };
}

/** Row (e) alone, merged into the last full run's output (the other rows keep their figures and date). */
async function policyOnly(): Promise<void> {
  const path = join(OUT, 'gateway-bench.json');
  const previous = JSON.parse(await readFile(path, 'utf8')) as Parameters<typeof markdown>[0];
  const e = await policyRow();
  const result = { ...previous, e };
  await writeFile(path, `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(join(OUT, 'gateway-bench.md'), markdown(result));
  process.stdout.write(markdown(result));
}

async function main(): Promise<void> {
  if (process.env.BENCH_ONLY === 'policy') return policyOnly();
  const loadAtStart = loadavg().map((l) => round(l, 2));
  const everything = await startEverythingServer();
  // a failed run exits early: never leave the upstream child behind
  let upstreamStopped = false;
  process.once('exit', () => {
    if (!upstreamStopped) killQuietly(everything.pid);
  });
  const proxies: RemoteToolProxy[] = [];
  const newProxy = (id: string): RemoteToolProxy => {
    const proxy = createRemoteToolProxy(connector(id, everything.url), {
      probeIntervalMs: 0,
      relayToolResults: true,
    });
    proxies.push(proxy);
    return proxy;
  };
  const gateway = createConnectorsGateway({
    source: staticConnectorSource([
      { connector: connector('everything', everything.url), proxy: newProxy('everything') },
    ]),
  });
  const http = await mount(gateway);
  await gateway.ready();
  const direct = await connect(everything.url);
  const viaGateway = await connect(`${http.base}/mcp`);
  const echoArgs = { message: 'brAInwav bench' };
  const directEcho = () => direct.callTool({ name: 'echo', arguments: echoArgs });
  const gatewayEcho = () => viaGateway.callTool({ name: 'everything__echo', arguments: echoArgs });
  const check = await gatewayEcho();
  if (check.isError) throw new Error(`brAInwav: gateway echo failed: ${JSON.stringify(check.content)}`);

  // (a) 1,000 sequential echo calls, interleaved in blocks of 100 so drift hits both sides equally.
  await throughput(3_000, 16, directEcho);
  await throughput(3_000, 16, gatewayEcho);
  const inProcess = await latencyRounds(directEcho, gatewayEcho);
  const a = { direct: inProcess.median.direct, gateway: inProcess.median.gateway };
  const addedP50 = inProcess.median.addedP50Ms;
  const addedRounds = inProcess.rounds.map((x) => x.addedP50Ms);
  // CPU time of this process per call (client, gateway and proxy; the upstream is another process): robust to machine load.
  const cpuDirect = round((await cpuMicros(() => sequential(500, directEcho))) / 500 / 1000);
  const cpuGateway = round((await cpuMicros(() => sequential(500, gatewayEcho))) / 500 / 1000);

  const hop = await hopComparison();
  const e = await policyRow();

  // (a/b) as deployed: the gateway in its own process, so the client's CPU is not the gateway's.
  const separate = await measureDeployed(everything.url, directEcho, echoArgs);

  // (b) calls/s with 16 in flight.
  const bDirect = await throughput(2_000, 16, directEcho);
  const bGateway = await throughput(2_000, 16, gatewayEcho);

  // (c) tools/list on the aggregate with 50 connectors (cached) vs tools/list direct to one upstream.
  const many = Array.from({ length: 50 }, (_, i) => {
    const id = `c${String(i).padStart(2, '0')}`;
    return { connector: connector(id, everything.url), proxy: newProxy(id) };
  });
  const gateway50 = createConnectorsGateway({ source: staticConnectorSource(many) });
  const http50 = await mount(gateway50);
  await gateway50.ready();
  const client50 = await connect(`${http50.base}/mcp`);
  const listed = (await client50.listTools(undefined, { cacheMode: 'bypass' })).tools.length;
  const list50 = () => client50.listTools(undefined, { cacheMode: 'bypass' });
  const listDirect = () => direct.listTools(undefined, { cacheMode: 'bypass' });
  await sequential(50, list50);
  await sequential(50, listDirect);
  const rawList = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
  const raw50 = rawPoster(`${http50.base}/mcp`, sessionHeaders(client50));
  const rawDirect = rawPoster(everything.url, sessionHeaders(direct));
  const payloadBytes = await raw50(rawList);
  await sequential(50, () => rawDirect(rawList));
  const c = {
    gateway50: stats(await sequential(500, () => raw50(rawList))),
    direct1: stats(await sequential(500, () => rawDirect(rawList))),
    sdkClient: {
      gateway50: stats(await sequential(200, list50)),
      direct1: stats(await sequential(200, listDirect)),
    },
    toolsListed: listed,
    payloadBytes,
  };

  // (d) gateway process RSS over 10,000 calls (16 in flight), sampled every 2,000 after a forced GC.
  const rssSamples: Array<{ calls: number; rssMb: number; heapMb: number }> = [];
  const sample = (calls: number) =>
    rssSamples.push({ calls, rssMb: mb(rss()), heapMb: mb(process.memoryUsage().heapUsed) });
  sample(0);
  for (let done = 0; done < 10_000; done += 2_000) {
    await throughput(2_000, 16, gatewayEcho);
    sample(done + 2_000);
  }
  const at = (calls: number) => rssSamples.find((x) => x.calls === calls)!;
  // RSS moves in allocator-arena steps of tens of MB even with a flat heap: compare medians of the two halves.
  const median3 = (xs: number[]) => [...xs].sort((p, q) => p - q)[1]!;
  const d = {
    samples: rssSamples,
    heapGrowthMb: round(at(10_000).heapMb - at(0).heapMb, 1),
    rssGrowthSecondHalfMb: round(
      median3([6_000, 8_000, 10_000].map((c) => at(c).rssMb)) -
        median3([0, 2_000, 4_000].map((c) => at(c).rssMb)),
      1,
    ),
    gcExposed: gc !== undefined,
  };

  const result = {
    brand: 'brAInwav',
    generatedAt: new Date().toISOString(),
    node: process.version,
    loadAverage: loadAtStart,
    cpus: availableParallelism(),
    upstream: '@modelcontextprotocol/server-everything (streamableHttp, child process)',
    separate: { ...separate, passA: separate.median.addedP50Ms <= 1.5, passB: separate.ratio >= 0.8 },
    a: {
      ...a,
      addedP50Ms: addedP50,
      addedRounds,
      cpuMsPerCall: { direct: cpuDirect, gateway: cpuGateway, added: round(cpuGateway - cpuDirect) },
      targetAddedP50Ms: 1,
      pass: addedP50 <= 1,
    },
    hop: {
      ...hop,
      addedP50Ms: round(hop.gateway.p50 - hop.bareSdk.p50),
      addedCpuMs: round(hop.gateway.cpuMs - hop.bareSdk.cpuMs),
    },
    b: {
      directCallsPerS: bDirect,
      gatewayCallsPerS: bGateway,
      ratio: round(bGateway / bDirect),
      targetRatio: 0.5,
      pass: bGateway / bDirect >= 0.5,
    },
    c: { ...c, targetP50Ms: 2, pass: c.gateway50.p50 <= 2 },
    d: { ...d, pass: d.heapGrowthMb <= 5 && d.rssGrowthSecondHalfMb <= 10 },
    e,
  };
  await mkdir(OUT, { recursive: true });
  await writeFile(join(OUT, 'gateway-bench.json'), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(join(OUT, 'gateway-bench.md'), markdown(result));
  process.stdout.write(markdown(result));

  for (const client of [direct, viaGateway, client50]) await client.close();
  await gateway.close();
  await gateway50.close();
  await http.close();
  await http50.close();
  await Promise.all(proxies.map((p) => p.close()));
  await everything.stop();
  upstreamStopped = true;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
