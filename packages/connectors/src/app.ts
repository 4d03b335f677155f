import { randomUUID } from 'node:crypto';
import { normalize, resolve } from 'node:path';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import {
  createConnectorsRegistry,
  httpServiceMapSource,
  type ConnectorsRegistry,
  type ServiceMapSource,
} from '@cortex-os/agents';
import {
  createConnectorsGateway,
  createJsonlAuditSink,
  createUpstreamConnector,
  listKey,
  MemoryQuotaStore,
  QuotaGuard,
  FallbackQuotaStore,
  RedisQuotaStore,
  type ConnectorsGateway,
  type QuotaStore,
} from '@cortex-os/mcp-server';
import {
  accessLogHook,
  accessLogSampler,
  collectDefaultProcessMetrics,
  createConnectorsMetrics,
  createLogger,
  type ConnectorsMetrics,
  type Logger,
} from '@cortex-os/telemetry';
import {
  closeConnectionsOnClose,
  authPlugin,
  defaultHostOriginPolicy,
  errorHandlerPlugin,
  hostGuardPlugin,
  principalOf,
  slowClientServerOptions,
  type Principal,
  type HostOriginPolicy,
} from '@cortex-os/server-kit';
import { cachedBundleCheck, readBundleText } from './bundle.js';
import { configSecrets, type ConnectorsConfig } from './config.js';
import { gatewaySecretResolver } from './secret-resolver.js';
import { ConfigError } from './errors.js';
import { EventHub } from './events.js';
import { joinCluster } from './cluster-bus.js';
import { registryGatewaySource } from './gateway-source.js';
import { gatewaySessions } from './gateway-sessions.js';
import { InflightTracker } from './inflight.js';
import { createDashboardExtension, type DashboardSource } from './mcp-apps.js';
import { createListFastLane, fastLaneServerFactory, type ListFastLane } from './list-fast-lane.js';
import { createQuotaEventSink } from './quota-events.js';
import { connectorsRoutes } from './routes/connectors.js';
import { eventsRoutes } from './routes/events.js';
import { healthRoutes, type RedisHealth } from './routes/health.js';
import { mcpRoutes } from './routes/mcp.js';
import { widgetRoutes } from './routes/widget.js';
import { trafficRoutes } from './routes/traffic.js';
import {
  createTrafficStore,
  createTrafficService,
  type TrafficService,
  type TrafficStore,
} from './traffic/index.js';
import { ConnectorsRuntime } from './runtime.js';
import { openServerPolicy, type ServerPolicy } from './policy-runtime.js';
import { visibleSnapshot } from './visible.js';
import { createSnapshotCache, DEFAULT_SNAPSHOT_CACHE_MS } from './snapshot-cache.js';
import { troubleshootingPage } from './troubleshooting.js';
import { createStdioConnectors, type StdioConnectors } from './stdio-connectors.js';
import { stdioAwareProxyFactory } from './stdio-wiring.js';
import { keyScopes, serverIdentity, type ServerIdentity } from './identity.js';

