/**
 * brAInwav issue-11 throughput benchmark: gateway `tools/call` throughput with OAuth + a 200-rule policy (B) ÷ with
 * the API key and no policy (A), side by side in one run, in-process and as deployed (oauth-stack.ts). Writes
 * verification/connectors/oauth-bench.{json,md} and prints the summary.
 * Env: BENCH_DURATION_S (5 s of load per side and round), BENCH_SLICES (5: A and B alternate in 1 s slices),
 * BENCH_ROUNDS (5), BENCH_SEQUENTIAL (300), BENCH_MODES (`in-process,deployed`),
 * BENCH_CPU_PROF_DIR (V8 CPU profiles of the deployed servers; such a run prints its figures, writes none).
 */
import { benchRun, loadAverage } from './report-header.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFixtureServer } from '@cortex-os/mcp-bridge/testing';
import { median, round } from '../../asbr/bench/http-rounds.js';
import { startBenchIssuer, BENCH_TOKEN_SCOPE, type BenchIssuer } from './oauth-issuer.js';
import {
  loadedRun,
  loadedSlice,
  newTally,
  openBenchSession,
  rpcOf,
  sequentialRun,
  tallyFigures,
  type BenchSession,
  type RunFigures,
} from './oauth-load.js';
import {
  BENCH_CALL_RULE,
  BENCH_CONNECTOR,
  BENCH_ROLE,
  BENCH_TEXT_PREFIX,
  oauthBenchPolicy,
} from './oauth-policy.js';
import {
  configFigures,
  quotedFigures,
  renderOAuthMarkdown,
  type ModeChecks,
  type ModeResult,
  type OAuthBenchReport,
  type SideRound,
} from './oauth-report.js';
import {
  BENCH_MCP_KEY,
  startDeployedPair,
  startInProcessPair,
  type BenchPair,
  type BenchServer,
} from './oauth-stack.js';

const VERIFICATION = fileURLToPath(new URL('../../../verification/', import.meta.url));
const OUT_DIR = join(VERIFICATION, 'connectors');
const OPTIONS = {
  inFlight: 16,
  durationS: Number(process.env.BENCH_DURATION_S ?? '5'),
  rounds: Number(process.env.BENCH_ROUNDS ?? '5'),
  sequentialCalls: Number(process.env.BENCH_SEQUENTIAL ?? '300'),
  slices: Number(process.env.BENCH_SLICES ?? '5'),
};
const MODES = (process.env.BENCH_MODES ?? 'in-process,deployed').split(',') as BenchPair['mode'][];
const RATIO_MIN = 0.9;
const CALL = { tool: `${BENCH_CONNECTOR}__echo`, text: `${BENCH_TEXT_PREFIX} bench` };
const load1 = (): number => round(loadavg()[0]!, 2);

type Side = 'a' | 'b';
interface Sides {
  readonly server: Record<Side, BenchServer>;
  readonly session: Record<Side, BenchSession>;
}

/** `brainwav_mcp_policy_decisions_total{decision}` of the bench connector on `base`. */
async function decisions(base: string): Promise<{ allow: number; deny: number }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const count = (decision: string): number =>
    text
      .split('\n')
      .filter(
        (l) =>
          l.startsWith('brainwav_mcp_policy_decisions_total{') &&
          l.includes(`decision="${decision}"`) &&
          l.includes(`connector="${BENCH_CONNECTOR}"`),
      )
      .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  return { allow: count('allow'), deny: count('deny') };
}

/** What a call outside the CEL condition gets: `allowed`, or `isError <code> <ruleId>`. */
async function offPrefixOutcome(session: BenchSession): Promise<string> {
  const result = rpcOf(await session.call(CALL.tool, 'not the prefix')).result as {
    isError?: boolean;
    _meta?: Record<string, { code?: string; ruleId?: string }>;
  };
  if (!result?.isError) return 'allowed';
  const meta = result._meta?.['io.brainwav/error'];
  return `isError ${meta?.code ?? '?'}${meta?.ruleId ? ` ${meta.ruleId}` : ''}`;
}

