import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import {
  Client,
  ProtocolError,
  SdkError,
  SdkErrorCode,
  SdkHttpError,
  StreamableHTTPClientTransport,
  type FetchLike,
  type JSONRPCMessage,
} from '@modelcontextprotocol/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  NodeHttpClientTransport,
  MALFORMED_RESPONSE_CODE,
  STREAM_LOST_CODE,
  createRemoteToolProxy,
  type NodeHttpTransportOptions,
  type RemoteToolProxy,
} from '../src/index.js';
import { classify } from '../src/classify.js';
import { BodyTooLargeError, exchange, keepAliveAgent, mediaType, readBody } from '../src/node-http.js';
import { FIXTURE_TOOLS, startFixtureServer, type FixtureServer } from '../src/testing/index.js';
import { connectorFor, rejectionOf, waitFor } from './helpers.js';

/** Cleanup steps of the running test, run in reverse order in afterEach. */
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step().catch(() => undefined);
});

let fixture: FixtureServer;
beforeEach(async () => {
  fixture = await startFixtureServer();
  cleanups.push(() => fixture.stop());
});

const textOf = (result: { content?: unknown }): string =>
  (result.content as { text?: string }[] | undefined)?.[0]?.text ?? '';

interface Connected {
  readonly client: Client;
  readonly transport: NodeHttpClientTransport;
  readonly errors: Error[];
}

/** An SDK Client on a NodeHttpClientTransport to `url`, connected (closed after the test). */
async function connect(url: string, options: NodeHttpTransportOptions = {}): Promise<Connected> {
  const { client, transport, errors } = unconnected(url, options);
  await client.connect(transport);
  return { client, transport, errors };
}

function unconnected(url: string, options: NodeHttpTransportOptions = {}): Connected {
  const client = new Client({ name: 'node-http-test', version: '1.0.0' });
  const transport = new NodeHttpClientTransport(new URL(url), options);
  const errors: Error[] = [];
  client.onerror = (error) => errors.push(error);
  cleanups.push(() => client.close());
  return { client, transport, errors };
}

// ---------------------------------------------------------------------------------------------
// Tiny node:http servers for wire shapes and faults the fixture does not produce.

interface TinyRequest {
  readonly httpMethod: string;
  /** Request target (path and query). */
  readonly path: string | undefined;
  readonly rpcMethod: string | undefined;
  readonly toolName: string | undefined;
  readonly headers: IncomingMessage['headers'];
  /** Index of the TCP connection the request came on (0, 1, …). */
  readonly socket: number;
}

interface RpcMessage {
  readonly jsonrpc: '2.0';
  readonly id?: string | number;
  readonly method?: string;
  readonly params?: { name?: string; arguments?: Record<string, unknown>; protocolVersion?: string };
}

type TinyHandler = (req: IncomingMessage, res: ServerResponse, message: RpcMessage | undefined) => void;

interface Tiny {
  readonly url: string;
  readonly requests: TinyRequest[];
  /** Stops listening and drops every connection (also done after the test). */
  close(): Promise<void>;
}

async function startTiny(handler: TinyHandler): Promise<Tiny> {
  const requests: TinyRequest[] = [];
  const sockets = new Map<Socket, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const message = text ? (JSON.parse(text) as RpcMessage) : undefined;
      if (!sockets.has(req.socket)) sockets.set(req.socket, sockets.size);
      requests.push({
        httpMethod: req.method ?? '',
        path: req.url,
        rpcMethod: message?.method,
        toolName: message?.params?.name,
        headers: req.headers,
        socket: sockets.get(req.socket)!,
      });
      handler(req, res, message);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = (): Promise<void> =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  cleanups.push(close);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, requests, close };
}

const SESSION = 'tiny-session-1';

/** A JSON-RPC result for the methods a Client uses; undefined for unknown methods. */
function resultFor(message: RpcMessage): unknown {
  switch (message.method) {
    case 'initialize':
      return {
        protocolVersion: message.params?.protocolVersion,
        capabilities: { tools: { listChanged: true } },
        serverInfo: { name: 'tiny', version: '1.0.0' },
      };
    case 'tools/list':
      return { tools: [{ name: 'echo', inputSchema: { type: 'object' } }] };
    case 'tools/call':
      return { content: [{ type: 'text', text: `echo:${String(message.params?.arguments?.text)}` }] };
    case 'ping':
      return {};
    case undefined:
    default:
      return undefined;
  }
}

const sessionHeader = (message: RpcMessage): Record<string, string> =>
  message.method === 'initialize' ? { 'mcp-session-id': SESSION } : {};

/**
 * Answers every POST with `application/json` (a batch for `tools/call` of `batched`), GET with 405 and
 * DELETE with `deleteStatus`.
 */
function jsonHandler(deleteStatus = 200): TinyHandler {
  return (req, res, message) => {
    if (req.method === 'GET') return void res.writeHead(405, { allow: 'POST, DELETE' }).end();
    if (req.method === 'DELETE')
      return void res.writeHead(deleteStatus).end(deleteStatus >= 400 ? 'nope' : '');
    if (!message || message.id === undefined) return void res.writeHead(202).end();
    const response = { jsonrpc: '2.0', id: message.id, result: resultFor(message) };
    const body =
      message.params?.name === 'batched'
        ? [
            { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'in batch' } },
            { ...response, result: { content: [{ type: 'text', text: 'batched result' }] } },
          ]
        : response;
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', ...sessionHeader(message) });
    res.end(JSON.stringify(body));
  };
}

