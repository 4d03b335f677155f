/**
 * Load of the OAuth benchmark: one MCP session on the gateway's `/mcp`, then raw JSON-RPC `tools/call` POSTs over
 * keep-alive node:http (no SDK client on the hot path), every request with its own id (a session refuses an id
 * already in flight) and every answer checked (HTTP 200, a `result`, not `isError`).
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { round } from '../../asbr/bench/http-rounds.js';

const ACCEPT = 'application/json, text/event-stream';
const PROTOCOL = '2025-11-25';

/** One HTTP answer: status and body text. */
export interface Answer {
  readonly status: number;
  readonly body: string;
}

/** An open MCP session of the benchmark client on one gateway. */
export interface BenchSession {
  /** Posts one JSON-RPC message on the session (keep-alive). */
  post(message: unknown): Promise<Answer>;
  /** `tools/call` of `tool` with `{ text }` under a fresh id. */
  call(tool: string, text: string): Promise<Answer>;
  /** Tool names `tools/list` shows this session's principal. */
  listTools(): Promise<string[]>;
  close(): Promise<void>;
}

/** The JSON-RPC message of an answer (plain JSON, or the first `data:` line of an SSE answer). */
export function rpcOf(answer: Answer): Record<string, unknown> {
  const text = answer.body.trimStart().startsWith('{')
    ? answer.body
    : (answer.body
        .split('\n')
        .find((line) => line.startsWith('data: '))
        ?.slice(6) ?? '{}');
  return JSON.parse(text) as Record<string, unknown>;
}

function postOn(
  agent: Agent,
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<Answer & { session: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            session: res.headers['mcp-session-id'] as string | undefined,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Opens a session on `url` as a stock client would (initialize, initialized) with `authorization` on every
 * request; `sockets` bounds the keep-alive connections (the load's in-flight count).
 */
export async function openBenchSession(
  url: string,
  authorization: string,
  sockets: number,
): Promise<BenchSession> {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const base = { authorization, 'content-type': 'application/json', accept: ACCEPT };
  const init = await postOn(
    agent,
    url,
    base,
    JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: {
        protocolVersion: PROTOCOL,
        capabilities: {},
        clientInfo: { name: 'brainwav-oauth-bench', version: '1' },
      },
    }),
  );
  if (init.status !== 200 || !init.session)
    throw new Error(`brAInwav: initialize on ${url} answered ${init.status}: ${init.body.slice(0, 300)}`);
  const version = (rpcOf(init).result as { protocolVersion?: string } | undefined)?.protocolVersion;
  const headers = { ...base, 'mcp-session-id': init.session, 'mcp-protocol-version': version ?? PROTOCOL };
  const post = (message: unknown): Promise<Answer> => postOn(agent, url, headers, JSON.stringify(message));
  await post({ jsonrpc: '2.0', method: 'notifications/initialized' });
  let id = 0;
  return {
    post,
    call: (tool, text) => {
      id += 1;
      return postOn(
        agent,
        url,
        headers,
        `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":${JSON.stringify(tool)},"arguments":{"text":${JSON.stringify(text)}}}}`,
      );
    },
    listTools: async () => {
      const answer = await post({ jsonrpc: '2.0', id: 'list', method: 'tools/list' });
      const result = rpcOf(answer).result as { tools?: { name: string }[] } | undefined;
      return (result?.tools ?? []).map((t) => t.name).sort();
    },
    close: async () => {
      await new Promise<void>((resolve) => {
        const req = request(url, { method: 'DELETE', agent, headers }, (res) => {
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', () => resolve());
        req.end();
      });
      agent.destroy();
    },
  };
}

/** A successful tools/call answer: HTTP 200, a JSON-RPC `result`, not `isError`. */
export function callSucceeded(answer: Answer): boolean {
  return answer.status === 200 && answer.body.includes('"result"') && !answer.body.includes('"isError":true');
}

/** Figures of one timed run. */
export interface RunFigures {
  readonly calls: number;
  readonly callsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

function figures(samples: number[], seconds: number): RunFigures {
  samples.sort((a, b) => a - b);
  return {
    calls: samples.length,
    callsPerSec: round(samples.length / seconds, 0),
    p50Ms: round(percentile(samples, 0.5)),
    p99Ms: round(percentile(samples, 0.99)),
  };
}

async function timedCall(session: BenchSession, tool: string, text: string, out: number[]): Promise<void> {
  const started = performance.now();
  const answer = await session.call(tool, text);
  out.push(performance.now() - started);
  if (!callSucceeded(answer))
    throw new Error(`brAInwav: bench call failed (HTTP ${answer.status}): ${answer.body.slice(0, 300)}`);
}

/** Samples and wall time gathered over one or more loaded slices. */
export interface LoadTally {
  readonly samples: number[];
  seconds: number;
}

/** A new, empty {@link LoadTally}. */
export const newTally = (): LoadTally => ({ samples: [], seconds: 0 });

/** Figures of a tally: calls, calls per second of its wall time, latency percentiles. */
export const tallyFigures = (tally: LoadTally): RunFigures => figures(tally.samples, tally.seconds);

/** `inFlight` callers, each calling again as soon as its answer is in, for `seconds`; adds to `tally`. */
export async function loadedSlice(
  session: BenchSession,
  call: { tool: string; text: string },
  inFlight: number,
  seconds: number,
  tally: LoadTally,
): Promise<void> {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < deadline) await timedCall(session, call.tool, call.text, tally.samples);
    }),
  );
  tally.seconds += (performance.now() - started) / 1000;
}

/** One loaded run of `seconds` (see {@link loadedSlice}). */
export async function loadedRun(
  session: BenchSession,
  call: { tool: string; text: string },
  inFlight: number,
  seconds: number,
): Promise<RunFigures> {
  const tally = newTally();
  await loadedSlice(session, call, inFlight, seconds, tally);
  return tallyFigures(tally);
}

/** `n` calls one after the other (one in flight). */
export async function sequentialRun(
  session: BenchSession,
  call: { tool: string; text: string },
  n: number,
): Promise<RunFigures> {
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < n; i += 1) await timedCall(session, call.tool, call.text, samples);
  return figures(samples, (performance.now() - started) / 1000);
}
