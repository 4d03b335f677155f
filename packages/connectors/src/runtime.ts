import { branded, type ServiceMap, type ServiceMapConnector } from '@cortex-os/connectors-manifest';
import type {
  ConnectorsRegistry,
  RefreshResult,
  RegistryChangeEvent,
  RegistryRawMap,
  RegistryRefusedEvent,
} from '@cortex-os/agents';
import type { ConnectorsGateway } from '@cortex-os/mcp-server';
import type { Logger } from '@cortex-os/telemetry';
import { ConnectorNotFoundError, NotReadyError } from './errors.js';
import type { EventHub } from './events.js';
import { MapHealthTracker, type MapHealth } from './map-health.js';
import {
  availabilityOf,
  buildSnapshot,
  type Availability,
  type ConnectorLive,
  type ConnectorsSnapshot,
  type ToolView,
} from './snapshot.js';

/** Readiness of the server: ready only while a verified, unexpired map is held. */
export interface Readiness {
  readonly ready: boolean;
  /** Registry map state: `empty` | `fresh` | `stale` | `expired` | `closed`. */
  readonly state: string;
  readonly mapVersion: number | null;
  readonly expiresAt: string | null;
  /** Last refused map (e.g. a tampered one): verifier code and when; the last good map is kept. */
  readonly lastRefusal: { readonly code: string; readonly at: string } | null;
  readonly lastFetchError: string | null;
}

/** Body of `POST /v1/connectors/:id/probe`. */
export interface ProbeBody {
  readonly brand: 'brAInwav';
  readonly connectorId: string;
  readonly availability: Availability;
  readonly latencyMs: number;
  readonly error?: { readonly code: string; readonly message: string };
}

/** What the runtime needs. */
export interface RuntimeDeps {
  readonly registry: ConnectorsRegistry;
  readonly gateway: ConnectorsGateway;
  readonly hub: EventHub;
  readonly logger: Logger;
  /** How often asbr is asked for the map (`registry.refresh()`), ms; fetch failures show as `mapHealth.state: "stale"`. */
  readonly refreshIntervalMs: number;
  /** Whether a hydrated connector is connected at once (default all; a lazy stdio connector starts on first use). */
  readonly warm?: (connectorId: string) => boolean;
}

const TOOLS_TIMEOUT_MS = 1_500;

/**
 * Live state of the connectors server: follows the registry (map changes, availability, refusals),
 * refreshes the map every `refreshIntervalMs`, and turns it into status events, snapshots and probes.
 */
export class ConnectorsRuntime {
  readonly #d: RuntimeDeps;
  readonly #stops: (() => void)[] = [];
  readonly #health: MapHealthTracker;
  #closed = false;

