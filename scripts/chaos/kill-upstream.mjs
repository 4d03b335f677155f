// Scenario: kill an upstream (SIGKILL) under 16 in-flight calls; restart it.
import { gaugeReads, metric, openSession, percentile, PROXY_UP, round, sampleEcho, sleep } from './http.mjs';
import { checkUndisturbed, scenarioResult } from './result.mjs';

export async function killUpstream(stack, o) {
  const r = scenarioResult(
    'kill-upstream',
    `SIGKILL the "victim" upstream under ${o.inflight} in-flight calls, then restart it`,
  );
  const other = await openSession(`${stack.base}/mcp`, stack.keys.mcp, 'chaos-other');
  const victim = await openSession(`${stack.base}/mcp`, stack.keys.mcp, 'chaos-victim');
  await sampleEcho(other, 500); // warm-up
  const before = await sampleEcho(other, o.sampleMs);
  r.check(
    'victim gauge is 1 before the kill',
    (await metric(stack.base, PROXY_UP, { connector: 'victim' })) === 1,
    1,
    1,
  );
  const deadline = o.callTimeoutMs + 5_000;
  const inflight = Array.from({ length: o.inflight }, () =>
    victim.call('victim__slow', { ms: 20_000 }, deadline),
  );
  await sleep(300);
  const killedAt = performance.now();
  const during = sampleEcho(other, o.sampleMs);
  await stack.kill('victim');
  const [answers, duringStats, downMs] = await Promise.all([
    Promise.all(inflight),
    during,
    gaugeReads(stack.base, 'victim', 0, o.probeIntervalMs + o.downDebounceMs + 5_000),
  ]);
  const hung = answers.filter((a) => a.hung).length;
  const slowest = Math.max(...answers.map((a) => a.ms));
  const branded = answers.filter((a) =>
    /^brAInwav: /.test(a.result?.content?.[0]?.text ?? a.rpc?.error?.message ?? ''),
  ).length;
  r.check(`in-flight victim calls hung (client deadline ${deadline} ms)`, hung === 0, hung, 0);
  r.check(
    'in-flight victim calls answered with a branded error',
    branded === answers.length,
    branded,
    answers.length,
  );
  const p50 = checkUndisturbed(r, 'other connector', 'the kill', before, duringStats);
  const downLimit = o.probeIntervalMs + o.downDebounceMs;
  r.check(
    `gauge reads 0 after the kill (ms; probe interval ${o.probeIntervalMs} + down debounce ${o.downDebounceMs})`,
    downMs !== undefined && downMs <= downLimit,
    downMs === undefined ? 'never' : round(downMs, 0),
    downLimit,
  );
  const restartedAt = performance.now();
  await stack.restart('victim');
  const upLimit = o.breakerResetMs + o.probeIntervalMs;
  const upMs = await gaugeReads(stack.base, 'victim', 1, upLimit + 5_000);
  r.check(
    `gauge back to 1 after the restart (ms; breaker reset ${o.breakerResetMs} + one probe ${o.probeIntervalMs})`,
    upMs !== undefined && upMs <= upLimit,
    upMs === undefined ? 'never' : round(upMs, 0),
    upLimit,
  );
  const after = await victim.call('victim__echo', { text: 'back' }, 10_000);
  r.check(
    'a victim call succeeds after the restart',
    after.ok,
    after.ok ? 'ok' : (after.result?.content?.[0]?.text ?? after.status),
    'ok',
  );
  Object.assign(r.figures, {
    inflight: o.inflight,
    slowestInflightAnswerMs: round(slowest, 0),
    otherP50BeforeMs: p50.before,
    otherP50DuringMs: p50.during,
    otherP95BeforeMs: round(percentile(before.latencies, 95)),
    otherP95DuringMs: round(percentile(duringStats.latencies, 95)),
    otherCallsDuring: duringStats.latencies.length,
    gaugeZeroAfterMs: downMs === undefined ? null : round(downMs, 0),
    gaugeOneAfterRestartMs: upMs === undefined ? null : round(upMs, 0),
    restartTookMs: round(restartedAt - killedAt, 0),
    firstInflightError: answers[0]?.result?.content?.[0]?.text ?? answers[0]?.rpc?.error?.message ?? null,
  });
  await Promise.all([other.close(), victim.close()]);
  return r.done();
}
