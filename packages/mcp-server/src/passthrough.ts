import type { Client, ClientCapabilities } from '@modelcontextprotocol/client';
import {
  ProtocolError,
  ProtocolErrorCode,
  Server,
  type CallToolResult,
  type RequestId,
  type RequestOptions,
  type ServerCapabilities,
  type ServerContext,
} from '@modelcontextprotocol/server';
import { runToolCall, type CallDeps, type FailureKind } from './call.js';
import type { GatewayConnector } from './contracts.js';
import { GatewayError } from './errors.js';
import type { SessionServer } from './sessions.js';
import type { UpstreamConnector } from './upstream.js';

/** Requests forwarded verbatim, keyed by the server capability that enables them. */
const FORWARDED: ReadonlyArray<[keyof ServerCapabilities, string[]]> = [
  ['tools', ['tools/list']],
  ['resources', ['resources/list', 'resources/templates/list', 'resources/read']],
  ['prompts', ['prompts/list', 'prompts/get']],
  ['completions', ['completion/complete']],
  ['logging', ['logging/setLevel']],
];

/** Upstream notifications relayed to the downstream session. */
const RELAYED_NOTIFICATIONS = [
  'notifications/message',
  'notifications/resources/updated',
  'notifications/resources/list_changed',
  'notifications/tools/list_changed',
  'notifications/prompts/list_changed',
] as const;

/** Server→client requests relayed from the upstream to the downstream caller, by client capability. */
const RELAYED_REQUESTS: ReadonlyArray<
  [keyof ClientCapabilities, 'sampling/createMessage' | 'elicitation/create' | 'roots/list']
> = [
  ['sampling', 'sampling/createMessage'],
  ['elicitation', 'elicitation/create'],
  ['roots', 'roots/list'],
];

/** What one passthrough session needs. */
export interface PassthroughDeps extends CallDeps {
  upstream: UpstreamConnectorRef;
  /** Per-request upstream timeout in milliseconds (reset by progress). */
  requestTimeoutMs: number;
}

/** Indirection so tests can swap the upstream connector. */
export interface UpstreamConnectorRef {
  open: UpstreamConnector;
}

/**
 * One downstream session of `/mcp/connectors/<id>`: a dedicated upstream `Client` (so server→client
 * requests reach the right caller) and a low-level `Server` advertising exactly the upstream's
 * identity, capabilities and instructions, whose handlers forward each request unchanged.
 * Progress tokens are re-mapped, cancellation follows the downstream abort signal, upstream
 * notifications and sampling/elicitation/roots requests are relayed to this caller's session
 * (attached to its newest in-flight request so they travel on that request's stream).
 */
export async function createPassthroughSession(
  deps: PassthroughDeps,
  connector: GatewayConnector,
  initialize: unknown,
  callerId: string,
): Promise<SessionServer> {
  const downstreamCaps = clientCapabilitiesOf(initialize);
  const upstream = await deps.upstream.open(connector, downstreamCaps);
  const { client } = upstream;
  const inflight: RequestId[] = [];
  const holder: { server?: Server } = {};
  relayServerRequests(client, downstreamCaps, holder, inflight);
  relayNotifications(client, holder, inflight);
  try {
    await upstream.connect();
  } catch (error) {
    await upstream.close().catch(() => undefined);
    const reason = error instanceof Error ? error.message.replace(/^brAInwav: /, '') : String(error);
    throw new GatewayError(
      'UPSTREAM_UNAVAILABLE',
      `connector "${connector.id}" is unreachable: ${reason.slice(0, 200)}`,
      { cause: error },
    );
  }
  const server = new Server(client.getServerVersion() ?? { name: connector.id, version: '0.0.0' }, {
    capabilities: client.getServerCapabilities() ?? {},
    ...(client.getInstructions() ? { instructions: client.getInstructions() } : {}),
  });
  holder.server = server;
  forwardRequests(deps, server, client, inflight);
  forwardToolCalls(deps, server, client, connector, callerId, inflight);
  server.setNotificationHandler('notifications/roots/list_changed', () => client.sendRootsListChanged());
  return { server, dispose: () => upstream.close() };
}

function clientCapabilitiesOf(initialize: unknown): ClientCapabilities {
  const message = Array.isArray(initialize) ? (initialize as unknown[])[0] : initialize;
  const caps = (message as { params?: { capabilities?: ClientCapabilities } }).params?.capabilities ?? {};
  const picked: ClientCapabilities = {};
  for (const [cap] of RELAYED_REQUESTS)
    if (caps[cap] !== undefined) Object.assign(picked, { [cap]: caps[cap] });
  return picked;
}

/** `Protocol.request` seen method-agnostically: the gateway forwards whatever method it relays. */
type RawRequest = (
  request: { method: string; params?: Record<string, unknown> },
  options: RequestOptions,
) => Promise<unknown>;

