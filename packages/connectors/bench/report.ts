/** bench.json shape and Markdown summary of the connectors server benchmark. */
import { headerLine, type BenchHeader } from './report-header.js';
import type { Comparison } from '../../asbr/bench/http-rounds.js';
import type { SseFigures } from './sse.js';

/** What verification/connectors/bench.json holds. */
export interface ConnectorsBenchReport extends BenchHeader {
  options: { connections: number; durationS: number; rounds: number };
  list: Comparison & { bytes: number };
  /** The same route with `CONNECTORS_LIST_FAST_LANE=false` (every request through Fastify's hooks). */
  listWithoutLane: Comparison;
  toolCall: Comparison;
  sse: { deployed: SseFigures; bare: SseFigures; ratio: number };
  targets: {
    ratioMin: number;
    p99MaxMs: number;
    listRatioMet: boolean;
    listP99Met: boolean;
    toolCallRatioMet: boolean;
    sseRatioMet: boolean;
  };
}

const mark = (ok: boolean): string => (ok ? 'met' : 'NOT met');

function row(name: string, c: Comparison, baseline: string): string {
  const t = c.target;
  const b = c.baseline;
  return [
    `| ${name} (deployed) | ${t.reqPerSecMedian} | ${t.p50MsMedian} | ${t.p99MsMedian} | ${t.serverCpuMicrosPerReqMedian} | ${t.non2xxOrErrors} |`,
    `| ${baseline} | ${b.reqPerSecMedian} | ${b.p50MsMedian} | ${b.p99MsMedian} | ${b.serverCpuMicrosPerReqMedian || '—'} | ${b.non2xxOrErrors} |`,
  ].join('\n');
}

/** The Markdown written next to bench.json. */
export function renderMarkdown(r: ConnectorsBenchReport): string {
  const { list, listWithoutLane: noLane, toolCall, sse, targets } = r;
  return `# connectors server benchmark, as deployed (brAInwav)

${headerLine(r)}
The stack \`npm start\` runs (stack.ts): asbr and the connectors server each in its own process from their own entries (${r.entry}), NODE_ENV=production, API keys, audit file, spans on (no exporter), logs to files; settings ${JSON.stringify(r.settings)}. Baselines run in their own processes too. autocannon, ${r.options.rounds} ABBA rounds of ${r.options.durationS} s per side (medians).

| route | req/s | p50 ms | p99 ms | server CPU µs/req | non-2xx/errors |
|---|---|---|---|---|---|
${row(`GET /v1/connectors (${list.bytes} B, 50 connections)`, list, 'bare Fastify process, same bytes')}
| GET /v1/connectors, CONNECTORS_LIST_FAST_LANE=false (deployed) | ${noLane.target.reqPerSecMedian} | ${noLane.target.p50MsMedian} | ${noLane.target.p99MsMedian} | ${noLane.target.serverCpuMicrosPerReqMedian} | ${noLane.target.non2xxOrErrors} |
${row('POST /v1/connectors/everything/tools/echo/call (16 connections)', toolCall, 'the upstream called directly (tools/call on one session)')}

- REST list ratio **${list.ratio}** (paired ${list.pairedRatios.join(', ')}; target ≥ ${targets.ratioMin}: ${mark(targets.listRatioMet)}), CPU-cost ratio ${list.cpuEfficiencyRatio}, p99 ${list.target.p99MsMedian} ms (≤ ${targets.p99MaxMs}: ${mark(targets.listP99Met)}).
- Without the fast lane (every request through Fastify's hooks and per-request logger, the pre-lane configuration): ratio ${noLane.ratio} (paired ${noLane.pairedRatios.join(', ')}), CPU-cost ratio ${noLane.cpuEfficiencyRatio}, p99 ${noLane.target.p99MsMedian} ms; the lane answers the cached 200s of valid keys (tests/list-fast-lane.test.ts shows the same bytes and headers as the route).
- REST tool call ratio **${toolCall.ratio}** vs calling the upstream directly (paired ${toolCall.pairedRatios.join(', ')}; ≥ ${targets.ratioMin}: ${mark(targets.toolCallRatioMet)}).
- SSE \`GET /v1/connectors/events\`, ${sse.deployed.connections} sequential connections to the first event: **${sse.deployed.perSecond}/s** (first event p50 ${sse.deployed.firstEventP50Ms} ms, p99 ${sse.deployed.firstEventP99Ms} ms) vs a bare Fastify SSE route ${sse.bare.perSecond}/s (p50 ${sse.bare.firstEventP50Ms} ms): ratio **${sse.ratio}** (≥ ${targets.ratioMin}: ${mark(targets.sseRatioMet)}).
`;
}
