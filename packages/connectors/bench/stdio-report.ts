/** bench.json shape and Markdown summary of the stdio connectors benchmark (verification/connectors-stdio/). */
import { headerLine, type BenchHeader } from './report-header.js';
import type { LatencyRound } from '../../mcp-server/bench/latency.js';

/** Cold-start samples of one side, ms. */
export interface ColdStats {
  n: number;
  medianMs: number;
  p50Ms: number;
  p99Ms: number;
  minMs: number;
  maxMs: number;
  samplesMs: number[];
}

/** Latency of one gateway configuration beside the direct stdio client. */
export interface LatencyFigures {
  /** The round whose added p50 is the median of the three. */
  median: LatencyRound;
  rounds: LatencyRound[];
  addedP50Ms: number;
  addedP50PairedMs: number;
  targetMet: boolean;
}

/** What verification/connectors-stdio/bench.json holds. */
export interface StdioBenchReport extends BenchHeader {
  coldStart: {
    direct: ColdStats;
    inProcess: ColdStats;
    deployed: ColdStats;
    /** gateway median / direct median. */
    inProcessRatio: number;
    deployedRatio: number;
    /** Stdio children still alive after their gateway closed (must be 0). */
    leftoverChildren: number;
  };
  toolCall: {
    warmupCalls: number;
    /** Of those, alternating calls per side before the 500 sequential ones (absent in runs before 2026-12-04). */
    steadyWarmupCalls?: number;
    callsPerSidePerRound: number;
    rounds: number;
    inProcess: LatencyFigures;
    deployed: LatencyFigures;
    /** The same gateways reached with mcp-bridge's NodeHttpClientTransport (what agents use) instead of the stock one. */
    inProcessBridge: LatencyFigures;
    deployedBridge: LatencyFigures;
    /**
     * Reference, not the target: the in-process gateway beside a bare SDK McpServer echo over Streamable HTTP in
     * this process (`direct` = the SDK client to it): the gateway's cost with the client transport equal.
     */
    httpReference: LatencyFigures;
    /** MaxListenersExceededWarning (abort listeners) raised by the stock SDK HTTP client in this process. */
    stockClientAbortListenerWarnings: number;
    /** Lines the deployed connectors server logged during its latency rounds (default LOG_ACCESS). */
    deployedLogLines: number;
  };
  rss: {
    connectors: number;
    toolsListed: number;
    /** From the first aggregate tools/list to the one listing every connector (lazy: that list spawns them). */
    allListedMs?: number;
    /** tools/list calls it took. */
    listCalls?: number;
    gatewayBeforeMb: number;
    gatewayAfterMb: number;
    gatewayDeltaMb: number;
    childrenCount: number;
    childrenTotalMb: number;
    childrenPerChildMb: number;
  };
  targets: {
    addedP50MaxMs: number;
    /** Stock SDK client transport to the gateway. */
    inProcessMet: boolean;
    deployedMet: boolean;
    /** mcp-bridge's NodeHttpClientTransport to the gateway. */
    bridgeInProcessMet: boolean;
    bridgeDeployedMet: boolean;
  };
}

const round3 = (n: number): number => Math.round(n * 1000) / 1000;
const mark = (ok: boolean): string => (ok ? 'met' : 'NOT met');

function cold(name: string, c: ColdStats): string {
  return `| ${name} | ${c.n} | **${c.medianMs}** | ${c.p99Ms} | ${c.minMs} | ${c.maxMs} |`;
}

function lat(name: string, l: LatencyFigures): string {
  const m = l.median;
  return [
    `| ${name}: gateway /mcp | ${m.gateway.p50} | ${m.gateway.p99} | ${m.gateway.mean} | ${m.gateway.n} |`,
    `| ${name}: direct stdio | ${m.direct.p50} | ${m.direct.p99} | ${m.direct.mean} | ${m.direct.n} |`,
  ].join('\n');
}

