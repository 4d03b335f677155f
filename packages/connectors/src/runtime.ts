import type { ServiceMap } from '@cortex-os/connectors-manifest';
import type { ConnectorsRegistry, RegistryChangeEvent } from '@cortex-os/agents';
import type { ConnectorsGateway } from '@cortex-os/mcp-server';
import type { Logger } from '@cortex-os/telemetry';
import { ConnectorNotFoundError, NotReadyError } from './errors.js';
import type { EventHub } from './events.js';
import type { RawMapTracker, RawServiceMap } from './raw-map.js';
import { availabilityOf, buildSnapshot, type Availability, type ConnectorLive, type ConnectorsSnapshot, type ToolView } from './snapshot.js';

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
  readonly tracker: RawMapTracker;
  readonly gateway: ConnectorsGateway;
  readonly hub: EventHub;
  readonly logger: Logger;
  /** How often the registry's refusal state is checked, ms. */
  readonly refusalPollMs: number;
}

const TOOLS_TIMEOUT_MS = 1_500;

/**
 * Live state of the connectors server: follows the registry (map changes, availability, refusals) and
 * turns it into status events, snapshots and probes.
 */
export class ConnectorsRuntime {
  readonly #d: RuntimeDeps;
  readonly #stops: (() => void)[] = [];
  #lastRefusalAt: string | null = null;
  #closed = false;

  constructor(deps: RuntimeDeps) {
    this.#d = deps;
    this.#stops.push(deps.registry.on('change', (e) => this.#onChange(e)));
    this.#stops.push(
      deps.registry.on('availability', (e) =>
        deps.hub.publish('availability', { connectorId: e.connectorId, availability: e.up ? 'online' : 'offline', reason: e.reason, at: e.at }),
      ),
    );
    const poll = setInterval(() => this.checkRefusal(), deps.refusalPollMs);
    poll.unref();
    this.#stops.push(() => clearInterval(poll));
  }

  /** The registry this runtime follows. */
  get registry(): ConnectorsRegistry {
    return this.#d.registry;
  }

  /** Loads the first map (never rejects: without a map the server stays up, not ready, and retries). */
  async start(): Promise<void> {
    try {
      await this.#d.registry.ready();
    } catch (err) {
      this.#d.logger.error({ err: (err as Error).message }, 'brAInwav: no verified service map yet; /readyz is 503 until one is fetched');
    }
    this.checkRefusal();
  }

  /** Asks asbr for the map now, then reports a refusal (never rejects). */
  async refresh(): Promise<void> {
    await this.#d.registry.refresh().catch(() => undefined);
    this.checkRefusal();
  }

  /** Publishes `map-refused` when the registry refused a new map since the last check. */
  checkRefusal(): void {
    if (this.#closed) return;
    const { lastRefusal, version } = this.#d.registry.status();
    if (!lastRefusal || lastRefusal.at === this.#lastRefusalAt) return;
    this.#lastRefusalAt = lastRefusal.at;
    this.#d.logger.warn({ code: lastRefusal.code, keptVersion: version }, 'brAInwav: refused a service map from asbr; keeping the last good map');
    this.#d.hub.publish('map-refused', { code: lastRefusal.code, at: lastRefusal.at, keptMapVersion: version });
  }

  /** Readiness for `/readyz`. */
  readiness(): Readiness {
    const s = this.#d.registry.status();
    const ready = (s.state === 'fresh' || s.state === 'stale') && this.#d.tracker.current !== undefined;
    return { ready, state: s.state, mapVersion: s.version, expiresAt: s.expiresAt, lastRefusal: s.lastRefusal, lastFetchError: s.lastFetchError };
  }

  /** The verified map in force. @throws NotReadyError `NOT_READY` when none is held or it expired. */
  map(): ServiceMap {
    try {
      return this.#d.registry.current();
    } catch (err) {
      throw new NotReadyError(`no verified service map is loaded (${(err as Error).message.replace(/^brAInwav: /, '')})`);
    }
  }

  /** The exact signed bytes of the map in force, as asbr served them (undefined before the first map). */
  rawMap(): RawServiceMap | undefined {
    return this.#d.tracker.current;
  }

  /** `GET /v1/connectors` body. @throws NotReadyError `NOT_READY`. */
  async snapshot(): Promise<ConnectorsSnapshot> {
    const map = this.map();
    const live = new Map<string, ConnectorLive>();
    await Promise.all(map.connectors.map(async (c) => live.set(c.id, await this.#live(c.id, c.status === 'enabled'))));
    return buildSnapshot(map, live);
  }

  /** Runs a health probe of `connectorId` now. @throws ConnectorNotFoundError, NotReadyError. */
  async probe(connectorId: string): Promise<ProbeBody> {
    const entry = this.map().connectors.find((c) => c.id === connectorId);
    if (!entry) throw new ConnectorNotFoundError(connectorId);
    if (entry.status !== 'enabled') {
      return { brand: 'brAInwav', connectorId, availability: 'unknown', latencyMs: 0, error: { code: 'UPSTREAM_UNAVAILABLE', message: entry.statusMessage } };
    }
    const proxy = this.#d.registry.proxy(connectorId);
    const result = await proxy.probe(AbortSignal.timeout(10_000));
    const availability = result.ok ? availabilityOf(proxy) : 'offline';
    return result.ok
      ? { brand: 'brAInwav', connectorId, availability: availability === 'unknown' ? 'online' : availability, latencyMs: Math.round(result.latencyMs) }
      : { brand: 'brAInwav', connectorId, availability, latencyMs: Math.round(result.latencyMs), error: { code: result.error.code, message: result.error.message } };
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
      const tools = await this.#d.registry.proxy(connectorId).listTools(AbortSignal.timeout(TOOLS_TIMEOUT_MS));
      return tools.map((t) => ({ name: t.name, ...(t.title ? { title: t.title } : {}), ...(t.description ? { description: t.description } : {}), inputSchema: t.inputSchema }));
    } catch {
      return [];
    }
  }

  #onChange(e: RegistryChangeEvent): void {
    if (!e.map) {
      this.#d.tracker.clear();
      this.#d.hub.publish('map-expired', { previousMapVersion: e.previousVersion, at: new Date().toISOString() });
      return;
    }
    if (!this.#d.tracker.adopt(e.map)) this.#d.logger.warn({ version: e.map.version }, 'brAInwav: verified map bytes not captured');
    this.#d.hub.publish('map-updated', { mapVersion: e.map.version, manifestVersion: e.map.manifestVersion, expiresAt: e.map.expiresAt });
    for (const id of e.hydrated) this.#warm(id);
  }

  /** Opens a hydrated connector's session in the background so availability and tools are known early. */
  #warm(connectorId: string): void {
    try {
      const proxy = this.#d.registry.proxy(connectorId);
      void proxy.connect().then(() => proxy.listTools()).catch((err: unknown) => {
        this.#d.logger.warn({ connectorId, err: (err as Error).message }, 'brAInwav: connector not reachable yet');
      });
    } catch {
      // disabled or removed meanwhile: nothing to warm
    }
  }
}