const sse = (message: unknown, id?: string): string =>
  `${id === undefined ? '' : `id: ${id}\n`}data: ${JSON.stringify(message)}\n\n`;

/**
 * Handshake and `echo` over SSE; `tools/call` of other names misbehave:
 * `drop` destroys the socket after the SSE headers, `endEarly` ends the stream after a notification,
 * `truncated` cuts a JSON body, `badJson` answers invalid JSON, `plain` answers text/plain.
 */
function faultHandler(getStatus = 405): TinyHandler {
  return (req, res, message) => {
    if (req.method === 'GET')
      return void res.writeHead(getStatus).end(getStatus === 405 ? '' : 'get refused');
    if (req.method === 'DELETE') return void res.writeHead(200).end();
    if (!message || message.id === undefined) return void res.writeHead(202).end();
    const name = message.method === 'tools/call' ? message.params?.name : undefined;
    const sseHead = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' };
    switch (name) {
      case 'drop':
        res.writeHead(200, sseHead);
        res.write(': opened\n\n', () => res.socket?.destroy());
        return;
      case 'endEarly':
        res.writeHead(200, sseHead);
        res.end(
          sse({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'x' } }),
        );
        return;
      case 'truncated':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '200' });
        res.write('{"jsonrpc":"2.0","id":', () => res.socket?.destroy());
        return;
      case 'badJson':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('this is not json');
        return;
      case 'plain':
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('hello');
        return;
      case undefined:
      default: {
        const result = { jsonrpc: '2.0', id: message.id, result: resultFor(message) };
        res.writeHead(200, { ...sseHead, ...sessionHeader(message) });
        // a resumability priming event (id, empty data) first, then the result split over two writes
        const body = `id: prime\ndata:\n\n${sse(result, 'ev-1')}`;
        res.write(body.slice(0, 25));
        res.end(body.slice(25));
      }
    }
  };
}

// ---------------------------------------------------------------------------------------------

