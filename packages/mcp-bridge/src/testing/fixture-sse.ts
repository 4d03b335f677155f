import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/server';
import { sendJsonError } from './fixture-http.js';
import {
  admit,
  newRuntime,
  serve,
  trackInFlight,
  type FixtureServer,
  type FixtureServerOptions,
  type Runtime,
} from './fixture-runtime.js';
import { buildFixtureMcpServer } from './fixture-tools.js';

const MESSAGES_PATH = '/messages';

/**
 * Server side of the legacy HTTP+SSE transport (protocol 2024-11-05): `GET <path>` opens the event stream
 * and announces `endpoint`; `POST /messages?sessionId=…` carries client messages. The v2 SDK ships no
 * server transport for it any more, so the fixture implements this small one.
 */
class LegacySseServerTransport implements Transport {
  readonly sessionId = randomUUID();
  onclose?: Transport['onclose'];
  onerror?: Transport['onerror'];
  onmessage?: Transport['onmessage'];
  private ended = false;

  constructor(readonly stream: ServerResponse) {}

  start(): Promise<void> {
    this.stream.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    this.stream.write(`event: endpoint\ndata: ${MESSAGES_PATH}?sessionId=${this.sessionId}\n\n`);
    this.stream.on('close', () => this.finish());
    return Promise.resolve();
  }

  receive(message: JSONRPCMessage): void {
    this.onmessage?.(message);
  }

  send(message: JSONRPCMessage): Promise<void> {
    if (this.ended) return Promise.reject(new Error('brAInwav: SSE stream closed'));
    this.stream.write(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.stream.end();
    this.finish();
    return Promise.resolve();
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.onclose?.();
  }
}

async function openStream(rt: Runtime, res: ServerResponse): Promise<void> {
  const built = buildFixtureMcpServer(rt.state, rt.options.name ?? 'brainwav-fixture');
  const transport = new LegacySseServerTransport(res);
  rt.sessions.set(transport.sessionId, { ...built, transport });
  built.server.server.onclose = () => rt.sessions.delete(transport.sessionId);
  await built.server.connect(transport);
}

async function handle(rt: Runtime, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://fixture');
  const streamPath = rt.options.path ?? '/sse';
  const isStream = req.method === 'GET' && url.pathname === streamPath;
  if (!isStream && !(req.method === 'POST' && url.pathname === MESSAGES_PATH))
    return sendJsonError(res, 404, -32000, 'Not found');
  const admitted = await admit(rt, req, res);
  if (!admitted) return;
  if (isStream) return openStream(rt, res);
  const sid = url.searchParams.get('sessionId') ?? '';
  const session = rt.sessions.get(sid);
  if (!session || !(session.transport instanceof LegacySseServerTransport))
    return sendJsonError(res, 404, -32001, 'Session not found', admitted.id ?? null);
  if (admitted.method === 'tools/call') trackInFlight(rt, sid, admitted.id, session.transport.stream);
  res.writeHead(202, { 'content-type': 'text/plain' }).end('Accepted');
  session.transport.receive(admitted.body as JSONRPCMessage);
}

/**
 * Starts the fixture MCP server (same tools, resources, prompts and switches as `startFixtureServer`)
 * behind the legacy HTTP+SSE transport on 127.0.0.1, port 0. `url` is the stream endpoint (`…/sse`).
 * The `crash` tool destroys the session's event stream.
 *
 * @throws Error when the port cannot be bound.
 */
export async function startSseFixtureServer(options: FixtureServerOptions = {}): Promise<FixtureServer> {
  return serve(newRuntime(options), options.path ?? '/sse', handle);
}
