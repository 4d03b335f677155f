/**
 * brAInwav: a quick look at the stdio bench's bridge-client row only (issue 12), for iterating on the hot path:
 * `echo` through the in-process gateway /mcp (bridge client) vs direct over stdio, 3 rounds as stdio.bench.ts,
 * printed, nothing written. PROFILE_MODE=deployed uses the deployed stack (own process) instead.
 * Run: `npx -y pnpm@10.34.8 exec tsx --conditions=@cortex-os/source bench/stdio-quick.ts`
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Client } from '@modelcontextprotocol/client';
import { latencyRounds } from '../../mcp-server/bench/latency.js';
import {
  bridgeClient,
  directEverything,
  everythingConnector,
  startDeployedStdio,
  startInProcess,
} from './stdio-stack.js';

/** CPU ticks (user + system) of each thread of `pid`, by `<comm>/<tid>`. */
function threadTicks(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      out.set(`${comm}/${tid}`, Number(fields[11]) + Number(fields[12]));
    } catch {
      // gone
    }
  }
  return out;
}

const ECHO = { message: 'brAInwav bench' };
const echoVia = (client: Client, name: string) => async (): Promise<unknown> => {
  const result = await client.callTool({ name, arguments: ECHO });
  if (result.isError) throw new Error(`brAInwav: ${name} failed: ${JSON.stringify(result.content)}`);
  return result;
};

async function main(): Promise<void> {
  const direct = await directEverything();
  const deployed =
    process.env.PROFILE_MODE === 'deployed'
      ? await startDeployedStdio('brainwav-stdio-quick-', [everythingConnector()])
      : undefined;
  const gw = deployed ? undefined : await startInProcess([everythingConnector()]);
  try {
    const server = deployed ? await deployed.startConnectors() : undefined;
    const base = server ? server.base : gw!.base;
    const bridge = await bridgeClient(`${base}/mcp`);
    const gatewayEcho = echoVia(bridge, 'everything__echo');
    if (server) {
      // the deployed server's own CPU per call (user + system, /proc), the number the hot path work moves
      for (let i = 0; i < 500; i += 1) await gatewayEcho();
      const idle0 = server.child.cpuMicros();
      await new Promise((r) => setTimeout(r, 2000));
      process.stdout.write(
        `server CPU idle ${((server.child.cpuMicros() - idle0) / 2000).toFixed(1)} µs/ms\n`,
      );
      const threads0 = threadTicks(server.child.child.pid!);
      const t0 = performance.now();
      const cpu0 = server.child.cpuMicros();
      for (let i = 0; i < 3000; i += 1) await gatewayEcho();
      const cpu = server.child.cpuMicros() - cpu0;
      for (const [name, ticks] of threadTicks(server.child.child.pid!)) {
        const d = ticks - (threads0.get(name) ?? 0);
        if (d > 0) process.stdout.write(`  thread ${name}: ${((d * 10_000) / 3000).toFixed(1)} µs/call\n`);
      }
      const ms = performance.now() - t0;
      process.stdout.write(
        `server CPU ${(cpu / 3000).toFixed(1)} µs/call, ${(ms / 3000).toFixed(3)} ms/call wall\n`,
      );
    }
    // QUICK_WARMUP: extra sequential calls per side before latencyRounds' own 500 (does the path keep warming?)
    const warmup = Number(process.env.QUICK_WARMUP ?? '0');
    for (let i = 0; i < warmup; i += 1) {
      await echoVia(direct.client, 'echo')();
      await gatewayEcho();
    }
    const l = await latencyRounds(echoVia(direct.client, 'echo'), gatewayEcho);
    for (const r of l.rounds)
      process.stdout.write(
        `direct p50 ${r.direct.p50} gateway p50 ${r.gateway.p50} added ${r.addedP50Ms} paired ${r.addedP50PairedMs}\n`,
      );
    process.stdout.write(
      `median added p50 ${l.median.addedP50Ms} ms (${deployed ? deployed.entry : 'in-process'})\n`,
    );
    await bridge.close();
    if (deployed && process.env.QUICK_LOG_GREP) {
      const log = readFileSync(`${deployed.dir}/connectors.log`, 'utf8').split('\n');
      for (const line of log.filter((l) => l.includes(process.env.QUICK_LOG_GREP!)).slice(-3))
        process.stdout.write(`${line}\n`);
    }
  } finally {
    await direct.client.close();
    await gw?.close();
    await deployed?.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