async function apiKeyStatus(base: string): Promise<number> {
  const res = await fetch(`${base}/mcp`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${BENCH_MCP_KEY}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  });
  await res.text();
  return res.status;
}

/**
 * One round: each side gets `durationS` of load in `slices` slices, A and B alternating slice by slice (ABBA
 * across slices and rounds, so load that other work puts on the shared cores falls on both), then the
 * sequential run of each side.
 */
async function measureRound(sides: Sides, index: number): Promise<Record<Side, SideRound>> {
  const { session, server } = sides;
  const tally = { a: newTally(), b: newTally() };
  const cpu = { a: 0, b: 0 };
  const order = (k: number) => (k % 2 === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const));
  for (let slice = 0; slice < OPTIONS.slices; slice += 1) {
    for (const side of order(index + slice)) {
      const before = server[side].cpuMicros();
      await loadedSlice(
        session[side],
        CALL,
        OPTIONS.inFlight,
        OPTIONS.durationS / OPTIONS.slices,
        tally[side],
      );
      cpu[side] += server[side].cpuMicros() - before;
    }
  }
  const sequential = { a: undefined as RunFigures | undefined, b: undefined as RunFigures | undefined };
  for (const side of order(index))
    sequential[side] = await sequentialRun(session[side], CALL, OPTIONS.sequentialCalls);
  const result = (side: Side): SideRound => {
    const loaded = tallyFigures(tally[side]);
    return {
      loaded,
      sequential: sequential[side]!,
      cpuMicrosPerCall: round(cpu[side] / Math.max(1, loaded.calls), 1),
    };
  };
  return { a: result('a'), b: result('b') };
}

/** Warm-up, then the ABBA rounds; B's policy decisions are read around the rounds. */
async function rounds(sides: Sides, b: BenchServer) {
  for (const side of ['a', 'b'] as const) {
    await loadedRun(sides.session[side], CALL, OPTIONS.inFlight, 3);
    await sequentialRun(sides.session[side], CALL, 200);
  }
  const before = await decisions(b.base);
  const results: Record<Side, SideRound[]> = { a: [], b: [] };
  const loadAverage: number[] = [];
  for (let i = 0; i < OPTIONS.rounds; i += 1) {
    loadAverage.push(load1());
    const measured = await measureRound(sides, i);
    results.a.push(measured.a);
    results.b.push(measured.b);
    process.stdout.write(
      `  round ${i + 1}: A ${results.a[i]!.loaded.callsPerSec}/s, B ${results.b[i]!.loaded.callsPerSec}/s (load ${load1()})\n`,
    );
  }
  const after = await decisions(b.base);
  return { results, loadAverage, before, after };
}

