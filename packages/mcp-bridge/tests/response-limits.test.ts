import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  NodeHttpClientTransport,
  RESPONSE_TOO_LARGE_CODE,
  SseParser,
  createRemoteToolProxy,
  type RemoteToolProxy,
  type SseEvent,
} from '../src/index.js';
import { connectorFor, rejectionOf, waitFor } from './helpers.js';

const MiB = 1024 * 1024;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step().catch(() => undefined);
});

/** A parser over `chunks`, recording events and overflows. */
function run(chunks: Iterable<string | Buffer>, maxEventBytes?: number) {
  const events: SseEvent[] = [];
  const overflows: number[] = [];
  const parser = new SseParser((e) => events.push(e), undefined, {
    ...(maxEventBytes === undefined ? {} : { maxEventBytes }),
    onOverflow: (limit) => overflows.push(limit),
  });
  for (const chunk of chunks) parser.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return { events, overflows, parser };
}

/** `total` bytes of `data: xxx…\n\n` cut into `size`-byte chunks. */
function* bigEvent(total: number, size: number): Generator<Buffer> {
  const wire = Buffer.from(`data: ${'x'.repeat(total)}\n\n`);
  for (let at = 0; at < wire.length; at += size) yield wire.subarray(at, at + size);
}

/** CPU time (µs) of parsing one `total`-byte event in 16 KiB chunks: the median of 5 runs. */
function parseCost(total: number): number {
  const chunks = [...bigEvent(total, 16 * 1024)];
  const runs: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    const before = process.cpuUsage();
    const { events } = run(chunks, 64 * MiB);
    const used = process.cpuUsage(before);
    expect(events[0]!.data.length).toBe(total);
    runs.push(used.user + used.system);
  }
  return runs.sort((a, b) => a - b)[2]!;
}

describe('SseParser: linear work and a size cap', () => {
  it('parses a 4 MiB data line fed in 16 KiB chunks exactly, at a cost that grows linearly', () => {
    const { events, overflows } = run(bigEvent(4 * MiB, 16 * 1024));
    expect(overflows).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toBe('x'.repeat(4 * MiB));
    // 4× the input: ~4× the work when linear, ~16× for a parser that rescans its buffer on every chunk
    const ratio = parseCost(8 * MiB) / Math.max(parseCost(2 * MiB), 1);
    expect(ratio).toBeLessThan(10);
  });

  it('stops with onOverflow once an event outgrows maxEventBytes, and ignores what follows', () => {
    const limit = 64 * 1024;
    const over = run([...bigEvent(100 * 1024, 16 * 1024), 'data: after\n\n'], limit);
    expect(over.overflows).toEqual([limit]);
    expect(over.events).toEqual([]);
    expect(over.parser.overflowed).toBe(true);
    const under = run([...bigEvent(60 * 1024, 16 * 1024), 'data: after\n\n'], limit);
    expect(under.overflows).toEqual([]);
    expect(under.events.map((e) => e.data.length)).toEqual([60 * 1024, 5]);
  });

  it('caps an endless event: one line that never ends, or data lines without the blank line', () => {
    const limit = 64 * 1024;
    const line = run(['data: ', ...Array.from({ length: 10 }, () => 'x'.repeat(16 * 1024))], limit);
    expect(line.overflows).toEqual([limit]);
    const lines = run(
      Array.from({ length: 20_000 }, () => 'data: xxxx\n'),
      limit,
    );
    expect(lines.overflows).toEqual([limit]);
    expect(lines.events).toEqual([]);
  });

  it('counts bytes, not characters: 30,000 three-byte characters exceed 64 KiB', () => {
    const limit = 64 * 1024;
    const wire = Buffer.from(`data: ${'€'.repeat(30_000)}\n\n`);
    // split inside a character: the streaming decoder must keep the euro signs whole
    const cut = wire.indexOf(0xe2, 100) + 1;
    expect(run([wire.subarray(0, cut), wire.subarray(cut)], limit).overflows).toEqual([limit]);
    const fits = run([wire.subarray(0, cut), wire.subarray(cut)], 128 * 1024);
    expect(fits.events[0]!.data).toBe('€'.repeat(30_000));
  });

  it('does not count keep-alive comments or dispatched events toward the cap', () => {
    const limit = 64 * 1024;
    const { events, overflows } = run(
      Array.from({ length: 10_000 }, (_, i) => (i % 2 ? ': keep-alive\n\n' : `data: ${i}\r\n\r\n`)),
      limit,
    );
    expect(overflows).toEqual([]);
    expect(events).toHaveLength(5_000);
  });

  it('defaults to 16 MiB and treats a CR LF split across chunks as one line end', () => {
    expect(DEFAULT_MAX_MESSAGE_BYTES).toBe(16 * MiB);
    const { events } = run(['data: a\r', '\n\r', '\ndata: b\r\n', '\r', '\n']);
    expect(events.map((e) => e.data)).toEqual(['a', 'b']);
  });
});

