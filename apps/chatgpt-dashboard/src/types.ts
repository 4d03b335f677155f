/** Live availability of one connector as the connectors server reports it (docs/api.md). */
export type Availability = 'online' | 'offline' | 'degraded' | 'unknown';

/** Colour theme requested by the host or the operating system. */
export type Theme = 'light' | 'dark';

/** A JSON Schema fragment, as MCP tools publish their `inputSchema`. */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  enum?: unknown[];
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  minimum?: number;
  maximum?: number;
}

/** One tool of a connector (unprefixed name; the aggregate `/mcp` gateway exposes it as `<connectorId>__<name>`). */
export interface ToolInfo {
  name: string;
  title?: string;
  description?: string;
  inputSchema?: JsonSchema;
}

/** The last error a connector reported, branded by the server. */
export interface ConnectorError {
  code: string;
  message: string;
  at?: string;
}

/**
 * One connector row of `GET /v1/connectors`: the service-map entry fields (as in
 * `@cortex-os/connectors-manifest` `ServiceMapConnector`) plus live state. Quota numbers are calls per
 * minute / per hour.
 */
export interface ConnectorStatus {
  id: string;
  displayName: string;
  version: string;
  scopes: string[];
  enabled: boolean;
  status: 'enabled' | 'disabled';
  quotas: { perMinute: number; perHour: number };
  description?: string;
  endpoint?: string;
  transport?: string;
  statusMessage?: string;
  availability: Availability;
  breaker?: string;
  lastError: ConnectorError | null;
  quotaUse: { minute: number; hour: number };
  tools: ToolInfo[];
}

/**
 * Health of the service map the connectors server holds: `fresh` (verified, asbr reachable), `stale` (asbr
 * unreachable but the cached map is still valid), `refused` (the fetched map failed verification; the last good
 * map is kept) or `expired` (no valid map).
 */
export type MapHealthState = 'fresh' | 'stale' | 'refused' | 'expired';

/** `mapHealth` of `GET /v1/connectors`, the `snapshot` and the `map-health` SSE event. */
export interface MapHealth {
  state: MapHealthState;
  /** Why the map is not fresh (e.g. `UPSTREAM_UNAVAILABLE`, a verify code such as `BAD_SIGNATURE`), else `null`. */
  lastError: ConnectorError | null;
}

/** The body of `GET /v1/connectors` (also the `snapshot` SSE event and the `connectors_dashboard` tool result). */
export interface DashboardData {
  brand: string;
  manifestId: string;
  manifestVersion: string;
  mapVersion: number;
  generatedAt: string;
  expiresAt: string;
  connectors: ConnectorStatus[];
  /** Map health; a server that does not send it is treated as `fresh`. */
  mapHealth?: MapHealth;
  /**
   * Traffic of the asked window (`connectors_dashboard` `{ window: "15m" | "1h" }`, default 15 minutes): the tool
   * result carries it for the hosts without SSE (MCP Apps, ChatGPT), which poll the tool.
   */
  traffic?: TrafficReport;
}

/** `availability` SSE event payload. */
export interface AvailabilityEvent {
  connectorId: string;
  availability: Availability;
  reason?: string;
  at?: string;
}

/** `quota` SSE event payload. */
export interface QuotaEvent {
  connectorId: string;
  quotaUse: { minute: number; hour: number };
  exceeded: boolean;
}

/** `map-updated` SSE event payload. */
export interface MapUpdatedEvent {
  mapVersion: number;
  manifestVersion: string;
  expiresAt: string;
}

/** Everything a host adapter can push to the dashboard after start-up. */
export type DashboardEvent =
  | { type: 'snapshot'; data: DashboardData }
  | { type: 'availability'; data: AvailabilityEvent }
  | { type: 'quota'; data: QuotaEvent }
  | { type: 'map-updated'; data: MapUpdatedEvent }
  | { type: 'map-health'; data: MapHealth }
  | { type: 'theme'; theme: Theme }
  | { type: 'connection'; state: 'open' | 'reconnecting' | 'failed'; error?: Error };

/** An MCP `CallToolResult` as the widget shows it. */
export interface ToolCallResult {
  content: Array<{ type: string; text?: string; [key: string]: unknown }>;
  structuredContent?: unknown;
  isError?: boolean;
}

/** Selection the "Try it" form keeps across re-renders (ChatGPT persists it as `widgetState`). */
export interface WidgetState {
  connectorId?: string;
  tool?: string;
}

/**
 * The one interface behind which the three hosts (MCP Apps, ChatGPT, plain browser) hide.
 * Every method that talks to a host or server takes an `AbortSignal`; an aborted call rejects and its
 * result is never shown.
 */
export interface HostAdapter {
  readonly kind: 'mcp-apps' | 'chatgpt' | 'browser';
  /** Data the host already delivered (tool result / tool output), or `null` to fetch it with `refresh`. */
  getInitialData(): Promise<DashboardData | null>;
  /** Fetches a fresh dashboard body. Rejects with a `DashboardError`. */
  refresh(signal: AbortSignal): Promise<DashboardData>;
  /** Runs one connector tool. Rejects with a `DashboardError` on transport failure. */
  callTool(
    connectorId: string,
    tool: string,
    args: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<ToolCallResult>;
  /** Pushes live events; returns the unsubscribe function. */
  subscribe(onEvent: (event: DashboardEvent) => void): () => void;
  /** Theme the host asks for, or `undefined` to follow `prefers-color-scheme`. */
  theme(): Theme | undefined;
  /** Optional persisted widget state (ChatGPT `widgetState`). */
  loadState?(): WidgetState | null;
  saveState?(state: WidgetState): void;
}

/** One minute of a connector's traffic chart (`t`: minute start, epoch ms; latencies in ms). */
export interface TrafficPoint {
  t: number;
  calls: number;
  errors: number;
  offline: number;
  refused: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

/** Availability over time: one span of the timeline (epoch ms). */
export interface AvailabilitySpan {
  from: number;
  to: number;
  state: Availability | 'disabled';
}

/** One connector of `GET /v1/connectors/traffic`. */
export interface ConnectorTraffic {
  id: string;
  displayName: string;
  status: 'enabled' | 'disabled';
  points: TrafficPoint[];
  totals: Omit<TrafficPoint, 't'> & { errorRate: number; offlineRate: number };
  quota: {
    perMinute: number;
    perHour: number;
    minuteUse: number;
    hourUse: number;
    burnPerMinute: number;
    minuteExhaustsInSec: number | null;
    hourExhaustsInSec: number | null;
  };
  timeline: AvailabilitySpan[];
}

/** One row of the recent-calls panel. */
export interface RecentCall {
  id: string;
  at: string;
  callerId: string;
  connectorId: string;
  tool: string;
  outcome: string;
  durationMs: number;
}

/** Body of `GET /v1/connectors/traffic` and data of the `traffic` SSE event. */
export interface TrafficReport {
  windowMinutes: 15 | 60;
  from: number;
  to: number;
  connectors: ConnectorTraffic[];
  recent: RecentCall[];
}

/** A host that can follow traffic reports: SSE in the browser host, tool polling in ChatGPT and MCP Apps. */
export interface TrafficSource {
  /** Follows reports of the last `windowMinutes` (live); returns the unsubscribe function. */
  traffic(windowMinutes: 15 | 60, onReport: (report: TrafficReport) => void): () => void;
}