describe('NodeHttpClientTransport: against the fixture (SSE responses)', () => {
  it('initializes, lists and calls tools; session, protocol-version and static headers on the wire', async () => {
    const { client, transport, errors } = await connect(fixture.url, { headers: { 'X-Tenant': 'acme' } });
    expect(client.getServerVersion()?.name).toBe('brainwav-fixture');
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name)).toEqual([...FIXTURE_TOOLS]);
    const result = await client.callTool({ name: 'echo', arguments: { text: 'héllo ✓ 😀' } });
    expect(result.content).toEqual([{ type: 'text', text: 'héllo ✓ 😀' }]);
    expect(fixture.calls).toEqual([
      { tool: 'echo', args: { text: 'héllo ✓ 😀' }, sessionId: transport.sessionId },
    ]);

    const sid = transport.sessionId;
    expect(sid).toMatch(/^[0-9a-f-]{36}$/);
    expect(fixture.sessionCount).toBe(1);
    await waitFor(() => fixture.requests.some((r) => r.httpMethod === 'GET'));

    const posts = fixture.requests.filter((r) => r.httpMethod === 'POST');
    expect(posts.map((r) => r.rpcMethod)).toEqual([
      'initialize',
      'notifications/initialized',
      'tools/list',
      'tools/call',
    ]);
    const [init, ...later] = posts;
    expect(init!.headers['mcp-session-id']).toBeUndefined();
    expect(init!.headers['mcp-protocol-version']).toBeUndefined();
    const version = client.getNegotiatedProtocolVersion();
    expect(version).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const request of later) {
      expect(request.headers['mcp-session-id']).toBe(sid);
      expect(request.headers['mcp-protocol-version']).toBe(version);
    }
    for (const request of posts) {
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers.accept).toBe('application/json, text/event-stream');
    }
    const get = fixture.requests.find((r) => r.httpMethod === 'GET')!;
    expect(get.headers.accept).toBe('text/event-stream');
    expect(get.headers['mcp-session-id']).toBe(sid);
    expect(get.headers['mcp-protocol-version']).toBe(version);
    expect(fixture.headersSeen).toHaveLength(fixture.requests.length);
    expect(fixture.headersSeen.map((h) => h['x-tenant'])).toEqual(fixture.headersSeen.map(() => 'acme'));
    expect(errors).toEqual([]);
  });

  it('delivers notifications/tools/list_changed over the standalone GET stream', async () => {
    const { client } = await connect(fixture.url);
    await waitFor(() => fixture.requests.some((r) => r.httpMethod === 'GET'));
    const changed = new Promise<string>((resolve) =>
      client.setNotificationHandler('notifications/tools/list_changed', (n) => resolve(n.method)),
    );
    await fixture.setTools(['echo', 'brandNewTool']);
    expect(await changed).toBe('notifications/tools/list_changed');
    const tools = await client.listTools(undefined, { cacheMode: 'refresh' });
    expect(tools.tools.map((t) => t.name)).toEqual(['echo', 'brandNewTool']);
    expect(textOf(await client.callTool({ name: 'brandNewTool', arguments: {} }))).toBe(
      'brandNewTool called',
    );
  });

  it('delivers every progress notification of a POST stream before its result', async () => {
    const { client } = await connect(fixture.url);
    const progress: number[] = [];
    const result = await client.callTool(
      { name: 'slow', arguments: { ms: 60, steps: 3 } },
      { timeout: 20_000, onprogress: (p) => void progress.push(p.progress) },
    );
    expect(textOf(result)).toBe('slept 60');
    expect(progress).toEqual([1, 2, 3]);
  });

  it('fails a call at once when the upstream destroys its socket mid-call (crash tool), then keeps working', async () => {
    const { client } = await connect(fixture.url);
    const started = Date.now();
    const error = await rejectionOf(client.callTool({ name: 'crash', arguments: {} }, { timeout: 20_000 }));
    expect(Date.now() - started).toBeLessThan(5_000);
    // the fixture destroys the socket before its SSE headers went out (Node: ECONNRESET "socket hang up");
    // had the headers been flushed first, the transport answers the request with STREAM_LOST_CODE instead
    if (error instanceof ProtocolError) expect(error.code).toBe(STREAM_LOST_CODE);
    else
      expect({ code: error.code, message: error.message }).toEqual({
        code: 'ECONNRESET',
        message: 'socket hang up',
      });
    expect(classify(error, 'call')).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      retryable: true,
      sessionLost: true,
      outage: true,
      notDelivered: false,
    });
    expect(fixture.calls.map((c) => c.tool)).toEqual(['crash']);
    const next = await client.callTool(
      { name: 'echo', arguments: { text: 'after crash' } },
      { timeout: 20_000 },
    );
    expect(textOf(next)).toBe('after crash');
  });

  it('rejects with SdkHttpError 401 (body text in the message) when the upstream refuses the credentials', async () => {
    fixture.setRequireAuth({ header: 'X-Api-Key', value: 'right' });
    const { client, transport } = unconnected(fixture.url, { headers: { 'X-Api-Key': 'wrong' } });
    const error = await rejectionOf(client.connect(transport));
    expect(error).toBeInstanceOf(SdkHttpError);
    const http = error as SdkHttpError;
    expect(http.status).toBe(401);
    expect(http.statusText).toBe('Unauthorized');
    expect(http.code).toBe(SdkErrorCode.ClientHttpAuthentication);
    expect(http.message).toMatch(/^Error POSTing to endpoint: HTTP 401 \{.*"message":"Unauthorized".*\}$/);
    expect(classify(error, 'connect')).toMatchObject({ code: 'UPSTREAM_AUTH_FAILED' });
    expect(fixture.headersSeen.map((h) => h['x-api-key'])).toEqual(['wrong']);

    const ok = await connect(fixture.url, { headers: { 'X-Api-Key': 'right' } });
    expect(textOf(await ok.client.callTool({ name: 'echo', arguments: { text: 'authed' } }))).toBe('authed');
    fixture.setRequireAuth({ header: 'X-Api-Key', value: 'rotated' });
    const later = await rejectionOf(ok.client.callTool({ name: 'echo', arguments: { text: 'x' } }));
    expect(later).toBeInstanceOf(SdkHttpError);
    expect((later as SdkHttpError).status).toBe(401);
  });

  it('rejects with SdkHttpError 404 and the body text for an unknown session and an unknown path', async () => {
    const { client } = await connect(fixture.url);
    await fixture.dropSessions();
    const error = await rejectionOf(client.callTool({ name: 'echo', arguments: { text: 'x' } }));
    expect(error).toBeInstanceOf(SdkHttpError);
    expect((error as SdkHttpError).status).toBe(404);
    expect(error.message).toContain('HTTP 404');
    expect(error.message).toContain('Session not found');
    expect(classify(error, 'call')).toMatchObject({
      code: 'TOOL_CALL_FAILED',
      sessionLost: true,
      notDelivered: true,
    });

    const wrongPath = unconnected(fixture.url.replace(/\/mcp$/, '/elsewhere'));
    const refused = await rejectionOf(wrongPath.client.connect(wrongPath.transport));
    expect(refused).toBeInstanceOf(SdkHttpError);
    expect((refused as SdkHttpError).status).toBe(404);
    expect(refused.message).toBe(
      'Error POSTing to endpoint: HTTP 404 {"jsonrpc":"2.0","error":{"code":-32000,"message":"Not found"},"id":null}',
    );
  });

  it('terminateSession() sends DELETE with the session id and clears sessionId', async () => {
    const { client, transport } = await connect(fixture.url, { headers: { 'X-Tenant': 'acme' } });
    await client.ping();
    const sid = transport.sessionId;
    expect(sid).toBeDefined();
    expect(fixture.sessionCount).toBe(1);
    await transport.terminateSession();
    expect(transport.sessionId).toBeUndefined();
    const deletes = fixture.requests.filter((r) => r.httpMethod === 'DELETE');
    expect(deletes).toHaveLength(1);
    expect(deletes[0]!.headers['mcp-session-id']).toBe(sid);
    expect(deletes[0]!.headers['x-tenant']).toBe('acme');
    await waitFor(() => fixture.sessionCount === 0);
    await transport.terminateSession(); // no session any more: no request
    expect(fixture.requests.filter((r) => r.httpMethod === 'DELETE')).toHaveLength(1);
  });

  it('close() aborts an in-flight call, calls onclose once, and send afterwards rejects', async () => {
    const { client, transport } = await connect(fixture.url);
    let closes = 0;
    client.onclose = () => (closes += 1);
    const call = rejectionOf(
      client.callTool({ name: 'slow', arguments: { ms: 15_000 } }, { timeout: 20_000 }),
    );
    await waitFor(() => fixture.calls.some((c) => c.tool === 'slow'));
    const started = Date.now();
    await transport.close();
    const error = await call;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(SdkError);
    expect((error as SdkError).code).toBe(SdkErrorCode.ConnectionClosed);
    expect(closes).toBe(1);

    const sendError = await rejectionOf(transport.send({ jsonrpc: '2.0', id: 99, method: 'ping' }));
    expect(sendError).toBeInstanceOf(SdkError);
    expect((sendError as SdkError).code).toBe(SdkErrorCode.NotConnected);
    await transport.close(); // idempotent
    expect(closes).toBe(1);
    const requestsAfter = fixture.requests.length;
    await transport.terminateSession(); // closed: nothing sent
    expect(fixture.requests).toHaveLength(requestsAfter);
  });

  it('start() twice rejects', async () => {
    const transport = new NodeHttpClientTransport(new URL(fixture.url));
    cleanups.push(() => transport.close());
    await transport.start();
    await expect(transport.start()).rejects.toThrow('brAInwav: NodeHttpClientTransport already started');
    const client = new Client({ name: 'twice', version: '1.0.0' });
    await expect(client.connect(transport)).rejects.toThrow('already started');
  });
});