// ---------------------------------------------------------------------------------------------
// A real node:http MCP upstream whose `huge` tool streams an oversized result (SSE or JSON).

interface HugeServer {
  readonly url: string;
  /** Bytes of the last huge body written before the response ended or the client hung up. */
  readonly huge: { written: number; finished: boolean; closedEarly: boolean }[];
}

const rpc = (id: unknown, result: unknown): string => JSON.stringify({ jsonrpc: '2.0', id, result });

/** Writes `prefix`, `bytes` of filler and `suffix`, honouring backpressure; records how far it got. */
function streamHuge(
  res: ServerResponse,
  prefix: string,
  bytes: number,
  suffix: string,
  log: HugeServer['huge'],
): void {
  const entry = { written: 0, finished: false, closedEarly: false };
  log.push(entry);
  const block = Buffer.alloc(64 * 1024, 'y');
  res.on('close', () => (entry.closedEarly = !entry.finished));
  res.write(prefix);
  const pump = (): void => {
    while (entry.written < bytes && !res.destroyed) {
      entry.written += block.length;
      if (!res.write(block)) return void res.once('drain', pump);
    }
    if (res.destroyed) return;
    entry.finished = true;
    res.end(suffix);
  };
  pump();
}

async function startHugeServer(): Promise<HugeServer> {
  const huge: HugeServer['huge'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'GET') return void res.writeHead(405).end();
      if (req.method === 'DELETE') return void res.writeHead(200).end();
      const msg = JSON.parse(Buffer.concat(chunks).toString()) as {
        id?: number;
        method: string;
        params?: { protocolVersion?: string; name?: string; arguments?: { mode?: string; mb?: number } };
      };
      if (msg.id === undefined) return void res.writeHead(202).end();
      const json = { 'content-type': 'application/json', 'mcp-session-id': 'huge-1' };
      if (msg.method === 'initialize') {
        const init = { protocolVersion: msg.params?.protocolVersion, capabilities: { tools: {} } };
        return void res
          .writeHead(200, json)
          .end(rpc(msg.id, { ...init, serverInfo: { name: 'huge', version: '1' } }));
      }
      if (msg.method !== 'tools/call' || msg.params?.name !== 'huge')
        return void res.writeHead(200, json).end(rpc(msg.id, { content: [{ type: 'text', text: 'small' }] }));
      const { mode = 'sse', mb = 50 } = msg.params.arguments ?? {};
      if (mode === 'invalid') return void res.writeHead(200, json).end('{"jsonrpc":"2.0","id":');
      if (mode === 'wrong-id') return void res.writeHead(200, json).end(rpc(msg.id + 1000, { content: [] }));
      const bytes = mb * MiB;
      const head = `{"jsonrpc":"2.0","id":${msg.id},"result":{"content":[{"type":"text","text":"`;
      if (mode === 'sse') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        return streamHuge(res, `id: e1\ndata: ${head}`, bytes, '"}]}}\n\n', huge);
      }
      const length = mode === 'json-length' ? { 'content-length': String(head.length + bytes + 5) } : {};
      res.writeHead(200, { 'content-type': 'application/json', ...length });
      streamHuge(res, head, bytes, '"}]}}', huge);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, huge };
}

function proxyFor(url: string, options: Parameters<typeof createRemoteToolProxy>[1] = {}): RemoteToolProxy {
  const proxy = createRemoteToolProxy(connectorFor(url), {
    probeIntervalMs: 0,
    retries: { attempts: 1 },
    ...options,
  });
  cleanups.push(() => proxy.close());
  return proxy;
}

const textOf = (result: { content?: unknown }): string =>
  (result.content as { text?: string }[] | undefined)?.[0]?.text ?? '';

