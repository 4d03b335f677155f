/**
 * brAInwav gateway benchmark (issue 3): target (through the gateway) beside baseline (direct to the same
 * upstream, @modelcontextprotocol/server-everything in streamableHttp mode, a separate process).
 * Writes verification/mcp-server/gateway-bench.{json,md}.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { createRemoteToolProxy, type RemoteToolProxy } from '@cortex-os/mcp-bridge';
import { startEverythingServer } from '@cortex-os/mcp-bridge/testing';
import {
  createConnectorsGateway,
  staticConnectorSource,
  type ConnectorsGateway,
  type GatewayConnector,
} from '../src/index.js';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '../../../verification/mcp-server');
const gc = (globalThis as { gc?: () => void }).gc;

const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const round = (n: number, d = 3): number => Math.round(n * 10 ** d) / 10 ** d;
const mb = (bytes: number): number => round(bytes / 1024 / 1024, 1);

function stats(samples: number[]): { p50: number; p99: number; mean: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: round(pct(sorted, 50)),
    p99: round(pct(sorted, 99)),
    mean: round(samples.reduce((s, v) => s + v, 0) / samples.length),
    n: samples.length,
  };
}

async function connect(url: string): Promise<Client> {
  const client = new Client({ name: 'brainwav-bench', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

function connector(id: string, endpoint: string): GatewayConnector & { auth: { type: 'none' } } {
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

async function mount(gateway: ConnectorsGateway): Promise<{ base: string; close(): Promise<void> }> {
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

/** Starts bench/gateway-host.ts (the gateway in its own process) and resolves its base URL once ready. */
async function startGatewayProcess(upstreamUrl: string): Promise<{ base: string; child: ChildProcess }> {
  const host = join(dirname(fileURLToPath(import.meta.url)), 'gateway-host.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@cortex-os/source', host], {
    env: { ...process.env, UPSTREAM_URL: upstreamUrl, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`brAInwav: gateway host exited (${code})`)));
  });
  return { base, child };
}

async function sequential(n: number, call: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const t = performance.now();
    await call();
    samples.push(performance.now() - t);
  }
  return samples;
}

