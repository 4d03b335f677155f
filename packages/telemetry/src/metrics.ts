import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Histogram buckets of `brainwav_connector_refresh_latency_ms`, in milliseconds (1 ms .. 5000 ms). */
export const REFRESH_LATENCY_BUCKETS_MS: readonly number[] = [
  1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000,
];

/** Histogram buckets of `brainwav_mcp_tool_call_duration_seconds`, in seconds. */
export const TOOL_CALL_DURATION_BUCKETS_S: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/** The connectors metrics of DESIGN.md, all registered on `registry`. */
export interface ConnectorsMetrics {
  readonly registry: Registry;
  /** `brainwav_mcp_connector_proxy_up{connector}`: 1 when the upstream proxy is up, 0 when down. */
  readonly proxyUp: Gauge<'connector'>;
  /** `brainwav_connector_refresh_latency_ms`: service-map refresh latency, milliseconds. */
  readonly refreshLatencyMs: Histogram<never>;
  /** `brainwav_mcp_tool_calls_total{connector,tool,outcome}`. */
  readonly toolCallsTotal: Counter<'connector' | 'tool' | 'outcome'>;
  /** `brainwav_mcp_tool_call_duration_seconds{connector,tool}`: seconds. */
  readonly toolCallDurationSeconds: Histogram<'connector' | 'tool'>;
  /** `brainwav_mcp_connector_offline_fallback_total{connector}`. */
  readonly offlineFallbackTotal: Counter<'connector'>;
  /** `brainwav_service_map_verify_failures_total{code}` (code: a VERIFY_CODES value). */
  readonly verifyFailuresTotal: Counter<'code'>;
  /** `brainwav_manifest_info{manifest_version}`: 1 for the loaded version (see {@link setManifestInfo}). */
  readonly manifestInfo: Gauge<'manifest_version'>;
  /** `brainwav_manifest_reload_failures_total{reason}`. */
  readonly manifestReloadFailuresTotal: Counter<'reason'>;
  /** `brainwav_mcp_quota_exceeded_total{connector}`. */
  readonly quotaExceededTotal: Counter<'connector'>;
  /** `brainwav_apps_widget_lcp_ms`: last reported widget Largest Contentful Paint, milliseconds. */
  readonly appsWidgetLcpMs: Gauge<never>;
  /** 1 while the shared Redis (quotas) answers, 0 while this replica runs on local limits; absent without Redis. */
  readonly redisUp: Gauge<never>;
  /**
   * `brainwav_mcp_policy_decisions_total{decision,connector}`: one per call decision of the gateway's policy
   * (`decision`: `allow` | `deny`; `connector`: the manifest connector id, or `gateway` for its own tools).
   */
  readonly policyDecisionsTotal: Counter<'decision' | 'connector'>;
}

const cache = new WeakMap<Registry, ConnectorsMetrics>();
const defaultMetricsRegistries = new WeakSet<Registry>();

function build(registry: Registry): ConnectorsMetrics {
  const registers = [registry];
  return {
    registry,
    proxyUp: new Gauge({
      name: 'brainwav_mcp_connector_proxy_up',
      help: 'brAInwav: 1 when the MCP connector upstream proxy is up, 0 when down',
      labelNames: ['connector'] as const,
      registers,
    }),
    refreshLatencyMs: new Histogram({
      name: 'brainwav_connector_refresh_latency_ms',
      help: 'brAInwav: connectors service-map refresh latency in milliseconds',
      buckets: [...REFRESH_LATENCY_BUCKETS_MS],
      registers,
    }),
    toolCallsTotal: new Counter({
      name: 'brainwav_mcp_tool_calls_total',
      help: 'brAInwav: MCP tool calls through the connectors gateway, by outcome',
      labelNames: ['connector', 'tool', 'outcome'] as const,
      registers,
    }),
    toolCallDurationSeconds: new Histogram({
      name: 'brainwav_mcp_tool_call_duration_seconds',
      help: 'brAInwav: MCP tool call duration in seconds',
      labelNames: ['connector', 'tool'] as const,
      buckets: [...TOOL_CALL_DURATION_BUCKETS_S],
      registers,
    }),
    offlineFallbackTotal: new Counter({
      name: 'brainwav_mcp_connector_offline_fallback_total',
      help: 'brAInwav: tool calls answered with an offline fallback because the connector was down',
      labelNames: ['connector'] as const,
      registers,
    }),
    verifyFailuresTotal: new Counter({
      name: 'brainwav_service_map_verify_failures_total',
      help: 'brAInwav: signed service map verification failures, by result code',
      labelNames: ['code'] as const,
      registers,
    }),
    manifestInfo: new Gauge({
      name: 'brainwav_manifest_info',
      help: 'brAInwav: 1 for the currently loaded connectors manifest version',
      labelNames: ['manifest_version'] as const,
      registers,
    }),
    manifestReloadFailuresTotal: new Counter({
      name: 'brainwav_manifest_reload_failures_total',
      help: 'brAInwav: connectors manifest reload failures, by reason',
      labelNames: ['reason'] as const,
      registers,
    }),
    quotaExceededTotal: new Counter({
      name: 'brainwav_mcp_quota_exceeded_total',
      help: 'brAInwav: MCP tool calls rejected because a connector quota was exceeded',
      labelNames: ['connector'] as const,
      registers,
    }),
    appsWidgetLcpMs: new Gauge({
      name: 'brainwav_apps_widget_lcp_ms',
      help: 'brAInwav: ChatGPT apps widget Largest Contentful Paint in milliseconds',
      registers,
    }),
    redisUp: new Gauge({
      name: 'brainwav_redis_up',
      help: 'brAInwav: 1 while the shared Redis answers the gateway, 0 while quotas fall back to local limits',
      registers,
    }),
    policyDecisionsTotal: new Counter({
      name: 'brainwav_mcp_policy_decisions_total',
      help: 'brAInwav: policy decisions on MCP tool calls through the connectors gateway, by decision',
      labelNames: ['decision', 'connector'] as const,
      registers,
    }),
  };
}

/**
 * Creates (or returns the already created) connectors metrics on `registry`. Idempotent per registry:
 * a second call with the same registry returns the same metric objects. No default labels are added.
 *
 * @param registry - where to register; default a fresh `Registry` (so each no-argument call is independent)
 */
export function createConnectorsMetrics(registry: Registry = new Registry()): ConnectorsMetrics {
  let metrics = cache.get(registry);
  if (!metrics) {
    metrics = build(registry);
    cache.set(registry, metrics);
  }
  return metrics;
}

/**
 * Marks `version` as the loaded manifest: resets `brainwav_manifest_info` and sets
 * `{manifest_version=version}` to 1, so exactly one version is exported.
 *
 * @param version - manifest version (numbers are written as decimal strings)
 */
export function setManifestInfo(metrics: ConnectorsMetrics, version: string | number): void {
  metrics.manifestInfo.reset();
  metrics.manifestInfo.set({ manifest_version: String(version) }, 1);
}

/**
 * Registers prom-client's default process metrics (CPU, memory, event loop, GC) on `registry` with the
 * `brainwav_` prefix. Idempotent per registry.
 */
export function collectDefaultProcessMetrics(registry: Registry): void {
  if (defaultMetricsRegistries.has(registry)) return;
  collectDefaultMetrics({ register: registry, prefix: 'brainwav_' });
  defaultMetricsRegistries.add(registry);
}