describe('NodeHttpClientTransport: wire shapes and faults (tiny node:http servers)', () => {
  it('works the same with application/json responses (single and batch) and a GET answered 405', async () => {
    const tiny = await startTiny(jsonHandler());
    const { client, transport, errors } = await connect(tiny.url, { headers: { 'X-Tenant': 'json' } });
    expect(transport.sessionId).toBe(SESSION);
    expect(client.getServerVersion()?.name).toBe('tiny');
    await waitFor(() => tiny.requests.some((r) => r.httpMethod === 'GET'));
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['echo']);
    expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'über' } }))).toBe('echo:über');

    const logs: unknown[] = [];
    client.setNotificationHandler('notifications/message', (n) => void logs.push(n.params.data));
    expect(textOf(await client.callTool({ name: 'batched', arguments: {} }))).toBe('batched result');
    await waitFor(() => logs.length === 1);
    expect(logs).toEqual(['in batch']);

    expect(errors).toEqual([]);
    expect(tiny.requests.map((r) => `${r.httpMethod} ${r.rpcMethod ?? ''}`.trim())).toEqual([
      'POST initialize',
      'POST notifications/initialized',
      'GET',
      'POST tools/list',
      'POST tools/call',
      'POST tools/call',
    ]);
    expect(tiny.requests.filter((r) => r.httpMethod === 'GET')).toHaveLength(1);
    for (const request of tiny.requests.slice(1)) expect(request.headers['mcp-session-id']).toBe(SESSION);
    expect(tiny.requests.every((r) => r.headers['x-tenant'] === 'json')).toBe(true);
  });

  it('reuses keep-alive connections across sequential requests', async () => {
    const tiny = await startTiny(jsonHandler());
    const { client } = await connect(tiny.url);
    await waitFor(() => tiny.requests.some((r) => r.httpMethod === 'GET'));
    for (let i = 0; i < 8; i += 1)
      expect(textOf(await client.callTool({ name: 'echo', arguments: { text: String(i) } }))).toBe(
        `echo:${i}`,
      );
    expect(tiny.requests).toHaveLength(11);
    expect(tiny.requests.every((r) => r.headers.connection === 'keep-alive')).toBe(true);
    expect(new Set(tiny.requests.map((r) => r.socket)).size).toBeLessThanOrEqual(2);
  });

  it('strips the priming event and reads a result split across writes on an SSE response', async () => {
    const tiny = await startTiny(faultHandler());
    const { client, errors } = await connect(tiny.url);
    expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'sse' } }))).toBe('echo:sse');
    expect(errors).toEqual([]);
  });

  it.each([
    ['drop', 'socket destroyed after the SSE headers'],
    ['endEarly', 'SSE stream ended without the result'],
    ['truncated', 'JSON body cut by the socket'],
  ])('fails a call at once with STREAM_LOST_CODE: %s (%s), then the next call works', async (tool) => {
    const tiny = await startTiny(faultHandler());
    const { client, errors } = await connect(tiny.url);
    const started = Date.now();
    const error = await rejectionOf(client.callTool({ name: tool, arguments: {} }, { timeout: 20_000 }));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ code: STREAM_LOST_CODE });
    expect(errors.filter((e) => e.message.startsWith('brAInwav: upstream response lost'))).toHaveLength(1);
    const next = await client.callTool({ name: 'echo', arguments: { text: 'alive' } }, { timeout: 20_000 });
    expect(textOf(next)).toBe('echo:alive');
  });

  it('fails a call at once with MALFORMED_RESPONSE_CODE on an invalid JSON body (reachable, not lost), then the next call works', async () => {
    const tiny = await startTiny(faultHandler());
    const { client, errors } = await connect(tiny.url);
    const started = Date.now();
    const error = await rejectionOf(client.callTool({ name: 'badJson', arguments: {} }, { timeout: 20_000 }));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ code: MALFORMED_RESPONSE_CODE });
    expect(error.message).toContain('malformed upstream response: the upstream answered with invalid JSON');
    expect(errors.filter((e) => e.message.startsWith('brAInwav: upstream response lost'))).toHaveLength(0);
    const next = await client.callTool({ name: 'echo', arguments: { text: 'alive' } }, { timeout: 20_000 });
    expect(textOf(next)).toBe('echo:alive');
  });

  it('rejects an unexpected content type with ClientHttpUnexpectedContent', async () => {
    const tiny = await startTiny(faultHandler());
    const { client } = await connect(tiny.url);
    const error = await rejectionOf(client.callTool({ name: 'plain', arguments: {} }, { timeout: 20_000 }));
    expect(error).toBeInstanceOf(SdkError);
    expect((error as SdkError).code).toBe(SdkErrorCode.ClientHttpUnexpectedContent);
    expect(error.message).toBe('brAInwav: unexpected content type "text/plain"');
  });

  it('rejects a refused POST with SdkHttpError carrying status and body (500)', async () => {
    const tiny = await startTiny((_req, res) => void res.writeHead(500).end('upstream exploded'));
    const { client, transport } = unconnected(tiny.url);
    const error = await rejectionOf(client.connect(transport));
    expect(error).toBeInstanceOf(SdkHttpError);
    expect((error as SdkHttpError).status).toBe(500);
    expect(error.message).toBe('Error POSTing to endpoint: HTTP 500 upstream exploded');
    expect((error as SdkHttpError).data).toMatchObject({ status: 500, text: 'upstream exploded' });
  });

  it('reports a refused GET stream through onerror without retrying a 4xx, and calls keep working', async () => {
    const tiny = await startTiny(faultHandler(400));
    const { client, errors } = await connect(tiny.url);
    await waitFor(() => errors.length > 0);
    expect(errors[0]).toBeInstanceOf(SdkHttpError);
    expect(errors[0]!.message).toBe('Failed to open SSE stream: HTTP 400 get refused');
    expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'ok' } }))).toBe('echo:ok');
    expect(tiny.requests.filter((r) => r.httpMethod === 'GET')).toHaveLength(1);
  });

  it('retries a GET stream answered 5xx up to maxRetries, then gives up', async () => {
    const tiny = await startTiny(faultHandler(503));
    const { client, errors } = await connect(tiny.url, {
      reconnect: { initialDelayMs: 5, growFactor: 1, maxDelayMs: 5, maxRetries: 2 },
    });
    await waitFor(() => errors.some((e) => e.message.includes('gave up')));
    expect(errors.map((e) => e.message)).toEqual([
      'Failed to open SSE stream: HTTP 503 get refused',
      'Failed to open SSE stream: HTTP 503 get refused',
      'Failed to open SSE stream: HTTP 503 get refused',
      'brAInwav: event stream lost; gave up after 2 reconnection attempts',
    ]);
    expect(tiny.requests.filter((r) => r.httpMethod === 'GET')).toHaveLength(3);
    expect(textOf(await client.callTool({ name: 'echo', arguments: { text: 'still' } }))).toBe('echo:still');
  });

  it('reopens a closed GET stream after the server retry: delay with Last-Event-ID', async () => {
    let gets = 0;
    const tiny = await startTiny((req, res, message) => {
      if (req.method === 'GET') {
        gets += 1;
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const notification = { jsonrpc: '2.0', method: 'notifications/tools/list_changed' };
        if (gets === 1) return void res.end(`retry: 10\n${sse(notification, 'stream-7')}`);
        return void res.write(sse(notification, 'stream-8'));
      }
      return jsonHandler()(req, res, message);
    });
    const { client } = await connect(tiny.url, {
      reconnect: { initialDelayMs: 60_000, growFactor: 1, maxDelayMs: 60_000, maxRetries: 2 },
    });
    let changes = 0;
    client.setNotificationHandler('notifications/tools/list_changed', () => void (changes += 1));
    await waitFor(() => changes === 2);
    const getRequests = tiny.requests.filter((r) => r.httpMethod === 'GET');
    expect(getRequests).toHaveLength(2);
    expect(getRequests[0]!.headers['last-event-id']).toBeUndefined();
    expect(getRequests[1]!.headers['last-event-id']).toBe('stream-7');
    expect(getRequests[1]!.headers['mcp-session-id']).toBe(SESSION);
  });

  it('terminateSession() accepts 405, rejects other failures with SdkHttpError and keeps the session', async () => {
    const ok405 = await startTiny(jsonHandler(405));
    const a = await connect(ok405.url);
    await a.transport.terminateSession();
    expect(a.transport.sessionId).toBeUndefined();
    expect(
      ok405.requests.filter((r) => r.httpMethod === 'DELETE').map((r) => r.headers['mcp-session-id']),
    ).toEqual([SESSION]);

    const failing = await startTiny(jsonHandler(500));
    const b = await connect(failing.url);
    const error = await rejectionOf(b.transport.terminateSession());
    expect(error).toBeInstanceOf(SdkHttpError);
    expect((error as SdkHttpError).status).toBe(500);
    expect(error.message).toBe('Failed to terminate session: HTTP 500 nope');
    expect(b.transport.sessionId).toBe(SESSION);
  });

  it('send(): per-message headers cannot override transport headers; a resumption token resumes by GET', async () => {
    const tiny = await startTiny(jsonHandler());
    const transport = new NodeHttpClientTransport(new URL(tiny.url), { headers: { 'X-Static': 's' } });
    cleanups.push(() => transport.close());
    const received: JSONRPCMessage[] = [];
    transport.onmessage = (message) => void received.push(message);
    await transport.start();
    await transport.send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    });
    expect(transport.sessionId).toBe(SESSION);
    transport.setProtocolVersion('2025-06-18');
    await transport.send(
      { jsonrpc: '2.0', id: 2, method: 'ping' },
      {
        headers: {
          'Mcp-Session-Id': 'forged',
          'MCP-Protocol-Version': '1999-01-01',
          Accept: 'text/html',
          'X-Extra': 'e',
        },
      },
    );
    expect(received).toEqual([
      expect.objectContaining({ jsonrpc: '2.0', id: 1 }),
      { jsonrpc: '2.0', id: 2, result: {} },
    ]);
    const ping = tiny.requests.find((r) => r.rpcMethod === 'ping')!;
    expect(ping.headers).toMatchObject({
      'mcp-session-id': SESSION,
      'mcp-protocol-version': '2025-06-18',
      accept: 'application/json, text/event-stream',
      'x-extra': 'e',
      'x-static': 's',
    });
    // a resumption token resumes with a GET (Last-Event-ID), as the SDK does; a 405 fails the request
    await transport.send({ jsonrpc: '2.0', id: 3, method: 'ping' }, { resumptionToken: 'tok' });
    await waitFor(() => received.length === 3);
    expect(received[2]).toMatchObject({ id: 3, error: { code: STREAM_LOST_CODE } });
    expect(tiny.requests.filter((r) => r.rpcMethod === 'ping')).toHaveLength(1);
    const resumed = tiny.requests.filter((r) => r.httpMethod === 'GET');
    expect(resumed.map((r) => r.headers['last-event-id'])).toEqual(['tok']);
  });

  it('rejects with the network error code when nothing listens', async () => {
    const tiny = await startTiny(jsonHandler());
    const port = new URL(tiny.url).port;
    await tiny.close();
    const { client, transport } = unconnected(`http://127.0.0.1:${port}/mcp`);
    const error = await rejectionOf(client.connect(transport));
    expect(error.code).toBe('ECONNREFUSED');
    expect(classify(error, 'connect')).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', notDelivered: true });
  });
});