/** Tunables of {@link buildApp} (all optional; milliseconds unless stated). */
export interface BuildAppOptions {
  readonly config: ConnectorsConfig;
  /** pino logger; default `createLogger({ component: 'connectors' })` redacting every configured secret. */
  readonly logger?: Logger;
  /** Metrics; default a fresh registry per app (with process metrics). */
  readonly metrics?: ConnectorsMetrics;
  /** Where the signed map comes from; default asbr over HTTP (`config.asbrUrl`). */
  readonly source?: ServiceMapSource;
  /** Quota store shared with the gateway; default Redis when `config.redisUrl`, else in-memory (closed by the app). */
  readonly quotaStore?: QuotaStore;
  /** Upstream proxy health probe period (default `config.probeIntervalMs`) and down debounce (default 2,000). */
  readonly probeIntervalMs?: number;
  readonly downDebounceMs?: number;
  /** Upstream tool call timeout (default 30,000). */
  readonly callTimeoutMs?: number;
  /** SSE heartbeat period (default 15,000) and slow-client buffer limit in bytes (default 1 MiB). */
  readonly heartbeatMs?: number;
  readonly maxBufferedBytes?: number;
  /** How often asbr is asked for the map, ms (default `config.refreshIntervalMs`, 5,000); a failed fetch shows as `mapHealth.state: "stale"`. */
  readonly refreshIntervalMs?: number;
  /** Coalescing delay of `quota` events per connector (default 250). */
  readonly quotaCoalesceMs?: number;
  /** Minimum delay between two map fetches (default 1,000). */
  readonly minRefreshIntervalMs?: number;
  /** Traffic counters for the dashboard; default Redis when `config.redisUrl`, else in-memory (closed by the app). */
  readonly trafficStore?: TrafficStore;
  /** Least time between two `traffic` SSE events, ms (default 1,000). */
  readonly trafficThrottleMs?: number;
  /** Answer cached `GET /v1/connectors` 200s before Fastify (default `config.listFastLane`). */
  readonly listFastLane?: boolean;
}

/** What the app exposes as `app.connectors`. */
export interface ConnectorsServer {
  readonly runtime: ConnectorsRuntime;
  readonly registry: ConnectorsRegistry;
  readonly gateway: ConnectorsGateway;
  readonly hub: EventHub;
  readonly inflight: InflightTracker;
  readonly metrics: ConnectorsMetrics;
  /** The policy in force (`reload()` on SIGHUP; `health()` on `/readyz`). */
  readonly policy: ServerPolicy;
  /** Supervised stdio children (status, pids). */
  readonly stdio: StdioConnectors;
  /** `GET /v1/connectors` responses the fast lane answered (0 with `listFastLane: false`). */
  readonly fastLaneAnswered: () => number;
}

declare module 'fastify' {
  interface FastifyInstance {
    connectors: ConnectorsServer;
  }
}

const TRACE_ID = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;

function requestId(raw: { headers: Record<string, string | string[] | undefined> }): string {
  const parent = raw.headers.traceparent;
  const match = typeof parent === 'string' ? TRACE_ID.exec(parent) : null;
  return match?.[1] ?? randomUUID().replaceAll('-', '');
}

/**
 * Branded errors, then the DNS-rebinding guard on every route (`policy`), then auth by scope:
 * `CONNECTORS_API_KEY` for REST/SSE (`rest`, the default, unknown routes included), `MCP_API_KEY` for
 * `config.auth: 'mcp'` (plus the principals file's keys, and OAuth access tokens per `MCP_AUTH`), none for
 * `'public'`; failed attempts throttled per client address; the RFC 9728 documents when OAuth is on.
 */
async function registerServerKit(
  app: FastifyInstance,
  config: ConnectorsConfig,
  policy: HostOriginPolicy,
  identity: ServerIdentity,
): Promise<void> {
  await app.register(errorHandlerPlugin);
  await app.register(hostGuardPlugin, {
    policy,
    variables: { hosts: 'CONNECTORS_ALLOWED_HOSTS', origins: 'CONNECTORS_ALLOWED_ORIGINS' },
  });
  await app.register(authPlugin, {
    scopes: keyScopes(config),
    defaultScope: 'rest',
    realm: 'brAInwav connectors',
    failureLimit: config.guard.authFailureLimit,
    authenticator: identity.authenticator,
  });
  await identity.register(app);
}

/**
 * The dashboard's data, as the calling principal may see it; `runtime` is read lazily (the runtime needs the
 * gateway the extension is part of).
 */
