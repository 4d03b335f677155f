import {
  ProtocolError,
  ProtocolErrorCode,
  Server,
  type CallToolResult,
  type Prompt,
} from '@modelcontextprotocol/server';
import { BRIDGE_FAILURE_KIND, isBridgeErrorCode } from '@cortex-os/mcp-bridge';
import { deniedProtocolError, deniedResult, GATEWAY_CONNECTOR_ID } from './access.js';
import { errorResult, runToolCall, type CallDeps, type FailureKind } from './call.js';
import type { ToolCatalog } from './catalog.js';
import type { GatewayConnectorBinding } from './contracts.js';
import type { ExtensionSet } from './extensions.js';
import type { FastPath } from './fast-lane.js';
import type { FilteredToolLists } from './list-cache.js';
import { brandDescription, gatewayToolName, toolAllowed } from './names.js';
import { requiredScopesFor, type Principal, type PrincipalRef } from './principals.js';

/** Identity the aggregate endpoint reports in `initialize`. */
export const AGGREGATE_SERVER_INFO = { name: 'brainwav-connectors-gateway', version: '0.1.0' } as const;

/** Everything an aggregate session needs. */
export interface AggregateDeps extends CallDeps {
  catalog: ToolCatalog;
  /** Per-principal views of the catalog (policy phase `list`), pre-encoded for the fast lane. */
  lists: FilteredToolLists;
  prompts: PromptCatalog;
  callTimeoutMs: number | undefined;
  /** Extra tools/resources of the gateway's `extensions` option. */
  extensions: ExtensionSet;
}

/**
 * Build the low-level SDK server of one aggregate session: `tools/list` filtered for the session's principal,
 * `tools/call` routed to the right proxy (or extension) after the policy's decision, prefixed and filtered
 * `prompts/list` / `prompts/get`, and the extensions' resources (`resources` capability only when there are
 * some). `principal` is the session's latest principal (see {@link PrincipalRef}).
 */
export function createAggregateServer(deps: AggregateDeps, principal: PrincipalRef): Server {
  const hasResources = deps.extensions.resources.length > 0;
  const server = new Server(AGGREGATE_SERVER_INFO, {
    capabilities: {
      tools: { listChanged: true },
      prompts: { listChanged: false },
      ...(hasResources ? { resources: {} } : {}),
    },
    instructions:
      'brAInwav connectors gateway: tools of every enabled connector, named <connectorId>__<tool>.',
  });
  if (hasResources) registerExtensionResources(server, deps, principal);
  server.setRequestHandler('tools/list', async () => {
    await deps.catalog.list();
    return { tools: deps.lists.tools(principal.current) };
  });
  server.setRequestHandler('tools/call', (request, ctx) =>
    callAggregateTool(
      deps,
      principal.current,
      request.params.name,
      request.params.arguments,
      ctx.mcpReq.signal,
    ),
  );
  server.setRequestHandler('prompts/list', async () => {
    const prompts = await deps.prompts.list(deps.catalog.bindings());
    return { prompts: prompts.filter((p) => mayListPrompt(deps, principal.current, p.name)) };
  });
  server.setRequestHandler('prompts/get', (request) => getPrompt(deps, principal.current, request.params));
  return server;
}

function mayListPrompt(deps: AggregateDeps, principal: Principal, name: string): boolean {
  const route = deps.prompts.route(name);
  const binding = route && deps.catalog.binding(route.connectorId);
  if (!route || !binding) return false;
  const scopes = requiredScopesFor(principal, binding.connector);
  return deps.access.mayList(principal, route.connectorId, route.prompt, scopes);
}

/** `prompts/get` of `<connectorId>__<prompt>`: decided by the policy (phase `call`, the prompt's arguments). */
async function getPrompt(
  deps: AggregateDeps,
  principal: Principal,
  params: { name: string; arguments?: Record<string, string> },
) {
  const route = deps.prompts.route(params.name);
  const binding = route && deps.catalog.binding(route.connectorId);
  if (!route || !binding)
    throw new ProtocolError(ProtocolErrorCode.InvalidParams, `brAInwav: unknown prompt ${params.name}`);
  const decision = deps.access.decideCall({
    principal,
    connectorId: route.connectorId,
    tool: route.prompt,
    arguments: params.arguments,
    requiredScopes: requiredScopesFor(principal, binding.connector),
  });
  if (!decision.allow) throw deniedProtocolError(decision);
  const client = await binding.proxy.client();
  return client.getPrompt({ ...params, name: route.prompt });
}

