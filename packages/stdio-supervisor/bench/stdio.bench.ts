/**
 * brAInwav stdio-supervisor benchmark: cold start to the first answered tools/list and echo tool-call latency,
 * supervisor transport vs the SDK's StdioClientTransport, both running server-everything in stdio mode; plus the
 * resident memory of the server child under each. Target and baseline alternate in one loop.
 * Writes verification/stdio-supervisor/bench.json and bench.md.
 */
import { mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, type Transport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { createStdioSupervisor, type StdioSupervisor } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = resolve(here, '../../../verification/stdio-supervisor');
const entry = join(
  realpathSync(join(here, '..', 'node_modules', '@modelcontextprotocol', 'server-everything')),
  'dist',
  'index.js',
);
const ARGS = [entry, 'stdio'];
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 15);
const CALLS = Number(process.env.BENCH_CALLS ?? 500);
const WARMUP = 50;
const workspacesDir = mkdtempSync(join(tmpdir(), 'stdio-bench-'));

type Kind = 'supervisor' | 'supervisor+bwrap' | 'sdk';
interface Session {
  client: Client;
  pid: number;
  close(): Promise<void>;
}

async function open(kind: Kind, i: number): Promise<Session> {
  const client = new Client({ name: 'bench', version: '1.0.0' });
  if (kind === 'sdk') {
    const transport = new StdioClientTransport({ command: process.execPath, args: ARGS, stderr: 'pipe' });
    await client.connect(transport);
    return { client, pid: transport.pid as number, close: () => client.close() };
  }
  const sup: StdioSupervisor = createStdioSupervisor(
    {
      id: `bench-${i}`,
      command: process.execPath,
      args: ARGS,
      ...(kind === 'supervisor+bwrap' ? { sandbox: { enabled: true } } : {}),
    },
    { workspacesDir },
  );
  const transport: Transport = await sup.connect();
  await client.connect(transport);
  return {
    client,
    pid: sup.pid as number,
    close: async () => {
      await client.close();
      await sup.close();
    },
  };
}

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
};
const round = (n: number): number => Math.round(n * 1000) / 1000;

/** VmRSS of the server process, MiB (under bwrap: the sandboxed node, the leader's descendant with the most RSS). */
function serverRssMib(pid: number): number {
  const rssOf = (p: number): number => {
    try {
      return Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    } catch {
      return 0;
    }
  };
  const children = (p: number): number[] => {
    try {
      return readFileSync(`/proc/${p}/task/${p}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number);
    } catch {
      return [];
    }
  };
  const all: number[] = [];
  const walk = (p: number): void => {
    all.push(p);
    children(p).forEach(walk);
  };
  walk(pid);
  return Math.max(...all.map(rssOf));
}

async function main(): Promise<void> {
  const kinds: Kind[] = ['supervisor', 'sdk', 'supervisor+bwrap'];
  const cold: Record<Kind, number[]> = { supervisor: [], sdk: [], 'supervisor+bwrap': [] };
  const closeMs: Record<Kind, number[]> = { supervisor: [], sdk: [], 'supervisor+bwrap': [] };
  for (let run = 0; run < COLD_RUNS; run += 1) {
    for (const kind of kinds) {
      const t0 = performance.now();
      const session = await open(kind, run);
      const tools = await session.client.listTools();
      cold[kind].push(performance.now() - t0);
      if (tools.tools.length === 0) throw new Error('brAInwav: bench server listed no tools');
      const t1 = performance.now();
      await session.close();
      closeMs[kind].push(performance.now() - t1);
    }
  }

  const calls: Record<Kind, number[]> = { supervisor: [], sdk: [], 'supervisor+bwrap': [] };
  const rss: Record<Kind, number> = { supervisor: 0, sdk: 0, 'supervisor+bwrap': 0 };
  const sessions = new Map<Kind, Session>();
  for (const kind of kinds) sessions.set(kind, await open(kind, 1000));
  for (let i = 0; i < WARMUP + CALLS; i += 1) {
    for (const kind of kinds) {
      const { client } = sessions.get(kind) as Session;
      const t0 = performance.now();
      const result = await client.callTool({ name: 'echo', arguments: { message: `bench ${i}` } });
      const ms = performance.now() - t0;
      if (result.isError) throw new Error('brAInwav: echo failed during the bench');
      if (i >= WARMUP) calls[kind].push(ms);
    }
  }
  for (const kind of kinds) {
    const session = sessions.get(kind) as Session;
    rss[kind] = round(serverRssMib(session.pid));
    await session.close();
  }

  const rows = kinds.map((kind) => ({
    transport: kind,
    coldStartMedianMs: round(quantile(cold[kind], 0.5)),
    coldStartP90Ms: round(quantile(cold[kind], 0.9)),
    closeMedianMs: round(quantile(closeMs[kind], 0.5)),
    echoP50Ms: round(quantile(calls[kind], 0.5)),
    echoP95Ms: round(quantile(calls[kind], 0.95)),
    serverRssMib: rss[kind],
  }));
  const report = {
    brand: 'brAInwav',
    at: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    loadAverage1m: round(loadavg()[0] ?? 0),
    server: '@modelcontextprotocol/server-everything (stdio)',
    coldRuns: COLD_RUNS,
    calls: CALLS,
    warmup: WARMUP,
    rows,
  };
  const md = [
    '# stdio-supervisor benchmark (brAInwav)',
    '',
    `${report.at}, Node ${report.node}, ${report.cpus} CPUs shared with other work (1-min load average ${report.loadAverage1m}).`,
    `Server: ${report.server}, spawned with \`${process.execPath} dist/index.js stdio\`. The three transports alternate`,
    'in one loop. Cold start = spawn + initialize + first `tools/list` answered (median of',
    `${COLD_RUNS} runs); close = \`client.close()\` (+ \`supervisor.close()\`) until the child is gone; echo =`,
    `\`tools/call echo\` round trip over one warm session (${CALLS} calls after ${WARMUP} warm-up calls); RSS = VmRSS of the`,
    'server node process after those calls.',
    '',
    '| transport | cold start median ms | cold start p90 ms | close median ms | echo p50 ms | echo p95 ms | server RSS MiB |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.transport} | ${r.coldStartMedianMs} | ${r.coldStartP90Ms} | ${r.closeMedianMs} | ${r.echoP50Ms} | ${r.echoP95Ms} | ${r.serverRssMib} |`,
    ),
    '',
    '`supervisor` = createStdioSupervisor (0700 workspace, exact env, own process group) without sandbox;',
    '`supervisor+bwrap` = the same with `sandbox.enabled` (bubblewrap, no network); `sdk` = StdioClientTransport.',
    '',
  ].join('\n');
  writeFileSync(join(outDir, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(outDir, 'bench.md'), md);
  process.stdout.write(`${md}\n`);
}

await main();
