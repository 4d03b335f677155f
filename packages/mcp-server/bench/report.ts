/** Markdown rendering of the brAInwav gateway benchmark result. */
import type { DeployedResult } from './deployed.js';
import type { PolicyBenchResult } from './policy.js';
export function markdown(r: {
  generatedAt: string;
  loadAverage: number[];
  cpus: number;
  node: string;
  a: {
    direct: { p50: number; p99: number };
    gateway: { p50: number; p99: number };
    addedP50Ms: number;
    addedRounds: number[];
    cpuMsPerCall: { direct: number; gateway: number; added: number };
    pass: boolean;
  };
  hop: {
    bareSdk: { p50: number; cpuMs: number };
    gateway: { p50: number; cpuMs: number };
    addedP50Ms: number;
    addedCpuMs: number;
  };
  b: { directCallsPerS: number; gatewayCallsPerS: number; ratio: number; pass: boolean };
  separate: DeployedResult & { passA: boolean; passB: boolean };
  c: {
    gateway50: { p50: number; p99: number };
    direct1: { p50: number; p99: number };
    sdkClient: { gateway50: { p50: number }; direct1: { p50: number } };
    toolsListed: number;
    payloadBytes: number;
    pass: boolean;
  };
  d: {
    samples: Array<{ calls: number; rssMb: number; heapMb: number }>;
    heapGrowthMb: number;
    rssGrowthSecondHalfMb: number;
    gcExposed: boolean;
    pass: boolean;
  };
  /** Row (e); absent in results written before issue 11. */
  e?: PolicyBenchResult & { generatedAt: string; loadAverage: number[] };
}): string {
  const ok = (pass: boolean): string => (pass ? 'PASS' : 'FAIL');
  const m = r.separate.median;
  return [
    `# brAInwav MCP gateway benchmark`,
    ``,
    `${r.generatedAt}, Node ${r.node}, upstream server-everything (streamableHttp, separate process).`,
    `Rows "as deployed" call the stack \`npm start\` runs: the connectors server and asbr each in its own process from their`,
    `own entries (${r.separate.entry}), NODE_ENV=production, MCP API key, access log (${r.separate.settings.LOG_ACCESS}), audit file,`,
    `spans on (no exporter), logs to files; settings ${JSON.stringify(r.separate.settings)}. The in-process rows put the MCP`,
    `client, the gateway and its proxy in one Node process (one core for all three).`,
    ``,
    `| case | baseline (direct) | target (gateway) | result | target | verdict |`,
    `|---|---|---|---|---|---|`,
    `| (a) as deployed: 1,000 sequential echo, ms (median of 3 rounds) | p50 ${m.direct.p50} / p99 ${m.direct.p99} | p50 ${m.gateway.p50} / p99 ${m.gateway.p99} | added p50 ${m.addedP50Ms} ms (rounds ${r.separate.latencyRounds.map((x) => x.addedP50Ms).join(', ')}; median of paired blocks ${m.addedP50PairedMs}) | ≤ 1.5 ms | ${ok(r.separate.passA)} |`,
    `| (b) as deployed: echo calls/s, 16 in flight (median of 3 paired rounds) | ${r.separate.directCallsPerS} | ${r.separate.gatewayCallsPerS} | ratio ${r.separate.ratio} (rounds ${r.separate.rounds.map((x) => x.ratio).join(', ')}) | ≥ 0.8 | ${ok(r.separate.passB)} |`,
    `| (b') as deployed: connectors server CPU per gateway call, µs (median of the 3 rounds) | | ${r.separate.serverCpuMicrosPerCall} (rounds ${r.separate.rounds.map((x) => x.serverCpuMicrosPerCall).join(', ')}) | log lines ${r.separate.lines.log}, audit lines ${r.separate.lines.audit} for ${r.separate.lines.calls} calls | | |`,
    `| (a) in-process: 1,000 sequential echo, ms (median of 3 rounds) | p50 ${r.a.direct.p50} / p99 ${r.a.direct.p99} | p50 ${r.a.gateway.p50} / p99 ${r.a.gateway.p99} | added p50 ${r.a.addedP50Ms} ms (rounds ${r.a.addedRounds.join(', ')}) | ≤ 1 ms | ${ok(r.a.pass)} |`,
    `| (a') CPU ms per echo call (this process) | ${r.a.cpuMsPerCall.direct} | ${r.a.cpuMsPerCall.gateway} | added ${r.a.cpuMsPerCall.added} ms | (load-independent view of (a)) | |`,
    `| (a'') one MCP hop, sequential echo: bare SDK McpServer vs gateway aggregate with in-memory proxy, ms | p50 ${r.hop.bareSdk.p50}, CPU ${r.hop.bareSdk.cpuMs}/call | p50 ${r.hop.gateway.p50}, CPU ${r.hop.gateway.cpuMs}/call | added p50 ${r.hop.addedP50Ms}, CPU ${r.hop.addedCpuMs} | gateway hop ≈ an SDK hop | |`,
    `| (b) in-process: echo calls/s, 16 in flight | ${r.b.directCallsPerS} | ${r.b.gatewayCallsPerS} | ratio ${r.b.ratio} | ≥ 0.5 | ${ok(r.b.pass)} |`,
    `| (c) tools/list over raw HTTP, ms (gateway: 50 connectors, ${r.c.toolsListed} tools, ${r.c.payloadBytes} B) | p50 ${r.c.direct1.p50} / p99 ${r.c.direct1.p99} (1 upstream) | p50 ${r.c.gateway50.p50} / p99 ${r.c.gateway50.p99} | serialized cache | p50 ≤ 2 ms | ${ok(r.c.pass)} |`,
    `| (c') tools/list via SDK Client (incl. client-side schema parsing), ms | p50 ${r.c.sdkClient.direct1.p50} | p50 ${r.c.sdkClient.gateway50.p50} | | | |`,
    `| (d) memory over 10,000 gateway calls (RSS / heap after GC) | | ${r.d.samples.map((s) => `${s.calls}: ${s.rssMb}/${s.heapMb} MB`).join(', ')} | heap ${r.d.heapGrowthMb >= 0 ? '+' : ''}${r.d.heapGrowthMb} MB over 10k; RSS median of 6k–10k vs 0–4k ${r.d.rssGrowthSecondHalfMb >= 0 ? '+' : ''}${r.d.rssGrowthSecondHalfMb} MB | flat (heap ≤ 5 MB, RSS ≤ 10 MB) | ${ok(r.d.pass)} |`,
    ...policyRows(r.e),
    ``,
    `GC forced before each RSS sample: ${r.d.gcExposed ? 'yes' : 'no (run with --expose-gc)'}. Machine load average at start: ${r.loadAverage.join(' / ')} on ${r.cpus} cores (wall-clock figures are load-sensitive).`,
    ``,
  ].join('\n');
}

