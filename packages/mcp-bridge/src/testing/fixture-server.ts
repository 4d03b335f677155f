import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { sendJsonError } from './fixture-http.js';
import {
  admit,
  newRuntime,
  serve,
  trackInFlight,
  type FixtureServer,
  type FixtureServerOptions,
  type FixtureSession,
  type Runtime,
} from './fixture-runtime.js';
import { buildFixtureMcpServer } from './fixture-tools.js';

interface StreamableSession extends FixtureSession {
  readonly transport: NodeStreamableHTTPServerTransport;
}

async function createSession(rt: Runtime): Promise<StreamableSession> {
  const built = buildFixtureMcpServer(rt.state, rt.options.name ?? 'brainwav-fixture');
  const transport: NodeStreamableHTTPServerTransport = new NodeStreamableHTTPServerTransport({
    sessionIdGenerator: () => randomUUID(),
    onsessioninitialized: (id) => {
      rt.sessions.set(id, session);
    },
  });
  const session: StreamableSession = { ...built, transport };
  built.server.server.onclose = () => {
    if (transport.sessionId !== undefined) rt.sessions.delete(transport.sessionId);
  };
  await built.server.connect(transport);
  return session;
}

async function resolveSession(
  rt: Runtime,
  req: IncomingMessage,
  res: ServerResponse,
  method: string | undefined,
  id: unknown,
): Promise<StreamableSession | undefined> {
  const sid = req.headers['mcp-session-id'];
  if (typeof sid === 'string') {
    const found = rt.sessions.get(sid) as StreamableSession | undefined;
    if (!found) sendJsonError(res, 404, -32001, 'Session not found', id);
    return found;
  }
  if (req.method === 'POST' && method === 'initialize') return createSession(rt);
  sendJsonError(res, 400, -32000, 'Bad Request: No valid session ID provided', id);
  return undefined;
}

async function handle(rt: Runtime, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (new URL(req.url ?? '/', 'http://fixture').pathname !== (rt.options.path ?? '/mcp'))
    return sendJsonError(res, 404, -32000, 'Not found');
  const admitted = await admit(rt, req, res);
  if (!admitted) return;
  const session = await resolveSession(rt, req, res, admitted.method, admitted.id ?? null);
  if (!session) return;
  const sid = req.headers['mcp-session-id'];
  if (admitted.method === 'tools/call' && typeof sid === 'string') trackInFlight(rt, sid, admitted.id, res);
  await session.transport.handleRequest(req, res, admitted.body);
}

/**
 * Starts a fixture MCP server on 127.0.0.1, port 0: stateful Streamable HTTP sessions, tools of
 * `FIXTURE_TOOLS` (echo, add, increment, slow, crash, image, structured, log, samplingOnCall, elicitOnCall),
 * resource `fixture://info`, template `fixture://items/{id}` (with completion and subscribe), prompt `greet`,
 * plus switches for failures, delays, auth and tool-list changes.
 *
 * @throws Error when the port cannot be bound.
 */
export async function startFixtureServer(options: FixtureServerOptions = {}): Promise<FixtureServer> {
  return serve(newRuntime(options), options.path ?? '/mcp', handle);
}