describe('node-http helpers', () => {
  it('exchange() + readBody() + mediaType() over a keep-alive agent', async () => {
    const tiny = await startTiny((req, res) => {
      if (req.url?.endsWith('/cut')) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        return void res.write('{"partial":', () => res.socket?.destroy());
      }
      res.writeHead(201, { 'content-type': 'Text/Event-Stream ; charset=UTF-8', 'x-method': req.method });
      res.end(`${req.method ?? ''} ${req.headers['x-h'] as string} ${'é'.repeat(4)}`);
    });
    const url = new URL(tiny.url);
    const agent = keepAliveAgent(url);
    cleanups.push(() => Promise.resolve(agent.destroy()));
    const tls = keepAliveAgent(new URL('https://example.invalid/'));
    expect(tls).toBeInstanceOf(HttpsAgent);
    tls.destroy();
    expect(agent).not.toBeInstanceOf(HttpsAgent);

    const post = await exchange(url, agent, 'POST', { 'x-h': 'one' }, '{"a":1}').response;
    expect(post.statusCode).toBe(201);
    expect(mediaType(post)).toBe('text/event-stream');
    expect(await readBody(post)).toBe('POST one éééé');
    const del = await exchange(url, agent, 'DELETE', { 'x-h': 'two' }).response;
    expect(await readBody(del)).toBe('DELETE two éééé');
    expect(tiny.requests.map((r) => r.socket)).toEqual([0, 0]);

    const small = await exchange(url, agent, 'GET', { 'x-h': 'three' }).response;
    const limited = await readBody(small, 4, 'truncate');
    expect(limited).toBe('GET '); // truncate: the first `limit` bytes are kept, the rest discarded
    const over = await exchange(url, agent, 'GET', { 'x-h': 'four' }).response;
    const tooLarge = await rejectionOf(readBody(over, 4));
    expect(tooLarge).toBeInstanceOf(BodyTooLargeError);
    expect(tooLarge.message).toBe('brAInwav: response body exceeds the read limit of 4 bytes');

    const cut = await exchange(new URL(`${tiny.url}/cut`), agent, 'GET', {}).response;
    expect(mediaType(cut)).toBe('application/json');
    const error = await rejectionOf(readBody(cut));
    expect(error.code).toBe('ECONNRESET');
  });

  it('exchange() rejects with the abort reason and with Node network errors', async () => {
    const tiny = await startTiny(() => undefined); // never answers
    const url = new URL(tiny.url);
    const agent = keepAliveAgent(url);
    cleanups.push(() => Promise.resolve(agent.destroy()));
    const hanging = exchange(url, agent, 'GET', {});
    await waitFor(() => tiny.requests.length === 1);
    const reason = new Error('stop it');
    hanging.abort(reason);
    expect(await rejectionOf(hanging.response)).toBe(reason);

    const port = url.port;
    await tiny.close();
    const refused = await rejectionOf(
      exchange(new URL(`http://127.0.0.1:${port}/`), agent, 'GET', {}).response,
    );
    expect(refused.code).toBe('ECONNREFUSED');
  });
});

