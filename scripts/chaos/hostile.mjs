// Scenario: an upstream answering with a 50 MiB result, an endless SSE event, invalid JSON and a wrong JSON-RPC
// id; callers get a clear branded error, the connectors process stays within a memory bound, others are unaffected.
import { sampleEcho, sleep, loop, memoryOf, openSession, round } from './http.mjs';
import { checkUndisturbed, scenarioResult } from './result.mjs';

const HOSTILE = ['huge', 'endless', 'invalid', 'wrong-id'];

const textOf = (a) =>
  a.result?.content?.[0]?.text ??
  a.rpc?.error?.message ??
  (a.hung ? 'hung' : (a.error ?? `HTTP ${a.status}`));

export async function hostile(stack, o) {
  const r = scenarioResult(
    'hostile-upstream',
    `an upstream answering ${HOSTILE.join(', ')} (${o.hugeMiB} MiB result)`,
  );
  const pid = stack.pidOf('connectors');
  const other = await openSession(`${stack.base}/mcp`, stack.keys.mcp, 'chaos-bystander');
  const caller = await openSession(`${stack.base}/mcp`, stack.keys.mcp, 'chaos-hostile');
  const call = () => other.call('fixtures__echo', { text: 'bystander' }, 10_000);
  await sampleEcho(other, 300);
  const before = await sampleEcho(other, o.sampleMs);
  const memBefore = memoryOf(pid);
  const deadline = o.callTimeoutMs + 5_000;
  let finished = false;
  // one at a time, each once a normal call of the connector succeeds again: a bad answer may take the upstream
  // session down, and a call to a connector marked offline would only test the offline fallback
  const upWithin = o.breakerResetMs + o.probeIntervalMs + 2_000;
  const recoveries = [];
  const usable = async () => {
    const started = performance.now();
    while (performance.now() - started < upWithin) {
      if ((await caller.call('hostile__ok', {}, 5_000)).ok) return performance.now() - started;
      await sleep(100);
    }
    return undefined;
  };
  const cases = HOSTILE;
  const sequence = async () => {
    const answers = [];
    for (const t of cases) {
      recoveries.push(await usable());
      answers.push(await caller.call(`hostile__${t}`, {}, deadline));
    }
    recoveries.push(await usable());
    return answers;
  };
  const hostileCalls = sequence().finally(() => (finished = true));
  const during = loop(call, () => finished);
  const [answers, duringStats] = await Promise.all([hostileCalls, during]);
  const memAfter = memoryOf(pid);
  const control = await caller.call('hostile__ok', {}, 10_000);
  const peakGrowth = memAfter.peakMiB - memBefore.peakMiB;
  cases.forEach((tool, i) => {
    const a = answers[i];
    r.check(
      `hostile__${tool}: answered within ${deadline} ms`,
      !a.hung && !a.error,
      a.hung ? 'hung' : round(a.ms, 0),
      deadline,
    );
    const code = a.result?._meta?.['io.brainwav/error']?.code;
    r.check(
      `hostile__${tool}: the error names the bad answer, not the offline fallback`,
      code !== undefined && code !== 'UPSTREAM_UNAVAILABLE',
      code ?? 'none',
      'a code other than UPSTREAM_UNAVAILABLE',
    );
    r.check(
      `hostile__${tool}: a branded error to the caller`,
      a.status === 200 && a.result?.isError === true && textOf(a).startsWith('brAInwav: '),
      textOf(a).slice(0, 160),
      'isError, "brAInwav: …"',
    );
  });
  r.check(
    `connectors peak RSS growth (MiB, ≤ ${o.peakGrowthMiB})`,
    peakGrowth <= o.peakGrowthMiB,
    round(peakGrowth, 1),
    o.peakGrowthMiB,
  );
  const p50 = checkUndisturbed(r, 'bystander', 'the hostile calls', before, duringStats);
  r.check(
    `a normal hostile__ok call succeeds again within ${upWithin} ms after each bad answer`,
    recoveries.every((ms) => ms !== undefined),
    recoveries.map((ms) => (ms === undefined ? 'never' : round(ms, 0))).join(','),
    upWithin,
  );
  r.check(
    'the hostile connector still answers a normal call afterwards',
    control.ok,
    control.ok ? 'ok' : textOf(control).slice(0, 160),
    'ok',
  );
  Object.assign(r.figures, {
    hugeMiB: o.hugeMiB,
    cases,
    answers: Object.fromEntries(
      cases.map((t, i) => [
        t,
        {
          ms: round(answers[i].ms, 0),
          text: textOf(answers[i]).slice(0, 200),
          code: answers[i].result?._meta?.['io.brainwav/error']?.code ?? null,
        },
      ]),
    ),
    rssBeforeMiB: round(memBefore.rssMiB, 1),
    rssAfterMiB: round(memAfter.rssMiB, 1),
    peakRssGrowthMiB: round(peakGrowth, 1),
    bystanderP50BeforeMs: p50.before,
    bystanderP50DuringMs: p50.during,
    bystanderCallsDuring: duringStats.latencies.length,
    upAgainAfterMs: recoveries.map((ms) => (ms === undefined ? null : round(ms, 0))),
  });
  await Promise.all([other.close(), caller.close()]);
  return r.done();
}