type ForwardHandler = (
  request: { params?: Record<string, unknown> },
  ctx: ServerContext,
) => Promise<Record<string, unknown>>;

function forwardRequests(deps: PassthroughDeps, server: Server, client: Client, inflight: RequestId[]): void {
  const caps = client.getServerCapabilities() ?? {};
  const register = server.setRequestHandler.bind(server) as unknown as (
    method: string,
    handler: ForwardHandler,
  ) => void;
  for (const [cap, methods] of FORWARDED) {
    if (caps[cap] === undefined) continue;
    for (const method of methods)
      register(method, (request, ctx) => forward(deps, client, method, request.params, ctx, inflight));
  }
  if (caps.resources?.subscribe) {
    for (const method of ['resources/subscribe', 'resources/unsubscribe']) {
      register(method, (request, ctx) => forward(deps, client, method, request.params, ctx, inflight));
    }
  }
}

function forwardToolCalls(
  deps: PassthroughDeps,
  server: Server,
  client: Client,
  connector: GatewayConnector,
  callerId: string,
  inflight: RequestId[],
): void {
  if (!client.getServerCapabilities()?.tools) return;
  server.setRequestHandler('tools/call', (request, ctx) => {
    const call = { connector, tool: request.params.name, callerId, endpoint: 'connector' as const };
    return runToolCall(
      deps,
      call,
      (error) => classifyUpstreamError(error, ctx.mcpReq.signal),
      async () =>
        (await forward(deps, client, 'tools/call', request.params, ctx, inflight)) as CallToolResult,
    );
  });
}

/** Protocol errors from the upstream are rethrown unchanged; transport failures mean offline. */
function classifyUpstreamError(error: unknown, signal: AbortSignal): FailureKind {
  if (signal.aborted) return 'cancelled';
  return error instanceof ProtocolError ? 'rethrow' : 'offline';
}

async function forward(
  deps: PassthroughDeps,
  client: Client,
  method: string,
  params: Record<string, unknown> | undefined,
  ctx: ServerContext,
  inflight: RequestId[],
): Promise<Record<string, unknown>> {
  const meta = params?._meta as Record<string, unknown> | undefined;
  const token = meta?.progressToken as string | number | undefined;
  const options: RequestOptions = {
    signal: ctx.mcpReq.signal,
    timeout: deps.requestTimeoutMs,
    resetTimeoutOnProgress: true,
  };
  if (token !== undefined) {
    options.onprogress = (progress) =>
      void ctx.mcpReq
        .notify({ method: 'notifications/progress', params: { ...progress, progressToken: token } })
        .catch(() => undefined);
  }
  inflight.push(ctx.mcpReq.id);
  try {
    const forwarder = client as unknown as { request: RawRequest };
    return (await forwarder.request({ method, ...(params ? { params } : {}) }, options)) as Record<
      string,
      unknown
    >;
  } finally {
    inflight.splice(inflight.indexOf(ctx.mcpReq.id), 1);
  }
}

function relayServerRequests(
  client: Client,
  caps: ClientCapabilities,
  holder: { server?: Server },
  inflight: RequestId[],
): void {
  for (const [cap, method] of RELAYED_REQUESTS) {
    if (caps[cap] === undefined) continue;
    const register = client.setRequestHandler.bind(client) as unknown as (
      method: string,
      handler: (
        request: { params?: Record<string, unknown> },
        ctx: { mcpReq: { signal: AbortSignal } },
      ) => Promise<unknown>,
    ) => void;
    register(method, (request, ctx) => {
      const server = holder.server;
      if (!server)
        throw new ProtocolError(ProtocolErrorCode.InternalError, 'brAInwav: downstream session not ready');
      const related = inflight.at(-1);
      const send = server.request.bind(server) as (
        r: { method: string; params?: unknown },
        o: RequestOptions,
      ) => Promise<unknown>;
      return send(
        { method, params: request.params },
        { signal: ctx.mcpReq.signal, ...(related !== undefined ? { relatedRequestId: related } : {}) },
      );
    });
  }
}

function relayNotifications(client: Client, holder: { server?: Server }, inflight: RequestId[]): void {
  for (const method of RELAYED_NOTIFICATIONS) {
    const register = client.setNotificationHandler.bind(client) as unknown as (
      method: string,
      handler: (notification: { method: string; params?: Record<string, unknown> }) => Promise<void>,
    ) => void;
    register(method, async (notification) => {
      const related = method === 'notifications/message' ? inflight.at(-1) : undefined;
      await holder.server
        ?.notification(
          { method, params: notification.params },
          related !== undefined ? { relatedRequestId: related } : undefined,
        )
        .catch(() => undefined);
    });
  }
}
