import type { IncomingMessage, ServerResponse } from 'node:http';
import { unrestrictedPolicy, type PolicyDecider } from '@cortex-os/policy';
import { createConnectorsMetrics, type ConnectorsMetrics } from '@cortex-os/telemetry';
import { AccessControl } from './access.js';
import {
  callConnectorTool,
  createAggregateFastPath,
  createAggregateServer,
  PromptCatalog,
} from './aggregate.js';
import type { AuditSink } from './audit.js';
import { ToolCatalog } from './catalog.js';
import type { GatewayConnectorSource } from './contracts.js';
import { GatewayError, GatewayOptionError } from './errors.js';
import { ExtensionSet, type AggregateExtension } from './extensions.js';
import { LOCALHOST_NAMES, sendJsonError } from './guard.js';
import { FilteredToolLists } from './list-cache.js';
import { silentLogger, type GatewayLogger } from './logger.js';
import { ModernEndpoints } from './modern.js';
import { createPassthroughSession, createStatelessPassthroughServer } from './passthrough.js';
import type { Principal } from './principals.js';
import { MemoryQuotaStore, QuotaGuard, type QuotaStore, type QuotaUse } from './quota.js';
import { randomSessionKey, SessionSealer } from './session-handle.js';
import { MemorySessionRevocations, type SessionRevocations } from './session-revocations.js';
import type { SessionStreams } from './session-streams.js';
import { SessionHost } from './sessions.js';
import { ToolLabels } from './tool-labels.js';
import { defaultUpstreamConnector, type UpstreamConnector } from './upstream.js';
import type { CallToolResult, Server } from '@modelcontextprotocol/server';
import { ANONYMOUS, isHostEntry, isOriginEntry } from '@cortex-os/server-kit';

/** Options of {@link createConnectorsGateway}. */
export interface ConnectorsGatewayOptions {
  /** Enabled connectors and their proxies (required). */
  source: GatewayConnectorSource;
  /** Quota counters; default an in-memory store (one replica). Use `RedisQuotaStore` for several. */
  quotaStore?: QuotaStore;
  /** Key prefix inside the quota store (default `gw:`). */
  quotaKeyPrefix?: string;
  /** Audit sink; one record per tool call (default: none). */
  audit?: AuditSink;
  /** pino-compatible logger (default: silent). */
  logger?: GatewayLogger;
  /** Metrics from `createConnectorsMetrics(registry)` (default: a private registry). */
  metrics?: ConnectorsMetrics;
  /** Allowed `Host` hostnames, no ports (default localhost, 127.0.0.1, [::1]). */
  allowedHosts?: string[];
  /**
   * Allowed `Origin`s (default localhost-class): exact `http(s)://host[:port]` origins, or hostnames matched on
   * the port the connection arrived on (non-loopback ones also on their scheme's default port). Requests
   * without Origin pass.
   */
  allowedOrigins?: string[];
  /**
   * Check Host/Origin on every request (default true). `false` when the mounting server already guards every
   * route with the same policy (the connectors server's host-guard hook): the check would run twice per request.
   */
  hostGuard?: boolean;
  /** Epoch-milliseconds clock for quota windows and audit timestamps (default `Date.now`). */
  clock?: () => number;
  /**
   * The authenticated principal of a request, from the mounting server's auth (server-kit's `principalOf`).
   * Default: `ANONYMOUS`. Read on every request: a session is bound to the subject and `via` that opened it,
   * and each request's roles and scopes are what the policy decides on.
   */
  principalOf?: (req: IncomingMessage) => Principal;
  /**
   * The policy (default `unrestrictedPolicy()`): asked on every list filter and call decision, never cached
   * across a change. A `PolicyStore` may be passed as is: its reloads apply to open sessions (and notify
   * `tools/list_changed`); a custom decider that changes its answers must expose a `policy` object whose
   * identity changes with them, as `PolicyStore` does, or the cached per-principal `tools/list` stays stale.
   */
  policy?: PolicyDecider;
  /** Open MCP sessions (both endpoints) beyond which `initialize` gets 503 `SESSION_LIMIT` (default 1000). */
  maxSessions?: number;
  /** Open sessions of one principal (subject + `via`) beyond which it gets 429 `SESSION_LIMIT_PRINCIPAL` (default 100). */
  maxSessionsPerPrincipal?: number;
  /** Opens the dedicated upstream client of a passthrough session (default: Streamable HTTP/SSE with manifest auth). */
  upstreamConnector?: UpstreamConnector;
  /** Upstream tool-call timeout on the aggregate, milliseconds (default: the proxy's own). */
  callTimeoutMs?: number;
  /** Passthrough per-request upstream timeout, milliseconds, reset by progress (default 60,000). */
  requestTimeoutMs?: number;
  /** How long the first tools/list waits for connectors still listing, milliseconds (default 5,000). */
  initialListTimeoutMs?: number;
  /** Sessions idle longer than this are closed, milliseconds (default 1,800,000). */
  sessionIdleMs?: number;
  /**
   * Extra tools and resources served on the aggregate endpoint next to the connector tools (default none).
   * Tool names must not contain `__`; duplicates are refused (`CONFIG_INVALID`).
   */
  extensions?: readonly AggregateExtension[];
  /**
   * AES-256-GCM keys (32 bytes each) sealing the `Mcp-Session-Id` handles, so any replica holding the same
   * keys serves any session: the first seals, all open (rotation). Default: one random per-process key, logged
   * as a warning (single-replica mode: another process cannot open its handles).
   */
  sessionKeys?: readonly Uint8Array[];
  /** A session handle opens for this long after `initialize`, milliseconds (default 86,400,000: 24 h). */
  sessionMaxAgeMs?: number;
  /** Handles ended by DELETE, shared by the replicas (default: this process only; `RedisSessionRevocations`). */
  sessionRevocations?: SessionRevocations;
  /**
   * Server→client streams across replicas (default none: one replica): notifications reach the replica holding a
   * session's GET stream, and its events resume on another replica (`RedisSessionStreams`).
   */
  sessionStreams?: SessionStreams;
}

