// Scenario: broken manifests written to the file asbr watches while clients call tools continuously; then a good
// one. asbr must keep serving the last good map and no call may fail.
import { writeFileSync } from 'node:fs';
import { loop, metric, openSession, send, sleep } from './http.mjs';
import { scenarioResult } from './result.mjs';
import { manifestOf, policyOf } from './stack.mjs';

/** Broken manifests: not JSON, empty, schema-invalid (perHour < perMinute), a duplicate connector id. */
function brokenManifests(ports) {
  const good = manifestOf(ports, 'broken');
  const quotas = structuredClone(good);
  quotas.connectors[0].quotas = { perMinute: 60, perHour: 10 };
  const dup = structuredClone(good);
  dup.connectors.push(dup.connectors[0]);
  return [
    ['not JSON', '{"id": "brainwav-chaos", "connectors": ['],
    ['empty file', ''],
    ['perHour < perMinute', JSON.stringify(quotas)],
    ['duplicate connector id', JSON.stringify(dup)],
  ];
}

export async function hotReload(stack, o) {
  const r = scenarioResult(
    'hot-reload',
    'broken manifests under hot reload while 4 clients call tools; then a good one',
  );
  const failuresBefore = (await metric(stack.asbrUrl, 'brainwav_manifest_reload_failures_total')) ?? 0;
  let stop = false;
  const clients = await Promise.all(
    [0, 1, 2, 3].map((i) => openSession(`${stack.base}/mcp`, stack.keys.mcp, `chaos-reload-${i}`)),
  );
  const tools = ['fixtures__echo', 'everything__echo', 'fixtures__echo', 'victim__echo'];
  const running = clients.map((c, i) =>
    loop(
      () =>
        c.call(
          tools[i],
          tools[i] === 'everything__echo' ? { message: 'reload' } : { text: 'reload' },
          10_000,
        ),
      () => stop,
    ),
  );
  const readiness = [];
  for (const [what, text] of brokenManifests(stack.ports)) {
    writeFileSync(stack.manifestPath, text);
    await sleep(o.stepMs);
    const ready = await send(`${stack.asbrUrl}/readyz`, { method: 'GET', timeoutMs: 3000 });
    readiness.push({
      manifest: what,
      asbrReadyz: ready.status,
      state: JSON.parse(ready.text || '{}').status,
    });
  }
  writeFileSync(stack.manifestPath, JSON.stringify(manifestOf(stack.ports, '2'), null, 2));
  await sleep(o.stepMs + o.refreshIntervalMs);
  const mapAfter = await send(`${stack.base}/v1/connectors`, {
    method: 'GET',
    headers: { authorization: `Bearer ${stack.keys.rest}` },
    timeoutMs: 3000,
  });
  stop = true;
  const results = await Promise.all(running);
  const failuresAfter = (await metric(stack.asbrUrl, 'brainwav_manifest_reload_failures_total')) ?? 0;
  const calls = results.reduce((n, x) => n + x.latencies.length, 0);
  const failed = results.flatMap((x) => x.failures);
  const finalReady = await send(`${stack.asbrUrl}/readyz`, { method: 'GET', timeoutMs: 3000 });
  r.check('failed calls while manifests were broken', failed.length === 0, failed.length, 0);
  r.check(
    'asbr kept serving (readyz 200) for every broken manifest',
    readiness.every((x) => x.asbrReadyz === 200),
    readiness.map((x) => x.asbrReadyz).join(','),
    '200',
  );
  r.check(
    'asbr reported each broken manifest (reload failures counted)',
    failuresAfter - failuresBefore >= readiness.length,
    failuresAfter - failuresBefore,
    `≥ ${readiness.length}`,
  );
  const manifestVersion =
    JSON.parse(mapAfter.text || '{}').manifestVersion ??
    JSON.stringify(JSON.parse(mapAfter.text || '{}')).match(/chaos\.\d+/)?.[0];
  r.check(
    'the good manifest is picked up afterwards (connectors server sees manifestVersion chaos.2)',
    String(mapAfter.text).includes('chaos.2'),
    manifestVersion ?? 'unknown',
    'chaos.2',
  );
  r.check(
    'asbr ready again after the good manifest',
    finalReady.status === 200 && JSON.parse(finalReady.text).status === 'ready',
    JSON.parse(finalReady.text || '{}').status,
    'ready',
  );
  Object.assign(r.figures, {
    calls,
    failed: failed.slice(0, 5),
    readiness,
    reloadFailuresCounted: failuresAfter - failuresBefore,
  });
  await Promise.all(clients.map((c) => c.close()));
  return r.done();
}

