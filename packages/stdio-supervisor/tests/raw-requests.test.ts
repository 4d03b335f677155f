import { afterEach, describe, expect, it } from 'vitest';
import {
  Client,
  deserializeMessage,
  ProtocolError,
  ReadBuffer,
  SdkError,
  SdkErrorCode,
  type JSONRPCMessage,
} from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { StdioProcessTransport } from '../src/index.js';
import { childEnv } from '../src/launch.js';
import { LineReader, plainResultOf } from '../src/line-reader.js';
import { fixture, serverEntry, tempDir, waitFor } from './helpers.js';

const transports: StdioProcessTransport[] = [];
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(transports.splice(0).map((t) => t.close()));
});

function transportFor(args: string[]): StdioProcessTransport {
  const workspace = tempDir();
  const transport = new StdioProcessTransport({
    command: process.execPath,
    args,
    env: childEnv(workspace),
    cwd: workspace,
    killGraceMs: 500,
  });
  transports.push(transport);
  return transport;
}

async function scripted(): Promise<{
  transport: StdioProcessTransport;
  messages: JSONRPCMessage[];
  errors: Error[];
}> {
  const transport = transportFor([fixture('lines')]);
  const messages: JSONRPCMessage[] = [];
  const errors: Error[] = [];
  transport.onmessage = (m) => messages.push(m);
  transport.onerror = (e) => errors.push(e);
  await transport.start();
  return { transport, messages, errors };
}

