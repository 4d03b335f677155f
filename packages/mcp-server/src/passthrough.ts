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
import { deniedProtocolError } from './access.js';
import { runToolCall, type CallDeps, type FailureKind } from './call.js';
import type { GatewayConnector, GatewayConnectorBinding } from './contracts.js';
import { GatewayError } from './errors.js';
import { requiredScopesFor, type PrincipalRef } from './principals.js';
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
 * identity, capabilities and instructions, whose handlers forward each request unchanged, except what
 * the policy governs for the session's principal: `tools/list`, `prompts/list` and `resources/list`
 * answers keep only what it may list (tool name, prompt name, resource URI), and `tools/call`,
 * `prompts/get`, `resources/read` and `resources/subscribe` are decided (phase `call`) before they go upstream.
 * Progress tokens are re-mapped, cancellation follows the downstream abort signal, upstream
 * notifications and sampling/elicitation/roots requests are relayed to this caller's session
 * (attached to its newest in-flight request so they travel on that request's stream).
 */
export async function createPassthroughSession(
  deps: PassthroughDeps,
  connector: GatewayConnector,
  initialize: unknown,
  principal: PrincipalRef,
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
  const server = passthroughServer({ deps, connector, principal }, client, inflight, false);
  holder.server = server;
  server.setNotificationHandler('notifications/roots/list_changed', () => client.sendRootsListChanged());
  return { server, dispose: () => upstream.close() };
}

/**
 * The 2026-07-28 (sessionless) passthrough of one request: the upstream surface through the connector's shared
 * proxy client (the aggregate's upstream session), so no upstream handshake per request. Policy, quotas, audit
 * and progress apply as in a session; what belongs to one caller's upstream session is not offered here
 * (`resources/subscribe`, `logging/setLevel`, server→client requests: the revision has none of them).
 */
export async function createStatelessPassthroughServer(
  deps: PassthroughDeps,
  binding: GatewayConnectorBinding,
  principal: PrincipalRef,
): Promise<Server> {
  const client = await binding.proxy.client();
  return passthroughServer({ deps, connector: binding.connector, principal }, client, [], true);
}

/** The downstream server of a passthrough: upstream identity, capabilities and instructions; policed forwarding. */
function passthroughServer(policed: Policed, client: Client, inflight: RequestId[], shared: boolean): Server {
  const caps = client.getServerCapabilities() ?? {};
  const capabilities = shared ? sharedCapabilities(caps) : caps;
  const server = new Server(client.getServerVersion() ?? { name: policed.connector.id, version: '0.0.0' }, {
    capabilities,
    ...(client.getInstructions() ? { instructions: client.getInstructions() } : {}),
  });
  forwardRequests(policed, server, client, inflight, capabilities);
  forwardToolCalls(policed, server, client, inflight);
  return server;
}

/** Upstream capabilities minus what a shared upstream session cannot offer one caller (subscribe, log level). */
function sharedCapabilities(caps: ServerCapabilities): ServerCapabilities {
  const { logging: _logging, ...rest } = caps;
  return rest.resources ? { ...rest, resources: { ...rest.resources, subscribe: false } } : rest;
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

/** What the forwarding handlers of one passthrough session need: deps, its connector and principal. */
interface Policed {
  deps: PassthroughDeps;
  connector: GatewayConnector;
  principal: PrincipalRef;
}

/** List answers the policy filters, and the field of each item it decides by (the policy's "tool"). */
const FILTERED_LISTS: Readonly<Record<string, readonly [items: string, key: 'name' | 'uri']>> = {
  'tools/list': ['tools', 'name'],
  'prompts/list': ['prompts', 'name'],
  'resources/list': ['resources', 'uri'],
};

/** Requests the policy decides (phase `call`) before they go upstream, and the param naming the target. */
const DECIDED_REQUESTS: Readonly<Record<string, 'name' | 'uri'>> = {
  'prompts/get': 'name',
  'resources/read': 'uri',
  'resources/subscribe': 'uri',
};

function forwardRequests(
  policed: Policed,
  server: Server,
  client: Client,
  inflight: RequestId[],
  caps: ServerCapabilities,
): void {
  const register = server.setRequestHandler.bind(server) as unknown as (
    method: string,
    handler: ForwardHandler,
  ) => void;
  const methods = FORWARDED.flatMap(([cap, names]) => (caps[cap] === undefined ? [] : names));
  if (caps.resources?.subscribe) methods.push('resources/subscribe', 'resources/unsubscribe');
  for (const method of methods) {
    register(method, async (request, ctx) => {
      gate(policed, method, request.params);
      const result = await forward(policed.deps, client, method, request.params, ctx, inflight);
      return filterList(policed, method, result);
    });
  }
}

/** Throws the POLICY_DENIED JSON-RPC error when the policy refuses a decided request. */
function gate(policed: Policed, method: string, params: Record<string, unknown> | undefined): void {
  const key = DECIDED_REQUESTS[method];
  if (key === undefined) return;
  const target = params?.[key];
  const args = method === 'prompts/get' ? params?.arguments : undefined;
  const principal = policed.principal.current;
  const decision = policed.deps.access.decideCall({
    principal,
    connectorId: policed.connector.id,
    tool: typeof target === 'string' ? target : '',
    arguments: isRecord(args) ? args : undefined,
    requiredScopes: requiredScopesFor(principal, policed.connector),
  });
  if (!decision.allow) throw deniedProtocolError(decision);
}

/** Keeps the items of a list answer the principal may list; other answers pass unchanged. */
function filterList(
  policed: Policed,
  method: string,
  result: Record<string, unknown>,
): Record<string, unknown> {
  const spec = FILTERED_LISTS[method];
  const items = spec && result[spec[0]];
  if (!spec || !Array.isArray(items)) return result;
  const [field, key] = spec;
  const principal = policed.principal.current;
  const scopes = requiredScopesFor(principal, policed.connector);
  const kept = items.filter((item: unknown) => {
    const target = isRecord(item) ? item[key] : undefined;
    return (
      typeof target === 'string' &&
      policed.deps.access.mayList(principal, policed.connector.id, target, scopes)
    );
  });
  return kept.length === items.length ? result : { ...result, [field]: kept };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function forwardToolCalls(policed: Policed, server: Server, client: Client, inflight: RequestId[]): void {
  if (!client.getServerCapabilities()?.tools) return;
  const { deps, connector } = policed;
  server.setRequestHandler('tools/call', (request, ctx) => {
    const call = {
      connector,
      tool: request.params.name,
      principal: policed.principal.current,
      arguments: request.params.arguments,
      endpoint: 'connector' as const,
    };
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
