import { performance } from 'node:perf_hooks';
import type { ServiceMap, ServiceMapConnector } from '@cortex-os/connectors-manifest';
import type { RemoteToolProxy } from '@cortex-os/mcp-bridge';
import { TypedEmitter, type Listener } from './emitter.js';
import {
  ConnectorsMapExpiredError,
  ConnectorUnavailableError,
  MapFetchError,
  RegistryNotReadyError,
  type AgentsError,
} from './errors.js';
import { MapFetcher, type FetchOutcome, type HeldMap } from './fetcher.js';
import { readPersistedMap, writeMapAtomic } from './persist.js';
import { Hydrator } from './hydrator.js';
import {
  resolveRegistryOptions,
  type ConnectorsRegistryOptions,
  type ResolvedRegistryOptions,
} from './registry-options.js';
import { nextAttemptAt } from './schedule.js';
import type { RegistryEvents, RegistryRawMap, RegistryStatus, TimerHandle } from './types.js';

/** What one refresh did. `refused` and `failed` keep a still-valid held map. */
export interface RefreshResult {
  readonly outcome: 'updated' | 'unchanged' | 'not-modified' | 'refused' | 'failed';
  /** Version of the map in force after the refresh, `null` when none is usable. */
  readonly version: number | null;
  /** Verifier code when `refused` (e.g. `ROLLBACK`, `KEY_UNKNOWN`). */
  readonly code?: string;
}

type Attempt = RefreshResult & { readonly error?: AgentsError };

/**
 * The verified, cached, self-refreshing view of the signed service map and one lazy proxy per
 * enabled connector. Create with `createConnectorsRegistry`.
 */
export class ConnectorsRegistry {
  readonly #o: ResolvedRegistryOptions;
  readonly #events: TypedEmitter<RegistryEvents>;
  readonly #hydrator: Hydrator;
  readonly #abort = new AbortController();
  readonly #fetcher: MapFetcher;
  #held: HeldMap | undefined;
  #expired = false;
  #lastVersion: number | undefined;
  #holdUntilExpiry = false;
  #failures = 0;
  #nextAt = 0;
  #inflight: Promise<Attempt> | undefined;
  #init: Promise<void> | undefined;
  #networkTried = false;
  #timer: TimerHandle | undefined;
  #expiryTimer: TimerHandle | undefined;
  #closed = false;

  /** Prefer `createConnectorsRegistry`. @throws AgentsConfigError `CONFIG_INVALID` on bad options. */
  constructor(options: ConnectorsRegistryOptions) {
    this.#o = resolveRegistryOptions(options);
    this.#events = new TypedEmitter(this.#o.logger);
    this.#fetcher = new MapFetcher(this.#o, this.#abort.signal);
    this.#hydrator = new Hydrator(this.#o.proxyFactory, this.#o.logger, this.#events, () => this.#iso());
  }