const rejectionOf = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('plainResultOf: the fast path takes only what the SDK schema passes unchanged', () => {
  const id = 'brainwav-7';
  const lines = [
    `{"jsonrpc":"2.0","id":"brainwav-7","result":{"content":[{"type":"text","text":"Echo: ✓"}]}}`,
    `{"result":{"structuredContent":{"b":1,"a":[1,{"x":null}]},"content":[],"isError":false},"id":"brainwav-7","jsonrpc":"2.0"}`,
    `{"jsonrpc":"2.0","id":"brainwav-7","result":{}}`,
    `{"jsonrpc":"2.0","id":"brainwav-7","result":{"content":[],"_meta":{"progressToken":1}}}`,
    `{"jsonrpc":"2.0","id":"brainwav-7","result":{"content":[]},"extra":1}`,
    `{"jsonrpc":"2.0","id":"brainwav-7","error":{"code":-32602,"message":"unknown tool"}}`,
    `{"jsonrpc":"2.0","id":"brainwav-8","result":{"content":[]}}`,
    `{"jsonrpc":"2.0","id":7,"result":{"content":[]}}`,
    `{"jsonrpc":"1.0","id":"brainwav-7","result":{"content":[]}}`,
    `{"jsonrpc":"2.0","id":"brainwav-7","result":[1]}`,
    `{"jsonrpc":"2.0","id":"brainwav-7","result":null}`,
    `{"jsonrpc":"2.0","id":"brainwav-7","result":{"content":[]},"__proto__":{"x":1}}`,
    `{"jsonrpc":"2.0","id":"brainwav-7","result":{"__proto__":{"x":1}}}`,
    `{"jsonrpc":"2.0","id":"brainwav-7","method":"x","result":{}}`,
  ];
  it.each(lines)('%s', (line) => {
    const fast = plainResultOf(JSON.parse(line), id);
    let sdk: unknown;
    try {
      sdk = deserializeMessage(line);
    } catch {
      sdk = undefined;
    }
    if (fast === undefined) return;
    // taken by the fast path: the SDK parses it as a result response with the same result, member order included
    expect(sdk).toBeDefined();
    expect((sdk as { id: unknown }).id).toBe(id);
    expect(JSON.stringify((sdk as { result: unknown }).result)).toBe(JSON.stringify(fast));
  });

  it('takes the plain result responses and leaves the rest to the schema', () => {
    const taken = lines.map((line) => plainResultOf(JSON.parse(line), id) !== undefined);
    expect(taken).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('LineReader: the SDK ReadBuffer framing', () => {
  const stream = [
    '{"jsonrpc":"2.0","method":"a","params":{"t":"é✓"}}\n',
    'not json\n',
    '{"jsonrpc":"2.0","id":1,"result":{}}\r\n',
    '\n',
    '{"jsonrpc":"2.0","id":"x","error":{"code":1,"message":"m"}}\n',
    '{"jsonrpc":"2.0","method":"partial"',
  ].join('');

  function viaSdk(chunks: Buffer[]): unknown[] {
    const rb = new ReadBuffer();
    const out: unknown[] = [];
    for (const chunk of chunks) {
      rb.append(chunk);
      for (let m = rb.readMessage(); m !== null; m = rb.readMessage()) out.push(m);
    }
    return out;
  }

  function viaLines(chunks: Buffer[]): unknown[] {
    const lr = new LineReader(1024 * 1024);
    const out: unknown[] = [];
    for (const chunk of chunks) {
      lr.append(chunk);
      for (let line = lr.next(); line !== null; line = lr.next()) {
        try {
          out.push(deserializeMessage(line));
        } catch {
          // not JSON: skipped as ReadBuffer does
        }
      }
    }
    return out;
  }

  it.each([1, 2, 3, 7, 64, 4096])('yields the same messages in chunks of %i bytes', (size) => {
    const bytes = Buffer.from(stream);
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
    expect(viaLines(chunks)).toEqual(viaSdk(chunks));
    expect(viaLines(chunks)).toHaveLength(3);
  });

  it('throws and drops its buffer past the cap, as ReadBuffer does', () => {
    const lr = new LineReader(8);
    lr.append(Buffer.from('{"a":'));
    expect(() => lr.append(Buffer.from('1234'))).toThrow('ReadBuffer exceeded maximum size of 8 bytes');
    lr.append(Buffer.from('{}\n'));
    expect(lr.next()).toBe('{}');
    expect(lr.next()).toBeNull();
  });
});

describe('StdioProcessTransport.rawRequest', () => {
  it('resolves with the raw result; the SDK client sees nothing of it', async () => {
    const { transport, messages } = await scripted();
    const line = '{"jsonrpc":"2.0","id":$ID,"result":{"content":[{"type":"text","text":"ok"}],"z":1}}';
    const result = await transport.rawRequest('tools/call', { lines: [line] }, { timeoutMs: 5_000 });
    expect(result).toEqual({ content: [{ type: 'text', text: 'ok' }], z: 1 });
    const bytewise = await transport.rawRequest(
      'tools/call',
      { lines: [line.replace('}}', ',"_meta":{"k":"v"}}}')], bytewise: true },
      { timeoutMs: 5_000 },
    );
    expect(bytewise).toEqual({ content: [{ type: 'text', text: 'ok' }], z: 1, _meta: { k: 'v' } });
    expect(messages).toEqual([]);
  });

  it('a JSON-RPC error rejects as a ProtocolError; other lines still reach onmessage and onerror', async () => {
    const { transport, messages, errors } = await scripted();
    const error = await rejectionOf(
      transport.rawRequest(
        'tools/call',
        {
          lines: [
            '{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"x"}}',
            '{"jsonrpc":"2.0","id":12345,"result":{}}',
            '{"not":"json-rpc"}',
            '{"jsonrpc":"2.0","id":$ID,"error":{"code":-32602,"message":"unknown tool","data":{"d":1}}}',
          ],
        },
        { timeoutMs: 5_000 },
      ),
    );
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).code).toBe(-32602);
    expect((error as ProtocolError).data).toEqual({ d: 1 });
    expect(messages).toEqual([
      { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'x' } },
      { jsonrpc: '2.0', id: 12345, result: {} },
    ]);
    expect(errors).toHaveLength(1);
  });

  it('times out with RequestTimeout and cancels upstream; an abort rejects with its reason and cancels', async () => {
    const { transport, messages } = await scripted();
    const timeout = await rejectionOf(transport.rawRequest('tools/call', {}, { timeoutMs: 50 }));
    expect(timeout).toBeInstanceOf(SdkError);
    expect((timeout as SdkError).code).toBe(SdkErrorCode.RequestTimeout);
    const controller = new AbortController();
    const pending = rejectionOf(
      transport.rawRequest('tools/call', {}, { timeoutMs: 5_000, signal: controller.signal }),
    );
    const reason = new Error('stop');
    controller.abort(reason);
    expect(await pending).toBe(reason);
    await waitFor(() => messages.length === 2, 5_000, 'cancellations');
    expect(messages.map((m) => (m as { params: unknown }).params)).toEqual([
      { requestId: 'brainwav-1', reason: 'timeout' },
      { requestId: 'brainwav-2', reason: 'aborted by the caller' },
    ]);
  });

  it('fails in flight with ConnectionClosed when the transport closes', async () => {
    const { transport } = await scripted();
    const pending = rejectionOf(transport.rawRequest('tools/call', {}, { timeoutMs: 5_000 }));
    await transport.close();
    const error = await pending;
    expect(error).toBeInstanceOf(SdkError);
    expect((error as SdkError).code).toBe(SdkErrorCode.ConnectionClosed);
  });

  it('differential: raw tools/call results equal the SDK StdioClientTransport client results (server-everything)', async () => {
    const args = [serverEntry('server-everything'), 'stdio'];
    const ours = transportFor(args);
    const oursClient = new Client({ name: 'raw', version: '1.0.0' });
    clients.push(oursClient);
    await oursClient.connect(ours);
    const sdkClient = new Client({ name: 'raw', version: '1.0.0' });
    clients.push(sdkClient);
    await sdkClient.connect(new StdioClientTransport({ command: process.execPath, args, stderr: 'pipe' }));
    const calls = [
      { name: 'echo', arguments: { message: 'raw ✓' } },
      { name: 'get-sum', arguments: { a: 40, b: 2 } },
      { name: 'get-tiny-image', arguments: {} },
      { name: 'echo', arguments: { message: 42 } },
      { name: 'no-such-tool', arguments: {} },
    ];
    for (const call of calls) {
      const raw = await ours.rawRequest('tools/call', call, { timeoutMs: 10_000 });
      expect(raw).toEqual(await sdkClient.callTool(call));
    }
    const protocolError = await rejectionOf(ours.rawRequest('no/such-method', {}, { timeoutMs: 10_000 }));
    expect(protocolError).toBeInstanceOf(ProtocolError);
    expect((protocolError as ProtocolError).code).toBe(-32601);
  });
});