/** The Markdown written next to bench.json. */
export function renderStdioMarkdown(r: StdioBenchReport): string {
  const { coldStart: c, toolCall: t, rss } = r;
  const rounds = (l: LatencyFigures): string => l.rounds.map((x) => x.addedP50Ms).join(', ');
  return `# stdio connectors through the gateway, benchmark (brAInwav)

${headerLine(r)}
Entries: ${r.entry}; deployed settings ${JSON.stringify(r.settings)}. Upstream: \`@modelcontextprotocol/server-everything dist/index.js stdio\` (and server-memory for RSS), spawned by the gateway through @cortex-os/stdio-supervisor from the local manifest (startup lazy).

## 1. Cold start to the first tools/list (ms)

Gateway: a fresh connectors server (already ready, no child yet) → stock SDK client connects to \`/mcp\` over Streamable HTTP and lists tools; the first aggregate tools/list spawns the child, initializes it and lists its tools. Direct: \`StdioClientTransport\` spawns the same server and lists tools.

| side | n | median | p99 | min | max |
|---|---|---|---|---|---|
${cold('direct (SDK StdioClientTransport)', c.direct)}
${cold('gateway in-process (buildApp)', c.inProcess)}
${cold('gateway as deployed (own process)', c.deployed)}

Ratios gateway/direct: in-process **${c.inProcessRatio}**, deployed **${c.deployedRatio}**. Children left after their gateway closed: ${c.leftoverChildren}.

## 2. Tool-call latency, \`echo\`, sequential (ms)

${t.warmupCalls} warm-up calls per side${t.steadyWarmupCalls ? ` (${t.steadyWarmupCalls} alternating with the other side, then 500 sequential: steady state, see stdio.bench.ts)` : ''}, then ${t.rounds} rounds of ${t.callsPerSidePerRound} calls per side interleaved in blocks of 100; the round with the median added p50 shown.

| path | p50 | p99 | mean | n |
|---|---|---|---|---|
${lat('in-process, stock client', t.inProcess)}
${lat('deployed, stock client', t.deployed)}
${lat('in-process, bridge client', t.inProcessBridge)}
${lat('deployed, bridge client', t.deployedBridge)}
| reference: in-process gateway /mcp | ${t.httpReference.median.gateway.p50} | ${t.httpReference.median.gateway.p99} | ${t.httpReference.median.gateway.mean} | ${t.httpReference.median.gateway.n} |
| reference: bare SDK McpServer echo over Streamable HTTP (in-process) | ${t.httpReference.median.direct.p50} | ${t.httpReference.median.direct.p99} | ${t.httpReference.median.direct.mean} | ${t.httpReference.median.direct.n} |

Direct stdio is the SDK \`Client\` over \`StdioClientTransport\`. To the gateway, the same SDK \`Client\` over the stock \`StreamableHTTPClientTransport\` (WHATWG fetch) or over mcp-bridge's \`NodeHttpClientTransport\` (Node \`http\`, keep-alive; the transport agents use). The stock transport's own cost is on the client side, not in the gateway (see the reference below).

- Bridge client, in-process: added p50 **${t.inProcessBridge.addedP50Ms} ms** (paired blocks ${t.inProcessBridge.addedP50PairedMs} ms; rounds ${rounds(t.inProcessBridge)}): target ≤ ${r.targets.addedP50MaxMs} ms ${mark(r.targets.bridgeInProcessMet)}.
- Bridge client, deployed: added p50 **${t.deployedBridge.addedP50Ms} ms** (paired blocks ${t.deployedBridge.addedP50PairedMs} ms; rounds ${rounds(t.deployedBridge)}): target ≤ ${r.targets.addedP50MaxMs} ms ${mark(r.targets.bridgeDeployedMet)}.
- Stock client, in-process: added p50 **${t.inProcess.addedP50Ms} ms** (paired blocks ${t.inProcess.addedP50PairedMs} ms; rounds ${rounds(t.inProcess)}): target ≤ ${r.targets.addedP50MaxMs} ms ${mark(r.targets.inProcessMet)}.
- Stock client, deployed: added p50 **${t.deployed.addedP50Ms} ms** (paired blocks ${t.deployed.addedP50PairedMs} ms; rounds ${rounds(t.deployed)}): target ≤ ${r.targets.addedP50MaxMs} ms ${mark(r.targets.deployedMet)}. The deployed server wrote ${t.deployedLogLines} log lines during the stock-client rounds.
- Reference (not the target): the in-process gateway (→ stdio child) beside a bare SDK McpServer echo over Streamable HTTP in the same process, the same stock client transport on both sides: added p50 **${t.httpReference.addedP50Ms} ms** (paired ${t.httpReference.addedP50PairedMs} ms; rounds ${rounds(t.httpReference)}). Bare Streamable HTTP p50 minus direct stdio p50 (in-process round): ${round3(t.httpReference.median.direct.p50 - t.inProcess.median.direct.p50)} ms, the floor any HTTP gateway adds over a stdio pipe with this client.
- The stock SDK HTTP client raised ${t.stockClientAbortListenerWarnings} MaxListenersExceededWarning (one abort listener per request on its session signal, in this benchmark process, not the gateway).
- Where the gateway's time goes (CPU profiles of this path, what was fixed, what is left): [profile.md](profile.md).

## 3. RSS with ${rss.connectors} stdio connectors (server-memory, all started)

Deployed connectors server; one tool (\`read_graph\`) called on each connector through \`/mcp\` (${rss.toolsListed} tools listed${rss.allListedMs === undefined ? '' : `; every connector listed ${rss.allListedMs} ms after the first tools/list, ${rss.listCalls} tools/list calls: the first answers with what started within the gateway's initial-load deadline`}).

| | MB |
|---|---|
| gateway RSS before (ready, no child) | ${rss.gatewayBeforeMb} |
| gateway RSS after (${rss.childrenCount} children running) | ${rss.gatewayAfterMb} (${rss.gatewayDeltaMb >= 0 ? '+' : ''}${rss.gatewayDeltaMb}) |
| children total RSS (/proc, ${rss.childrenCount} processes) | ${rss.childrenTotalMb} (${rss.childrenPerChildMb} each) |
`;
}