describe('createRemoteToolProxy on NodeHttpClientTransport', () => {
  const ENV = 'CONNECTOR_NODE_HTTP_TEST_TOKEN';
  const proxies: RemoteToolProxy[] = [];
  beforeEach(() => {
    process.env[ENV] = 'tok-123';
    cleanups.push(async () => {
      delete process.env[ENV];
      await Promise.all(proxies.splice(0).map((p) => p.close()));
    });
  });

  const connector = (url: string) =>
    connectorFor(url, { auth: { type: 'bearer', secretRef: `env:${ENV}` }, headers: { 'X-Tenant': 'acme' } });

  it('uses NodeHttpClientTransport by default: auth and static headers on every request, over keep-alive', async () => {
    fixture.setRequireAuth({ header: 'Authorization', value: 'Bearer tok-123' });
    const proxy = createRemoteToolProxy(connector(fixture.url), { probeIntervalMs: 0 });
    proxies.push(proxy);
    expect(textOf(await proxy.callTool('echo', { text: 'through the proxy' }))).toBe('through the proxy');
    expect((await proxy.client()).transport).toBeInstanceOf(NodeHttpClientTransport);
    await waitFor(() => fixture.requests.some((r) => r.httpMethod === 'GET'));
    expect(fixture.requests.filter((r) => r.httpMethod === 'POST').map((r) => r.rpcMethod)).toEqual([
      'initialize',
      'notifications/initialized',
      'tools/call',
    ]);
    for (const seen of fixture.headersSeen) {
      expect(seen.authorization).toBe('Bearer tok-123');
      expect(seen['x-tenant']).toBe('acme');
      expect(seen.connection).toBe('keep-alive');
    }
  });

  it('turns a lost response stream into UPSTREAM_UNAVAILABLE promptly and recovers on the next call', async () => {
    const tiny = await startTiny(faultHandler());
    const proxy = createRemoteToolProxy(connector(tiny.url), {
      probeIntervalMs: 0,
      downDebounceMs: 60_000,
      retries: { attempts: 1 },
    });
    proxies.push(proxy);
    const started = Date.now();
    const error = await rejectionOf(proxy.callTool('drop', {}, { timeoutMs: 20_000 }));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', connectorId: 'fixture' });
    expect(error.message).toBe(
      'brAInwav: connector fixture: tools/call drop failed: upstream closed the response before the result',
    );
    expect(tiny.requests.filter((r) => r.toolName === 'drop')).toHaveLength(1);
    expect(textOf(await proxy.callTool('echo', { text: 'recovered' }))).toBe('echo:recovered');
    expect(tiny.requests.every((r) => r.headers.authorization === 'Bearer tok-123')).toBe(true);
  });

  it('uses the SDK fetch transport when a custom fetch is given, still with the auth headers', async () => {
    fixture.setRequireAuth({ header: 'Authorization', value: 'Bearer tok-123' });
    const seen: string[] = [];
    const customFetch: FetchLike = (url, init) => {
      seen.push(init?.method ?? 'GET');
      return fetch(url, init);
    };
    const proxy = createRemoteToolProxy(connector(fixture.url), { probeIntervalMs: 0, fetch: customFetch });
    proxies.push(proxy);
    expect(textOf(await proxy.callTool('echo', { text: 'via fetch' }))).toBe('via fetch');
    expect((await proxy.client()).transport).toBeInstanceOf(StreamableHTTPClientTransport);
    expect(seen.filter((m) => m === 'POST')).toHaveLength(3);
    expect(fixture.headersSeen.length).toBeGreaterThanOrEqual(3);
    for (const headers of fixture.headersSeen) {
      expect(headers.authorization).toBe('Bearer tok-123');
      expect(headers['x-tenant']).toBe('acme');
    }
  });
});