/**
 * The aggregate session's fast lane: `tools/list` without a cursor from the principal's pre-encoded
 * result, and `tools/call` of a known tool (connector or extension) straight into the call pipeline.
 * Anything else (unknown tools, malformed params, other methods) is declined, so the SDK server
 * answers it exactly as before.
 */
export function createAggregateFastPath(deps: AggregateDeps, principal: PrincipalRef): FastPath {
  return (request, signal) => {
    const params = request.params;
    if (request.method === 'tools/list')
      return params?.cursor === undefined ? deps.lists.resultJson(principal.current) : undefined;
    if (request.method !== 'tools/call') return undefined;
    const name = params?.name;
    const args = params?.arguments;
    if (typeof name !== 'string' || !isArguments(args)) return undefined;
    if (!deps.extensions.hasTool(name) && !deps.catalog.route(name)) return undefined;
    return callAggregateTool(deps, principal.current, name, args, signal);
  };
}

function isArguments(value: unknown): value is Record<string, unknown> | undefined {
  return value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value));
}

/**
 * Call `tool` of an enabled connector by its upstream name (REST API path): allow/deny filter, policy, quota,
 * metrics, audit (`endpoint: "rest"`) and offline fallback as on `/mcp`. Unknown connector or filtered
 * tool → `isError` result with code `CONNECTOR_NOT_FOUND` / `NOT_FOUND`; a denied call → `POLICY_DENIED`.
 */
export function callConnectorTool(
  deps: AggregateDeps,
  connectorId: string,
  tool: string,
  args: Record<string, unknown> | undefined,
  options: { principal: Principal; signal?: AbortSignal },
): Promise<CallToolResult> {
  const binding = deps.catalog.binding(connectorId);
  if (!binding)
    return Promise.resolve(
      errorResult(`no enabled connector "${connectorId.slice(0, 64)}"`, { code: 'CONNECTOR_NOT_FOUND' }),
    );
  if (!toolAllowed(tool, binding.connector.tools)) {
    return Promise.resolve(
      errorResult(`tool "${tool.slice(0, 64)}" is not exposed by connector "${connectorId}"`, {
        code: 'NOT_FOUND',
      }),
    );
  }
  const signal = options.signal ?? new AbortController().signal;
  return callThroughProxy(deps, binding, tool, args, {
    principal: options.principal,
    endpoint: 'rest',
    signal,
  });
}

async function callAggregateTool(
  deps: AggregateDeps,
  principal: Principal,
  name: string,
  args: Record<string, unknown> | undefined,
  signal: AbortSignal,
): Promise<CallToolResult> {
  if (deps.extensions.hasTool(name)) return callExtensionTool(deps, principal, name, args, signal);
  let route = deps.catalog.route(name);
  if (!route) {
    await deps.catalog.list(); // first listings may still be in flight
    route = deps.catalog.route(name);
  }
  const binding = route && deps.catalog.binding(route.connectorId);
  if (!route || !binding)
    throw new ProtocolError(ProtocolErrorCode.InvalidParams, `brAInwav: unknown tool ${name}`);
  return callThroughProxy(deps, binding, route.tool, args, { principal, endpoint: 'aggregate', signal });
}

/** An extension (gateway-owned) tool: decided as tool `name` of connector `gateway`; no quota, no audit line. */
async function callExtensionTool(
  deps: AggregateDeps,
  principal: Principal,
  name: string,
  args: Record<string, unknown> | undefined,
  signal: AbortSignal,
): Promise<CallToolResult> {
  const decision = deps.access.decideCall({
    principal,
    connectorId: GATEWAY_CONNECTOR_ID,
    tool: name,
    arguments: args,
    requiredScopes: undefined,
  });
  if (!decision.allow) return deniedResult(decision);
  const context = { callerId: principal.subject, principal, signal };
  return deps.extensions.callTool(name, args, context, deps.logger);
}

