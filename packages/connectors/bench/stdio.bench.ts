/**
 * brAInwav stdio connectors through the gateway (issue 12), side by side in one run:
 * 1. cold start of server-everything (stdio) to the first tools/list answered through the gateway /mcp (lazy:
 *    that tools/list spawns it), in-process and as deployed, vs the SDK's StdioClientTransport spawning it;
 * 2. sequential `echo` latency through the gateway /mcp vs direct over stdio, in-process (buildApp, silent
 *    logger) and as deployed (own process, default logging), with two client transports to the gateway: the
 *    stock SDK StreamableHTTPClientTransport and mcp-bridge's NodeHttpClientTransport (what agents use);
 * 3. RSS of a deployed gateway with 20 server-memory connectors, all started, and of its children (/proc).
 * Writes verification/connectors-stdio/bench.{json,md}.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@modelcontextprotocol/client';
import { latencyRounds, type LatencyRound } from '../../mcp-server/bench/latency.js';
import { mb, pct, round } from '../../mcp-server/bench/lib.js';
import { benchHeader, loadAverage } from './report-header.js';
import { startBareHttpEcho, type BareHttpEcho } from '../../mcp-server/bench/bare-echo.js';
import {
  renderStdioMarkdown,
  type ColdStats,
  type LatencyFigures,
  type StdioBenchReport,
} from './stdio-report.js';
import {
  descendants,
  directEverything,
  everythingConnector,
  bridgeClient,
  httpClient,
  memoryConnectors,
  rssBytes,
  startDeployedStdio,
  startInProcess,
  type DeployedStdio,
} from './stdio-stack.js';

const OUT_DIR = fileURLToPath(new URL('../../../verification/connectors-stdio/', import.meta.url));
const COLD_N = Number(process.env.BENCH_COLD_N ?? '11');
const MEMORY_N = 20;
const TARGET_MS = 0.5;
const ECHO = { message: 'brAInwav bench' };
/**
 * Alternating calls per side before latencyRounds' own 500 sequential warm-up calls (BENCH_STDIO_WARMUP, default
 * 5000): the gateway path runs far more code than direct stdio and is still tiering up after 500 calls (its rounds
 * kept falling, 0.68 → 0.57 → 0.50 ms added in-process); the figure is for a gateway in steady state.
 */
const STEADY_WARMUP = Number(process.env.BENCH_STDIO_WARMUP ?? '5000');

/** latencyRounds after {@link STEADY_WARMUP} alternating calls per side. */
async function steadyRounds(
  directEcho: () => Promise<unknown>,
  gatewayEcho: () => Promise<unknown>,
): Promise<{ median: LatencyRound; rounds: LatencyRound[] }> {
  for (let i = 0; i < STEADY_WARMUP; i += 1) {
    await directEcho();
    await gatewayEcho();
  }
  return latencyRounds(directEcho, gatewayEcho);
}

// The stock StreamableHTTPClientTransport adds an abort listener per request to its session signal (undici frees
// them on GC): Node warns past 1,500. Counted for the report instead of printing thousands of lines.
let abortListenerWarnings = 0;
process.removeAllListeners('warning');
process.setMaxListeners(64); // one exit hook per bench child (processes.ts startChild)
process.on('warning', (warning) => {
  if (warning.name === 'MaxListenersExceededWarning' && /abort listeners/.test(warning.message))
    abortListenerWarnings += 1;
  else process.stderr.write(`${warning.name}: ${warning.message}\n`);
});

function alive(pid: number): boolean {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function coldStats(samples: number[]): ColdStats {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: samples.length,
    medianMs: round(pct(sorted, 50), 1),
    p50Ms: round(pct(sorted, 50), 1),
    p99Ms: round(pct(sorted, 99), 1),
    minMs: round(sorted[0]!, 1),
    maxMs: round(sorted[sorted.length - 1]!, 1),
    samplesMs: samples.map((s) => round(s, 1)),
  };
}

function expectTool(names: string[], name: string, where: string): void {
  if (!names.includes(name))
    throw new Error(`brAInwav: ${where} listed no ${name} (got ${names.slice(0, 8).join(', ')})`);
}

/** Connect + first tools/list through `url`, ms; throws unless everything__echo is listed. */
async function gatewayCold(url: string): Promise<number> {
  const t0 = performance.now();
  const client = await httpClient(url);
  const { tools } = await client.listTools();
  const ms = performance.now() - t0;
  expectTool(
    tools.map((t) => t.name),
    'everything__echo',
    'the gateway',
  );
  await client.close();
  return ms;
}

async function directCold(): Promise<number> {
  const t0 = performance.now();
  const { client } = await directEverything();
  const { tools } = await client.listTools();
  const ms = performance.now() - t0;
  expectTool(
    tools.map((t) => t.name),
    'echo',
    'server-everything',
  );
  await client.close();
  return ms;
}

