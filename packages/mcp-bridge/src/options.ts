import type {
  Client,
  ClientCapabilities,
  FetchLike,
  Implementation,
  Notification,
  Transport,
} from '@modelcontextprotocol/client';
import type { Logger } from '@cortex-os/telemetry';
import type { SecretResolver } from './auth.js';
import type { ProxyUpGauge } from './availability.js';
import type { BreakerOptions } from './breaker.js';
import type { ProxyClock } from './clock.js';
import { ProxyOptionsError } from './errors.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from './sse-parser.js';
import { DEFAULT_RETRY, type RetryOptions, type RetryPolicy } from './retry.js';

/** Options of `createRemoteToolProxy`. Every number is validated once at construction. */
export interface RemoteToolProxyOptions {
  /**
   * Resolves `auth.secretRef`; default `defaultResolveSecret`: the default secretRef policy (`env:CONNECTOR_*`
   * only, never a gateway key). Pass `createSecretResolver(policy)` of `@cortex-os/connectors-manifest/node` for another.
   */
  readonly resolveSecret?: SecretResolver;
  /** pino logger (e.g. `createLogger` of `@cortex-os/telemetry`); default silent. Headers and arguments are never logged. */
  readonly logger?: Logger;
  /** Metrics holding the `proxyUp` gauge (`createConnectorsMetrics()` fits). */
  readonly metrics?: { readonly proxyUp: ProxyUpGauge };
  /** Timeout of every request (call, list, probe), ms (default 10000). */
  readonly timeoutMs?: number;
  /** Timeout of the MCP handshake, ms (default `timeoutMs`). */
  readonly connectTimeoutMs?: number;
  /** Retries with full-jitter backoff for connect/list/probe and read-only/idempotent tool calls. */
  readonly retries?: RetryOptions;
  /** Circuit breaker: `failureThreshold` (default 5), `resetTimeoutMs` (default 30000). */
  readonly breaker?: BreakerOptions;
  /** Period of the health probe (ping, else tools/list), ms; 0 disables (default 30000). Starts after the first session. */
  readonly probeIntervalMs?: number;
  /** How long failures must persist before the gauge/availability go down, ms (default 5000). Up is immediate. */
  readonly downDebounceMs?: number;
  /** Clock and timers (default real time). */
  readonly clock?: ProxyClock;
  /** Random source in [0, 1) for the backoff jitter (default `Math.random`). */
  readonly random?: () => number;
  /**
   * fetch for the MCP transports. Default: Streamable HTTP runs on `NodeHttpClientTransport` (Node's http
   * with keep-alive, no fetch) and legacy SSE on the global fetch; giving a fetch switches Streamable HTTP
   * to the SDK's fetch-based `StreamableHTTPClientTransport`.
   */
  readonly fetch?: FetchLike;
  /** `clientInfo` sent upstream (default `{ name: 'brainwav-mcp-bridge', version: '0.1.0' }`). */
  readonly clientInfo?: Implementation;
  /** Client capabilities advertised upstream (declare `sampling`/`elicitation`/`roots` to relay them). */
  readonly capabilities?: ClientCapabilities;
  /**
   * Called with every new `Client` before it connects (first session and each reconnect): install
   * server→client request handlers here (`sampling/createMessage`, `elicitation/create`, `roots/list`).
   * Do not replace the `notifications/tools/list_changed` handler (use `onToolsChanged`).
   */
  readonly configureClient?: (client: Client) => void;
  /**
   * Relay mode for gateways: `callTool` returns the upstream's result unchanged (checked only for a
   * `content` array) instead of running it through the SDK client's result parsing and output-schema
   * validation, which the gateway's own clients do anyway. Applies to calls without `onprogress` on a
   * transport with raw requests (`rawRequest`: the default Streamable HTTP transport, a supervised stdio
   * transport from `createTransport`); default false. A relay's `callTool` opens no `connectors.proxy.call`
   * span of its own: the relaying caller's call span (the gateway's pipeline) is the call's span.
   */
  readonly relayToolResults?: boolean;
  /** Receives every upstream notification (logging, progress, resources/updated, list_changed …). */
  readonly onNotification?: (notification: Notification) => void;
  /**
   * Largest upstream message in bytes on the default transport: one SSE event's data or a JSON response
   * body (default 16 MiB, at least 1024). A larger response fails that request with
   * `UPSTREAM_RESPONSE_TOO_LARGE` at once; the session and other calls are unaffected.
   */
  readonly maxMessageBytes?: number;
  /**
   * Opens the transport of every new session instead of the connector's HTTP transport: e.g. a supervised stdio
   * child (`@cortex-os/stdio-supervisor`). Return it unstarted (the client starts it). A throw fails that connect as
   * `UPSTREAM_UNAVAILABLE` (an outage, not retried) with the thrown message; `endpoint` and `auth` are then unused.
   */
  readonly createTransport?: () => Transport | Promise<Transport>;
}

/** Options with defaults applied. */
export interface ResolvedOptions {
  readonly timeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly retry: RetryPolicy;
  readonly failureThreshold: number;
  readonly resetTimeoutMs: number;
  readonly probeIntervalMs: number;
  readonly downDebounceMs: number;
  readonly maxMessageBytes: number;
}

function check(
  connectorId: string,
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  integer = true,
): number {
  if (value === undefined) return fallback;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= min &&
    (!integer || Number.isInteger(value));
  if (!ok) {
    throw new ProxyOptionsError(
      connectorId,
      `option ${name} must be ${integer ? 'an integer' : 'a number'} >= ${min} (got ${String(value)})`,
    );
  }
  return value;
}

/**
 * Applies defaults and validates numeric options.
 * @throws ProxyOptionsError `CONFIG_INVALID` naming the option and the received value
 */
export function resolveOptions(connectorId: string, options: RemoteToolProxyOptions): ResolvedOptions {
  const timeoutMs = check(connectorId, 'timeoutMs', options.timeoutMs, 10_000, 1);
  const retries = options.retries ?? {};
  const baseDelayMs = check(
    connectorId,
    'retries.baseDelayMs',
    retries.baseDelayMs,
    DEFAULT_RETRY.baseDelayMs,
    0,
  );
  return {
    timeoutMs,
    connectTimeoutMs: check(connectorId, 'connectTimeoutMs', options.connectTimeoutMs, timeoutMs, 1),
    retry: {
      attempts: check(connectorId, 'retries.attempts', retries.attempts, DEFAULT_RETRY.attempts, 1),
      baseDelayMs,
      maxDelayMs: check(
        connectorId,
        'retries.maxDelayMs',
        retries.maxDelayMs,
        Math.max(DEFAULT_RETRY.maxDelayMs, baseDelayMs),
        baseDelayMs,
      ),
    },
    failureThreshold: check(connectorId, 'breaker.failureThreshold', options.breaker?.failureThreshold, 5, 1),
    resetTimeoutMs: check(connectorId, 'breaker.resetTimeoutMs', options.breaker?.resetTimeoutMs, 30_000, 1),
    probeIntervalMs: check(connectorId, 'probeIntervalMs', options.probeIntervalMs, 30_000, 0),
    downDebounceMs: check(connectorId, 'downDebounceMs', options.downDebounceMs, 5_000, 0),
    maxMessageBytes: check(
      connectorId,
      'maxMessageBytes',
      options.maxMessageBytes,
      DEFAULT_MAX_MESSAGE_BYTES,
      1024,
    ),
  };
}
