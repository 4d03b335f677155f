/**
 * brAInwav scale-out benchmark (issue 13): throughput of 1 vs 3 connectors-server replicas behind HAProxy
 * (Debian's, round-robin, no stickiness, health checks on /readyz), each replica as `npm start` runs it (built
 * entry, NODE_ENV=production, default logging, audit file, spans on) plus what scale-out adds (REDIS_URL for
 * quotas, traffic and the cluster bus; CONNECTORS_SESSION_KEYS for sealed session handles). Two load balancers
 * run side by side, one in front of replica 1 only and one in front of all three, and are measured in ABBA
 * rounds with autocannon, for:
 * - `tools/call` on ONE 2025-era MCP session (sealed handle): every replica serves the same session id;
 * - the REST tool call route.
 * Writes verification/cluster/bench.{json,md}.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEverythingServer, startRedisServer } from '@cortex-os/mcp-bridge/testing';
import { abbaRounds, round, type Comparison } from '../../asbr/bench/http-rounds.js';
import { freePort, startChild, waitReady, type BenchChild } from '../../asbr/bench/processes.js';
import { haproxyConfig } from '../../../scripts/stack/haproxy.mjs';
import { directSession } from './direct.js';
import { benchHeader, headerLine, loadAverage, type BenchHeader } from './report-header.js';
import { benchManifest, countLines, STACK_API_KEY, STACK_MCP_KEY, startDeployedAsbr } from './stack.js';

const OUT_DIR = fileURLToPath(new URL('../../../verification/cluster/', import.meta.url));
const REPLICAS = 3;
const OPTIONS = {
  connections: 16,
  durationS: Number(process.env.BENCH_DURATION_S ?? '4'),
  rounds: Number(process.env.BENCH_ROUNDS ?? '4'),
  headers: {},
};

interface Balancer {
  readonly url: string;
  readonly child: ChildProcess;
}

/** HAProxy in front of `ports` as `npm run cluster` configures it (scripts/stack/haproxy.mjs), one thread. */
async function startHaproxy(dir: string, name: string, ports: number[]): Promise<Balancer> {
  const port = await freePort();
  const cfg = join(dir, `${name}.cfg`);
  writeFileSync(cfg, haproxyConfig([{ name, port, backends: ports }], { threads: 1 }));

  const child = spawn('haproxy', ['-db', '-f', cfg], { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`brAInwav: haproxy ${name} exited (${child.exitCode})`);
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`brAInwav: haproxy ${name} not ready`);
    }
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, child };
    await new Promise((r) => setTimeout(r, 100));
  }
}

const sumCpu = (children: BenchChild[]) => () => children.reduce((s, c) => s + c.cpuMicros(), 0);

interface ClusterReport extends BenchHeader {
  replicas: number;
  options: { connections: number; durationS: number; rounds: number };
  /** target = 3 replicas behind HAProxy, baseline = 1 replica behind HAProxy. */
  mcpToolCall: Comparison;
  restToolCall: Comparison;
  servedBy: Record<string, number>;
}

function row(name: string, c: Comparison): string {
  const t = c.target;
  const b = c.baseline;
  return [
    `| ${name}, 3 replicas | ${t.reqPerSecMedian} | ${t.p50MsMedian} | ${t.p99MsMedian} | ${t.serverCpuMicrosPerReqMedian} | ${t.non2xxOrErrors} |`,
    `| ${name}, 1 replica | ${b.reqPerSecMedian} | ${b.p50MsMedian} | ${b.p99MsMedian} | ${b.serverCpuMicrosPerReqMedian} | ${b.non2xxOrErrors} |`,
  ].join('\n');
}

function render(r: ClusterReport): string {
  return `# Scale-out benchmark: 1 vs ${r.replicas} replicas behind HAProxy (brAInwav)

${headerLine(r)}
Entries: ${r.entry}; settings ${JSON.stringify(r.settings)}. Upstream: server-everything (streamableHttp, its own process). Two HAProxy instances (round-robin, no stickiness, \`/readyz\` checks, \`nbthread 1\`) run side by side, one in front of replica 1 and one in front of all ${r.replicas}; autocannon, ${r.options.connections} connections, ${r.options.rounds} ABBA rounds of ${r.options.durationS} s (medians). Server CPU = the replicas' CPU (not HAProxy, Redis or the upstream) per request.

| load | req/s | p50 ms | p99 ms | replicas' CPU µs/req | non-2xx/errors |
|---|---|---|---|---|---|
${row('MCP tools/call on one sealed session', r.mcpToolCall)}
${row('REST tool call', r.restToolCall)}

- MCP: ${r.replicas} replicas / 1 replica throughput **${r.mcpToolCall.ratio}** (paired ${r.mcpToolCall.pairedRatios.join(', ')}); the one session id was served by every replica (audit lines per replica over 300 sequential calls of that session: ${JSON.stringify(r.servedBy)}).
- REST: ${r.replicas} replicas / 1 replica throughput **${r.restToolCall.ratio}** (paired ${r.restToolCall.pairedRatios.join(', ')}).
- This machine has ${r.cpus} CPU cores for everything above (the replicas, both load balancers, Redis, the upstream and autocannon), so more replicas cannot add CPU here: the figure shows what spreading one session over replicas costs or gains on a fixed CPU budget, not the scaling a cluster with a core per replica would see.
`;
}

