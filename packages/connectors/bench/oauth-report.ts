/** oauth-bench.json shape, the figures quoted from the token and policy benches, and the Markdown summary. */
import type { BenchRun } from './report-header.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { median, round } from '../../asbr/bench/http-rounds.js';
import type { RunFigures } from './oauth-load.js';

/** One side's measurements in one round. */
export interface SideRound {
  readonly loaded: RunFigures;
  readonly sequential: RunFigures;
  /** Server CPU per loaded call, µs (in-process: the whole benchmark process). */
  readonly cpuMicrosPerCall: number;
}

/** Medians over rounds of one configuration. */
export interface ConfigFigures {
  readonly label: string;
  readonly rounds: number;
  readonly callsPerSecMedian: number;
  /** Sequential run (one in flight). */
  readonly p50MsMedian: number;
  readonly p99MsMedian: number;
  /** Under load (in-flight callers). */
  readonly loadedP50MsMedian: number;
  readonly loadedP99MsMedian: number;
  readonly cpuMicrosPerCallMedian: number;
  readonly calls: number;
  readonly perRound: readonly SideRound[];
}

/** Sanity facts of a mode, measured before the rounds (values, not timings). */
export interface ModeChecks {
  /** Tools `tools/list` shows each side's principal. */
  readonly toolsA: readonly string[];
  readonly toolsB: readonly string[];
  /** `echo` with a text the CEL condition refuses: A allows it, B answers POLICY_DENIED. */
  readonly offPrefixCallA: string;
  readonly offPrefixCallB: string;
  /** HTTP status of B's `/mcp` to the API key (B takes tokens only). */
  readonly apiKeyOnB: number;
  /** `brainwav_mcp_policy_decisions_total` of B's connector during the rounds, and B's calls then. */
  readonly policyAllowsDuringRounds: number;
  readonly policyDeniesDuringRounds: number;
  readonly callsOnBDuringRounds: number;
}

/** One mode's comparison. */
export interface ModeResult {
  readonly mode: 'in-process' | 'deployed';
  readonly entry: string;
  readonly settings: Record<string, string>;
  readonly loadAveragePerRound: readonly number[];
  readonly a: ConfigFigures;
  readonly b: ConfigFigures;
  /** median calls/s of B ÷ median calls/s of A. */
  readonly ratio: number;
  readonly pairedRatios: readonly number[];
  readonly pairedRatioMedian: number;
  /** B − A, sequential p50 / p99 and CPU per call. */
  readonly addedP50Ms: number;
  readonly addedP99Ms: number;
  readonly addedCpuMicrosPerCall: number;
  /** CPU per call of A ÷ of B (1 = B costs nothing extra; deployed: the serving process only). */
  readonly cpuCostRatio: number;
  readonly checks: ModeChecks;
  readonly lines: Record<string, number>;
}

/** Figures of the other issue-11 benches, quoted from their verification files (not re-measured). */
export interface QuotedFigures {
  readonly tokenBench: { at: string; firstTimeP50Us: number; cacheHitP50Us: number; apiKeyP50Us: number };
  readonly policyBench: { at: string; decide200P50Us: number; decide1P50Us: number; listFilterP50Ms: number };
}

/** What verification/connectors/oauth-bench.json holds. */
export interface OAuthBenchReport extends BenchRun {
  options: { inFlight: number; durationS: number; slices: number; rounds: number; sequentialCalls: number };
  configs: { A: string; B: string };
  policy: { rules: number; callRule: string; condition: string };
  modes: ModeResult[];
  quoted: QuotedFigures;
  target: { ratioMin: number; met: Record<string, boolean> };
}

/** Medians over rounds of one configuration's measurements. */
export function configFigures(label: string, rounds: SideRound[]): ConfigFigures {
  const m = (pick: (r: SideRound) => number, digits = 3) => round(median(rounds.map(pick)), digits);
  return {
    label,
    rounds: rounds.length,
    callsPerSecMedian: m((r) => r.loaded.callsPerSec, 0),
    p50MsMedian: m((r) => r.sequential.p50Ms),
    p99MsMedian: m((r) => r.sequential.p99Ms),
    loadedP50MsMedian: m((r) => r.loaded.p50Ms),
    loadedP99MsMedian: m((r) => r.loaded.p99Ms),
    cpuMicrosPerCallMedian: m((r) => r.cpuMicrosPerCall, 1),
    calls: rounds.reduce((sum, r) => sum + r.loaded.calls + r.sequential.calls, 0),
    perRound: rounds,
  };
}

function row(file: string, pick: (rows: { case: string; p50: number }[]) => number): number {
  const rows = (JSON.parse(readFileSync(file, 'utf8')) as { rows: { case: string; p50: number }[] }).rows;
  return pick(rows);
}

const p50Of = (rows: { case: string; p50: number }[], prefix: string): number =>
  rows.find((r) => r.case.startsWith(prefix))?.p50 ?? Number.NaN;