/** What the connectors server mounts: Node request handlers plus quota introspection. */
export interface ConnectorsGateway {
  /** Serve `/mcp` (aggregate endpoint). `parsedBody`: the JSON body when the framework already read it. */
  handleAggregate(req: IncomingMessage, res: ServerResponse, parsedBody?: unknown): Promise<void>;
  /** Serve `/mcp/connectors/<connectorId>`; 404 `CONNECTOR_NOT_FOUND` for an unknown/disabled id. */
  handleConnector(
    connectorId: string,
    req: IncomingMessage,
    res: ServerResponse,
    parsedBody?: unknown,
  ): Promise<void>;
  /**
   * Call a connector's tool by its upstream name for `principal`, as `POST /v1/connectors/:id/tools/:tool/call`
   * needs: filters, the policy, quotas, metrics, audit (`endpoint: "rest"`) and offline fallback apply; never
   * throws for call failures (they are `isError` results with `_meta["io.brainwav/error"].code`, e.g.
   * `POLICY_DENIED`).
   */
  callTool(
    connectorId: string,
    tool: string,
    args: Record<string, unknown> | undefined,
    options: { principal: Principal; signal?: AbortSignal },
  ): Promise<CallToolResult>;
  /** Current minute/hour call counts of a connector. Rejects with `INTERNAL` when the store fails. */
  getQuotaUse(connectorId: string): Promise<QuotaUse>;
  /** Resolves once every connector's first tools/list settled (or timed out); the aggregate list is then cached. */
  ready(): Promise<void>;
  /** Number of open MCP sessions (both endpoints). */
  readonly sessionCount: number;
  /** Close every session and stop listening to the source (the quota store is closed only if owned). */
  close(): Promise<void>;
}

/**
 * Create the brAInwav MCP gateway. Throws {@link GatewayOptionError} (`CONFIG_INVALID`) for invalid
 * options, naming the option and the received value.
 */
