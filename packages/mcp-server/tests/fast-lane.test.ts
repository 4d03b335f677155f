import { describe, expect, it } from 'vitest';
import { ProtocolError, type Client } from '@modelcontextprotocol/client';
import { startFixtureServer, type FixtureServer } from '@cortex-os/mcp-bridge/testing';
import {
  createConnectorsGateway,
  staticConnectorSource,
  type AggregateExtension,
  type ConnectorsGateway,
  type ExtensionCallContext,
} from '../src/index.js';
import { connectorEntry, eventually } from './helpers/http.js';
import { metricValue } from './helpers/metrics.js';
import { bridgeProxy } from './helpers/proxy.js';
import { serveAndConnect, useGatewayHarness } from './helpers/harness.js';
import { panelExtension } from './helpers/panel.js';
import {
  cancelled,
  laneResultPrefix,
  rawPost,
  rawSessionOf,
  SDK_RESULT_PREFIX,
  toolCall,
  type RawSession,
} from './helpers/raw-mcp.js';
import { apiKeyPrincipal } from './helpers/principals.js';

/** Well under the bridge proxy's 5 s call timeout, so a timeout can never pass for a cancellation. */
const CANCEL_WINDOW_MS = 3_000;
const MAX_BODY_BYTES = 4 * 1024 * 1024;

