// agents benchmark: overhead of one tool call through the agent (SDK run loop + registry + proxy) over calling the
// proxy directly, against server-everything's echo. Models that answer at once: the SDK's in-process ScriptedModel
// (the run loop alone) and the fake OpenAI-compatible HTTP server through OpenAIChatCompletionsModel (two HTTP model
// round trips per run). Writes verification/agents/agent-overhead.json and .md at the repository root.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startEverythingServer } from '@cortex-os/mcp-bridge/testing';
import { Runner, type Model } from '@openai/agents';
import { assistantMessage, functionCall, ScriptedModel } from '@openai/agents/testing';
import { startModelServer } from '@cortex-os/agents/testing';
import { createExecutionSurfaceAgent } from '@cortex-os/agents';
import { connector } from '../tests/helpers.js';
import { connectTo } from '../tests/providers/helpers.js';
import { startStack } from '../tests/stack.js';

const OUT_DIR = fileURLToPath(new URL('../../../verification/agents/', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? '300');
const WARMUP = 30;
const TARGET_MS = 2;
const ARGS = { message: 'brAInwav bench' };

const pct = (v: number[], p: number): number => {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
};
const round = (v: number): number => Number(v.toFixed(3));

async function sample(fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < WARMUP; i += 1) await fn();
  const out: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

const scripted = (): Model =>
  new ScriptedModel([[functionCall('everything__echo', ARGS, { callId: 'c1' })], [assistantMessage('done')]]);

async function main(): Promise<void> {
  const everything = await startEverythingServer();
  const stack = await startStack([connector('everything', everything.url)]);
  const fake = await startModelServer({
    respond: (r) =>
      JSON.stringify(r.body).includes('Echo: brAInwav bench')
        ? { text: 'done' }
        : { toolCalls: [{ name: 'everything__echo', arguments: ARGS }] },
  });
  try {
    const proxy = stack.registry.proxy('everything');
    const agent = await createExecutionSurfaceAgent({ registry: stack.registry, instructions: 'bench' });
    const direct = await sample(() => proxy.callTool('echo', ARGS));
    const inProcess = await sample(() =>
      new Runner({ model: scripted(), tracingDisabled: true }).run(agent, 'go'),
    );
    const c = await connectTo(fake.baseURL, { CORTEX_AGENT_API: 'chat_completions' });
    const httpRunner = new Runner({ model: c.model, modelSettings: c.modelSettings, tracingDisabled: true });
    const overHttp = await sample(() => httpRunner.run(agent, 'go'));
    report({ direct, inProcess, overHttp });
  } finally {
    await fake.close();
    await stack.close();
    await everything.stop();
  }
}

function report(r: { direct: number[]; inProcess: number[]; overHttp: number[] }): void {
  const p50 = {
    direct: pct(r.direct, 0.5),
    inProcess: pct(r.inProcess, 0.5),
    overHttp: pct(r.overHttp, 0.5),
  };
  const result = {
    brand: 'brAInwav',
    at: new Date().toISOString(),
    runs: RUNS,
    host: { cpus: cpus().length, loadavg1: round(loadavg()[0] ?? 0), node: process.version },
    p50Ms: {
      direct: round(p50.direct),
      agentScripted: round(p50.inProcess),
      agentHttpModel: round(p50.overHttp),
    },
    p99Ms: { direct: round(pct(r.direct, 0.99)), agentScripted: round(pct(r.inProcess, 0.99)) },
    overheadP50Ms: {
      scripted: round(p50.inProcess - p50.direct),
      httpModel: round(p50.overHttp - p50.direct),
    },
    targetMs: TARGET_MS,
    met: p50.inProcess - p50.direct <= TARGET_MS,
  };
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(`${OUT_DIR}agent-overhead.json`, `${JSON.stringify(result, null, 2)}\n`);
  const md = [
    '# Agent overhead per tool call',
    '',
    `${RUNS} sequential runs after ${WARMUP} warm-up, ${result.host.cpus} CPUs (load ${result.host.loadavg1}), ${result.host.node}.`,
    '',
    '| path | p50 ms |',
    '| --- | --- |',
    `| proxy.callTool (direct) | ${result.p50Ms.direct} |`,
    `| agent run, ScriptedModel (2 model turns + 1 tool call) | ${result.p50Ms.agentScripted} |`,
    `| agent run, fake HTTP model via OpenAIChatCompletionsModel | ${result.p50Ms.agentHttpModel} |`,
    '',
    `Overhead p50 (run loop + registry + proxy, ScriptedModel): ${result.overheadP50Ms.scripted} ms, target <= ${TARGET_MS} ms: ${result.met ? 'met' : 'NOT met'}.`,
    `With two HTTP model round trips to a local server: ${result.overheadP50Ms.httpModel} ms.`,
    '',
  ].join('\n');
  writeFileSync(`${OUT_DIR}agent-overhead.md`, md);
  process.stdout.write(md);
}

await main();