/** Reads the token bench (server-kit) and the policy bench figures from `verificationDir`. */
export function quotedFigures(verificationDir: string): QuotedFigures {
  const token = join(verificationDir, 'server-kit/token-bench.json');
  const policy = join(verificationDir, 'policy/policy-bench.json');
  const date = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { date: string }).date;
  return {
    tokenBench: {
      at: date(token),
      firstTimeP50Us: row(token, (r) => p50Of(r, 'OAuth, first-time')),
      cacheHitP50Us: row(token, (r) => p50Of(r, 'OAuth, verified-token cache hit')),
      apiKeyP50Us: row(token, (r) => p50Of(r, 'API key')),
    },
    policyBench: {
      at: date(policy),
      decide200P50Us: row(policy, (r) => p50Of(r, 'decide, 200 rules (target)')),
      decide1P50Us: row(policy, (r) => p50Of(r, 'decide, 1 rule')),
      listFilterP50Ms: row(policy, (r) => p50Of(r, 'tools/list filter, 650 tools, 200 rules (target)')),
    },
  };
}

const mark = (ok: boolean): string => (ok ? 'met' : 'NOT met');

function tableRows(m: ModeResult): string {
  const load = `${Math.min(...m.loadAveragePerRound)}–${Math.max(...m.loadAveragePerRound)}`;
  const line = (c: ConfigFigures, ratio: string) =>
    `| ${m.mode} | ${c.label} | ${c.callsPerSecMedian} | ${c.p50MsMedian} | ${c.p99MsMedian} | ${c.loadedP50MsMedian} / ${c.loadedP99MsMedian} | ${c.cpuMicrosPerCallMedian} | ${ratio} | ${c.rounds} | ${load} |`;
  return [line(m.a, '—'), line(m.b, `**${m.ratio}**`)].join('\n');
}

function modeNotes(m: ModeResult, ratioMin: number): string {
  const c = m.checks;
  return `- **${m.mode}** (${m.entry}; ${JSON.stringify(m.settings)}): B/A throughput **${m.ratio}** (paired per round ${m.pairedRatios.join(', ')}, median ${m.pairedRatioMedian}; target ≥ ${ratioMin}: ${mark(m.ratio >= ratioMin)}); added p50 **${m.addedP50Ms} ms**, added p99 ${m.addedP99Ms} ms, added CPU ${m.addedCpuMicrosPerCall} µs/call (CPU-cost ratio A/B ${m.cpuCostRatio}). Checks: A lists ${c.toolsA.length} tools, B lists ${JSON.stringify(c.toolsB)}; echo with a text outside the CEL condition: A \`${c.offPrefixCallA}\`, B \`${c.offPrefixCallB}\`; the API key on B's /mcp: HTTP ${c.apiKeyOnB}; B's policy decisions during the rounds: ${c.policyAllowsDuringRounds} allow, ${c.policyDeniesDuringRounds} deny for ${c.callsOnBDuringRounds} calls.${Object.keys(m.lines).length ? ` Lines written: ${JSON.stringify(m.lines)}.` : ''}`;
}

/** The Markdown written next to oauth-bench.json. */
export function renderOAuthMarkdown(r: OAuthBenchReport): string {
  const q = r.quoted;
  return `# gateway call throughput: OAuth + policy vs API key without policy (brAInwav, issue 11)

${r.at}, Node ${r.node}, ${r.cpus} CPUs shared with other work (1-min load average ${r.loadAverageAtStart.join(' / ')} at start, ${r.loadAverageAtEnd.join(' / ')} at the end).

- **A**: ${r.configs.A}
- **B**: ${r.configs.B}

Same upstream (the mcp-bridge fixture server, tool \`echo\`, in the benchmark process), same map, same load: raw
JSON-RPC \`tools/call\` of \`fixtures__echo\` POSTed over keep-alive node:http on one MCP session per side,
${r.options.inFlight} in flight for ${r.options.durationS} s per side and round (calls/s, loaded p50/p99), then ${r.options.sequentialCalls} sequential calls (p50, p99).
Every answer is checked (HTTP 200, a \`result\`, not \`isError\`). A and B run side by side, alternating: within a round
the ${r.options.durationS} s of each side are ${r.options.slices} slices taken A, B, B, A, … (so other work on the shared cores falls on both),
the order flips every round; ${r.options.rounds} rounds after a warm-up; figures are medians over rounds. The policy: ${r.policy.rules} rules (the policy bench's
synthetic ones with one connector's rules replaced by the real connector's); calls are allowed by \`${r.policy.callRule}\`
(phase call, \`when: ${r.policy.condition}\`).

| mode | config | calls/s (median) | p50 ms | p99 ms | loaded p50 / p99 ms | CPU µs/call | ratio B/A | rounds | load average |
|---|---|---|---|---|---|---|---|---|---|
${r.modes.map(tableRows).join('\n')}

${r.modes.map((m) => modeNotes(m, r.target.ratioMin)).join('\n')}

CPU µs/call: deployed — the serving connectors process (from /proc); in-process — the whole benchmark process
(load generator and upstream included), so only its difference B − A is the servers'.

Not re-measured here (quoted): token verification (verification/server-kit/token-bench.md, ${q.tokenBench.at}):
first-time RS256 verification p50 ${q.tokenBench.firstTimeP50Us} µs, verified-token cache hit ${q.tokenBench.cacheHitP50Us} µs, API key ${q.tokenBench.apiKeyP50Us} µs
(B's one token per session is a cache hit on every call after the first). Policy decision (verification/policy/policy-bench.md,
${q.policyBench.at}): decide with 200 rules p50 ${q.policyBench.decide200P50Us} µs (1 rule ${q.policyBench.decide1P50Us} µs), tools/list filter over 650 tools ${q.policyBench.listFilterP50Ms} ms.
`;
}
