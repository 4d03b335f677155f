import type { CallToolResult, Client, ProgressCallback, Tool } from '@modelcontextprotocol/client';
import type { AvailabilityEvent } from './availability.js';
import type { BreakerState } from './breaker.js';
import type { ProxyErrorInfo } from './errors.js';

/** Lifecycle of a proxy: nothing sent yet, handshake running, healthy, down (debounced), closed. */
export type ProxyState = 'idle' | 'connecting' | 'up' | 'down' | 'closed';

/** Result of a health probe (ping, or tools/list when the upstream lacks ping). Latency in ms. */
export type ProbeResult =
  | { readonly ok: true; readonly latencyMs: number; readonly method: 'ping' | 'tools/list' }
  | { readonly ok: false; readonly latencyMs: number; readonly error: ProxyErrorInfo };

/** Per-call options of {@link RemoteToolProxy.callTool}. */
export interface CallToolOptions {
  /** Cancels the call (the upstream receives `notifications/cancelled`); rejects with `REQUEST_ABORTED`. */
  readonly signal?: AbortSignal;
  /** Overrides the proxy's `timeoutMs` for this call, ms; rejects with `UPSTREAM_TIMEOUT`. */
  readonly timeoutMs?: number;
  /** Receives upstream progress notifications of this call. */
  readonly onprogress?: ProgressCallback;
}

/**
 * One resilient MCP client session per connector (contract of docs/architecture.md). Lazy: nothing is
 * sent before `connect()` or the first operation. Every rejection is a `BridgeError` with `connectorId`
 * and a stable `code`.
 */
export interface RemoteToolProxy {
  readonly connectorId: string;
  readonly state: ProxyState;
  readonly breaker: BreakerState;
  /** Last failure (secret-free), if any. */
  readonly lastError?: ProxyErrorInfo;
  /** Opens the session now. Codes: UPSTREAM_*, SECRET_UNRESOLVED, CIRCUIT_OPEN, REQUEST_ABORTED, PROXY_CLOSED. */
  connect(signal?: AbortSignal): Promise<void>;
  /** Upstream tools, cached and refreshed on `notifications/tools/list_changed` and after a reconnect. */
  listTools(signal?: AbortSignal): Promise<Tool[]>;
  /**
   * Calls a tool (span `connectors.proxy.call`). Retried on transport failures only when the tool is
   * annotated `readOnlyHint` or `idempotentHint` (from the cached tools list) or the request provably never
   * reached the upstream. An `isError` result is returned, not thrown. Codes: TOOL_CALL_FAILED,
   * UPSTREAM_TIMEOUT, UPSTREAM_UNAVAILABLE, UPSTREAM_AUTH_FAILED, CIRCUIT_OPEN, REQUEST_ABORTED, PROXY_CLOSED.
   */
  callTool(name: string, args?: Record<string, unknown>, options?: CallToolOptions): Promise<CallToolResult>;
  /** Health probe; never throws. In half-open state it is the single trial request. */
  probe(signal?: AbortSignal): Promise<ProbeResult>;
  /** The connected v2 SDK `Client` (re-created on reconnect: ask again after a failure). */
  client(): Promise<Client>;
  /** Availability transitions (up immediately, down debounced); returns an unsubscribe function. */
  onAvailability(cb: (event: AvailabilityEvent) => void): () => void;
  /** Called with the new list when the upstream's tools really changed; returns an unsubscribe function. */
  onToolsChanged(cb: (tools: Tool[]) => void): () => void;
  /** Stops probes and timers, closes the session, removes the gauge series. Idempotent. */
  close(): Promise<void>;
}