function policyRows(
  e: (PolicyBenchResult & { generatedAt: string; loadAverage: number[] }) | undefined,
): string[] {
  if (!e) return [];
  const { noPolicy, policyOn } = e.call;
  return [
    `| (e) in-process, in-memory upstreams: sequential tools/call with a CEL-conditioned allow rule, ms (${e.rules}-rule policy, support principal; ${e.generatedAt}, load ${e.loadAverage.join(' / ')}) | no policy: p50 ${noPolicy.p50} / p99 ${noPolicy.p99}, CPU ${noPolicy.cpuMs}/call | policy on: p50 ${policyOn.p50} / p99 ${policyOn.p99}, CPU ${policyOn.cpuMs}/call | added p50 ${e.addedP50Ms}, CPU ${e.addedCpuMs} | decision ≪ a hop | |`,
    `| (e') tools/list over raw HTTP, ms (${e.tools} tools; policy on: the principal's cached filtered body) | no policy: p50 ${e.list.noPolicy.p50} / p99 ${e.list.noPolicy.p99} (${e.list.toolsNoPolicy} tools) | policy on: p50 ${e.list.policyOn.p50} / p99 ${e.list.policyOn.p99} (${e.list.toolsPolicyOn} tools) | uncached (a new list key per request: ${e.tools} list decisions + encode): p50 ${e.list.policyOnUncached.p50} / p99 ${e.list.policyOnUncached.p99} | | |`,
  ];
}