describe('aggregate fast lane (/mcp tools/list and tools/call on Node req/res)', () => {
  const h = useGatewayHarness();
  const { fixtures, closers } = h;

  async function start(
    options: { tools?: string[]; extensions?: AggregateExtension[] } = {},
  ): Promise<{ fixture: FixtureServer; gateway: ConnectorsGateway; client: Client; session: RawSession }> {
    const fixture = await startFixtureServer({
      name: 'fixture-alpha',
      tools: options.tools ?? ['echo', 'slow'],
    });
    fixtures.push(fixture);
    const connector = connectorEntry('alpha', fixture.url);
    const proxy = bridgeProxy(connector);
    closers.push(() => proxy.close());
    const gateway = createConnectorsGateway({
      source: staticConnectorSource([{ connector, proxy }]),
      metrics: h.metrics,
      audit: h.audit,
      principalOf: () => apiKeyPrincipal('key-fast'),
      ...(options.extensions ? { extensions: options.extensions } : {}),
    });
    const { client, base } = await serveAndConnect(gateway, closers);
    return { fixture, gateway, client, session: rawSessionOf(client, `${base}/mcp`) };
  }

  const callsOf = (fixture: FixtureServer, tool: string) => fixture.calls.filter((c) => c.tool === tool);
  const outcomes = (tool: string, outcome: string) =>
    metricValue(h.metrics, 'toolCallsTotal', { connector: 'alpha', tool, outcome });
  const allCalls = () => metricValue(h.metrics, 'toolCallsTotal', {});

  it('answers tools/call of a connector tool as plain JSON echoing string and number ids, with metric and audit', async () => {
    const { fixture, session } = await start();

    const first = await rawPost(session, toolCall('call-1', 'alpha__echo', { text: 'fast hello' }));
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/json');
    expect(first.headers.get('mcp-session-id')).toBe(session.sessionId);
    expect(first.text.startsWith(laneResultPrefix('call-1'))).toBe(true);
    expect(JSON.parse(first.text)).toEqual({
      jsonrpc: '2.0',
      id: 'call-1',
      result: { content: [{ type: 'text', text: 'fast hello' }] },
    });
    expect(await outcomes('echo', 'ok')).toBe(1);

    // a number id stays a number; multi-byte text checks the hand-computed content-length
    const second = await rawPost(session, toolCall(42, 'alpha__echo', { text: 'número ✓ 🚀' }));
    expect(second.status).toBe(200);
    expect(second.headers.get('mcp-session-id')).toBe(session.sessionId);
    expect(Number(second.headers.get('content-length'))).toBe(Buffer.byteLength(second.text));
    expect(second.text.startsWith(laneResultPrefix(42))).toBe(true);
    expect(JSON.parse(second.text)).toEqual({
      jsonrpc: '2.0',
      id: 42,
      result: { content: [{ type: 'text', text: 'número ✓ 🚀' }] },
    });

    expect(await outcomes('echo', 'ok')).toBe(2);
    expect(
      await metricValue(h.metrics, 'toolCallDurationSeconds', { connector: 'alpha', tool: 'echo' }),
    ).toBe(2);
    expect(callsOf(fixture, 'echo').map((c) => c.args)).toEqual([
      { text: 'fast hello' },
      { text: 'número ✓ 🚀' },
    ]);
    const line = {
      brand: 'brAInwav',
      callerId: 'key-fast',
      connectorId: 'alpha',
      tool: 'echo',
      outcome: 'ok',
      endpoint: 'aggregate',
    };
    expect(h.audit.records).toEqual([expect.objectContaining(line), expect.objectContaining(line)]);
    expect(h.audit.records[0]!.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('takes requests whose headers the SDK accepts too (JSON with charset, no protocol-version header)', async () => {
    const { session } = await start();
    const reply = await rawPost(session, toolCall(7, 'alpha__echo', { text: 'charset' }), {
      headers: {
        'content-type': 'application/json; charset=utf-8',
        accept: 'text/event-stream, application/json',
        'mcp-protocol-version': undefined,
      },
    });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe(`${laneResultPrefix(7)}{"content":[{"type":"text","text":"charset"}]}}`);
    expect(await outcomes('echo', 'ok')).toBe(1);
  });

  it('serves tools/list from the cache and leaves a cursor request to the SDK server', async () => {
    const { client, session } = await start({ tools: ['echo', 'slow', 'structured'] });
    const { tools } = await client.listTools(undefined, { cacheMode: 'bypass' });
    expect(tools.map((t) => t.name)).toEqual(['alpha__echo', 'alpha__slow', 'alpha__structured']);

    const cached = await rawPost(session, { jsonrpc: '2.0', id: 'list-1', method: 'tools/list' });
    expect(cached.status).toBe(200);
    expect(cached.headers.get('content-type')).toBe('application/json');
    expect(cached.headers.get('mcp-session-id')).toBe(session.sessionId);
    expect(cached.text.startsWith(laneResultPrefix('list-1'))).toBe(true);
    expect(JSON.parse(cached.text)).toEqual({ jsonrpc: '2.0', id: 'list-1', result: { tools } });

    const emptyParams = await rawPost(session, { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} });
    expect(emptyParams.text.startsWith(laneResultPrefix(2))).toBe(true);
    expect(JSON.parse(emptyParams.text)).toEqual({ jsonrpc: '2.0', id: 2, result: { tools } });

    // with a cursor the lane declines: the SDK server's handler answers (it ignores the cursor, so the
    // one and only page again, without nextCursor)
    const paged = await rawPost(session, {
      jsonrpc: '2.0',
      id: 'list-3',
      method: 'tools/list',
      params: { cursor: 'page-2' },
    });
    expect(paged.status).toBe(200);
    expect(paged.headers.get('content-type')).toBe('application/json');
    expect(paged.text.startsWith(SDK_RESULT_PREFIX)).toBe(true);
    expect(JSON.parse(paged.text)).toEqual({ jsonrpc: '2.0', id: 'list-3', result: { tools } });
  });

  it('leaves unknown tools and malformed tools/call params to the SDK server', async () => {
    const { fixture, client, session } = await start();

    const unknown = await rawPost(session, toolCall('u-1', 'alpha__nope', {}));
    expect(unknown.status).toBe(200);
    expect(JSON.parse(unknown.text)).toEqual({
      jsonrpc: '2.0',
      id: 'u-1',
      error: { code: -32602, message: 'brAInwav: unknown tool alpha__nope' },
    });

    const arrayArgs = await rawPost(session, toolCall('u-2', 'alpha__echo', ['text', 'x']));
    expect(arrayArgs.status).toBe(200);
    expect(JSON.parse(arrayArgs.text)).toMatchObject({
      jsonrpc: '2.0',
      id: 'u-2',
      error: {
        code: -32602,
        message: expect.stringMatching(/^Invalid tools\/call request:[\s\S]*expected record, received array/),
      },
    });

    const numericName = await rawPost(session, toolCall(3, 42, {}));
    expect(JSON.parse(numericName.text)).toMatchObject({
      jsonrpc: '2.0',
      id: 3,
      error: {
        code: -32602,
        message: expect.stringMatching(
          /^Invalid tools\/call request:[\s\S]*expected string, received number/,
        ),
      },
    });

    const noParams = await rawPost(session, { jsonrpc: '2.0', id: 4, method: 'tools/call' });
    expect(JSON.parse(noParams.text)).toMatchObject({ jsonrpc: '2.0', id: 4, error: { code: -32602 } });

    const viaSdk = await client.callTool({ name: 'beta__echo', arguments: {} }).catch((e: unknown) => e);
    expect(viaSdk).toBeInstanceOf(ProtocolError);
    expect((viaSdk as ProtocolError).code).toBe(-32602);
    expect((viaSdk as ProtocolError).message).toContain('unknown tool beta__echo');

    expect(fixture.calls).toEqual([]);
    expect(await allCalls()).toBe(0);
    expect(h.audit.records).toEqual([]);
  });

  it('leaves the 406, 415 and 400 header answers to the SDK transport', async () => {
    const { fixture, session } = await start();
    const call = toolCall('h-1', 'alpha__echo', { text: 'never sent' });
    const sdkError = (message: RegExp) => ({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32000, message: expect.stringMatching(message) },
    });

    const jsonOnly = await rawPost(session, call, { headers: { accept: 'application/json' } });
    expect(jsonOnly.status).toBe(406);
    expect(JSON.parse(jsonOnly.text)).toEqual(sdkError(/^Not Acceptable/));

    const sseOnly = await rawPost(session, call, { headers: { accept: 'text/event-stream' } });
    expect(sseOnly.status).toBe(406);

    const textPlain = await rawPost(session, call, { headers: { 'content-type': 'text/plain' } });
    expect(textPlain.status).toBe(415);
    expect(JSON.parse(textPlain.text)).toEqual(sdkError(/^Unsupported Media Type/));

    const oldVersion = await rawPost(session, call, { headers: { 'mcp-protocol-version': '1999-01-01' } });
    expect(oldVersion.status).toBe(400);
    expect(JSON.parse(oldVersion.text)).toEqual(sdkError(/Unsupported protocol version: 1999-01-01/));

    expect(fixture.calls).toEqual([]);
    expect(await allCalls()).toBe(0);

    // the session is untouched: the same call with proper headers takes the lane
    const ok = await rawPost(session, call);
    expect(ok.status).toBe(200);
    expect(ok.text.startsWith(laneResultPrefix('h-1'))).toBe(true);
    expect(callsOf(fixture, 'echo')).toHaveLength(1);
  });

  it('answers an invalid JSON body 400 BAD_REQUEST and a body over 4 MiB 413 PAYLOAD_TOO_LARGE', async () => {
    const { fixture, session } = await start();
    const brandedError = (code: string, message: string) => ({
      brand: 'brAInwav',
      error: { code, message },
      traceId: null,
    });

    const truncated = await rawPost(session, '{"jsonrpc":"2.0","id":1,"method":"tools/call",');
    expect(truncated.status).toBe(400);
    expect(truncated.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(truncated.text)).toEqual(
      brandedError('BAD_REQUEST', 'brAInwav: request body is not valid JSON'),
    );
    const empty = await rawPost(session, '');
    expect(empty.status).toBe(400);
    expect(JSON.parse(empty.text)).toEqual(
      brandedError('BAD_REQUEST', 'brAInwav: request body is not valid JSON'),
    );

    // exactly 4 MiB (JSON padded with whitespace) is read; one byte more is refused
    const list = JSON.stringify({ jsonrpc: '2.0', id: 'big', method: 'tools/list' });
    const exact = list + ' '.repeat(MAX_BODY_BYTES - list.length);
    const atLimit = await rawPost(session, exact);
    expect(atLimit.status).toBe(200);
    expect(atLimit.text.startsWith(laneResultPrefix('big'))).toBe(true);
    expect(
      (JSON.parse(atLimit.text) as { result: { tools: Array<{ name: string }> } }).result.tools.map(
        (t) => t.name,
      ),
    ).toEqual(['alpha__echo', 'alpha__slow']);
    const overLimit = await rawPost(session, `${exact} `);
    expect(overLimit.status).toBe(413);
    expect(JSON.parse(overLimit.text)).toEqual(
      brandedError('PAYLOAD_TOO_LARGE', 'brAInwav: request body too large'),
    );

    const hugeCall = await rawPost(
      session,
      toolCall('huge', 'alpha__echo', { text: 'x'.repeat(5 * 1024 * 1024) }),
    );
    expect(hugeCall.status).toBe(413);
    expect(JSON.parse(hugeCall.text)).toEqual(
      brandedError('PAYLOAD_TOO_LARGE', 'brAInwav: request body too large'),
    );
    expect(fixture.calls).toEqual([]);
    expect(await allCalls()).toBe(0);

    const after = await rawPost(session, toolCall('after', 'alpha__echo', { text: 'still open' }));
    expect(JSON.parse(after.text)).toEqual({
      jsonrpc: '2.0',
      id: 'after',
      result: { content: [{ type: 'text', text: 'still open' }] },
    });
  });

  it('cancels an in-flight call on notifications/cancelled: 202 for both exchanges, upstream cancelled', async () => {
    const { fixture, session } = await start();
    const pending = rawPost(session, toolCall(101, 'alpha__slow', { ms: 60_000 }));
    await eventually(() => callsOf(fixture, 'slow').length === 1);
    expect(fixture.cancelledCount).toBe(0);

    const cancel = await rawPost(session, cancelled(101, 'user pressed stop'));
    expect(cancel.status).toBe(202);
    expect(cancel.text).toBe('');

    const call = await pending;
    expect(call.status).toBe(202);
    expect(call.text).toBe('');
    expect(call.headers.get('content-type')).toBeNull();

    await eventually(() => fixture.cancelledCount === 1, CANCEL_WINDOW_MS);
    expect(fixture.requests.filter((r) => r.rpcMethod === 'notifications/cancelled')).toHaveLength(1);
    expect(await outcomes('slow', 'cancelled')).toBe(1);
    expect(await allCalls()).toBe(1);
    expect(h.audit.records).toEqual([
      expect.objectContaining({
        connectorId: 'alpha',
        tool: 'slow',
        outcome: 'cancelled',
        endpoint: 'aggregate',
      }),
    ]);

    // the id is free again and the session keeps working
    const again = await rawPost(session, toolCall(101, 'alpha__echo', { text: 'reused id' }));
    expect(again.text.startsWith(laneResultPrefix(101))).toBe(true);
  });

  it('cancels the upstream call when the client disconnects', async () => {
    const { fixture, session } = await start();
    const controller = new AbortController();
    const pending = rawPost(session, toolCall('slow-d', 'alpha__slow', { ms: 60_000 }), {
      signal: controller.signal,
    });
    await eventually(() => callsOf(fixture, 'slow').length === 1);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });

    await eventually(() => fixture.cancelledCount === 1, CANCEL_WINDOW_MS);
    await eventually(async () => (await outcomes('slow', 'cancelled')) === 1, CANCEL_WINDOW_MS);
    expect(await allCalls()).toBe(1);
    expect(fixture.requests.some((r) => r.rpcMethod === 'notifications/cancelled')).toBe(true);

    const after = await rawPost(session, toolCall('slow-d', 'alpha__echo', { text: 'next' }));
    expect(after.status).toBe(200);
    expect(after.text.startsWith(laneResultPrefix('slow-d'))).toBe(true);
  });

  it('cancels through the lane when the stock SDK client aborts a call', async () => {
    const { fixture, client } = await start();
    const controller = new AbortController();
    const call = client.callTool(
      { name: 'alpha__slow', arguments: { ms: 60_000 } },
      { signal: controller.signal },
    );
    await eventually(() => callsOf(fixture, 'slow').length === 1);
    controller.abort(new Error('stop'));
    await expect(call).rejects.toThrow();

    await eventually(() => fixture.cancelledCount === 1, CANCEL_WINDOW_MS);
    await eventually(async () => (await outcomes('slow', 'cancelled')) === 1, CANCEL_WINDOW_MS);
    expect(await client.callTool({ name: 'alpha__echo', arguments: { text: 'after abort' } })).toEqual({
      content: [{ type: 'text', text: 'after abort' }],
    });
  });

  it('passes notifications/cancelled for an unknown request id to the SDK transport without touching calls in flight', async () => {
    const { fixture, session } = await start();
    const pending = rawPost(session, toolCall(9, 'alpha__slow', { ms: 1_000 }));
    await eventually(() => callsOf(fixture, 'slow').length === 1);

    const unknown = await rawPost(session, cancelled('no-such-request', 'stale'));
    expect(unknown.status).toBe(202);
    expect(unknown.text).toBe('');
    // the string "9" is not the number 9 in flight
    const otherType = await rawPost(session, cancelled('9'));
    expect(otherType.status).toBe(202);

    const call = await pending;
    expect(call.status).toBe(200);
    expect(JSON.parse(call.text)).toEqual({
      jsonrpc: '2.0',
      id: 9,
      result: { content: [{ type: 'text', text: 'slept 1000' }] },
    });
    expect(fixture.cancelledCount).toBe(0);
    expect(await outcomes('slow', 'ok')).toBe(1);
    expect(await outcomes('slow', 'cancelled')).toBe(0);
  });

  it('refuses a request whose id is already in flight on the lane (400 -32600) and keeps serving the first', async () => {
    const { fixture, session } = await start();
    const slow = rawPost(session, toolCall('dup', 'alpha__slow', { ms: 2_000 }));
    await eventually(() => callsOf(fixture, 'slow').length === 1);

    const twin = await rawPost(session, toolCall('dup', 'alpha__echo', { text: 'twin' }));
    expect(twin.status).toBe(400);
    expect(JSON.parse(twin.text)).toMatchObject({ jsonrpc: '2.0', id: 'dup', error: { code: -32600 } });
    expect(callsOf(fixture, 'echo')).toHaveLength(0);

    const first = await slow;
    expect(first.text).toBe(`${laneResultPrefix('dup')}{"content":[{"type":"text","text":"slept 2000"}]}}`);
    // once settled the id is free again
    const third = await rawPost(session, toolCall('dup', 'alpha__echo', { text: 'third' }));
    expect(third.text.startsWith(laneResultPrefix('dup'))).toBe(true);
    expect(await outcomes('echo', 'ok')).toBe(1);
    expect(await outcomes('slow', 'ok')).toBe(1);
  });

  it('leaves look-alike media types and non-integer ids to the SDK, as the SDK transport would judge them', async () => {
    const { fixture, session } = await start();
    const list = { jsonrpc: '2.0', id: 10, method: 'tools/list' };
    const lookAlike = await rawPost(session, list, {
      headers: { 'content-type': 'text/plain; profile=application/json' },
    });
    expect(lookAlike.status).toBe(415);
    const jsonSeq = await rawPost(session, list, { headers: { 'content-type': 'application/json-seq' } });
    expect(jsonSeq.status).toBe(415);

    const fractional = await rawPost(session, { ...list, id: 1.5 });
    expect(fractional.status).toBe(400);
    expect(JSON.parse(fractional.text)).toMatchObject({ error: { code: -32700 } });
    expect(fractional.text.startsWith(laneResultPrefix(1.5))).toBe(false);
    expect(fixture.calls).toEqual([]);
  });

  it('never writes a result for a cancelled call, even when the tool resolves after the abort', async () => {
    const started: string[] = [];
    const extension: AggregateExtension = {
      tools: [
        {
          definition: { name: 'late_result', inputSchema: { type: 'object', properties: {} } },
          call: (_args, context) =>
            new Promise((resolve) => {
              started.push('late_result');
              // resolves (with a result) right after the abort, like a tool that ignores cancellation
              context.signal.addEventListener(
                'abort',
                () => setImmediate(() => resolve({ content: [{ type: 'text', text: 'too late' }] })),
                { once: true },
              );
            }),
        },
        {
          definition: { name: 'error_on_abort', inputSchema: { type: 'object', properties: {} } },
          call: (_args, context) =>
            new Promise((_resolve, reject) => {
              started.push('error_on_abort');
              context.signal.addEventListener('abort', () => reject(new Error('stopped')), { once: true });
            }),
        },
      ],
    };
    const { session } = await start({ extensions: [extension] });
    for (const [id, tool] of [
      ['late-1', 'late_result'],
      ['err-1', 'error_on_abort'],
    ] as const) {
      const pending = rawPost(session, toolCall(id, tool));
      await eventually(() => started.includes(tool));
      const cancel = await rawPost(session, cancelled(id, 'stop'));
      expect(cancel.status).toBe(202);
      const reply = await pending;
      expect(reply.status).toBe(202);
      expect(reply.text).toBe('');
    }
  });

  it('calls extension tools through the lane and aborts their signal on cancel, disconnect and session end', async () => {
    const seen: ExtensionCallContext[] = [];
    const extension: AggregateExtension = {
      tools: [
        ...(panelExtension(seen).tools ?? []).slice(0, 1),
        {
          definition: { name: 'wait_for_abort', inputSchema: { type: 'object', properties: {} } },
          call: (_args, context) => {
            seen.push(context);
            return new Promise((_resolve, reject) =>
              context.signal.addEventListener('abort', () => reject(context.signal.reason as Error), {
                once: true,
              }),
            );
          },
        },
      ],
    };
    const { fixture, gateway, session } = await start({ extensions: [extension] });

    const shown = await rawPost(session, toolCall('ext-1', 'show_panel', { a: 1 }));
    expect(shown.status).toBe(200);
    expect(shown.headers.get('mcp-session-id')).toBe(session.sessionId);
    expect(shown.text.startsWith(laneResultPrefix('ext-1'))).toBe(true);
    expect(JSON.parse(shown.text)).toEqual({
      jsonrpc: '2.0',
      id: 'ext-1',
      result: { content: [{ type: 'text', text: 'panel {"a":1}' }], structuredContent: { ok: true } },
    });
    const bare = await rawPost(session, toolCall(2, 'show_panel'));
    expect(JSON.parse(bare.text)).toMatchObject({ id: 2, result: { content: [{ text: 'panel {}' }] } });
    expect(seen.map((c) => c.callerId)).toEqual(['key-fast', 'key-fast']);
    expect(seen.map((c) => c.signal.aborted)).toEqual([false, false]);
    expect(fixture.calls).toEqual([]);

    const reasonOf = (i: number) => (seen[i]!.signal.reason as Error).message;

    // notifications/cancelled
    const waiting = rawPost(session, toolCall('ext-wait', 'wait_for_abort', {}));
    await eventually(() => seen.length === 3);
    const cancel = await rawPost(session, cancelled('ext-wait', 'user stop'));
    expect(cancel.status).toBe(202);
    await eventually(() => seen[2]!.signal.aborted);
    expect(reasonOf(2)).toBe('brAInwav: cancelled by the client (user stop)');
    await waiting;

    const noReason = rawPost(session, toolCall(5, 'wait_for_abort', {}));
    await eventually(() => seen.length === 4);
    expect((await rawPost(session, cancelled(5))).status).toBe(202);
    await eventually(() => seen[3]!.signal.aborted);
    expect(reasonOf(3)).toBe('brAInwav: cancelled by the client (no reason given)');
    await noReason;

    // client disconnect
    const controller = new AbortController();
    const dropped = rawPost(session, toolCall('ext-drop', 'wait_for_abort', {}), {
      signal: controller.signal,
    });
    await eventually(() => seen.length === 5);
    controller.abort();
    await expect(dropped).rejects.toMatchObject({ name: 'AbortError' });
    await eventually(() => seen[4]!.signal.aborted);
    expect(reasonOf(4)).toBe('brAInwav: client disconnected');

    // session end (DELETE)
    const orphan = rawPost(session, toolCall('ext-end', 'wait_for_abort', {}));
    await eventually(() => seen.length === 6);
    const deleted = await fetch(session.url, {
      method: 'DELETE',
      headers: { 'mcp-session-id': session.sessionId, 'mcp-protocol-version': session.protocolVersion },
    });
    expect(deleted.status).toBe(200);
    await eventually(() => seen[5]!.signal.aborted);
    expect(reasonOf(5)).toBe('brAInwav: session closed');
    await orphan;
    expect(gateway.sessionCount).toBe(0);
  });

  it('aborts an in-flight fast-lane call upstream when the session is deleted', async () => {
    const { fixture, gateway, session } = await start();
    expect(gateway.sessionCount).toBe(1);
    const pending = rawPost(session, toolCall('slow-del', 'alpha__slow', { ms: 60_000 }));
    await eventually(() => callsOf(fixture, 'slow').length === 1);

    const deleted = await fetch(session.url, {
      method: 'DELETE',
      headers: { 'mcp-session-id': session.sessionId, 'mcp-protocol-version': session.protocolVersion },
    });
    expect(deleted.status).toBe(200);

    const call = await pending;
    expect(call.status).toBe(202);
    expect(call.text).toBe('');
    await eventually(() => fixture.cancelledCount === 1, CANCEL_WINDOW_MS);
    expect(await outcomes('slow', 'cancelled')).toBe(1);
    expect(await allCalls()).toBe(1);
    expect(gateway.sessionCount).toBe(0);

    const late = await rawPost(session, toolCall('late', 'alpha__echo', { text: 'too late' }));
    expect(late.status).toBe(404);
    expect(JSON.parse(late.text)).toEqual({
      brand: 'brAInwav',
      error: { code: 'NOT_FOUND', message: 'brAInwav: unknown or expired MCP session' },
      traceId: null,
    });
    expect(callsOf(fixture, 'echo')).toEqual([]);
  });
});