describe('an upstream that sends a response over maxMessageBytes', () => {
  it.each(['sse', 'json', 'json-length'])(
    '%s: a 50 MiB result fails that call with UPSTREAM_RESPONSE_TOO_LARGE, stops reading, and the next call works',
    async (mode) => {
      const upstream = await startHugeServer();
      for (const relayToolResults of [false, true]) {
        const proxy = proxyFor(upstream.url, { relayToolResults });
        const error = await rejectionOf(proxy.callTool('huge', { mode, mb: 50 }, { timeoutMs: 30_000 }));
        expect({ code: error.code, message: error.message }).toEqual({
          code: 'UPSTREAM_RESPONSE_TOO_LARGE',
          message: `brAInwav: connector fixture: tools/call huge failed: upstream response exceeds maxMessageBytes (${16 * MiB} bytes)`,
        });
        await waitFor(() => upstream.huge.every((h) => h.closedEarly));
        // bounded memory: the client stopped reading near the limit and hung up, the upstream never finished
        for (const h of upstream.huge) expect(h.written).toBeLessThan(40 * MiB);
        expect(textOf(await proxy.callTool('echo', {}))).toBe('small');
        expect(proxy.state).toBe('up');
        expect(proxy.lastError?.code).toBe('UPSTREAM_RESPONSE_TOO_LARGE');
      }
    },
    60_000,
  );

  it('takes the limit from the maxMessageBytes option, validated like the other numbers', async () => {
    const upstream = await startHugeServer();
    const proxy = proxyFor(upstream.url, { maxMessageBytes: MiB });
    const error = await rejectionOf(proxy.callTool('huge', { mode: 'sse', mb: 2 }));
    expect(error.code).toBe('UPSTREAM_RESPONSE_TOO_LARGE');
    expect(error.message).toContain(`maxMessageBytes (${MiB} bytes)`);
    const fits = await proxy.callTool('huge', { mode: 'json', mb: 0.5 });
    expect(textOf(fits)).toHaveLength(MiB / 2);
    expect(() => createRemoteToolProxy(connectorFor(upstream.url), { maxMessageBytes: 10 })).toThrow(
      'option maxMessageBytes must be an integer >= 1024 (got 10)',
    );
  });

  it('answers the raw transport with a JSON-RPC error carrying the code and limitBytes', async () => {
    const upstream = await startHugeServer();
    const transport = new NodeHttpClientTransport(new URL(upstream.url), { maxMessageBytes: 4096 });
    cleanups.push(() => transport.close());
    const seen: unknown[] = [];
    transport.onmessage = (m) => void seen.push(m);
    await transport.start();
    const init = { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } };
    await transport.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: init });
    const call = { name: 'huge', arguments: { mode: 'sse', mb: 1 } };
    await transport.send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: call });
    await waitFor(() => seen.length === 2);
    expect(seen[1]).toEqual({
      jsonrpc: '2.0',
      id: 2,
      error: {
        code: RESPONSE_TOO_LARGE_CODE,
        message: 'brAInwav: upstream response exceeds maxMessageBytes (4096 bytes)',
        data: { limitBytes: 4096 },
      },
    });
  });
});

describe('an upstream that answers a call with something that is not its JSON-RPC answer', () => {
  it.each([
    ['invalid', 'the upstream answered with invalid JSON'],
    ['wrong-id', 'the upstream answer carried no response for this request'],
  ])(
    '%s: the call fails at once with UPSTREAM_PROTOCOL_ERROR (not offline, no timeout wait) and the next call works',
    async (mode, why) => {
      const upstream = await startHugeServer();
      for (const relayToolResults of [false, true]) {
        const proxy = proxyFor(upstream.url, { relayToolResults });
        const started = Date.now();
        const error = await rejectionOf(proxy.callTool('huge', { mode }, { timeoutMs: 20_000 }));
        expect({ code: error.code, message: error.message }).toEqual({
          code: 'UPSTREAM_PROTOCOL_ERROR',
          message: `brAInwav: connector fixture: tools/call huge failed: malformed upstream response: ${why}`,
        });
        // failed at once: far below the 20 s timeout the call would otherwise have waited for
        expect(Date.now() - started).toBeLessThan(10_000);
        expect(textOf(await proxy.callTool('echo', {}))).toBe('small');
        expect(proxy.state).toBe('up');
      }
    },
    60_000,
  );
});