const auditLines = (dir: string): number[] =>
  Array.from({ length: REPLICAS }, (_, i) => countLines(join(dir, `audit-${i}.jsonl`)));

/** Sends `n` sequential calls of `request` to `url`; returns how many audit lines each replica added meanwhile. */
async function spread(
  dir: string,
  url: string,
  request: { body: () => string; headers: Record<string, string> },
  n: number,
): Promise<Record<string, number>> {
  const before = auditLines(dir);
  for (let i = 0; i < n; i += 1) {
    const res = await fetch(url, { method: 'POST', headers: request.headers, body: request.body() });
    if (!res.ok) throw new Error(`brAInwav: call ${i} through the balancer answered ${res.status}`);
    await res.text();
  }
  await new Promise((r) => setTimeout(r, 500)); // audit lines are written off the request path
  const after = auditLines(dir);
  return Object.fromEntries(after.map((count, i) => [`replica ${i + 1}`, count - before[i]!]));
}

async function main(): Promise<void> {
  const loadAverageAtStart = loadAverage();
  const everything = await startEverythingServer();
  const redis = await startRedisServer();
  const sessionKey = randomBytes(32).toString('base64');
  const deployed = await startDeployedAsbr('brainwav-cluster-bench-', benchManifest(everything.url), {
    rest: STACK_API_KEY,
    mcp: STACK_MCP_KEY,
  });
  const balancers: Balancer[] = [];
  try {
    const ports: number[] = [];
    const replicas: BenchChild[] = [];
    for (let i = 0; i < REPLICAS; i += 1) {
      const port = await freePort();
      const child = startChild(
        deployed.connectorsArgs,
        {
          ...deployed.env,
          CONNECTORS_PORT: String(port),
          REDIS_URL: redis.url,
          CONNECTORS_SESSION_KEYS: sessionKey,
          CONNECTORS_AUDIT_LOG: join(deployed.dir, `audit-${i}.jsonl`),
        },
        join(deployed.dir, `connectors-${i}.log`),
      );
      deployed.children.push(child);
      replicas.push(child);
      ports.push(port);
    }
    for (const [i, child] of replicas.entries())
      await waitReady(child, `http://127.0.0.1:${ports[i]}/readyz`);
    balancers.push(await startHaproxy(deployed.dir, 'one', ports.slice(0, 1)));
    balancers.push(await startHaproxy(deployed.dir, 'all', ports));
    const [one, all] = balancers as [Balancer, Balancer];
    const mcpHeaders = { authorization: `Bearer ${STACK_MCP_KEY}` };
    const sessions = {
      one: await directSession(`${one.url}/mcp`, { headers: mcpHeaders, tool: 'everything__echo' }),
      all: await directSession(`${all.url}/mcp`, { headers: mcpHeaders, tool: 'everything__echo' }),
    };
    const mcpToolCall = await abbaRounds(
      { url: `${all.url}/mcp`, cpuMicros: sumCpu(replicas), request: sessions.all.echoRequest('brAInwav') },
      { url: `${one.url}/mcp`, cpuMicros: sumCpu(replicas), request: sessions.one.echoRequest('brAInwav') },
      OPTIONS,
    );
    const servedBy = await spread(deployed.dir, `${all.url}/mcp`, sessions.all.echoRequest('spread'), 300);
    await sessions.one.close();
    await sessions.all.close();
    const rest = {
      method: 'POST' as const,
      body: JSON.stringify({ arguments: { message: 'brAInwav bench' } }),
      headers: { authorization: `Bearer ${STACK_API_KEY}`, 'content-type': 'application/json' },
    };
    const path = '/v1/connectors/everything/tools/echo/call';
    const restToolCall = await abbaRounds(
      { url: `${all.url}${path}`, cpuMicros: sumCpu(replicas), request: rest },
      { url: `${one.url}${path}`, cpuMicros: sumCpu(replicas), request: rest },
      OPTIONS,
    );
    const report: ClusterReport = {
      ...benchHeader(loadAverageAtStart, deployed.entry, {
        LOG_LEVEL: 'info',
        LOG_ACCESS: 'sampled',
        tracing: 'on (no exporter)',
        audit: 'file',
        REDIS_URL: 'private redis-server',
        CONNECTORS_SESSION_KEYS: '1 key',
        ...deployed.overrides,
      }),
      replicas: REPLICAS,
      options: { connections: OPTIONS.connections, durationS: OPTIONS.durationS, rounds: OPTIONS.rounds },
      mcpToolCall,
      restToolCall,
      servedBy,
    };
    mkdirSync(OUT_DIR, { recursive: true });
    writeFileSync(join(OUT_DIR, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(OUT_DIR, 'bench.md'), render(report));
    process.stdout.write(render(report));
    if (round(mcpToolCall.target.non2xxOrErrors + restToolCall.target.non2xxOrErrors) > 0)
      throw new Error('brAInwav: calls through the 3-replica balancer failed (see bench.json)');
  } finally {
    for (const b of balancers) b.child.kill('SIGTERM');
    await deployed.stop();
    await redis.stop();
    await everything.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