function dashboardSource(
  runtime: () => ConnectorsRuntime,
  config: ConnectorsConfig,
  policy: ServerPolicy,
  traffic: TrafficService,
): DashboardSource {
  const check = cachedBundleCheck(config.widgetDistDir, config.widgetSrcDir, 'mcp-app.html');
  return {
    // hosts without SSE (MCP Apps, ChatGPT) poll the tool: the statuses with the traffic of the asked window
    snapshot: async (principal, windowMinutes) => {
      const snapshot = visibleSnapshot(await runtime().snapshot(), principal, policy.decider);
      return { ...snapshot, traffic: await traffic.report(windowMinutes).catch(() => undefined) };
    },
    html: async () => {
      const state = await check();
      return state.ok ? readBundleText(config.widgetDistDir, 'mcp-app.html') : troubleshootingPage(state);
    },
  };
}

/**
 * Builds the connectors server (not listening): registry against asbr (the signed map is the only source
 * of connectors), the gateway on `/mcp`, REST + SSE, widget hosting, the dashboard MCP App, health and
 * metrics. Waits for the first map once (without one the app starts not ready and keeps retrying).
 * `app.close()` is graceful: new requests get 503, in-flight tool calls finish within
 * `config.shutdownTimeoutMs`, then SSE streams, MCP sessions and upstream sessions are closed.
 * @throws ConfigError `CONFIG_INVALID` when `refreshIntervalMs` is not a positive number of milliseconds.
 */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const refreshIntervalMs = options.refreshIntervalMs ?? config.refreshIntervalMs;
  if (!(Number.isFinite(refreshIntervalMs) && refreshIntervalMs > 0))
    throw new ConfigError(
      'refreshIntervalMs',
      `must be a positive number of milliseconds (got ${String(refreshIntervalMs)})`,
    );
  const logger =
    options.logger ??
    createLogger({ component: 'connectors', level: config.logLevel, secrets: configSecrets(config) });
  const metrics = options.metrics ?? createConnectorsMetrics();
  if (!options.metrics) collectDefaultProcessMetrics(metrics.registry);
  // first, so a bad policy file fails the build before any connection (Redis, upstreams) is opened
  const policy = await openServerPolicy(config.identity.policyFile, logger.child({ scope: 'policy' }));
  const hub = new EventHub();
  const inflight = new InflightTracker();
  const source = options.source ?? httpServiceMapSource({ url: config.asbrUrl, apiKey: config.asbrApiKey });
  const resolveSecret = gatewaySecretResolver(config);
  const proxyOptions = {
    resolveSecret,
    logger: logger.child({ scope: 'proxy' }),
    metrics,
    probeIntervalMs: options.probeIntervalMs ?? config.probeIntervalMs,
    downDebounceMs: options.downDebounceMs ?? 2_000,
    breaker: { resetTimeoutMs: config.breakerResetMs },
    // the gateway relays results to MCP clients that validate them: skip the SDK client's parsing
    relayToolResults: true,
  };
  const probeNow = (id: string): void => {
    try {
      void registry.proxy(id).probe();
    } catch {
      // not (or no longer) in the map
    }
  };
  const stdio = createStdioConnectors({
    manifestPath: config.stdio?.manifestPath,
    workspacesDir: config.stdio?.workspacesDir ?? resolve(process.cwd(), 'workspaces'),
    resolveSecret,
    logger: logger.child({ scope: 'stdio' }),
    secrets: configSecrets(config),
    onChange: (id) => probeNow(id),
  });
  const registry = createConnectorsRegistry({
    source,
    keys: config.verifyKeys,
    logger: logger.child({ scope: 'registry' }),
    metrics,
    proxyFactory: stdioAwareProxyFactory(stdio, proxyOptions),
    ...(options.minRefreshIntervalMs ? { minRefreshIntervalMs: options.minRefreshIntervalMs } : {}),
  });
  const ownsStore = options.quotaStore === undefined;
  const quotaStore: QuotaStore =
    options.quotaStore ?? sharedQuotaStore(config, logger.child({ scope: 'quota' }), metrics);
  const quota = new QuotaGuard(quotaStore, 'gw:');
  const trafficStore = options.trafficStore ?? createTrafficStore(config.redisUrl);
  const traffic = createTrafficService({
    store: trafficStore,
    follow: (onTransition) =>
      registry.on('availability', (e) =>
        onTransition({
          connectorId: e.connectorId,
          state: e.up ? 'online' : 'offline',
          atMs: Date.parse(e.at) || Date.now(),
        }),
      ),
    connectors: async () => (await rt.snapshot()).connectors,
    onError: (err) => logger.warn({ err }, 'brAInwav: traffic store write failed'),
  });
  const quotaSink = createQuotaEventSink({
    inner: config.auditLogPath
      ? createJsonlAuditSink(config.auditLogPath, (err) =>
          logger.error({ err }, 'brAInwav: audit write failed'),
        )
      : undefined,
    hub,
    coalesceMs: options.quotaCoalesceMs ?? 250,
    quotaUse: (id) => quota.use(id, Date.now()).catch(() => ({ minute: 0, hour: 0 })),
  });
  const audit = traffic.sink(quotaSink);
  const hostPolicy = defaultHostOriginPolicy({
    listenHost: config.host,
    allowedHosts: config.guard.allowedHosts,
    allowedOrigins: config.guard.allowedOrigins,
  });
  const sessions = gatewaySessions(config, logger);
  const gateway = createConnectorsGateway({
    ...sessions.options,
    source: registryGatewaySource(registry, (id) => stdio.isLazy(id)),
    quotaStore,
    audit,
    logger: logger.child({ scope: 'gateway' }),
    metrics,
    hostGuard: false, // the host-guard hook already checked every request with `hostPolicy`
    principalOf,
    policy: policy.decider,
    maxSessions: config.identity.maxSessions,
    maxSessionsPerPrincipal: config.identity.maxSessionsPerPrincipal,
    callTimeoutMs: options.callTimeoutMs ?? 30_000,
    // a stdio connector's passthrough session gets a dedicated child
    upstreamConnector: createUpstreamConnector(resolveSecret, (id) => stdio.openDedicated(id)),
    extensions: [createDashboardExtension(dashboardSource(() => rt, config, policy, traffic))],
  });
  // a stdio connector with `startup: "lazy"` (the default) spawns on first use, not when the map hydrates it
  const rt = new ConnectorsRuntime({
    registry,
    gateway,
    hub,
    logger,
    refreshIntervalMs,
    warm: (id) => !stdio.isLazy(id),
  });
  // replicas sharing Redis tell each other what changed, so they probe or refresh now (cluster-bus.ts)
  const cluster = config.redisUrl ? joinCluster(config.redisUrl, rt, hub, logger) : undefined;

  const loggerInstance: FastifyBaseLogger = logger;
  const selectsAccessLine = accessLogSampler(config.logAccess ?? 'sampled');
  // `GET /v1/connectors` answered before Fastify when nothing but the cached 200 can come of it (list-fast-lane.ts)
  let lane: ListFastLane | undefined;
  const withLane = options.listFastLane ?? config.listFastLane;
  const app = Fastify({
    loggerInstance,
    ...(withLane ? { serverFactory: fastLaneServerFactory(() => lane) } : {}),
    genReqId: requestId,
    return503OnClosing: true,
    bodyLimit: 4 * 1024 * 1024,
    // one access line per selected response (LOG_ACCESS), not Fastify's two per request
    logController: new LogController({ disableRequestLogging: true }),
    // slowloris / slow bodies: headers within 10 s, the whole request within 30 s (CONNECTORS_*_TIMEOUT_MS)
    ...slowClientServerOptions(config.timeouts),
  });
  app.addHook('onResponse', accessLogHook(config.logAccess ?? 'sampled', selectsAccessLine));
  app.decorate('connectors', {
    runtime: rt,
    registry,
    gateway,
    hub,
    inflight,
    metrics,
    policy,
    stdio,
    fastLaneAnswered: () => lane?.answered ?? 0,
  });
  const identity = serverIdentity(config, {
    scopesOf: (id) => {
      try {
        return registry.connectors().find((c) => c.id === id && c.status === 'enabled')?.scopes;
      } catch {
        return undefined; // no usable map: no connector is known
      }
    },
  });
  await registerServerKit(app, config, hostPolicy, identity);
  await app.register(healthRoutes, {
    runtime: rt,
    metrics,
    policy: () => policy.health(),
    redis: () => redisHealth(quotaStore),
  });
  // one serialized snapshot per principal view, rebuilt on every event or policy change (and after 1 s at most):
  // the REST list's body and the SSE stream's first event
  const snapshotBody = createSnapshotCache({
    build: async (principal: Principal) => visibleSnapshot(await rt.snapshot(), principal, policy.decider),
    keyOf: listKey,
    version: () => `${hub.lastId}:${policy.generation()}`,
    maxAgeMs: DEFAULT_SNAPSHOT_CACHE_MS,
  });
  await app.register(connectorsRoutes, { runtime: rt, gateway, inflight, snapshotBody });
  if (withLane) {
    const fast = createListFastLane({
      hostPolicy,
      authenticator: identity.authenticator,
      scope: 'rest',
      body: (principal) => snapshotBody.peek(principal),
      selects: selectsAccessLine,
      logger,
      requestId,
    });
    app.addHook('preClose', (done) => {
      fast.close(); // closing: every request is Fastify's (503 while draining)
      done();
    });
    lane = fast;
  }
  await app.register(eventsRoutes, {
    hub,
    runtime: rt,
    snapshotBody,
    heartbeatMs: options.heartbeatMs,
    maxBufferedBytes: options.maxBufferedBytes,
  });
  await app.register(trafficRoutes, {
    traffic,
    throttleMs: options.trafficThrottleMs,
    heartbeatMs: options.heartbeatMs,
    maxBufferedBytes: options.maxBufferedBytes,
  });
  await app.register(widgetRoutes, { distDir: normalize(config.widgetDistDir), srcDir: config.widgetSrcDir });
  await app.register(mcpRoutes, { gateway, inflight, logger });
  app.addHook('preClose', async () => {
    const drained = await inflight.drain(config.shutdownTimeoutMs);
    if (!drained) {
      logger.warn(
        { inflight: inflight.size },
        'brAInwav: shutdown deadline reached with calls in flight; closing their connections',
      );
      if (app.server.listening) app.server.closeAllConnections();
      await inflight.drain(1_000);
    }
    app.sseStreams.closeAll();
    await gateway.close();
  });
  // after the drain above: connections clients opened ahead of need, or that carried the last calls, close now
  closeConnectionsOnClose(app);
  app.addHook('onClose', async () => {
    policy.close();
    rt.close();
    await registry.close();
    await stdio.close();
    await cluster?.close();
    traffic.close();
    await audit.close?.();
    await sessions.close();
    if (ownsStore) await quotaStore.close?.();
    if (options.trafficStore === undefined) await trafficStore.close?.();
  });
  if (config.noAuth)
    logger.warn(
      { host: config.host },
      'brAInwav: NO_AUTH=true — every route of the connectors server is OPEN without an API key',
    );
  await rt.start();
  return app;
}

/** The quota store: Redis shared by the replicas behind a local fallback, or in memory without `REDIS_URL`. */
function sharedQuotaStore(config: ConnectorsConfig, logger: Logger, metrics: ConnectorsMetrics): QuotaStore {
  if (!config.redisUrl) return new MemoryQuotaStore();
  metrics.redisUp.set(1);
  return new FallbackQuotaStore({
    primary: new RedisQuotaStore({ url: config.redisUrl }),
    mode: config.quotaRedisFailure ?? 'open',
    logger,
    onStateChange: (up) => metrics.redisUp.set(up ? 1 : 0),
  });
}

/** `/readyz`'s view of the shared Redis (none without a fallback store). */
function redisHealth(store: QuotaStore): RedisHealth | undefined {
  return store instanceof FallbackQuotaStore ? { up: store.up, mode: store.mode } : undefined;
}