async function throughput(total: number, inFlight: number, call: () => Promise<unknown>): Promise<number> {
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
async function cpuMicros(fn: () => Promise<unknown>): Promise<number> {
  const start = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

/** A keep-alive node:http JSON-RPC POST (no SDK parsing), for the raw tools/list figure. */
function rawPoster(url: string, headers: Record<string, string>): (body: string) => Promise<number> {
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

function sessionHeaders(client: Client): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-session-id': (client.transport as unknown as { sessionId: string }).sessionId,
    'mcp-protocol-version': client.getNegotiatedProtocolVersion() ?? '2025-11-25',
  };
}

/**
 * (a'') The gateway's own hop, isolated: the aggregate endpoint with an in-memory proxy (no upstream leg)
 * beside a bare SDK `McpServer` echo on the same Streamable HTTP session transport.
 */
async function hopComparison(): Promise<{
  bareSdk: ReturnType<typeof stats> & { cpuMs: number };
  gateway: ReturnType<typeof stats> & { cpuMs: number };
}> {
  const tool = {
    name: 'echo',
    inputSchema: { type: 'object' as const, properties: { text: { type: 'string' } } },
  };
  const proxy = {
    connectorId: 'mem',
    state: 'up' as const,
    breaker: 'closed' as const,
    listTools: () => Promise.resolve([tool]),
    callTool: (_name: string, args?: Record<string, unknown>) =>
      Promise.resolve({ content: [{ type: 'text' as const, text: String(args?.text) }] }),
    client: () => Promise.reject(new Error('brAInwav: not used')),
    onToolsChanged: () => () => undefined,
  };
  const gateway = createConnectorsGateway({
    source: staticConnectorSource([{ connector: connector('mem', 'http://127.0.0.1:1/mcp'), proxy }]),
  });
  const gw = await mount(gateway);
  const sessions = new Map<string, NodeStreamableHTTPServerTransport>();
  const servers: McpServer[] = [];
  const bare = createServer(
    (req, res) =>
      void (async () => {
        const sid = req.headers['mcp-session-id'];
        let transport = typeof sid === 'string' ? sessions.get(sid) : undefined;
        if (!transport) {
          const server = new McpServer({ name: 'bare', version: '1.0.0' });
          server.registerTool('echo', { inputSchema: z.object({ text: z.string() }) }, (a) => ({
            content: [{ type: 'text', text: a.text }],
          }));
          const created = new NodeStreamableHTTPServerTransport({
            sessionIdGenerator: () => randomUUID(),
            enableJsonResponse: true,
            onsessioninitialized: (id) => void sessions.set(id, created),
          });
          servers.push(server);
          await server.connect(created);
          transport = created;
        }
        await transport.handleRequest(req, res);
      })(),
  );
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const bareClient = await connect(`http://127.0.0.1:${(bare.address() as AddressInfo).port}/mcp`);
  const gwClient = await connect(`${gw.base}/mcp`);
  await gateway.ready();
  const bareCall = () => bareClient.callTool({ name: 'echo', arguments: { text: 'x' } });
  const gwCall = () => gwClient.callTool({ name: 'mem__echo', arguments: { text: 'x' } });
  await sequential(300, bareCall);
  await sequential(300, gwCall);
  const measure = async (call: () => Promise<unknown>) => {
    let samples: number[] = [];
    const cpu = await cpuMicros(async () => void (samples = await sequential(1_000, call)));
    return { ...stats(samples), cpuMs: round(cpu / 1_000 / 1_000) };
  };
  const bareSdk = await measure(bareCall);
  const gatewayHop = await measure(gwCall);
  await bareClient.close();
  await gwClient.close();
  await Promise.all(servers.map((s) => s.close()));
  bare.closeAllConnections();
  await new Promise<void>((resolve) => bare.close(() => resolve()));
  await gateway.close();
  await gw.close();
  return { bareSdk, gateway: gatewayHop };
}

function rss(): number {
  gc?.();
  return process.memoryUsage().rss;
}

async function main(): Promise<void> {
  const loadAtStart = loadavg().map((l) => round(l, 2));
  const everything = await startEverythingServer();
  const proxies: RemoteToolProxy[] = [];
  const newProxy = (id: string): RemoteToolProxy => {
    const proxy = createRemoteToolProxy(connector(id, everything.url), { probeIntervalMs: 0 });
    proxies.push(proxy);
    return proxy;
  };
  const gateway = createConnectorsGateway({
    source: staticConnectorSource([
      { connector: connector('everything', everything.url), proxy: newProxy('everything') },
    ]),
  });
  const http = await mount(gateway);
  await gateway.ready();
  const direct = await connect(everything.url);
  const viaGateway = await connect(`${http.base}/mcp`);
  const echoArgs = { message: 'brAInwav bench' };
  const directEcho = () => direct.callTool({ name: 'echo', arguments: echoArgs });
  const gatewayEcho = () => viaGateway.callTool({ name: 'everything__echo', arguments: echoArgs });
  const check = await gatewayEcho();
  if (check.isError) throw new Error(`brAInwav: gateway echo failed: ${JSON.stringify(check.content)}`);

  // (a) 1,000 sequential echo calls, interleaved in blocks of 100 so drift hits both sides equally.
  await sequential(200, directEcho);
  await sequential(200, gatewayEcho);
  const aDirect: number[] = [];
  const aGateway: number[] = [];
  for (let block = 0; block < 10; block += 1) {
    aDirect.push(...(await sequential(100, directEcho)));
    aGateway.push(...(await sequential(100, gatewayEcho)));
  }
  const a = { direct: stats(aDirect), gateway: stats(aGateway) };
  const addedP50 = round(a.gateway.p50 - a.direct.p50);
  // CPU time of this process per call (client, gateway and proxy; the upstream is another process): robust to machine load.
  const cpuDirect = round((await cpuMicros(() => sequential(500, directEcho))) / 500 / 1000);
  const cpuGateway = round((await cpuMicros(() => sequential(500, gatewayEcho))) / 500 / 1000);

  const hop = await hopComparison();

  // (a/b) as deployed: the gateway in its own process, so the client's CPU is not the gateway's.
  const host = await startGatewayProcess(everything.url);
  const viaHost = await connect(`${host.base}/mcp`);
  const hostEcho = () => viaHost.callTool({ name: 'everything__echo', arguments: echoArgs });
  await sequential(200, hostEcho);
  const aHost: number[] = [];
  const aDirect2: number[] = [];
  for (let block = 0; block < 10; block += 1) {
    aDirect2.push(...(await sequential(100, directEcho)));
    aHost.push(...(await sequential(100, hostEcho)));
  }
  const bDirect2 = await throughput(2_000, 16, directEcho);
  const bHost = await throughput(2_000, 16, hostEcho);
  await viaHost.close();
  const hostExit = new Promise((r) => host.child.once('exit', r));
  host.child.kill('SIGTERM');
  await hostExit;
  const separate = {
    direct: stats(aDirect2),
    gateway: stats(aHost),
    addedP50Ms: round(stats(aHost).p50 - stats(aDirect2).p50),
    directCallsPerS: bDirect2,
    gatewayCallsPerS: bHost,
    ratio: round(bHost / bDirect2),
  };

  // (b) calls/s with 16 in flight.
  const bDirect = await throughput(2_000, 16, directEcho);
  const bGateway = await throughput(2_000, 16, gatewayEcho);

  // (c) tools/list on the aggregate with 50 connectors (cached) vs tools/list direct to one upstream.
  const many = Array.from({ length: 50 }, (_, i) => {
    const id = `c${String(i).padStart(2, '0')}`;
    return { connector: connector(id, everything.url), proxy: newProxy(id) };
  });
  const gateway50 = createConnectorsGateway({ source: staticConnectorSource(many) });
  const http50 = await mount(gateway50);
  await gateway50.ready();
  const client50 = await connect(`${http50.base}/mcp`);
  const listed = (await client50.listTools(undefined, { cacheMode: 'bypass' })).tools.length;
  const list50 = () => client50.listTools(undefined, { cacheMode: 'bypass' });
  const listDirect = () => direct.listTools(undefined, { cacheMode: 'bypass' });
  await sequential(50, list50);
  await sequential(50, listDirect);
  const rawList = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
  const raw50 = rawPoster(`${http50.base}/mcp`, sessionHeaders(client50));
  const rawDirect = rawPoster(everything.url, sessionHeaders(direct));
  const payloadBytes = await raw50(rawList);
  await sequential(50, () => rawDirect(rawList));
  const c = {
    gateway50: stats(await sequential(500, () => raw50(rawList))),
    direct1: stats(await sequential(500, () => rawDirect(rawList))),
    sdkClient: {
      gateway50: stats(await sequential(200, list50)),
      direct1: stats(await sequential(200, listDirect)),
    },
    toolsListed: listed,
    payloadBytes,
  };

  // (d) gateway process RSS over 10,000 calls (16 in flight), sampled every 2,000 after a forced GC.
  const rssSamples: Array<{ calls: number; rssMb: number; heapMb: number }> = [];
  const sample = (calls: number) =>
    rssSamples.push({ calls, rssMb: mb(rss()), heapMb: mb(process.memoryUsage().heapUsed) });
  sample(0);
  for (let done = 0; done < 10_000; done += 2_000) {
    await throughput(2_000, 16, gatewayEcho);
    sample(done + 2_000);
  }
  const at = (calls: number) => rssSamples.find((x) => x.calls === calls)!;
  // RSS moves in allocator-arena steps of tens of MB even with a flat heap: compare medians of the two halves.
  const median3 = (xs: number[]) => [...xs].sort((p, q) => p - q)[1]!;
  const d = {
    samples: rssSamples,
    heapGrowthMb: round(at(10_000).heapMb - at(0).heapMb, 1),
    rssGrowthSecondHalfMb: round(
      median3([6_000, 8_000, 10_000].map((c) => at(c).rssMb)) -
        median3([0, 2_000, 4_000].map((c) => at(c).rssMb)),
      1,
    ),
    gcExposed: gc !== undefined,
  };

  const result = {
    brand: 'brAInwav',
    generatedAt: new Date().toISOString(),
    node: process.version,
    loadAverage: loadAtStart,
    cpus: availableParallelism(),
    upstream: '@modelcontextprotocol/server-everything (streamableHttp, child process)',
    separate: { ...separate, passA: separate.addedP50Ms <= 1, passB: separate.ratio >= 0.5 },
    a: {
      ...a,
      addedP50Ms: addedP50,
      cpuMsPerCall: { direct: cpuDirect, gateway: cpuGateway, added: round(cpuGateway - cpuDirect) },
      targetAddedP50Ms: 1,
      pass: addedP50 <= 1,
    },
    hop: {
      ...hop,
      addedP50Ms: round(hop.gateway.p50 - hop.bareSdk.p50),
      addedCpuMs: round(hop.gateway.cpuMs - hop.bareSdk.cpuMs),
    },
    b: {
      directCallsPerS: bDirect,
      gatewayCallsPerS: bGateway,
      ratio: round(bGateway / bDirect),
      targetRatio: 0.5,
      pass: bGateway / bDirect >= 0.5,
    },
    c: { ...c, targetP50Ms: 2, pass: c.gateway50.p50 <= 2 },
    d: { ...d, pass: d.heapGrowthMb <= 5 && d.rssGrowthSecondHalfMb <= 10 },
  };
  await mkdir(OUT, { recursive: true });
  await writeFile(join(OUT, 'gateway-bench.json'), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(join(OUT, 'gateway-bench.md'), markdown(result));
  process.stdout.write(markdown(result));

  for (const client of [direct, viaGateway, client50]) await client.close();
  await gateway.close();
  await gateway50.close();
  await http.close();
  await http50.close();
  await Promise.all(proxies.map((p) => p.close()));
  await everything.stop();
}

function markdown(r: {
  generatedAt: string;
  loadAverage: number[];
  cpus: number;
  node: string;
  a: {
    direct: { p50: number; p99: number };
    gateway: { p50: number; p99: number };
    addedP50Ms: number;
    cpuMsPerCall: { direct: number; gateway: number; added: number };
    pass: boolean;
  };
  hop: {
    bareSdk: { p50: number; cpuMs: number };
    gateway: { p50: number; cpuMs: number };
    addedP50Ms: number;
    addedCpuMs: number;
  };
  b: { directCallsPerS: number; gatewayCallsPerS: number; ratio: number; pass: boolean };
  separate: {
    direct: { p50: number; p99: number };
    gateway: { p50: number; p99: number };
    addedP50Ms: number;
    directCallsPerS: number;
    gatewayCallsPerS: number;
    ratio: number;
    passA: boolean;
    passB: boolean;
  };
  c: {
    gateway50: { p50: number; p99: number };
    direct1: { p50: number; p99: number };
    sdkClient: { gateway50: { p50: number }; direct1: { p50: number } };
    toolsListed: number;
    payloadBytes: number;
    pass: boolean;
  };
  d: {
    samples: Array<{ calls: number; rssMb: number; heapMb: number }>;
    heapGrowthMb: number;
    rssGrowthSecondHalfMb: number;
    gcExposed: boolean;
    pass: boolean;
  };
}): string {
  const ok = (pass: boolean): string => (pass ? 'PASS' : 'FAIL');
  return [
    `# brAInwav MCP gateway benchmark`,
    ``,
    `${r.generatedAt}, Node ${r.node}, upstream server-everything (streamableHttp, separate process).`,
    `Rows (a)/(b) "as deployed" run the gateway in its own process (bench/gateway-host.ts), like the connectors server;`,
    `the in-process rows put the MCP client, the gateway and its proxy in one Node process (one core for all three).`,
    ``,
    `| case | baseline (direct) | target (gateway) | result | target | verdict |`,
    `|---|---|---|---|---|---|`,
    `| (a) as deployed: 1,000 sequential echo, ms | p50 ${r.separate.direct.p50} / p99 ${r.separate.direct.p99} | p50 ${r.separate.gateway.p50} / p99 ${r.separate.gateway.p99} | added p50 ${r.separate.addedP50Ms} ms | ≤ 1 ms | ${ok(r.separate.passA)} |`,
    `| (b) as deployed: echo calls/s, 16 in flight | ${r.separate.directCallsPerS} | ${r.separate.gatewayCallsPerS} | ratio ${r.separate.ratio} | ≥ 0.5 | ${ok(r.separate.passB)} |`,
    `| (a) in-process: 1,000 sequential echo, ms | p50 ${r.a.direct.p50} / p99 ${r.a.direct.p99} | p50 ${r.a.gateway.p50} / p99 ${r.a.gateway.p99} | added p50 ${r.a.addedP50Ms} ms | ≤ 1 ms | ${ok(r.a.pass)} |`,
    `| (a') CPU ms per echo call (this process) | ${r.a.cpuMsPerCall.direct} | ${r.a.cpuMsPerCall.gateway} | added ${r.a.cpuMsPerCall.added} ms | (load-independent view of (a)) | |`,
    `| (a'') one MCP hop, sequential echo: bare SDK McpServer vs gateway aggregate with in-memory proxy, ms | p50 ${r.hop.bareSdk.p50}, CPU ${r.hop.bareSdk.cpuMs}/call | p50 ${r.hop.gateway.p50}, CPU ${r.hop.gateway.cpuMs}/call | added p50 ${r.hop.addedP50Ms}, CPU ${r.hop.addedCpuMs} | gateway hop ≈ an SDK hop | |`,
    `| (b) in-process: echo calls/s, 16 in flight | ${r.b.directCallsPerS} | ${r.b.gatewayCallsPerS} | ratio ${r.b.ratio} | ≥ 0.5 | ${ok(r.b.pass)} |`,
    `| (c) tools/list over raw HTTP, ms (gateway: 50 connectors, ${r.c.toolsListed} tools, ${r.c.payloadBytes} B) | p50 ${r.c.direct1.p50} / p99 ${r.c.direct1.p99} (1 upstream) | p50 ${r.c.gateway50.p50} / p99 ${r.c.gateway50.p99} | serialized cache | p50 ≤ 2 ms | ${ok(r.c.pass)} |`,
    `| (c') tools/list via SDK Client (incl. client-side schema parsing), ms | p50 ${r.c.sdkClient.direct1.p50} | p50 ${r.c.sdkClient.gateway50.p50} | | | |`,
    `| (d) memory over 10,000 gateway calls (RSS / heap after GC) | | ${r.d.samples.map((s) => `${s.calls}: ${s.rssMb}/${s.heapMb} MB`).join(', ')} | heap ${r.d.heapGrowthMb >= 0 ? '+' : ''}${r.d.heapGrowthMb} MB over 10k; RSS median of 6k–10k vs 0–4k ${r.d.rssGrowthSecondHalfMb >= 0 ? '+' : ''}${r.d.rssGrowthSecondHalfMb} MB | flat (heap ≤ 5 MB, RSS ≤ 10 MB) | ${ok(r.d.pass)} |`,
    ``,
    `GC forced before each RSS sample: ${r.d.gcExposed ? 'yes' : 'no (run with --expose-gc)'}. Machine load average at start: ${r.loadAverage.join(' / ')} on ${r.cpus} cores (wall-clock figures are load-sensitive).`,
    ``,
  ].join('\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