async function measureMode(pair: BenchPair, issuer: BenchIssuer): Promise<ModeResult> {
  const token = await issuer.token(`${pair.b.base}/mcp`);
  const session = {
    a: await openBenchSession(`${pair.a.base}/mcp`, `Bearer ${BENCH_MCP_KEY}`, OPTIONS.inFlight),
    b: await openBenchSession(`${pair.b.base}/mcp`, `Bearer ${token}`, OPTIONS.inFlight),
  };
  try {
    const sides: Sides = { server: { a: pair.a, b: pair.b }, session };
    const early = {
      toolsA: await session.a.listTools(),
      toolsB: await session.b.listTools(),
      offPrefixCallA: await offPrefixOutcome(session.a),
      offPrefixCallB: await offPrefixOutcome(session.b),
      apiKeyOnB: await apiKeyStatus(pair.b.base),
    };
    const { results, loadAverage, before, after } = await rounds(sides, pair.b);
    const a = configFigures('A: API key, no policy', results.a);
    const b = configFigures('B: OAuth + 200-rule policy', results.b);
    const pairedRatios = results.b.map((r, i) =>
      round(r.loaded.callsPerSec / results.a[i]!.loaded.callsPerSec),
    );
    const checks: ModeChecks = {
      ...early,
      policyAllowsDuringRounds: after.allow - before.allow,
      policyDeniesDuringRounds: after.deny - before.deny,
      callsOnBDuringRounds: b.calls,
    };
    return {
      mode: pair.mode,
      entry: pair.entry,
      settings: pair.settings,
      loadAveragePerRound: loadAverage,
      a,
      b,
      ratio: round(b.callsPerSecMedian / a.callsPerSecMedian),
      pairedRatios,
      pairedRatioMedian: round(median(pairedRatios)),
      addedP50Ms: round(b.p50MsMedian - a.p50MsMedian),
      addedP99Ms: round(b.p99MsMedian - a.p99MsMedian),
      addedCpuMicrosPerCall: round(b.cpuMicrosPerCallMedian - a.cpuMicrosPerCallMedian, 1),
      cpuCostRatio: round(a.cpuMicrosPerCallMedian / b.cpuMicrosPerCallMedian),
      checks,
      lines: pair.lines(),
    };
  } finally {
    await session.a.close();
    await session.b.close();
  }
}

async function runMode(mode: BenchPair['mode'], upstream: string, issuer: BenchIssuer): Promise<ModeResult> {
  process.stdout.write(`brAInwav oauth bench: ${mode}\n`);
  const pair =
    mode === 'deployed'
      ? await startDeployedPair(upstream, issuer.issuer)
      : await startInProcessPair(upstream, issuer.issuer);
  try {
    return await measureMode(pair, issuer);
  } finally {
    await pair.stop();
  }
}

function report(modes: ModeResult[], loadAverageAtStart: number[]): OAuthBenchReport {
  const policy = oauthBenchPolicy();
  const callRule = policy.rules.find((r) => r.id === BENCH_CALL_RULE)!;
  return {
    ...benchRun(loadAverageAtStart),
    options: OPTIONS,
    configs: {
      A: '`MCP_AUTH=apiKey`, no policy file (unrestricted); the client sends `Authorization: Bearer <MCP_API_KEY>`.',
      B: `\`MCP_AUTH=oauth\` with the dev-auth issuer (in the benchmark process), \`CONNECTORS_POLICY_FILE\` = ${policy.rules.length} rules; the client sends a dev-auth client-credentials access token (RS256 JWT, aud \`<base>/mcp\`, roles ["${BENCH_ROLE}"], scope "${BENCH_TOKEN_SCOPE}").`,
    },
    policy: { rules: policy.rules.length, callRule: BENCH_CALL_RULE, condition: callRule.when ?? '' },
    modes,
    quoted: quotedFigures(VERIFICATION),
    target: {
      ratioMin: RATIO_MIN,
      met: Object.fromEntries(modes.map((m) => [m.mode, m.ratio >= RATIO_MIN])),
    },
  };
}

async function main(): Promise<void> {
  const loadAverageAtStart = loadAverage();
  const fixture = await startFixtureServer({ recordHeaders: false });
  const issuer = await startBenchIssuer();
  try {
    const modes: ModeResult[] = [];
    for (const mode of MODES) modes.push(await runMode(mode, fixture.url, issuer));
    const result = report(modes, loadAverageAtStart);
    // a profiled run (BENCH_CPU_PROF_DIR) is slowed by the profiler: printed, not recorded
    if (process.env.BENCH_CPU_PROF_DIR) return void process.stdout.write(renderOAuthMarkdown(result));
    mkdirSync(OUT_DIR, { recursive: true });
    writeFileSync(join(OUT_DIR, 'oauth-bench.json'), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(join(OUT_DIR, 'oauth-bench.md'), renderOAuthMarkdown(result));
    process.stdout.write(renderOAuthMarkdown(result));
  } finally {
    await issuer.close();
    await fixture.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