/** One upstream tool call of `binding` through the pipeline (policy, quota, span, metrics, audit, offline fallback). */
function callThroughProxy(
  deps: AggregateDeps,
  binding: GatewayConnectorBinding,
  tool: string,
  args: Record<string, unknown> | undefined,
  call: { principal: Principal; endpoint: 'aggregate' | 'rest'; signal: AbortSignal },
): Promise<CallToolResult> {
  const { principal, endpoint, signal } = call;
  return runToolCall(
    deps,
    { connector: binding.connector, tool, principal, arguments: args, endpoint },
    (error) => classifyProxyError(binding, error, signal),
    () =>
      binding.proxy.callTool(tool, args, {
        signal,
        ...(deps.callTimeoutMs ? { timeoutMs: deps.callTimeoutMs } : {}),
      }),
  );
}

/** The extensions' resources, as gateway-owned targets: listed and read by URI under connector `gateway`. */
function registerExtensionResources(server: Server, deps: AggregateDeps, principal: PrincipalRef): void {
  const { extensions, access } = deps;
  server.setRequestHandler('resources/list', () => ({
    resources: extensions.resources.filter((r) =>
      access.mayList(principal.current, GATEWAY_CONNECTOR_ID, r.uri, undefined),
    ),
  }));
  server.setRequestHandler('resources/templates/list', () => ({ resourceTemplates: [] }));
  server.setRequestHandler('resources/read', (request, ctx) => {
    const decision = access.decideCall({
      principal: principal.current,
      connectorId: GATEWAY_CONNECTOR_ID,
      tool: request.params.uri,
      arguments: undefined,
      requiredScopes: undefined,
    });
    if (!decision.allow) throw deniedProtocolError(decision);
    return extensions.readResource(request.params.uri, ctx.mcpReq.signal);
  });
}

/**
 * Offline when the proxy says so (state down/closed, breaker open). Otherwise a bridge error code is
 * classified by `BRIDGE_FAILURE_KIND` of @cortex-os/mcp-bridge (a typed table: a new bridge code must be
 * classified there). An error without a code (a bare transport error) is `offline`; a JSON-RPC (number)
 * code and any string code the bridge does not define are `failed`, so an unknown code never silently
 * means offline; an aborted call is `cancelled`.
 */
export function classifyProxyError(
  binding: GatewayConnectorBinding,
  error: unknown,
  signal: AbortSignal,
): FailureKind {
  if (signal.aborted) return 'cancelled';
  const { state, breaker } = binding.proxy;
  if (state === 'down' || state === 'closed' || breaker === 'open') return 'offline';
  const code = (error as { code?: unknown } | null | undefined)?.code;
  if (isBridgeErrorCode(code)) return BRIDGE_FAILURE_KIND[code];
  return code === undefined ? 'offline' : 'failed';
}

interface PromptRoute {
  connectorId: string;
  prompt: string;
}

/**
 * Aggregate prompts: each connector's prompts as `<connectorId>__<prompt>`, descriptions branded.
 * Listed live from the proxies' clients (bounded by `timeoutMs`); a connector that fails keeps its
 * last known prompts.
 */
export class PromptCatalog {
  private readonly known = new Map<string, Prompt[]>();
  private routes = new Map<string, PromptRoute>();

  constructor(private readonly timeoutMs: number) {}

  async list(bindings: GatewayConnectorBinding[]): Promise<Prompt[]> {
    await Promise.all(bindings.map((b) => this.refresh(b)));
    const prompts: Prompt[] = [];
    const routes = new Map<string, PromptRoute>();
    for (const { connector } of bindings) {
      for (const prompt of this.known.get(connector.id) ?? []) {
        const named = gatewayToolName(connector.id, prompt.name);
        routes.set(named.name, { connectorId: connector.id, prompt: prompt.name });
        prompts.push({
          ...prompt,
          name: named.name,
          description: brandDescription(connector.displayName, prompt.description),
        });
      }
    }
    this.routes = routes;
    return prompts;
  }

  route(name: string): PromptRoute | undefined {
    return this.routes.get(name);
  }

  private async refresh(binding: GatewayConnectorBinding): Promise<void> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const client = await Promise.race([
        binding.proxy.client(),
        new Promise<never>((_, reject) =>
          signal.addEventListener('abort', () => reject(new Error('timeout')), { once: true }),
        ),
      ]);
      if (!client.getServerCapabilities()?.prompts) return void this.known.set(binding.connector.id, []);
      const { prompts } = await client.listPrompts(undefined, { signal, timeout: this.timeoutMs });
      this.known.set(binding.connector.id, prompts);
    } catch {
      // keep the last known prompts of an unreachable connector
    }
  }
}