export function createConnectorsGateway(options: ConnectorsGatewayOptions): ConnectorsGateway {
  validate(options);
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? Date.now;
  const ownsStore = options.quotaStore === undefined;
  const store: QuotaStore = options.quotaStore ?? new MemoryQuotaStore();
  const quota = new QuotaGuard(store, options.quotaKeyPrefix ?? 'gw:');
  const metrics = options.metrics ?? createConnectorsMetrics();
  const extensions = new ExtensionSet(options.extensions);
  const catalog = new ToolCatalog(
    options.source,
    logger,
    options.initialListTimeoutMs ?? 5_000,
    extensions.tools,
  );
  const prompts = new PromptCatalog(options.initialListTimeoutMs ?? 5_000);
  const host = new SessionHost(
    options.hostGuard === false
      ? null
      : {
          allowedHosts: options.allowedHosts ?? LOCALHOST_NAMES,
          allowedOrigins: options.allowedOrigins ?? LOCALHOST_NAMES,
        },
    logger,
    options.sessionIdleMs ?? 1_800_000,
    clock,
    {
      maxSessions: options.maxSessions ?? 1_000,
      maxSessionsPerPrincipal: options.maxSessionsPerPrincipal ?? 100,
    },
    sessionHandles(options, logger, clock),
  );
  const access = new AccessControl(options.policy ?? unrestrictedPolicy(), metrics);
  const lists = new FilteredToolLists(catalog, access);
  const deps = { quota, access, metrics, audit: options.audit, logger, clock, toolLabels: new ToolLabels() };
  const aggregateDeps = {
    ...deps,
    catalog,
    lists,
    prompts,
    callTimeoutMs: options.callTimeoutMs,
    extensions,
  };
  const passDeps = {
    ...deps,
    upstream: { open: options.upstreamConnector ?? defaultUpstreamConnector },
    requestTimeoutMs: options.requestTimeoutMs ?? 60_000,
  };
  const principalOf = options.principalOf ?? anonymous;
  const aggregateServers = new Set<Server>();
  const sessionServers = new Set<Server>();
  const modern = new ModernEndpoints((scope, principal) => {
    const current = { current: principal };
    if (scope === '') return createAggregateServer(aggregateDeps, current);
    const binding = catalog.binding(scope);
    if (!binding) throw new GatewayError('CONNECTOR_NOT_FOUND', `no enabled connector "${scope}"`);
    return createStatelessPassthroughServer(passDeps, binding, current);
  }, logger);
  const stopNotify = catalog.onChange(() => {
    for (const server of aggregateServers) void server.sendToolListChanged().catch(() => undefined);
    modern.notify({ tools: true }, true);
  });
  const stopPolicy = access.onChange(() => {
    for (const server of sessionServers) notifyListsChanged(server);
    modern.notify({ tools: true, prompts: true, resources: true });
  });
  const track = (server: Server, aggregate: boolean) => {
    sessionServers.add(server);
    if (aggregate) aggregateServers.add(server);
    return () => void (sessionServers.delete(server), aggregateServers.delete(server));
  };

  return {
    handleAggregate: async (req, res, parsedBody) => {
      if (!host.guard(req, res)) return;
      const principal = principalOf(req);
      const legacy = await modern.dispatch('', req, res, parsedBody, principal);
      if (!legacy) return;
      await host.handle(
        '',
        req,
        res,
        legacy.parsed,
        principal,
        (_init, principal) => {
          const server = createAggregateServer(aggregateDeps, principal);
          const untrack = track(server, true);
          return Promise.resolve({
            server,
            replicated: true,
            fastPath: createAggregateFastPath(aggregateDeps, principal),
            dispose: () => Promise.resolve(untrack()),
          });
        },
        { jsonResponse: true },
      );
    },
    handleConnector: async (connectorId, req, res, parsedBody) => {
      if (!host.guard(req, res)) return;
      const binding = catalog.binding(connectorId);
      if (!binding)
        return sendJsonError(
          res,
          404,
          'CONNECTOR_NOT_FOUND',
          `no enabled connector "${connectorId.slice(0, 64)}"`,
        );
      const legacy = await modern.dispatch(connectorId, req, res, parsedBody, principalOf(req));
      if (!legacy) return;
      await host.handle(connectorId, req, res, legacy.parsed, principalOf(req), async (init, principal) => {
        const session = await createPassthroughSession(passDeps, binding.connector, init, principal);
        const untrack = track(session.server, false);
        return { ...session, dispose: () => (untrack(), session.dispose()) };
      });
    },
    callTool: (connectorId, tool, args, callOptions) =>
      callConnectorTool(aggregateDeps, connectorId, tool, args, callOptions),
    getQuotaUse: (connectorId) => quota.use(connectorId, clock()),
    ready: async () => void (await catalog.list()),
    get sessionCount() {
      return host.size;
    },
    close: async () => {
      stopNotify();
      stopPolicy();
      catalog.close();
      await modern.close();
      await host.close();
      if (ownsStore) await store.close?.();
    },
  };
}

