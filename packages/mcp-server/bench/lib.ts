/** Measurement helpers of the brAInwav gateway benchmark (timers, stats, MCP clients, HTTP mounting). */
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { ConnectorsGateway, GatewayConnector } from '../src/index.js';

export const OUT = join(dirname(fileURLToPath(import.meta.url)), '../../../verification/mcp-server');
export const gc = (globalThis as { gc?: () => void }).gc;

export const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
export const round = (n: number, d = 3): number => Math.round(n * 10 ** d) / 10 ** d;
export const mb = (bytes: number): number => round(bytes / 1024 / 1024, 1);

export function stats(samples: number[]): { p50: number; p99: number; mean: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: round(pct(sorted, 50)),
    p99: round(pct(sorted, 99)),
    mean: round(samples.reduce((s, v) => s + v, 0) / samples.length),
    n: samples.length,
  };
}

export async function connect(url: string): Promise<Client> {
  const client = new Client({ name: 'brainwav-bench', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

export function connector(id: string, endpoint: string): GatewayConnector & { auth: { type: 'none' } } {
  return {
    id,
    displayName: `Bench ${id}`,
    endpoint,
    transport: 'streamable-http',
    headers: {},
    auth: { type: 'none' },
    quotas: { perMinute: 1_000_000, perHour: 10_000_000 },
  };
}

export async function mount(gateway: ConnectorsGateway): Promise<{ base: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const match = /^\/mcp\/connectors\/([^/]+)$/.exec(path ?? '');
    void (match ? gateway.handleConnector(match[1]!, req, res) : gateway.handleAggregate(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

/** Runs `n` calls one after the other; returns each call's wall time, ms. */
export async function sequential(n: number, call: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const t = performance.now();
    await call();
    samples.push(performance.now() - t);
  }
  return samples;
}

export async function throughput(
  total: number,
  inFlight: number,
  call: () => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < total) {
        next += 1;
        await call();
      }
    }),
  );
  return round(total / ((performance.now() - started) / 1000), 1);
}

/** Runs `fn` and returns the process CPU time it used (user + system), in microseconds. */
export async function cpuMicros(fn: () => Promise<unknown>): Promise<number> {
  const start = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

/** A keep-alive node:http JSON-RPC POST (no SDK parsing), for the raw tools/list figure. */
export function rawPoster(url: string, headers: Record<string, string>): (body: string) => Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return (body) =>
    new Promise((resolve, reject) => {
      const req = request(
        url,
        { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } },
        (res) => {
          let bytes = 0;
          res.on('data', (chunk: Buffer) => (bytes += chunk.length));
          res.on('end', () =>
            res.statusCode === 200 ? resolve(bytes) : reject(new Error(`brAInwav: HTTP ${res.statusCode}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}

export function sessionHeaders(client: Client): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-session-id': (client.transport as unknown as { sessionId: string }).sessionId,
    'mcp-protocol-version': client.getNegotiatedProtocolVersion() ?? '2025-11-25',
  };
}

/** Process RSS after a forced GC (when --expose-gc). */
export function rss(): number {
  gc?.();
  return process.memoryUsage().rss;
}

/** An in-memory connector `mem` with one `echo` tool (answers its `text`): the gateway's own hop, no upstream leg. */
export function memoryEchoProxy() {
  const tool = {
    name: 'echo',
    inputSchema: { type: 'object' as const, properties: { text: { type: 'string' } } },
  };
  return {
    connectorId: 'mem',
    state: 'up' as const,
    breaker: 'closed' as const,
    listTools: () => Promise.resolve([tool]),
    callTool: (_name: string, args?: Record<string, unknown>) =>
      Promise.resolve({ content: [{ type: 'text' as const, text: String(args?.text) }] }),
    client: () => Promise.reject(new Error('brAInwav: not used')),
    onToolsChanged: () => () => undefined,
  };
}
