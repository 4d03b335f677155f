import { verifyServiceMap, type KeySet, type ServiceMap } from '@cortex-os/connectors-manifest';
import { MapFetchError, MapVerificationError } from './errors.js';
import type { ResolvedRegistryOptions } from './registry-options.js';
import type { RegistryStatus } from './types.js';

/** A verified map as held by the registry (times in epoch ms). */
export interface HeldMap {
  readonly map: ServiceMap;
  /** The exact signed bytes (persisted as is). */
  readonly raw: string;
  readonly etag: string | undefined;
  readonly kid: string;
  readonly expiresAt: number;
  readonly ttlMs: number;
}

/** What one fetch (or one persisted read) produced. */
export type FetchOutcome =
  | { readonly kind: 'not-modified' }
  | { readonly kind: 'verified'; readonly held: HeldMap }
  | { readonly kind: 'refused'; readonly code: string; readonly error: MapVerificationError }
  | { readonly kind: 'failed'; readonly error: MapFetchError };

/** Fetches and verifies maps; records refusals (metric + log) and fetch failures. No map state. */
export class MapFetcher {
  #keys: KeySet | undefined;
  lastRefusal: RegistryStatus['lastRefusal'] = null;
  lastFetchError: string | null = null;

  constructor(
    private readonly o: ResolvedRegistryOptions,
    private readonly signal: AbortSignal,
  ) {}

  /** Resolves the key set (rejects with the key set's error, e.g. `KEY_INVALID`). */
  async init(): Promise<void> {
    this.#keys = await this.o.keys;
  }

  /** Asks the source (with `etag` as If-None-Match) and verifies a 200 body. Never throws. */
  async fetch(etag: string | undefined, lastVersion: number | undefined): Promise<FetchOutcome> {
    let res;
    try {
      res = await this.o.source.fetch({ ...(etag ? { etag } : {}), signal: this.signal });
      if (res.status === 304 && !etag) throw new MapFetchError('source answered 304 but no map is held');
    } catch (err) {
      const error =
        err instanceof MapFetchError ? err : new MapFetchError('service map source failed', { cause: err });
      this.lastFetchError = error.message;
      if (!this.signal.aborted)
        this.o.logger.warn({ code: error.code, err: error.message }, 'brAInwav: service map fetch failed');
      return { kind: 'failed', error };
    }
    this.lastFetchError = null;
    if (res.status === 304) return { kind: 'not-modified' };
    return this.verify(res.bodyText, res.etag, lastVersion, 'source');
  }

  /** Verifies `raw` at the clock's now against the key set and `lastVersion`. Never throws. */
  async verify(
    raw: string,
    etag: string | undefined,
    lastVersion: number | undefined,
    origin: string,
  ): Promise<FetchOutcome> {
    const keys = this.#keys as KeySet;
    const v = await verifyServiceMap(raw, { keys, now: new Date(this.o.clock.now()), lastVersion });
    if (v.ok) {
      const expiresAt = Date.parse(v.map.expiresAt);
      return {
        kind: 'verified',
        held: { map: v.map, raw, etag, kid: v.kid, expiresAt, ttlMs: v.map.ttlSeconds * 1000 },
      };
    }
    this.o.metrics.verifyFailuresTotal.inc({ code: v.code });
    this.lastRefusal = { code: v.code, at: new Date(this.o.clock.now()).toISOString() };
    this.o.logger.warn({ code: v.code, origin }, `brAInwav: service map refused (${v.code})`);
    return { kind: 'refused', code: v.code, error: new MapVerificationError(v.code, v.message) };
  }
}
