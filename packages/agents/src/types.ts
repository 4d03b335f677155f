import type { ServiceMap, ServiceMapConnector } from '@cortex-os/connectors-manifest';
import type { ConnectorsMetrics, Logger } from '@cortex-os/telemetry';

/** A cancellable timer handle returned by {@link Clock.setTimer}. */
export interface TimerHandle {
  cancel(): void;
}

/**
 * Time source of the registry: wall-clock milliseconds since the epoch and one-shot timers.
 * Inject a manual clock in tests to drive TTL / refresh windows without sleeping.
 */
export interface Clock {
  /** Current time, milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `fn` once after `delayMs` milliseconds. */
  setTimer(fn: () => void, delayMs: number): TimerHandle;
}

/** A pino logger (e.g. `createLogger` of `@cortex-os/telemetry`). */
export type AgentsLogger = Logger;

/**
 * The metrics the registry records (a subset of telemetry's `ConnectorsMetrics`); when `proxyUp` is
 * present the default proxy factory hands it to every proxy (`brainwav_mcp_connector_proxy_up`).
 */
export type RegistryMetrics = Pick<ConnectorsMetrics, 'refreshLatencyMs' | 'verifyFailuresTotal'> &
  Partial<Pick<ConnectorsMetrics, 'proxyUp'>>;

/** Request passed to {@link ServiceMapSource.fetch}. */
export interface ServiceMapFetchRequest {
  /** ETag of the map currently held; sent as `If-None-Match`. */
  readonly etag?: string;
  /** Aborts the request (registry closed or timed out). */
  readonly signal: AbortSignal;
}

/** What a source answers: the raw signed bytes (200) or "not modified" (304). */
export type ServiceMapFetchResponse =
  { readonly status: 200; readonly bodyText: string; readonly etag?: string } | { readonly status: 304 };

/**
 * Where signed service maps come from. `httpServiceMapSource` reads asbr's
 * `GET /v1/connectors/service-map`; tests and the connectors server may provide their own.
 */
export interface ServiceMapSource {
  /** Fetches the map; rejects on transport failure or an unexpected status. */
  fetch(request: ServiceMapFetchRequest): Promise<ServiceMapFetchResponse>;
}

/** Payload of the registry's `change` event: a verified map was installed or the held map expired. */
export interface RegistryChangeEvent {
  /** The map now in force, or `null` when the held map expired without a replacement. */
  readonly map: ServiceMap | null;
  /** Version of the previously held map, `null` if none. */
  readonly previousVersion: number | null;
  /** Connector ids that gained a proxy (new, newly enabled, or config changed). */
  readonly hydrated: readonly string[];
  /** Connector ids whose proxy was closed (removed, disabled, config changed, or map expired). */
  readonly closed: readonly string[];
}

/** Payload of the registry's `availability` event, one per connector transition. */
export interface RegistryAvailabilityEvent {
  readonly connectorId: string;
  /** `true` when the connector's upstream is reachable through its proxy. */
  readonly up: boolean;
  /** Machine-readable reason, e.g. the proxy's reason, `CONNECTORS_MAP_EXPIRED`, `disabled`, `removed`. */
  readonly reason: string;
  /** When the transition was observed (ISO-8601 UTC). */
  readonly at: string;
}

/** Payload of the registry's `refused` event: a map fetched from the source failed verification. */
export interface RegistryRefusedEvent {
  /** Verifier code: `MALFORMED`, `TOO_LARGE`, `BAD_TYP`, `KEY_UNKNOWN`, `ALG_NOT_ALLOWED`, `BAD_SIGNATURE`, `SCHEMA`, `EXPIRED`, `ROLLBACK`. */
  readonly code: string;
  /** Branded message of the `MapVerificationError` (`brAInwav: service map refused (<code>): …`), no secrets. */
  readonly message: string;
  /** When the map was refused (ISO-8601 UTC), the same instant as `status().lastRefusal.at`. */
  readonly at: string;
}

/** The exact signed bytes of the verified map in force, as the source served them. */
export interface RegistryRawMap {
  /** The signed JSON text, byte for byte. */
  readonly bodyText: string;
  /** The source's ETag for these bytes, if it sent one. */
  readonly etag: string | undefined;
}

/** Events emitted by a {@link ConnectorsRegistry}. */
export interface RegistryEvents {
  change: RegistryChangeEvent;
  availability: RegistryAvailabilityEvent;
  refused: RegistryRefusedEvent;
}

/** Coarse state of the registry's map. */
export type RegistryMapState = 'empty' | 'fresh' | 'stale' | 'expired' | 'closed';

/** Snapshot returned by `registry.status()`. */
export interface RegistryStatus {
  readonly state: RegistryMapState;
  readonly version: number | null;
  /** `expiresAt` of the held map (ISO-8601 UTC), `null` when none. */
  readonly expiresAt: string | null;
  /** Key id that signed the held map. */
  readonly kid: string | null;
  /** Last refused map: verifier code and when (ISO-8601 UTC). */
  readonly lastRefusal: { readonly code: string; readonly at: string } | null;
  /** Last fetch failure message (branded, no secrets). */
  readonly lastFetchError: string | null;
}

/** The connector type the registry hands to proxy factories. */
export type RegistryConnector = ServiceMapConnector;
