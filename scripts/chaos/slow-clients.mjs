// Scenario: slowloris sockets (headers dripping) and slow bodies (bytes dripping) against the connectors server
// while a normal client keeps calling tools.
import { connect } from 'node:net';
import { sampleEcho, withinNoise, openSession, percentile, round } from './http.mjs';
import { scenarioResult } from './result.mjs';

/** A socket that writes `first`, then `drip` every `everyMs`; resolves { ms, status } once the server closed it. */
function dripper(port, first, drip, everyMs, giveUpMs) {
  const started = performance.now();
  const socket = connect(port, '127.0.0.1');
  let reply = '';
  let timer;
  const guard = setTimeout(() => socket.destroy(), giveUpMs);
  socket.once('connect', () => {
    socket.write(first);
    timer = setInterval(() => socket.writable && socket.write(drip), everyMs);
  });
  socket.on('data', (d) => (reply += d.toString('latin1')));
  socket.on('error', () => undefined);
  return new Promise((resolve) =>
    socket.once('close', () => {
      clearInterval(timer);
      clearTimeout(guard);
      resolve({ ms: performance.now() - started, status: /^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 'none' });
    }),
  );
}

export async function slowClients(stack, o) {
  const r = scenarioResult(
    'slow-clients',
    `${o.sockets} slowloris sockets and ${o.sockets} slow bodies while a normal client calls tools`,
  );
  const port = stack.ports.connectors;
  const normal = await openSession(`${stack.base}/mcp`, stack.keys.mcp, 'chaos-normal');
  await sampleEcho(normal, 300, 'normal');
  const before = await sampleEcho(normal, o.sampleMs, 'normal');
  const giveUp = o.requestTimeoutMs + 10_000;
  const loris = Array.from({ length: o.sockets }, (_, i) =>
    dripper(
      port,
      `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${stack.keys.mcp}\r\n`,
      `X-Drip-${i}: 1\r\n`,
      500,
      giveUp,
    ),
  );
  const bodies = Array.from({ length: o.sockets }, () =>
    dripper(
      port,
      `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${stack.keys.mcp}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: 100000\r\n\r\n{"jsonrpc":"2.0",`,
      ' ',
      250,
      giveUp,
    ),
  );
  const during = await sampleEcho(normal, Math.min(o.sampleMs, o.headersTimeoutMs - 200), 'normal');
  const [lorisClosed, bodiesClosed] = await Promise.all([Promise.all(loris), Promise.all(bodies)]);
  const slack = 1_500; // Node checks the timeouts once a second
  const p50Before = percentile(before.latencies, 50);
  const p50During = percentile(during.latencies, 50);
  const closedWithin = (what, closed, timeout, name) => {
    const slowest = Math.max(...closed.map((s) => s.ms));
    r.check(
      `${what} closed by the server (slowest, ms; ${name} ${timeout} + ${slack})`,
      slowest <= timeout + slack,
      round(slowest, 0),
      timeout + slack,
    );
    r.check(
      `${what} answered 408`,
      closed.every((s) => s.status === '408'),
      [...new Set(closed.map((s) => s.status))].join(','),
      '408',
    );
    return { min: round(Math.min(...closed.map((s) => s.ms)), 0), max: round(slowest, 0) };
  };
  const lorisRange = closedWithin('slowloris sockets', lorisClosed, o.headersTimeoutMs, 'headers timeout');
  const bodyRange = closedWithin('slow bodies', bodiesClosed, o.requestTimeoutMs, 'request timeout');
  const noise = withinNoise(before.latencies, during.latencies);
  r.check(
    'normal client p50 unchanged within noise (ms; ≤ p50 before + max(2, 2×IQR before))',
    noise.ok,
    noise.during,
    noise.limit,
  );
  r.check(
    'normal client failures while dripping',
    during.failures.length + before.failures.length === 0,
    during.failures.length + before.failures.length,
    0,
  );
  Object.assign(r.figures, {
    sockets: o.sockets,
    headersTimeoutMs: o.headersTimeoutMs,
    requestTimeoutMs: o.requestTimeoutMs,
    slowlorisClosedAfterMs: lorisRange,
    slowBodyClosedAfterMs: bodyRange,
    normalP50BeforeMs: round(p50Before),
    normalP50DuringMs: round(p50During),
    normalP95DuringMs: round(percentile(during.latencies, 95)),
    normalCallsDuring: during.latencies.length,
  });
  await normal.close();
  return r.done();
}
