/**
 * brAInwav connectors server benchmark, as `npm start` runs it (stack.ts): REST list, REST tool call and SSE
 * connection setup, each beside a baseline in its own process (a bare Fastify route with the same bytes; the
 * upstream called directly for the tool call). Writes verification/connectors/bench.{json,md}.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEverythingServer } from '@cortex-os/mcp-bridge/testing';
import { abbaRounds, round, type Comparison } from '../../asbr/bench/http-rounds.js';
import { freePort, startChild, waitReady, type BenchChild } from '../../asbr/bench/processes.js';
import { directSession } from './direct.js';
import { benchHeader, loadAverage } from './report-header.js';
import { renderMarkdown, type ConnectorsBenchReport } from './report.js';
import { sseSetupRate } from './sse.js';
import { STACK_API_KEY, startDeployedStack, type DeployedStack } from './stack.js';

const OUT_DIR = fileURLToPath(new URL('../../../verification/connectors/', import.meta.url));
const BARE = fileURLToPath(new URL('../../asbr/bench/bare-server.ts', import.meta.url));
const OPTIONS = {
  connections: 50,
  durationS: Number(process.env.BENCH_DURATION_S ?? '4'),
  rounds: Number(process.env.BENCH_ROUNDS ?? '4'),
};
const REST = { authorization: `Bearer ${STACK_API_KEY}` };

async function startBare(bytes: Buffer, dir: string): Promise<{ base: string; child: BenchChild }> {
  writeFileSync(join(dir, 'list.json'), bytes);
  const port = await freePort();
  const child = startChild(
    ['--conditions=@cortex-os/source', '--import', 'tsx', BARE, join(dir, 'list.json'), '/v1/connectors'],
    { PATH: process.env.PATH ?? '', NODE_ENV: 'production', PORT: String(port) },
    join(dir, 'bare.log'),
  );
  const base = `http://127.0.0.1:${port}`;
  await waitReady(child, `${base}/readyz`);
  return { base, child };
}

async function listRows(
  stack: DeployedStack,
  bare: { base: string; child: BenchChild },
): Promise<Comparison> {
  return abbaRounds(
    { url: `${stack.base}/v1/connectors`, cpuMicros: stack.connectors.cpuMicros },
    { url: `${bare.base}/v1/connectors`, cpuMicros: bare.child.cpuMicros },
    { ...OPTIONS, headers: REST },
  );
}

/** The same route on a stack started with `CONNECTORS_LIST_FAST_LANE=false` (every request through Fastify). */
async function listWithoutLane(
  upstreamUrl: string,
  bare: { base: string; child: BenchChild },
): Promise<Comparison> {
  process.env.BENCH_CONNECTORS_LIST_FAST_LANE = 'false';
  let stack: DeployedStack | undefined;
  try {
    stack = await startDeployedStack(upstreamUrl);
    return await listRows(stack, bare);
  } finally {
    delete process.env.BENCH_CONNECTORS_LIST_FAST_LANE;
    await stack?.stop();
  }
}

async function main(): Promise<void> {
  const loadAverageAtStart = loadAverage();
  const everything = await startEverythingServer();
  const dir = mkdtempSync(join(tmpdir(), 'brainwav-connectors-bench-'));
  let stack: DeployedStack | undefined;
  let bare: { base: string; child: BenchChild } | undefined;
  try {
    stack = await startDeployedStack(everything.url);
    const listBytes = Buffer.from(
      await (await fetch(`${stack.base}/v1/connectors`, { headers: REST })).arrayBuffer(),
    );
    bare = await startBare(listBytes, dir);
    const list = await listRows(stack, bare);
    const withoutLane = await listWithoutLane(everything.url, bare);
    const direct = await directSession(everything.url);
    const echo = JSON.stringify({ arguments: { message: 'brAInwav bench' } });
    const toolCall = await abbaRounds(
      {
        url: `${stack.base}/v1/connectors/everything/tools/echo/call`,
        cpuMicros: stack.connectors.cpuMicros,
        request: { method: 'POST', body: echo, headers: { ...REST, 'content-type': 'application/json' } },
      },
      { url: everything.url, cpuMicros: () => 0, request: direct.echoRequest('brAInwav bench') },
      { ...OPTIONS, connections: 16, headers: {} },
    );
    await direct.close();
    const sse = {
      deployed: await sseSetupRate(`${stack.base}/v1/connectors/events`, REST),
      bare: await sseSetupRate(`${bare.base}/events`, {}),
    };
    const report: ConnectorsBenchReport = {
      ...benchHeader(loadAverageAtStart, stack.entry, stack.settings),
      options: OPTIONS,
      list: { ...list, bytes: listBytes.length },
      listWithoutLane: withoutLane,
      toolCall,
      sse: { ...sse, ratio: round(sse.deployed.perSecond / sse.bare.perSecond) },
      targets: {
        ratioMin: 0.8,
        p99MaxMs: 10,
        listRatioMet: list.ratio >= 0.8,
        listP99Met: list.target.p99MsMedian <= 10,
        toolCallRatioMet: toolCall.ratio >= 0.8,
        sseRatioMet: sse.deployed.perSecond / sse.bare.perSecond >= 0.8,
      },
    };
    mkdirSync(OUT_DIR, { recursive: true });
    writeFileSync(join(OUT_DIR, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(OUT_DIR, 'bench.md'), renderMarkdown(report));
    process.stdout.write(renderMarkdown(report));
  } finally {
    await bare?.child.stop();
    await stack?.stop();
    await everything.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