describe('relayToolResults: raw tools/call on NodeHttpClientTransport', () => {
  /** JSON answers; tools/call ids are recorded, and the tool name picks the result shape. */
  async function relayUpstream(): Promise<{ tiny: Tiny; callIds: unknown[] }> {
    const callIds: unknown[] = [];
    const base = jsonHandler();
    const tiny = await startTiny((req, res, message) => {
      if (message?.method !== 'tools/call' || message.id === undefined) return base(req, res, message);
      callIds.push(message.id);
      const name = message.params?.name;
      const reply =
        name === 'custom'
          ? { result: { content: [{ type: 'brainwav/custom', payload: 1 }], extra: 'kept' } }
          : name === 'nocontent'
            ? { result: { foo: 1 } }
            : { error: { code: -32602, message: `no tool ${String(name)}`, data: { hint: 'list first' } } };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: message.id, ...reply }));
    });
    return { tiny, callIds };
  }

  function relayProxy(url: string, relay: boolean): RemoteToolProxy {
    const proxy = createRemoteToolProxy(connectorFor(url), {
      probeIntervalMs: 0,
      retries: { attempts: 1 },
      relayToolResults: relay,
    });
    cleanups.push(() => proxy.close());
    return proxy;
  }

  it('returns the upstream result unchanged under its own string request ids', async () => {
    const { tiny, callIds } = await relayUpstream();
    const result = await relayProxy(tiny.url, true).callTool('custom', { a: 1 });
    expect(result).toEqual({ content: [{ type: 'brainwav/custom', payload: 1 }], extra: 'kept' });
    expect(callIds).toHaveLength(1);
    expect(String(callIds[0])).toMatch(/^brainwav-\d+$/);
    // the SDK client's callTool refuses the same result (unknown content type)
    const sdkError = await rejectionOf(relayProxy(tiny.url, false).callTool('custom', { a: 1 }));
    expect(sdkError.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(typeof callIds[1]).toBe('number');
  });

  it('refuses a result without a content array and maps a JSON-RPC error to TOOL_CALL_FAILED', async () => {
    const { tiny } = await relayUpstream();
    const proxy = relayProxy(tiny.url, true);
    const invalid = await rejectionOf(proxy.callTool('nocontent'));
    expect(invalid.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(invalid.message).toMatch(/INVALID_RESULT/);
    const failed = await rejectionOf(proxy.callTool('missing'));
    expect(failed.code).toBe('TOOL_CALL_FAILED');
    expect(failed.message).toContain('upstream error -32602: no tool missing');
  });

  it('times out and aborts like the SDK path, sending notifications/cancelled for its own id', async () => {
    const proxy = relayProxy(fixture.url, true);
    await proxy.connect();
    const timedOut = await rejectionOf(proxy.callTool('slow', { ms: 30_000 }, { timeoutMs: 300 }));
    expect(timedOut.code).toBe('UPSTREAM_TIMEOUT');
    await waitFor(() => fixture.cancelledCount === 1);
    const controller = new AbortController();
    const pending = proxy.callTool('slow', { ms: 30_000 }, { signal: controller.signal });
    await waitFor(() => fixture.calls.filter((c) => c.tool === 'slow').length === 2);
    controller.abort();
    expect((await rejectionOf(pending)).code).toBe('REQUEST_ABORTED');
    await waitFor(() => fixture.cancelledCount === 2);
    expect(textOf(await proxy.callTool('echo', { text: 'still fine' }))).toBe('still fine');
  });

  it('fails a relayed call in flight with ConnectionClosed when the transport closes', async () => {
    const { transport } = await connect(fixture.url);
    const pending = transport.rawRequest(
      'tools/call',
      { name: 'slow', arguments: { ms: 30_000 } },
      {
        timeoutMs: 20_000,
      },
    );
    await waitFor(() => fixture.calls.some((c) => c.tool === 'slow'));
    await transport.close();
    const error = await pending.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SdkError);
    expect((error as SdkError).code).toBe(SdkErrorCode.ConnectionClosed);
    await expect(
      transport.rawRequest(
        'ping',
        {},
        { timeoutMs: 1_000, signal: AbortSignal.abort(new Error('pre-aborted')) },
      ),
    ).rejects.toThrow('pre-aborted');
  });
});

describe('exchange() request targets', () => {
  it('sends the path, the query and URL credentials as Basic auth, reusing the parsed target', async () => {
    const tiny = await startTiny((_req, res) => void res.writeHead(200).end('ok'));
    const url = new URL(tiny.url.replace('http://', 'http://user:p%40ss@') + '?x=1');
    const agent = keepAliveAgent(url);
    cleanups.push(() => Promise.resolve(agent.destroy()));
    for (let i = 0; i < 2; i += 1)
      expect(await readBody(await exchange(url, agent, 'GET', {}).response)).toBe('ok');
    expect(tiny.requests.map((r) => r.path)).toEqual(['/mcp?x=1', '/mcp?x=1']);
    expect(tiny.requests.map((r) => r.headers.authorization)).toEqual([
      `Basic ${Buffer.from('user:p@ss').toString('base64')}`,
      `Basic ${Buffer.from('user:p@ss').toString('base64')}`,
    ]);
  });
});
