// Scenario: fuzzed JSON-RPC messages (fast-check) on the aggregate /mcp and a passthrough /mcp/connectors/<id>.
import fc from 'fast-check';
import { mcpHeaders, memoryOf, openSession, pool, round, send, sleep } from './http.mjs';
import { scenarioResult } from './result.mjs';

const METHODS = [
  'ping',
  'tools/list',
  'tools/call',
  'resources/list',
  'resources/read',
  'resources/templates/list',
  'prompts/list',
  'prompts/get',
  'completion/complete',
  'logging/setLevel',
  'initialize',
  'notifications/cancelled',
  'notifications/progress',
  'notifications/initialized',
];

const anyJson = fc.jsonValue({ maxDepth: 4 });
const id = fc.oneof(
  fc.integer(),
  fc.string({ maxLength: 12 }),
  fc.constant(null),
  fc.double(),
  fc.constant(1e400),
  fc.constant('12345678901234567890123456789012345678901234567890'),
  anyJson,
);

/** A JSON-RPC-shaped message with every member possibly wrong; `tools` are names worth hitting. */
function message(tools) {
  const name = fc.oneof(fc.constantFrom(...tools), fc.string({ maxLength: 20 }), anyJson);
  const params = fc.oneof(
    fc.record(
      {
        name,
        arguments: fc.oneof(fc.dictionary(fc.string({ maxLength: 6 }), anyJson, { maxKeys: 4 }), anyJson),
      },
      { requiredKeys: [] },
    ),
    fc.record(
      { requestId: id, uri: fc.string({ maxLength: 30 }), level: fc.string({ maxLength: 8 }) },
      { requiredKeys: [] },
    ),
    anyJson,
  );
  return fc.record(
    {
      jsonrpc: fc.oneof(fc.constant('2.0'), fc.constant('2.0'), fc.constant('1.0'), anyJson),
      id,
      method: fc.oneof(fc.constantFrom(...METHODS), fc.string({ maxLength: 24 }), anyJson),
      params,
      result: anyJson,
      error: anyJson,
    },
    { requiredKeys: [] },
  );
}

/** Bodies: messages, batches, arbitrary JSON, truncated JSON, random bytes (invalid UTF-8 included). */
export function bodies(tools) {
  const msg = message(tools).map((m) => JSON.stringify(m));
  const wellFormed = fc
    .record({
      jsonrpc: fc.constant('2.0'),
      id: fc.integer({ min: 1, max: 1_000_000 }),
      method: fc.constantFrom(...METHODS),
      params: fc.record(
        {
          name: fc.constantFrom(...tools),
          arguments: fc.dictionary(fc.constantFrom('text', 'message', 'a', 'b'), anyJson, { maxKeys: 3 }),
        },
        { requiredKeys: [] },
      ),
    })
    .map((m) => JSON.stringify(m));
  return fc.oneof(
    { weight: 4, arbitrary: wellFormed },
    { weight: 6, arbitrary: msg },
    { weight: 2, arbitrary: fc.array(message(tools), { maxLength: 5 }).map((a) => JSON.stringify(a)) },
    { weight: 1, arbitrary: anyJson.map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: fc.tuple(msg, fc.nat()).map(([s, n]) => s.slice(0, n % (s.length + 1))) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)) },
  );
}

export async function fuzz(stack, o) {
  const perEndpoint = Math.floor(o.messages / 2);
  const r = scenarioResult(
    'fuzz',
    `${perEndpoint * 2} fast-check JSON-RPC messages on /mcp and /mcp/connectors/everything (seed ${o.seed})`,
  );
  const pid = stack.pidOf('connectors');
  const targets = [
    { path: '/mcp', tools: ['fixtures__echo', 'everything__echo', 'hostile__ok', 'nope__nothing'] },
    { path: '/mcp/connectors/everything', tools: ['echo', 'get-sum', 'nothing'] },
  ];
  const statuses = {};
  let hung = 0;
  let errors = 0;
  let fivexx = 0;
  const examples5xx = [];
  const examplesHung = [];
  const rss = [{ at: 0, ...memoryOf(pid) }];
  // sessions a fuzzed `initialize` opened: closed at the end as a client (or the idle sweep) would
  const opened = [];
  const started = performance.now();
  for (const target of targets) {
    const url = `${stack.base}${target.path}`;
    const session = await openSession(url, stack.keys.mcp, 'chaos-fuzz');
    const samples = fc.sample(bodies(target.tools), { numRuns: perEndpoint, seed: o.seed });
    let done = 0;
    await pool(samples.length, o.concurrency, async (i) => {
      const withSession = i % 10 !== 0;
      const answer = await send(url, {
        headers: mcpHeaders(stack.keys.mcp, withSession ? session.session : undefined),
        body: samples[i],
        timeoutMs: o.timeoutMs,
      });
      const sid = answer.headers?.['mcp-session-id'];
      if (sid && sid !== session.session) opened.push({ url, sid });
      if (answer.hung) {
        hung += 1;
        if (examplesHung.length < 5)
          examplesHung.push({
            path: target.path,
            withSession,
            body: Buffer.isBuffer(samples[i]) ? samples[i].toString('hex') : String(samples[i]).slice(0, 400),
          });
      } else if (answer.error) errors += 1;
      else {
        statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
        if (answer.status >= 500) {
          fivexx += 1;
          if (examples5xx.length < 5)
            examples5xx.push({
              path: target.path,
              body: String(samples[i]).slice(0, 200),
              answer: answer.text.slice(0, 200),
            });
        }
      }
      done += 1;
      if (done % Math.max(1, Math.floor(perEndpoint / 4)) === 0)
        rss.push({ at: rss.length * Math.floor(perEndpoint / 4), ...memoryOf(pid) });
    });
    await session.close();
  }
  const elapsed = performance.now() - started;
  const closes = await Promise.all(
    opened.map(({ url, sid }) =>
      send(url, { method: 'DELETE', headers: mcpHeaders(stack.keys.mcp, sid), timeoutMs: o.timeoutMs }),
    ),
  );
  await sleep(2_000);
  rss.push({ at: 'after closing the fuzz sessions', ...memoryOf(pid) });
  const warm = rss[1] ?? rss[0];
  const last = rss.at(-1);
  const growth = last.rssMiB - warm.rssMiB;
  r.check('5xx answers', fivexx === 0, fivexx, 0);
  r.check(`hung requests (client deadline ${o.timeoutMs} ms)`, hung === 0, hung, 0);
  r.check('connection errors', errors === 0, errors, 0);
  const closed = closes.filter((c) => c.status === 200 || c.status === 204).length;
  r.check(
    'sessions opened by fuzzed initialize requests closed with DELETE',
    closed === opened.length,
    closed,
    opened.length,
  );
  r.check(
    `connectors RSS growth after warm-up, fuzz sessions closed (MiB, ≤ ${o.rssGrowthMiB})`,
    growth <= o.rssGrowthMiB,
    round(growth, 1),
    o.rssGrowthMiB,
  );
  Object.assign(r.figures, {
    messages: perEndpoint * 2,
    seed: o.seed,
    concurrency: o.concurrency,
    statuses,
    sessionsOpenedByFuzz: opened.length,
    messagesPerSecond: round(((perEndpoint * 2) / elapsed) * 1000, 0),
    rssMiB: rss.map((s) => round(s.rssMiB, 1)),
    peakRssMiB: round(last.peakMiB, 1),
    examples5xx,
    examplesHung,
  });
  return r.done();
}