const anonymous = (): Principal => ANONYMOUS;

/** The sealer and revocations of the session host (a random key, with a warning, when none is configured). */
function sessionHandles(options: ConnectorsGatewayOptions, logger: GatewayLogger, clock: () => number) {
  const maxAgeMs = options.sessionMaxAgeMs ?? 86_400_000;
  let keys = options.sessionKeys;
  if (keys === undefined || keys.length === 0) {
    logger.warn(
      {},
      'no MCP session keys configured (CONNECTORS_SESSION_KEYS): a random per-process key seals session ids, so only this replica can serve its sessions',
    );
    keys = [randomSessionKey()];
  }
  return {
    sealer: new SessionSealer(keys, maxAgeMs, clock),
    revocations: options.sessionRevocations ?? new MemorySessionRevocations(clock),
    maxAgeMs,
    ...(options.sessionStreams ? { streams: options.sessionStreams } : {}),
  };
}

/** After a policy reload: tell a session its lists may have changed (each list it declares `listChanged` for). */
function notifyListsChanged(server: Server): void {
  const caps = server.getCapabilities();
  const ignore = () => undefined;
  if (caps.tools?.listChanged) void server.sendToolListChanged().catch(ignore);
  if (caps.prompts?.listChanged) void server.sendPromptListChanged().catch(ignore);
  if (caps.resources?.listChanged) void server.sendResourceListChanged().catch(ignore);
}

function validate(options: ConnectorsGatewayOptions): void {
  const source = options.source as Partial<GatewayConnectorSource> | undefined;
  if (typeof source?.list !== 'function' || typeof source.subscribe !== 'function') {
    throw new GatewayOptionError(
      `option "source" must be a GatewayConnectorSource { list, subscribe } (got ${typeof options.source})`,
    );
  }
  for (const key of ['maxSessions', 'maxSessionsPerPrincipal'] as const) {
    const value = options[key];
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
      throw new GatewayOptionError(`option "${key}" must be a positive integer (got ${String(value)})`);
    }
  }
  const policy = options.policy as Partial<PolicyDecider> | undefined;
  if (
    options.policy !== undefined &&
    (typeof policy?.decide !== 'function' || typeof policy.mayList !== 'function')
  ) {
    throw new GatewayOptionError(
      `option "policy" must be a PolicyDecider { decide, mayList } (got ${typeof options.policy})`,
    );
  }
  for (const key of [
    'callTimeoutMs',
    'requestTimeoutMs',
    'initialListTimeoutMs',
    'sessionIdleMs',
    'sessionMaxAgeMs',
  ] as const) {
    const value = options[key];
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new GatewayOptionError(
        `option "${key}" must be a positive number of milliseconds (got ${String(value)})`,
      );
    }
  }
  if (options.extensions !== undefined && !Array.isArray(options.extensions)) {
    throw new GatewayOptionError(
      `option "extensions" must be an array of AggregateExtension (got ${typeof options.extensions})`,
    );
  }
  const lists = [
    ['allowedHosts', isHostEntry, 'hostnames without ports'],
    ['allowedOrigins', isOriginEntry, 'hostnames or http(s)://host[:port] origins'],
  ] as const;
  for (const [key, valid, what] of lists) {
    const value = options[key];
    if (
      value !== undefined &&
      (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || !valid(v)))
    ) {
      throw new GatewayOptionError(
        `option "${key}" must be an array of ${what} (got ${JSON.stringify(value)})`,
      );
    }
  }
}