/** Broken policy files: not YAML, an unknown field, a CEL syntax error, `args` read in the list phase. */
const BROKEN_POLICIES = [
  ['not YAML', 'version: 1\nrules: [\n'],
  ['unknown field', 'version: 1\nrules:\n  - id: x\n    effect: allow\n    rolez: [mcp]\n'],
  ['CEL syntax error', "version: 1\nrules:\n  - id: bad-cel\n    effect: allow\n    when: 'tool ==='\n"],
  [
    'args in the list phase',
    'version: 1\nrules:\n  - id: list-args\n    effect: allow\n    when: has(args.x)\n',
  ],
];

const readyz = async (base) => {
  const answer = await send(`${base}/readyz`, { method: 'GET', timeoutMs: 3000 });
  const body = JSON.parse(answer.text || '{}');
  return { status: answer.status, state: body.status, policy: body.policy?.state, reason: body.reason ?? '' };
};

/**
 * Broken policy files written to the file the connectors server watches while 4 clients call tools: every call
 * goes on under the last good policy, `/readyz` says degraded with the path-precise reason; then a valid policy
 * that denies `victim` takes effect in the open sessions without a restart; then the allow-all one again.
 */
export async function badPolicy(stack, o) {
  const r = scenarioResult(
    'bad-policy-reload',
    'broken policy files under hot reload while 4 clients call tools',
  );
  let stop = false;
  const clients = await Promise.all(
    [0, 1, 2, 3].map((i) => openSession(`${stack.base}/mcp`, stack.keys.mcp, `chaos-policy-${i}`)),
  );
  const tools = ['fixtures__echo', 'everything__echo', 'fixtures__echo', 'fixtures__echo'];
  const args = (tool) => (tool === 'everything__echo' ? { message: 'policy' } : { text: 'policy' });
  const running = clients.map((c, i) =>
    loop(
      () => c.call(tools[i], args(tools[i]), 10_000),
      () => stop,
    ),
  );
  const readiness = [];
  for (const [what, text] of BROKEN_POLICIES) {
    writeFileSync(stack.policyPath, text);
    await sleep(o.stepMs);
    readiness.push({ policy: what, ...(await readyz(stack.base)) });
  }
  writeFileSync(stack.policyPath, policyOf({ deny: true }));
  await sleep(o.stepMs);
  const denied = await clients[0].call('victim__echo', { text: 'policy' }, 10_000);
  const afterDeny = await readyz(stack.base);
  writeFileSync(stack.policyPath, policyOf());
  await sleep(o.stepMs);
  const allowed = await clients[0].call('victim__echo', { text: 'policy' }, 10_000);
  stop = true;
  const results = await Promise.all(running);
  const calls = results.reduce((n, x) => n + x.latencies.length, 0);
  const failed = results.flatMap((x) => x.failures);
  const deniedCode = denied.result?._meta?.['io.brainwav/error']?.code;
  r.check('failed calls while policies were broken', failed.length === 0, failed.length, 0);
  r.check(
    'readyz 200 degraded (policy degraded) for every broken policy',
    readiness.every((x) => x.status === 200 && x.state === 'degraded' && x.policy === 'degraded'),
    readiness.map((x) => `${x.status}/${x.state}/${x.policy}`).join(','),
    '200/degraded/degraded',
  );
  r.check(
    'the degraded reason names the policy file',
    readiness.every((x) => x.reason.includes('policy.yaml')),
    readiness.map((x) => x.reason.slice(0, 80)).join(' | '),
    'reason naming policy.yaml',
  );
  r.check(
    'a valid deny policy takes effect in an open session (victim__echo → POLICY_DENIED)',
    deniedCode === 'POLICY_DENIED',
    deniedCode ?? denied.result?.content?.[0]?.text ?? `HTTP ${denied.status}`,
    'POLICY_DENIED',
  );
  r.check('readyz ready again after the valid policy', afterDeny.state === 'ready', afterDeny.state, 'ready');
  r.check('the allow-all policy restores the call', allowed.ok, allowed.ok, true);
  Object.assign(r.figures, { calls, failed: failed.slice(0, 5), readiness, afterDeny });
  await Promise.all(clients.map((c) => c.close()));
  return r.done();
}