const echoVia = (client: Client, name: string) => async (): Promise<unknown> => {
  const result = await client.callTool({ name, arguments: ECHO });
  if (result.isError) throw new Error(`brAInwav: ${name} failed: ${JSON.stringify(result.content)}`);
  return result;
};

function figures(l: { median: LatencyRound; rounds: LatencyRound[] }): LatencyFigures {
  return {
    median: l.median,
    rounds: l.rounds,
    addedP50Ms: l.median.addedP50Ms,
    addedP50PairedMs: l.median.addedP50PairedMs,
    targetMet: l.median.addedP50Ms <= TARGET_MS,
  };
}

async function main(): Promise<void> {
  const loadAverageAtStart = loadAverage();
  const tmp = mkdtempSync(join(tmpdir(), 'brainwav-stdio-bench-'));
  let deployed: DeployedStdio | undefined;
  let memoryStack: DeployedStdio | undefined;
  let direct: Awaited<ReturnType<typeof directEverything>> | undefined;
  let bareHttp: BareHttpEcho | undefined;
  const clients: Client[] = [];
  const childPids: number[] = [];
  try {
    // 1. cold start: direct and in-process alternate (drift hits both); then as deployed (asbr stays up)
    const directSamples: number[] = [];
    const inProcessSamples: number[] = [];
    for (let i = 0; i < COLD_N; i += 1) {
      directSamples.push(await directCold());
      const gw = await startInProcess([everythingConnector()]);
      try {
        inProcessSamples.push(await gatewayCold(`${gw.base}/mcp`));
        const pid = gw.app.connectors.stdio.supervisor('everything')?.pid;
        if (pid !== undefined) childPids.push(pid);
      } finally {
        await gw.close();
      }
    }
    deployed = await startDeployedStdio('brainwav-stdio-bench-deployed-', [everythingConnector()]);
    const { entry, overrides } = deployed;
    const deployedSamples: number[] = [];
    let server: { base: string; child: { child: { pid?: number }; stop(): Promise<void> } } | undefined;
    for (let i = 0; i < COLD_N; i += 1) {
      if (server) {
        childPids.push(...descendants(server.child.child.pid!));
        await server.child.stop();
      }
      server = await deployed.startConnectors();
      deployedSamples.push(await gatewayCold(`${server.base}/mcp`));
    }
    // 2. tool-call latency: one direct child, one in-process gateway, the last deployed gateway (all warm)
    direct = await directEverything();
    const directEcho = echoVia(direct.client, 'echo');
    const inProcess = await startInProcess([everythingConnector()]);
    let inProcessLatency: { median: LatencyRound; rounds: LatencyRound[] };
    let httpReference: { median: LatencyRound; rounds: LatencyRound[] };
    let inProcessBridge: { median: LatencyRound; rounds: LatencyRound[] };
    try {
      const client = await httpClient(`${inProcess.base}/mcp`);
      clients.push(client);
      const gatewayEcho = echoVia(client, 'everything__echo');
      inProcessLatency = await steadyRounds(directEcho, gatewayEcho);
      const bridge = await bridgeClient(`${inProcess.base}/mcp`);
      clients.push(bridge);
      inProcessBridge = await steadyRounds(directEcho, echoVia(bridge, 'everything__echo'));
      await bridge.close();
      // reference: the same gateway beside a bare SDK McpServer echo over Streamable HTTP (the transport's floor)
      bareHttp = await startBareHttpEcho();
      const httpDirect = await httpClient(bareHttp.url);
      clients.push(httpDirect);
      httpReference = await steadyRounds(echoVia(httpDirect, 'echo'), gatewayEcho);
      await httpDirect.close();
      await bareHttp.close();
      bareHttp = undefined;
      await client.close();
    } finally {
      await inProcess.close();
    }
    const deployedClient = await httpClient(`${server!.base}/mcp`);
    clients.push(deployedClient);
    const deployedEcho = echoVia(deployedClient, 'everything__echo');
    await deployedEcho();
    const linesBefore = deployed.logLines();
    const deployedLatency = await steadyRounds(directEcho, deployedEcho);
    const deployedLogLines = deployed.logLines() - linesBefore;
    await deployedClient.close();
    const deployedBridgeClient = await bridgeClient(`${server!.base}/mcp`);
    clients.push(deployedBridgeClient);
    const deployedBridge = await steadyRounds(directEcho, echoVia(deployedBridgeClient, 'everything__echo'));
    await deployedBridgeClient.close();
    childPids.push(...descendants(server!.child.child.pid!));
    await deployed.stop();
    deployed = undefined;

    // 3. RSS: a deployed gateway with 20 server-memory connectors, one tool called on each
    const memory = memoryConnectors(MEMORY_N, tmp);
    memoryStack = await startDeployedStdio('brainwav-stdio-bench-rss-', memory.connectors, memory.env);
    const rssServer = await memoryStack.startConnectors();
    const gatewayPid = rssServer.child.child.pid!;
    const gatewayBefore = rssBytes(gatewayPid);
    const childrenBefore = descendants(gatewayPid).length;
    if (childrenBefore !== 0) throw new Error(`brAInwav: ${childrenBefore} children before first use (lazy)`);
    const memClient = await httpClient(`${rssServer.base}/mcp`);
    clients.push(memClient);
    // the first aggregate tools/list answers with the connectors listed within the gateway's initial-load
    // deadline: 20 children starting at once on 2 shared cores may take longer, so list until all are in
    const listStarted = performance.now();
    const wanted = (memory.connectors as Array<{ id: string }>).map(({ id }) => `${id}__read_graph`);
    let names = (await memClient.listTools()).tools.map((t) => t.name);
    let listCalls = 1;
    while (!wanted.every((n) => names.includes(n)) && performance.now() - listStarted < 60_000) {
      await new Promise((r) => setTimeout(r, 250));
      names = (await memClient.listTools()).tools.map((t) => t.name);
      listCalls += 1;
    }
    const allListedMs = round(performance.now() - listStarted, 0);
    for (const { id } of memory.connectors as Array<{ id: string }>) {
      expectTool(names, `${id}__read_graph`, 'the gateway');
      const result = await memClient.callTool({ name: `${id}__read_graph`, arguments: {} });
      if (result.isError)
        throw new Error(`brAInwav: ${id}__read_graph failed: ${JSON.stringify(result.content)}`);
    }
    const children = descendants(gatewayPid);
    childPids.push(...children);
    const childrenTotal = children.reduce((s, pid) => s + rssBytes(pid), 0);
    const gatewayAfter = rssBytes(gatewayPid);
    await memClient.close();
    await memoryStack.stop();
    memoryStack = undefined;

    const leftoverChildren = childPids.filter(alive).length;
    const coldDirect = coldStats(directSamples);
    const coldIn = coldStats(inProcessSamples);
    const coldDeployed = coldStats(deployedSamples);
    const inFig = figures(inProcessLatency);
    const depFig = figures(deployedLatency);
    const inBridgeFig = figures(inProcessBridge);
    const depBridgeFig = figures(deployedBridge);
    const report: StdioBenchReport = {
      ...benchHeader(loadAverageAtStart, entry, {
        NODE_ENV: 'production',
        LOG_LEVEL: 'info (default)',
        LOG_ACCESS: 'default',
        audit: 'file',
        startup: 'lazy',
        ...overrides,
      }),
      coldStart: {
        direct: coldDirect,
        inProcess: coldIn,
        deployed: coldDeployed,
        inProcessRatio: round(coldIn.medianMs / coldDirect.medianMs, 2),
        deployedRatio: round(coldDeployed.medianMs / coldDirect.medianMs, 2),
        leftoverChildren,
      },
      toolCall: {
        warmupCalls: 500 + STEADY_WARMUP,
        steadyWarmupCalls: STEADY_WARMUP,
        callsPerSidePerRound: 1_000,
        rounds: 3,
        inProcess: inFig,
        deployed: depFig,
        inProcessBridge: inBridgeFig,
        deployedBridge: depBridgeFig,
        httpReference: figures(httpReference),
        deployedLogLines,
        stockClientAbortListenerWarnings: abortListenerWarnings,
      },
      rss: {
        connectors: MEMORY_N,
        toolsListed: names.length,
        allListedMs,
        listCalls,
        gatewayBeforeMb: mb(gatewayBefore),
        gatewayAfterMb: mb(gatewayAfter),
        gatewayDeltaMb: mb(gatewayAfter - gatewayBefore),
        childrenCount: children.length,
        childrenTotalMb: mb(childrenTotal),
        childrenPerChildMb: mb(childrenTotal / Math.max(1, children.length)),
      },
      targets: {
        addedP50MaxMs: TARGET_MS,
        inProcessMet: inFig.targetMet,
        deployedMet: depFig.targetMet,
        bridgeInProcessMet: inBridgeFig.targetMet,
        bridgeDeployedMet: depBridgeFig.targetMet,
      },
    };
    mkdirSync(OUT_DIR, { recursive: true });
    writeFileSync(join(OUT_DIR, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(OUT_DIR, 'bench.md'), renderStdioMarkdown(report));
    process.stdout.write(renderStdioMarkdown(report));
    if (leftoverChildren > 0)
      throw new Error(`brAInwav: ${leftoverChildren} stdio children outlived their gateway`);
  } finally {
    for (const c of clients) await c.close().catch(() => undefined);
    await direct?.client.close().catch(() => undefined);
    await bareHttp?.close();
    await deployed?.stop();
    await memoryStack?.stop();
    for (const pid of childPids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