  /**
   * Resolves with the verified map once one is held: loads the persisted map (if any), then asks the
   * source once; a fresh held map is returned without a new request.
   * @throws MapVerificationError `MAP_VERIFICATION_FAILED`, MapFetchError `MANIFEST_UNAVAILABLE`,
   *   RegistryNotReadyError `NOT_READY` (closed) — only when no usable map is held.
   */
  async ready(): Promise<ServiceMap> {
    this.#assertOpen();
    this.#init ??= this.#initialize();
    await this.#init;
    if (!this.#networkTried || !this.#usable()) {
      const r = await this.#refresh();
      if (!this.#usable()) throw r.error ?? new MapFetchError('no usable service map');
    }
    return this.current();
  }

  /**
   * The map in force. Triggers a background refresh once the refresh window is open.
   * @throws RegistryNotReadyError `NOT_READY`, ConnectorsMapExpiredError `CONNECTORS_MAP_EXPIRED`.
   */
  current(): ServiceMap {
    this.#assertOpen();
    if (!this.#held) throw new RegistryNotReadyError('no verified service map yet: await registry.ready()');
    if (this.#o.clock.now() >= this.#held.expiresAt) this.#expire();
    if (this.#expired) throw new ConnectorsMapExpiredError(this.#held.map.expiresAt);
    this.#revalidateIfDue();
    return this.#held.map;
  }

  /** Every connector of the map in force (enabled and disabled). Throws like {@link current}. */
  connectors(): readonly ServiceMapConnector[] {
    return this.current().connectors;
  }

  /**
   * The proxy of an enabled connector: instantiated on first call (lazy, nothing sent upstream), then
   * the same object across refreshes while the connector's config is unchanged.
   * @throws ConnectorUnavailableError `CONNECTOR_NOT_FOUND` / `UPSTREAM_UNAVAILABLE` (disabled), and
   *   everything {@link current} throws.
   */
  proxy(connectorId: string): RemoteToolProxy {
    const connector = this.current().connectors.find((c) => c.id === connectorId);
    if (!connector) throw new ConnectorUnavailableError(connectorId, 'not-found');
    if (connector.status !== 'enabled') throw new ConnectorUnavailableError(connectorId, 'disabled');
    const proxy = this.#hydrator.get(connectorId);
    if (proxy) return proxy;
    const why = `its proxy could not be created (${this.#hydrator.failure(connectorId) ?? 'PROXY_CREATE_FAILED'})`;
    throw new ConnectorUnavailableError(connectorId, 'unreachable', why);
  }

  /**
   * Asks the source now (concurrent callers share one request). Refusals keep a still-valid map.
   * @throws the refusal / fetch error when no usable map is held afterwards.
   */
  async refresh(): Promise<RefreshResult> {
    this.#assertOpen();
    this.#init ??= this.#initialize();
    await this.#init;
    const r = await this.#refresh();
    this.#assertOpen();
    if (r.error && !this.#usable()) throw r.error;
    return { outcome: r.outcome, version: r.version, ...(r.code ? { code: r.code } : {}) };
  }

  /** A snapshot of the registry's state (never throws). */
  status(): RegistryStatus {
    const h = this.#held;
    const now = this.#o.clock.now();
    const state = this.#closed
      ? 'closed'
      : !h
        ? 'empty'
        : this.#expired || now >= h.expiresAt
          ? 'expired'
          : now >= h.expiresAt - h.ttlMs / 2
            ? 'stale'
            : 'fresh';
    return {
      state,
      version: h?.map.version ?? null,
      expiresAt: h?.map.expiresAt ?? null,
      kid: h?.kid ?? null,
      lastRefusal: this.#fetcher.lastRefusal,
      lastFetchError: this.#fetcher.lastFetchError,
    };
  }

  /**
   * The exact signed bytes and ETag of the verified map in force (what `current()` returns was parsed from
   * them), or `undefined` while no usable map is held (before `ready()`, expired, closed). Never throws.
   */
  raw(): RegistryRawMap | undefined {
    if (this.#closed || !this.#usable() || !this.#held) return undefined;
    return { bodyText: this.#held.raw, etag: this.#held.etag };
  }

  /** Subscribes to `change`, `availability` or `refused`; returns the unsubscribe function. */
  on<K extends keyof RegistryEvents>(event: K, listener: Listener<RegistryEvents, K>): () => void {
    return this.#events.on(event, listener);
  }

  /** Stops timers, aborts an in-flight request and closes every proxy. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#timer?.cancel();
    this.#expiryTimer?.cancel();
    this.#abort.abort(new Error('registry closed'));
    await this.#hydrator.close();
    this.#events.clear();
  }

  async #initialize(): Promise<void> {
    await this.#fetcher.init();
    if (!this.#o.persistPath) return;
    const raw = await readPersistedMap(this.#o.persistPath).catch((err: unknown) => {
      this.#o.logger.warn({ err }, 'brAInwav: persisted service map unreadable');
      return undefined;
    });
    if (raw !== undefined)
      await this.#apply(await this.#fetcher.verify(raw, undefined, this.#lastVersion, 'persisted'), false);
  }

  #refresh(): Promise<Attempt> {
    this.#inflight ??= this.#attempt().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #attempt(): Promise<Attempt> {
    const started = performance.now();
    this.#networkTried = true;
    const etag = this.#usable() ? this.#held?.etag : undefined;
    const result = await this.#apply(await this.#fetcher.fetch(etag, this.#lastVersion), true);
    this.#o.metrics.refreshLatencyMs.observe(performance.now() - started);
    this.#failures = result.outcome === 'failed' || result.outcome === 'refused' ? this.#failures + 1 : 0;
    this.#schedule();
    return result;
  }

  async #apply(outcome: FetchOutcome, persist: boolean): Promise<Attempt> {
    if (this.#closed)
      return {
        outcome: 'failed',
        version: null,
        error: new RegistryNotReadyError('the connectors registry is closed'),
      };
    switch (outcome.kind) {
      case 'not-modified':
        return { outcome: 'not-modified', version: this.#version() };
      case 'failed':
        return { outcome: 'failed', version: this.#version(), error: outcome.error };
      case 'refused':
        if (outcome.code === 'KEY_UNKNOWN' && this.#usable()) this.#holdUntilExpiry = true;
        if (persist) this.#emitRefused(outcome.code, outcome.error.message);
        return { outcome: 'refused', version: this.#version(), code: outcome.code, error: outcome.error };
      case 'verified':
        return this.#accept(outcome.held, persist);
    }
  }

  async #accept(next: HeldMap, persist: boolean): Promise<Attempt> {
    const h = this.#held;
    if (h && this.#usable() && next.raw === h.raw) {
      this.#held = { ...h, etag: next.etag };
      return { outcome: 'unchanged', version: h.map.version };
    }
    await this.#install(next);
    if (persist && this.#o.persistPath) await this.#persist(next.raw);
    return { outcome: 'updated', version: next.map.version };
  }

  async #install(next: HeldMap): Promise<void> {
    const previousVersion = this.#held?.map.version ?? null;
    this.#held = next;
    this.#expired = false;
    this.#holdUntilExpiry = false;
    this.#lastVersion = Math.max(this.#lastVersion ?? next.map.version, next.map.version);
    await this.#hydrator.hydrate(next.map, previousVersion);
    this.#armExpiry(next);
  }

  #armExpiry(h: HeldMap): void {
    this.#expiryTimer?.cancel();
    this.#expiryTimer = this.#o.clock.setTimer(() => {
      if (this.#held === h && !this.#closed) this.#expire();
    }, h.expiresAt - this.#o.clock.now());
  }

  #emitRefused(code: string, message: string): void {
    this.#events.emit('refused', { code, message, at: this.#fetcher.lastRefusal?.at ?? this.#iso() });
  }

  #expire(): void {
    if (this.#expired || !this.#held) return;
    this.#expired = true;
    this.#o.logger.warn(
      { version: this.#held.map.version, expiresAt: this.#held.map.expiresAt },
      'brAInwav: service map expired; connectors unavailable',
    );
    this.#hydrator.dropAll('CONNECTORS_MAP_EXPIRED', this.#held.map.version);
    if (!this.#inflight) void this.#refresh();
  }

  #schedule(): void {
    this.#timer?.cancel();
    if (this.#closed) return;
    const h = this.#usable() ? this.#held : undefined;
    const now = this.#o.clock.now();
    this.#nextAt = nextAttemptAt({
      now,
      expiresAt: h?.expiresAt,
      ttlMs: h?.ttlMs,
      holdUntilExpiry: this.#holdUntilExpiry,
      failures: this.#failures,
      minIntervalMs: this.#o.minIntervalMs,
      maxBackoffMs: this.#o.maxBackoffMs,
    });
    this.#timer = this.#o.clock.setTimer(() => void this.#refresh(), this.#nextAt - now);
  }

  #revalidateIfDue(): void {
    if (!this.#inflight && this.#networkTried && this.#o.clock.now() >= this.#nextAt) void this.#refresh();
  }

  async #persist(raw: string): Promise<void> {
    const path = this.#o.persistPath as string;
    await writeMapAtomic(path, raw).catch((err: unknown) =>
      this.#o.logger.warn({ err }, 'brAInwav: could not persist service map'),
    );
  }

  #usable(): boolean {
    return this.#held !== undefined && !this.#expired && this.#o.clock.now() < this.#held.expiresAt;
  }

  #version(): number | null {
    return this.#usable() ? (this.#held?.map.version ?? null) : null;
  }

  #assertOpen(): void {
    if (this.#closed) throw new RegistryNotReadyError('the connectors registry is closed');
  }

  #iso(): string {
    return new Date(this.#o.clock.now()).toISOString();
  }
}

/**
 * Creates a {@link ConnectorsRegistry}. Nothing is fetched until `ready()` / `refresh()`.
 * @throws AgentsConfigError `CONFIG_INVALID` when options are invalid (named in the message).
 */
export function createConnectorsRegistry(options: ConnectorsRegistryOptions): ConnectorsRegistry {
  return new ConnectorsRegistry(options);
}
