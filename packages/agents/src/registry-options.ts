import {
  createKeySet,
  type KeyInput,
  type KeySet,
  type ServiceMapConnector,
} from '@cortex-os/connectors-manifest';
import { createRemoteToolProxy, type SecretResolver } from '@cortex-os/mcp-bridge';
import { createConnectorsMetrics, createSilentLogger } from '@cortex-os/telemetry';
import { systemClock } from './clock.js';
import { AgentsConfigError } from './errors.js';
import type { ProxyFactory } from './pool.js';
import { httpServiceMapSource } from './source.js';
import type { AgentsLogger, Clock, RegistryMetrics, ServiceMapSource } from './types.js';

/** Options of `createConnectorsRegistry`. Give exactly one of `url` or `source`. */
export interface ConnectorsRegistryOptions {
  /** asbr base URL or full map URL (`…/v1/connectors/service-map`). */
  readonly url?: string;
  /** A custom map source instead of `url` (e.g. an in-process asbr). */
  readonly source?: ServiceMapSource;
  /** asbr API key for `url` (sent as a Bearer token; never logged). */
  readonly apiKey?: string;
  /** Verification keys: `CONNECTORS_VERIFY_KEYS`-style inputs or a ready `KeySet`. */
  readonly keys: readonly KeyInput[] | KeySet;
  /** `fetch` used by the HTTP source (default `globalThis.fetch`). */
  readonly fetch?: typeof globalThis.fetch;
  /** Time source and timers (default: system clock, unref'd timers). */
  readonly clock?: Clock;
  /** pino-compatible logger (default `createSilentLogger('agents.registry')`). */
  readonly logger?: AgentsLogger;
  /** Metrics sink (default: `createConnectorsMetrics()` on a fresh prom-client registry). */
  readonly metrics?: RegistryMetrics;
  /** Creates one lazy proxy per enabled connector (default `createRemoteToolProxy`). */
  readonly proxyFactory?: ProxyFactory;
  /**
   * Resolves connectors' `auth.secretRef` for the default proxy factory. Default: the default secretRef policy
   * (`env:CONNECTOR_*` only, never a gateway key); pass `createSecretResolver(policy)` of
   * `@cortex-os/connectors-manifest/node` for an allow-list of your own. A refused ref fails only that connector.
   */
  readonly resolveSecret?: SecretResolver;
  /**
   * Key the default proxy factory sends (`Authorization: Bearer`) to stdio connectors: their map endpoint is the
   * gateway's `/mcp/connectors/<id>`, which authenticates callers (`MCP_API_KEY`). Never sent to other endpoints.
   */
  readonly gatewayApiKey?: string;
  /** File that keeps the last verified map's exact bytes (atomic writes); reloaded and re-verified on start. */
  readonly persistPath?: string;
  /** Timeout of each map request, milliseconds (default 5000). */
  readonly timeoutMs?: number;
  /** Minimum delay between two map requests and first retry delay, milliseconds (default 1000). */
  readonly minRefreshIntervalMs?: number;
  /** Ceiling of the retry backoff while no usable map is held, milliseconds (default 60000). */
  readonly maxBackoffMs?: number;
}

/** Options after validation, with defaults applied. */
export interface ResolvedRegistryOptions {
  readonly source: ServiceMapSource;
  readonly keys: Promise<KeySet>;
  readonly clock: Clock;
  readonly logger: AgentsLogger;
  readonly metrics: RegistryMetrics;
  readonly proxyFactory: ProxyFactory;
  readonly persistPath: string | undefined;
  readonly minIntervalMs: number;
  readonly maxBackoffMs: number;
}

/** A stdio connector reached through the gateway carries the gateway key; any other connector is unchanged. */
function viaGateway(connector: ServiceMapConnector, gatewayApiKey: string | undefined): ServiceMapConnector {
  if (connector.transport !== 'stdio' || gatewayApiKey === undefined) return connector;
  return { ...connector, headers: { ...connector.headers, authorization: `Bearer ${gatewayApiKey}` } };
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) {
    throw new AgentsConfigError(`${name} must be a positive integer of milliseconds (got ${String(value)})`);
  }
  return value;
}

function isKeySet(keys: ConnectorsRegistryOptions['keys']): keys is KeySet {
  return !Array.isArray(keys);
}

function resolveKeys(keys: ConnectorsRegistryOptions['keys']): Promise<KeySet> {
  if (isKeySet(keys)) return Promise.resolve(keys);
  if (keys.length === 0) throw new AgentsConfigError('keys must hold at least one verification key (got 0)');
  const set = createKeySet([...keys]);
  set.catch(() => undefined);
  return set;
}

function resolveSource(o: ConnectorsRegistryOptions, timeoutMs: number): ServiceMapSource {
  if ((o.url === undefined) === (o.source === undefined)) {
    throw new AgentsConfigError(
      `give exactly one of url or source (got ${o.url === undefined ? 'neither' : 'both'})`,
    );
  }
  if (o.source) return o.source;
  const url = o.url ?? '';
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new AgentsConfigError('url must be an http(s) URL');
  }
  return httpServiceMapSource({ url, apiKey: o.apiKey, fetch: o.fetch, timeoutMs });
}

/** Validates registry options once and applies defaults; throws {@link AgentsConfigError} (`CONFIG_INVALID`). */
export function resolveRegistryOptions(o: ConnectorsRegistryOptions): ResolvedRegistryOptions {
  const timeoutMs = positiveInt('timeoutMs', o.timeoutMs, 5_000);
  const logger = o.logger ?? createSilentLogger('agents.registry');
  const metrics = o.metrics ?? createConnectorsMetrics();
  const proxyUp = metrics.proxyUp;
  return {
    source: resolveSource(o, timeoutMs),
    keys: resolveKeys(o.keys),
    clock: o.clock ?? systemClock,
    logger,
    metrics,
    proxyFactory:
      o.proxyFactory ??
      ((connector) =>
        createRemoteToolProxy(viaGateway(connector, o.gatewayApiKey), {
          logger,
          ...(proxyUp ? { metrics: { proxyUp } } : {}),
          ...(o.resolveSecret ? { resolveSecret: o.resolveSecret } : {}),
        })),
    persistPath: o.persistPath,
    minIntervalMs: positiveInt('minRefreshIntervalMs', o.minRefreshIntervalMs, 1_000),
    maxBackoffMs: positiveInt('maxBackoffMs', o.maxBackoffMs, 60_000),
  };
}
