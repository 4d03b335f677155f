/**
 * brAInwav: CPU profile of the gateway's `/mcp` tools/call path to a stdio connector (server-everything `echo`)
 * under a sequential bridge-client load (the SDK Client over mcp-bridge's NodeHttpClientTransport, what the
 * stdio bench measures). PROFILE_MODE=in-process (default) builds the connectors server in this process and
 * profiles this process through node:inspector (client and gateway share the loop, as in the bench);
 * PROFILE_MODE=deployed starts asbr + `node dist/main.js` as stdio.bench.ts does, with `--cpu-prof` into
 * BENCH_CPU_PROF_DIR (default a temp dir), and profiles that server. PROFILE_CALLS (default 6000) calls after
 * 500 warm-up calls; prints the heaviest functions (self and inclusive time). PROFILE_KIND=heap (in-process):
 * sampled allocation bytes per call by function and by file instead. PROFILE_OUT=<file> keeps the in-process
 * CPU profile (.cpuprofile JSON).
 * Run: `npx -y pnpm@10.34.8 exec tsx --conditions=@cortex-os/source bench/profile-stdio.ts`
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { bridgeClient, everythingConnector, startDeployedStdio, startInProcess } from './stdio-stack.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url
    .replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '')
    .replace(/^.*\/packages\//, '');
  return `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
}

function summarize(profile: Profile, top: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const id of profile.samples) {
    const node = byId.get(id)!;
    self.set(frameName(node), (self.get(frameName(node)) ?? 0) + 1);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = frameName(byId.get(at)!);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + 1);
    }
  }
  const total = profile.samples.length;
  const table = (m: Map<string, number>): string =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, n]) => `${((100 * n) / total).toFixed(1).padStart(5)}%  ${name}`)
      .join('\n');
  return `samples ${total}\n\n## self\n${table(self)}\n\n## inclusive\n${table(inclusive)}\n`;
}

interface HeapNode {
  callFrame: ProfileNode['callFrame'];
  selfSize: number;
  children: HeapNode[];
}
interface HeapProfile {
  head: HeapNode;
}

/** Sampled bytes allocated per call, by function (self) and by package file. */
function summarizeHeap(profile: HeapProfile, calls: number, top: number): string {
  const self = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  const walk = (node: HeapNode): void => {
    const name = frameName(node as unknown as ProfileNode);
    const file = name.slice(name.indexOf(' ') + 1).replace(/:\d+$/, '');
    self.set(name, (self.get(name) ?? 0) + node.selfSize);
    byFile.set(file, (byFile.get(file) ?? 0) + node.selfSize);
    total += node.selfSize;
    for (const c of node.children) walk(c);
  };
  walk(profile.head);
  const table = (m: Map<string, number>): string =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, n]) => `${String(Math.round(n / calls)).padStart(7)} B/call  ${name}`)
      .join('\n');
  return `allocated ${Math.round(total / calls)} B/call (sampled)\n\n## self\n${table(self)}\n\n## by file\n${table(byFile)}\n`;
}

const ECHO = { message: 'brAInwav bench' };

async function load(client: Client, calls: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < calls; i += 1) {
    const result = await client.callTool({ name: 'everything__echo', arguments: ECHO });
    if (result.isError) throw new Error(`brAInwav: echo failed: ${JSON.stringify(result.content)}`);
  }
  return (performance.now() - t0) / calls;
}

async function main(): Promise<void> {
  const calls = Number(process.env.PROFILE_CALLS ?? '6000');
  const mode = process.env.PROFILE_MODE ?? 'in-process';
  const top = Number(process.env.PROFILE_TOP ?? '60');
  if (mode === 'in-process') {
    const gw = await startInProcess([everythingConnector()]);
    const session = new Session();
    try {
      const client = await bridgeClient(`${gw.base}/mcp`);
      await load(client, 500);
      session.connect();
      if (process.env.PROFILE_KIND === 'heap') {
        // allocation sampling instead of CPU: bytes allocated per function (self), over the same load
        await session.post('HeapProfiler.enable');
        await session.post('HeapProfiler.startSampling', {
          samplingInterval: 512,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: true,
        });
        const mean = await load(client, calls);
        const { profile } = await session.post('HeapProfiler.stopSampling');
        process.stdout.write(`mean ${mean.toFixed(3)} ms/call (heap sampling)\n`);
        process.stdout.write(summarizeHeap(profile, calls, top));
        await client.close();
        return;
      }
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 100 });
      await session.post('Profiler.start');
      const mean = await load(client, calls);
      const { profile } = await session.post('Profiler.stop');
      if (process.env.PROFILE_OUT) writeFileSync(process.env.PROFILE_OUT, JSON.stringify(profile));
      process.stdout.write(`mean ${mean.toFixed(3)} ms/call (profiled)\n`);
      process.stdout.write(summarize(profile as unknown as Profile, top));
      await client.close();
    } finally {
      session.disconnect();
      await gw.close();
    }
    return;
  }
  const dir = process.env.BENCH_CPU_PROF_DIR ?? mkdtempSync(join(tmpdir(), 'brainwav-stdio-prof-'));
  process.env.BENCH_CPU_PROF_DIR = dir;
  const deployed = await startDeployedStdio('brainwav-stdio-prof-', [everythingConnector()]);
  try {
    const server = await deployed.startConnectors();
    const client = await bridgeClient(`${server.base}/mcp`);
    await load(client, 500);
    const mean = await load(client, calls);
    process.stdout.write(`mean ${mean.toFixed(3)} ms/call (profiled server)\n`);
    await client.close();
  } finally {
    await deployed.stop();
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`brAInwav: no .cpuprofile written in ${dir}`);
  process.stdout.write(`profile ${join(dir, file)}\n`);
  process.stdout.write(summarize(JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile, top));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
