import type { ServiceMap } from '@cortex-os/connectors-manifest';
import type { RemoteToolProxy } from '@cortex-os/mcp-bridge';
import { SPAN_REGISTRY_HYDRATE, withSpan } from '@cortex-os/telemetry';
import type { TypedEmitter } from './emitter.js';
import { ProxyPool, type CloseReason, type ProxyFactory, type SyncResult } from './pool.js';
import type { AgentsLogger, RegistryEvents } from './types.js';

/** Reconciles the proxy pool with each installed map and emits the registry's events. */
export class Hydrator {
  readonly #pool: ProxyPool;
  readonly #pendingCloses = new Set<Promise<void>>();

  constructor(
    factory: ProxyFactory,
    private readonly logger: AgentsLogger,
    private readonly events: TypedEmitter<RegistryEvents>,
    private readonly iso: () => string,
  ) {
    this.#pool = new ProxyPool(factory, logger, (connectorId, up, reason) =>
      events.emit('availability', { connectorId, up, reason, at: iso() }),
    );
  }

  /** The proxy of a hydrated connector (instantiated on first use). */
  get(connectorId: string): RemoteToolProxy | undefined {
    return this.#pool.get(connectorId);
  }

  /** The factory's error code when the connector's proxy could not be created. */
  failure(connectorId: string): string | undefined {
    return this.#pool.failure(connectorId);
  }

  /** Hydrates `map` inside span `connectors.registry.hydrate`, then emits `change` / `availability`. */
  async hydrate(map: ServiceMap, previousVersion: number | null): Promise<void> {
    const attrs = { 'connectors.count': map.connectors.length, 'map.version': map.version };
    const sync = await withSpan(SPAN_REGISTRY_HYDRATE, attrs, () =>
      Promise.resolve(this.#pool.sync(map.connectors)),
    );
    this.#report(sync, map, previousVersion);
  }

  /** Closes every proxy because `reason` (map expiry) and emits the events; `change.map` is `null`. */
  dropAll(reason: CloseReason, previousVersion: number | null): void {
    this.#report(this.#pool.closeAll(reason), null, previousVersion);
  }

  /** Closes every proxy silently and waits for all closes (registry close). */
  async close(): Promise<void> {
    this.#track(this.#pool.closeAll('registry-closed').closing);
    await Promise.all([...this.#pendingCloses]);
  }

  #report(sync: SyncResult, map: ServiceMap | null, previousVersion: number | null): void {
    this.#track(sync.closing);
    const counts = {
      version: map?.version ?? null,
      hydrated: sync.hydrated.length,
      closed: sync.closed.length,
    };
    this.logger.info(counts, 'brAInwav: connectors hydrated');
    const closed = sync.closed.map((c) => c.id);
    this.events.emit('change', { map, previousVersion, hydrated: sync.hydrated, closed });
    for (const c of sync.closed) {
      if (c.reason === 'config-changed') continue;
      this.events.emit('availability', { connectorId: c.id, up: false, reason: c.reason, at: this.iso() });
    }
  }

  #track(p: Promise<void>): void {
    this.#pendingCloses.add(p);
    void p.finally(() => this.#pendingCloses.delete(p));
  }
}
