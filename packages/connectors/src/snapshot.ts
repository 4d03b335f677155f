import type { ServiceMap, ServiceMapConnector } from '@cortex-os/connectors-manifest';
import { BRAND } from '@cortex-os/connectors-manifest';
import type { MapHealth } from './map-health.js';

/** Live availability of a connector as shown by the API and the widget. */
export type Availability = 'online' | 'offline' | 'degraded' | 'unknown';

/** The proxy fields a snapshot reads (a `RemoteToolProxy` satisfies it). */
export interface ProxyView {
  readonly state: 'idle' | 'connecting' | 'up' | 'down' | 'closed';
  readonly breaker: 'closed' | 'open' | 'half-open';
  readonly lastError?: { readonly code: string; readonly message: string; readonly at: number };
}

/** A tool as listed in the snapshot (unprefixed upstream name). */
export interface ToolView {
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly inputSchema?: unknown;
}

/** One connector of `GET /v1/connectors` (docs/api.md). */
export interface ConnectorStatus {
  readonly id: string;
  readonly displayName: string;
  readonly version: string;
  readonly description?: string;
  readonly endpoint: string;
  readonly transport: string;
  readonly scopes: readonly string[];
  readonly enabled: boolean;
  readonly status: 'enabled' | 'disabled';
  readonly statusMessage: string;
  readonly availability: Availability;
  readonly breaker: 'closed' | 'open' | 'half-open';
  readonly lastError: { readonly code: string; readonly message: string; readonly at: string } | null;
  readonly quotas: { readonly perMinute: number; readonly perHour: number };
  readonly quotaUse: { readonly minute: number; readonly hour: number };
  readonly tools: readonly ToolView[];
}

/** Body of `GET /v1/connectors` and data of the SSE `snapshot` event. */
export interface ConnectorsSnapshot {
  readonly brand: typeof BRAND;
  readonly manifestId: string;
  readonly manifestVersion: string;
  readonly mapVersion: number;
  readonly generatedAt: string;
  readonly expiresAt: string;
  /** Whether the map is fresh, stale (asbr unreachable), refused (failed verification) or expired. */
  readonly mapHealth: MapHealth;
  readonly connectors: readonly ConnectorStatus[];
}

/** Maps a proxy's state and breaker to the API availability. Disabled or proxy-less connectors: `unknown`. */
export function availabilityOf(proxy: ProxyView | undefined): Availability {
  if (!proxy) return 'unknown';
  if (proxy.breaker === 'half-open') return 'degraded';
  if (proxy.breaker === 'open' || proxy.state === 'down' || proxy.state === 'closed') return 'offline';
  if (proxy.state === 'up') return proxy.lastError && proxy.breaker !== 'closed' ? 'degraded' : 'online';
  return 'unknown';
}

/** Live data joined to one map entry. */
export interface ConnectorLive {
  readonly proxy: ProxyView | undefined;
  readonly quotaUse: { readonly minute: number; readonly hour: number };
  readonly tools: readonly ToolView[];
}

/** Joins one verified map entry with its live state. */
export function connectorStatus(c: ServiceMapConnector, live: ConnectorLive): ConnectorStatus {
  const err = live.proxy?.lastError;
  return {
    id: c.id,
    displayName: c.displayName,
    version: c.version,
    ...(c.description !== undefined ? { description: c.description } : {}),
    endpoint: c.endpoint,
    transport: c.transport,
    scopes: c.scopes,
    enabled: c.enabled,
    status: c.status,
    statusMessage: c.statusMessage,
    availability: c.status === 'enabled' ? availabilityOf(live.proxy) : 'unknown',
    breaker: live.proxy?.breaker ?? 'closed',
    lastError: err ? { code: err.code, message: err.message, at: new Date(err.at).toISOString() } : null,
    quotas: { perMinute: c.quotas.perMinute, perHour: c.quotas.perHour },
    quotaUse: live.quotaUse,
    tools: live.tools,
  };
}

/** Builds the snapshot body from the verified map, each connector's live state and the map's health. */
export function buildSnapshot(
  map: ServiceMap,
  live: ReadonlyMap<string, ConnectorLive>,
  mapHealth: MapHealth,
): ConnectorsSnapshot {
  const none: ConnectorLive = { proxy: undefined, quotaUse: { minute: 0, hour: 0 }, tools: [] };
  return {
    brand: BRAND,
    manifestId: map.manifestId,
    manifestVersion: map.manifestVersion,
    mapVersion: map.version,
    generatedAt: map.generatedAt,
    expiresAt: map.expiresAt,
    mapHealth,
    connectors: map.connectors.map((c) => connectorStatus(c, live.get(c.id) ?? none)),
  };
}
