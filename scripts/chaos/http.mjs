// Raw HTTP/MCP client helpers of the chaos suite: every request has a client-side deadline, so a request the
// server never answers is counted as "hung" instead of stalling the run.
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';

/** Keep-alive agent for normal clients (slow/hostile sockets use their own raw sockets). */
export const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/**
 * One HTTP request. Resolves `{ status, headers, text, ms }`, or `{ hung: true, ms }` when no complete
 * answer arrived within `timeoutMs`, or `{ error, ms }` when the connection failed.
 */
export function send(
  url,
  { method = 'POST', headers = {}, body, timeoutMs = 10_000, maxBytes = 64 * 1024 * 1024 } = {},
) {
  const started = performance.now();
  const ms = () => performance.now() - started;
  return new Promise((resolve) => {
    const req = request(url, { method, headers, agent }, (res) => {
      const chunks = [];
      let size = 0;
      res.on('data', (c) => {
        size += c.length;
        if (size <= maxBytes) chunks.push(c);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({
          status: res.statusCode,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
          size,
          ms: ms(),
        });
      });
      res.on('error', (error) => {
        clearTimeout(timer);
        resolve({ error: error.message, ms: ms() });
      });
    });
    const timer = setTimeout(() => {
      req.destroy();
      resolve({ hung: true, ms: ms() });
    }, timeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      resolve({ error: error.message, ms: ms() });
    });
    req.end(body);
  });
}

const INIT = (name) =>
  JSON.stringify({
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name, version: '0.1.0' } },
  });

/** Headers of an MCP POST (session and protocol version once known). */
export function mcpHeaders(key, session) {
  return {
    authorization: `Bearer ${key}`,
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    ...(session ? { 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' } : {}),
  };
}

/** The JSON-RPC message of an answer (plain JSON or the first SSE `data:` line), or undefined. */
export function rpcOf(answer) {
  if (!answer.text) return undefined;
  const text =
    answer.text.startsWith('{') || answer.text.startsWith('[')
      ? answer.text
      : answer.text
          .split('\n')
          .find((l) => l.startsWith('data: '))
          ?.slice(6);
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** An MCP session on `url` (raw initialize + initialized); `call(name, args)` resolves the answer + its result. */
export async function openSession(url, key, name = 'brainwav-chaos') {
  const init = await send(url, { headers: mcpHeaders(key), body: INIT(name) });
  const session = init.headers?.['mcp-session-id'];
  if (!session)
    throw new Error(
      `brAInwav: chaos could not open an MCP session on ${url}: ${JSON.stringify(init).slice(0, 300)}`,
    );
  await send(url, {
    headers: mcpHeaders(key, session),
    body: '{"jsonrpc":"2.0","method":"notifications/initialized"}',
  });
  let id = 1;
  return {
    session,
    post: (body, timeoutMs) => send(url, { headers: mcpHeaders(key, session), body, timeoutMs }),
    async call(tool, args = {}, timeoutMs = 40_000) {
      const body = JSON.stringify({
        jsonrpc: '2.0',
        id: id++,
        method: 'tools/call',
        params: { name: tool, arguments: args },
      });
      const answer = await send(url, { headers: mcpHeaders(key, session), body, timeoutMs });
      const rpc = rpcOf(answer);
      return {
        ...answer,
        text: undefined,
        rpc,
        result: rpc?.result,
        ok: answer.status === 200 && rpc?.result !== undefined && !rpc.result.isError,
      };
    },
    close: () =>
      send(url, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${key}`, 'mcp-session-id': session },
        timeoutMs: 3000,
      }),
  };
}

/** The value of a Prometheus sample `name{labels}` from GET /metrics, or undefined. */
export async function metric(base, name, labels = {}) {
  const res = await send(`${base}/metrics`, { method: 'GET', timeoutMs: 3000 });
  if (res.status !== 200) return undefined;
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of res.text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (want.every((w) => line.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

export const PROXY_UP = 'brainwav_mcp_connector_proxy_up';

/** Polls a connector's up-gauge until it reads `value`; resolves the ms it took, or undefined after `limitMs`. */
export async function gaugeReads(base, connector, value, limitMs) {
  const started = performance.now();
  while (performance.now() - started < limitMs) {
    if ((await metric(base, PROXY_UP, { connector })) === value) return performance.now() - started;
    await sleep(50);
  }
  return undefined;
}

/** `VmRSS` and `VmHWM` (peak) of a process, MiB, from /proc/<pid>/status. */
export function memoryOf(pid) {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { rssMiB: kb('VmRSS') / 1024, peakMiB: kb('VmHWM') / 1024 };
}

/** Percentile `p` (0–100) of numbers. */
export function percentile(values, p) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * "Unchanged within noise": the p50 of `during` may exceed the p50 of `before` by twice the spread of `before`
 * (its interquartile range), at least 2 ms. Returns { ok, before, during, limit } in ms.
 */
export function withinNoise(before, during) {
  const p50 = percentile(before, 50);
  const iqr = percentile(before, 75) - percentile(before, 25);
  const limit = p50 + Math.max(2, 2 * iqr);
  const now = percentile(during, 50);
  return { ok: now <= limit, before: round(p50), during: round(now), limit: round(limit) };
}

export const round = (n, digits = 2) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : n);
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Runs `task(i)` for i < count with at most `concurrency` at a time. */
export async function pool(count, concurrency, task) {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/** Sequential `fixtures__echo` calls of `session` for `ms`: { latencies, failures } (a bystander's view). */
export function sampleEcho(session, ms, text = 'bystander') {
  const until = performance.now() + ms;
  return loop(
    () => session.call('fixtures__echo', { text }, 10_000),
    () => performance.now() > until,
  );
}

/** Calls `fn` until `stop()` is true, sequentially; returns the latencies (ms) and the failures. */
export async function loop(fn, stop) {
  const latencies = [];
  const failures = [];
  while (!stop()) {
    const r = await fn();
    latencies.push(r.ms);
    if (!r.ok)
      failures.push(r.hung ? 'hung' : (r.error ?? r.result?.content?.[0]?.text ?? `HTTP ${r.status}`));
  }
  return { latencies, failures };
}