  constructor(deps: RuntimeDeps) {
    this.#d = deps;
    this.#health = new MapHealthTracker(
      () => deps.registry.raw() !== undefined,
      (h) => deps.hub.publish('map-health', h),
    );
    this.#stops.push(deps.registry.on('change', (e) => this.#onChange(e)));
    this.#stops.push(deps.registry.on('refused', (e) => this.#onRefused(e)));
    this.#stops.push(
      deps.registry.on('availability', (e) =>
        deps.hub.publish('availability', {
          connectorId: e.connectorId,
          availability: e.up ? 'online' : 'offline',
          reason: e.reason,
          at: e.at,
        }),
      ),
    );
  }

  /** The registry this runtime follows. */
  get registry(): ConnectorsRegistry {
    return this.#d.registry;
  }

  /** Loads the first map, then refreshes every `refreshIntervalMs` (never rejects: without a map the server stays up, not ready). */
  async start(): Promise<void> {
    await this.refresh();
    if (this.#d.registry.raw() === undefined)
      this.#d.logger.error('brAInwav: no verified service map yet; /readyz is 503 until one is fetched');
    if (this.#closed) return;
    const timer = setInterval(() => void this.refresh(), this.#d.refreshIntervalMs);
    timer.unref();
    this.#stops.push(() => clearInterval(timer));
  }

  /** Asks asbr for the map now and records the outcome in `mapHealth` (never rejects). */
  async refresh(): Promise<void> {
    if (this.#closed) return;
    try {
      this.#record(await this.#d.registry.refresh());
    } catch (err) {
      this.#recordError(err as Error & { code?: string });
    }
  }

  /** Health of the service map (`mapHealth` of `GET /v1/connectors`). */
  mapHealth(): MapHealth {
    return this.#health.current();
  }

  /** Readiness for `/readyz`. */
  readiness(): Readiness {
    const s = this.#d.registry.status();
    const ready = (s.state === 'fresh' || s.state === 'stale') && this.#d.registry.raw() !== undefined;
    return {
      ready,
      state: s.state,
      mapVersion: s.version,
      expiresAt: s.expiresAt,
      lastRefusal: s.lastRefusal,
      lastFetchError: s.lastFetchError,
    };
  }

  /** The verified map in force. @throws NotReadyError `NOT_READY` when none is held or it expired. */
  map(): ServiceMap {
    try {
      return this.#d.registry.current();
    } catch (err) {
      throw new NotReadyError(
        `no verified service map is loaded (${(err as Error).message.replace(/^brAInwav: /, '')})`,
      );
    }
  }

  /** The exact signed bytes and ETag of the map in force, as asbr served them (undefined while none is usable). */
  rawMap(): RegistryRawMap | undefined {
    return this.#d.registry.raw();
  }

  /** `GET /v1/connectors` body. @throws NotReadyError `NOT_READY`. */
  async snapshot(): Promise<ConnectorsSnapshot> {
    const map = this.map();
    const live = new Map<string, ConnectorLive>();
    await Promise.all(
      map.connectors.map(async (c) => live.set(c.id, await this.#live(c.id, c.status === 'enabled'))),
    );
    return buildSnapshot(map, live, this.mapHealth());
  }

  /** A connector of the verified map (enabled or disabled). @throws ConnectorNotFoundError `CONNECTOR_NOT_FOUND`, NotReadyError `NOT_READY`. */
  connector(connectorId: string): ServiceMapConnector {
    const entry = this.map().connectors.find((c) => c.id === connectorId);
    if (!entry) throw new ConnectorNotFoundError(connectorId);
    return entry;
  }

  /** Runs a health probe of `connectorId` now. @throws ConnectorNotFoundError, NotReadyError. */
  async probe(connectorId: string): Promise<ProbeBody> {
    const entry = this.connector(connectorId);
    if (entry.status !== 'enabled') {
      return {
        brand: 'brAInwav',
        connectorId,
        availability: 'unknown',
        latencyMs: 0,
        error: { code: 'UPSTREAM_UNAVAILABLE', message: entry.statusMessage },
      };
    }
    const proxy = this.#d.registry.proxy(connectorId);
    const result = await proxy.probe(AbortSignal.timeout(10_000));
    const availability = result.ok ? availabilityOf(proxy) : 'offline';
    return result.ok
      ? {
          brand: 'brAInwav',
          connectorId,
          availability: availability === 'unknown' ? 'online' : availability,
          latencyMs: Math.round(result.latencyMs),
        }
      : {
          brand: 'brAInwav',
          connectorId,
          availability,
          latencyMs: Math.round(result.latencyMs),
          error: { code: result.error.code, message: result.error.message },
        };
  }

  /** Current quota use of a connector (zeros when the store fails). */
  async quotaUse(connectorId: string): Promise<{ minute: number; hour: number }> {
    return this.#d.gateway.getQuotaUse(connectorId).catch(() => ({ minute: 0, hour: 0 }));
  }

  /** Stops following the registry. The owner closes the registry and the gateway. */
  close(): void {
    this.#closed = true;
    for (const stop of this.#stops.splice(0)) stop();
  }

  async #live(connectorId: string, enabled: boolean): Promise<ConnectorLive> {
    const quotaUse = await this.quotaUse(connectorId);
    if (!enabled) return { proxy: undefined, quotaUse, tools: [] };
    const proxy = this.#d.registry.proxy(connectorId);
    const tools: ToolView[] = proxy.state === 'up' ? await this.#tools(connectorId) : [];
    return { proxy, quotaUse, tools };
  }

  async #tools(connectorId: string): Promise<ToolView[]> {
    try {
      const tools = await this.#d.registry
        .proxy(connectorId)
        .listTools(AbortSignal.timeout(TOOLS_TIMEOUT_MS));
      return tools.map((t) => ({
        name: t.name,
        ...(t.title ? { title: t.title } : {}),
        ...(t.description ? { description: t.description } : {}),
        inputSchema: t.inputSchema,
      }));
    } catch {
      return [];
    }
  }

  #record(result: RefreshResult): void {
    if (this.#closed || result.outcome === 'refused') return; // refusals arrive as the registry's `refused` event
    if (result.outcome !== 'failed') return this.#health.succeeded();
    const message =
      this.#d.registry.status().lastFetchError ?? branded('the service map could not be fetched from asbr');
    this.#health.fetchFailed({ code: 'MANIFEST_UNAVAILABLE', message, at: new Date().toISOString() });
  }

  #recordError(err: Error & { code?: string }): void {
    if (this.#closed) return;
    if (err.code === 'MANIFEST_UNAVAILABLE')
      this.#health.fetchFailed({ code: err.code, message: err.message, at: new Date().toISOString() });
    else this.#health.check();
  }

  #onRefused(e: RegistryRefusedEvent): void {
    const kept = this.#d.registry.raw() === undefined ? null : this.#d.registry.status().version;
    this.#d.logger.warn(
      { code: e.code, keptVersion: kept },
      'brAInwav: refused a service map from asbr; keeping the last good map',
    );
    this.#d.hub.publish('map-refused', { code: e.code, at: e.at, keptMapVersion: kept });
    this.#health.refused({ code: e.code, message: e.message, at: e.at });
  }

  #onChange(e: RegistryChangeEvent): void {
    if (!e.map) {
      this.#d.hub.publish('map-expired', {
        previousMapVersion: e.previousVersion,
        at: new Date().toISOString(),
      });
      this.#health.check();
      return;
    }
    this.#health.succeeded();
    this.#d.hub.publish('map-updated', {
      mapVersion: e.map.version,
      manifestVersion: e.map.manifestVersion,
      expiresAt: e.map.expiresAt,
    });
    for (const id of e.hydrated) if (this.#d.warm?.(id) ?? true) this.#warm(id);
  }

  /** Opens a hydrated connector's session in the background so availability and tools are known early. */
  #warm(connectorId: string): void {
    try {
      const proxy = this.#d.registry.proxy(connectorId);
      void proxy
        .connect()
        .then(() => proxy.listTools())
        .catch((err: unknown) => {
          this.#d.logger.warn(
            { connectorId, err: (err as Error).message },
            'brAInwav: connector not reachable yet',
          );
        });
    } catch {
      // disabled or removed meanwhile: nothing to warm
    }
  }
}
