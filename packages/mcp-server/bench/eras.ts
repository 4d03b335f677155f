/**
 * Issue 13 quick comparison: a tool call through the gateway's aggregate endpoint on the 2025-era session
 * (fast lane) vs the 2026-07-28 sessionless revision (SDK `createMcpHandler`, a server per request), both with an
 * in-memory proxy (no upstream leg); and the per-call cost of sealed session handles (opening a handle, which a
 * replica does only on its first request of a session, and the first request itself on a replica that must
 * rebuild the session). Run: `npx tsx --conditions=@cortex-os/source bench/eras.ts`.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import {
  createConnectorsGateway,
  randomSessionKey,
  SessionSealer,
  staticConnectorSource,
} from '../src/index.js';
import { connect, connector, cpuMicros, memoryEchoProxy, mount, round, sequential, stats } from './lib.js';

const proxy = memoryEchoProxy();

function gatewayWith(keys: Uint8Array[]) {
  return createConnectorsGateway({
    source: staticConnectorSource([{ connector: connector('mem', 'http://127.0.0.1:1/mcp'), proxy }]),
    sessionKeys: keys,
    maxSessionsPerPrincipal: 1_000,
  });
}

async function measure(call: () => Promise<unknown>, n = 1_000) {
  await sequential(300, call);
  let samples: number[] = [];
  const cpu = await cpuMicros(async () => void (samples = await sequential(n, call)));
  return { ...stats(samples), cpuMs: round(cpu / 1_000 / 1_000) };
}

/** Opening a sealed handle (AES-256-GCM + JSON), microseconds per open. */
function handleOpenMicros(): { p50: number; p99: number } {
  const sealer = new SessionSealer([randomSessionKey()], 86_400_000);
  const handle = sealer.seal({
    scope: '',
    owner: 'api-key\0key-0123abcd',
    init: {
      protocolVersion: '2025-11-25',
      capabilities: { sampling: {}, elicitation: {} },
      clientInfo: { name: 'bench', version: '1.0.0' },
    },
    createdAtMs: Date.now(),
  });
  const samples: number[] = [];
  for (let i = 0; i < 20_000; i++) {
    const t = process.hrtime.bigint();
    sealer.open(handle);
    samples.push(Number(process.hrtime.bigint() - t) / 1_000);
  }
  samples.sort((a, b) => a - b);
  return {
    p50: round(samples[samples.length >> 1]!),
    p99: round(samples[Math.floor(samples.length * 0.99)]!),
  };
}

async function main(): Promise<void> {
  const keys = [randomSessionKey()];
  const a = gatewayWith(keys);
  const b = gatewayWith(keys);
  const [ma, mb] = [await mount(a), await mount(b)];
  await Promise.all([a.ready(), b.ready()]);
  const legacy = await connect(`${ma.base}/mcp`);
  const modern = new Client({ name: 'bench', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
  await modern.connect(new StreamableHTTPClientTransport(new URL(`${ma.base}/mcp`)));
  const args = { name: 'mem__echo', arguments: { text: 'x' } };
  const session2025 = await measure(() => legacy.callTool(args));
  const sessionless2026 = await measure(() => modern.callTool(args));
  // first request of a session on a replica that did not open it: open the handle + rebuild + serve
  const rebuilds: number[] = [];
  for (let i = 0; i < 200; i++) {
    const c = await connect(`${ma.base}/mcp`);
    const id = (c.transport as unknown as { sessionId: string }).sessionId;
    const t = process.hrtime.bigint();
    const res = await fetch(`${mb.base}/mcp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-session-id': id,
        'mcp-protocol-version': '2025-11-25',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: args }),
    });
    await res.text();
    rebuilds.push(Number(process.hrtime.bigint() - t) / 1e6);
    await c.close();
  }
  console.log(
    JSON.stringify(
      {
        session2025FastLane: session2025,
        sessionless2026: sessionless2026,
        handleOpenMicros: handleOpenMicros(),
        firstRequestOnOtherReplicaMs: stats(rebuilds),
      },
      null,
      2,
    ),
  );
  await legacy.close();
  await modern.close();
  await Promise.all([a.close(), b.close(), ma.close(), mb.close()]);
}

await main();
