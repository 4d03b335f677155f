import type { FastifyBaseLogger } from 'fastify';
import { ConnectorsError, branded, type Manifest } from '@cortex-os/connectors-manifest';
import { SPAN_MANIFEST_LOAD, setManifestInfo, withSpan, type ConnectorsMetrics } from '@cortex-os/telemetry';
import type { ServiceMapStore } from './map-store.js';
import type { SignedMap } from './signed-map.js';

/** What started a (re)load. */
export type ReloadTrigger = 'startup' | 'watch' | 'sighup' | 'manual';

/** A failed load: stable code, branded message (never a secret), when (ISO-8601 UTC). */
export interface LoadFailure {
  readonly code: string;
  readonly message: string;
  readonly at: string;
}

/** Outcome of {@link ManifestReloader.reload}. */
export type ReloadResult =
  | { readonly ok: true; readonly changed: boolean; readonly signed: SignedMap }
  | { readonly ok: false; readonly failure: LoadFailure; readonly kept: SignedMap | undefined };

/** Readiness: `ready` (map, last load good), `degraded` (map kept, last reload failed), `unavailable`. */
export type ReadinessState = 'ready' | 'degraded' | 'unavailable';

/** Options of {@link ManifestReloader}. */
export interface ManifestReloaderOptions {
  /** Receives every good manifest. */
  readonly store: ServiceMapStore;
  /** Reads and validates the manifest (rejects with a `ConnectorsError`, e.g. `MANIFEST_NOT_FOUND`). */
  readonly readManifest: () => Promise<Manifest>;
  /** `manifestInfo` and `manifestReloadFailuresTotal` are updated here. */
  readonly metrics: ConnectorsMetrics;
  /** Where load outcomes are logged (reasons are branded, never secrets). */
  readonly logger: FastifyBaseLogger;
  /** Current time, ms since the epoch. */
  readonly clock: () => number;
  /** Manifest location, for span attributes and logs. */
  readonly source: string;
}

function toFailure(error: unknown, nowMs: number): LoadFailure {
  const at = new Date(nowMs).toISOString();
  if (error instanceof ConnectorsError) return { code: error.code, message: error.message, at };
  return { code: 'INTERNAL', message: branded('loading the connectors manifest failed unexpectedly'), at };
}

/**
 * Loads the manifest and installs it in the store. Reloads are serialized; a failed load keeps the
 * last good map, logs the reason, increments `brainwav_manifest_reload_failures_total{reason=<code>}`
 * and marks readiness `degraded`. A good load sets `brainwav_manifest_info{manifest_version}`.
 */
export class ManifestReloader {
  private lastFailure: LoadFailure | undefined;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ManifestReloaderOptions) {}

  /** Loads now (after any reload already running). Never rejects. */
  reload(trigger: ReloadTrigger): Promise<ReloadResult> {
    const run = this.chain.then(() => this.load(trigger));
    this.chain = run;
    return run;
  }

  /** Readiness and the last failure, if the last load failed. */
  readiness(): { state: ReadinessState; failure: LoadFailure | undefined } {
    const failure = this.lastFailure;
    if (this.options.store.peek() === undefined) return { state: 'unavailable', failure };
    return { state: failure === undefined ? 'ready' : 'degraded', failure };
  }

  private async load(trigger: ReloadTrigger): Promise<ReloadResult> {
    const { store, logger, metrics } = this.options;
    try {
      const manifest = await withSpan(SPAN_MANIFEST_LOAD, { 'manifest.trigger': trigger }, () =>
        this.options.readManifest(),
      );
      const { signed, changed } = await store.setManifest(manifest);
      this.lastFailure = undefined;
      setManifestInfo(metrics, manifest.manifestVersion);
      logger.info(
        {
          trigger,
          changed,
          source: this.options.source,
          manifestVersion: manifest.manifestVersion,
          connectors: manifest.connectors.length,
        },
        changed ? 'brAInwav: manifest loaded' : 'brAInwav: manifest unchanged',
      );
      return { ok: true, changed, signed };
    } catch (error) {
      const failure = toFailure(error, this.options.clock());
      this.lastFailure = failure;
      metrics.manifestReloadFailuresTotal.inc({ reason: failure.code });
      const kept = store.peek();
      logger.error(
        { trigger, source: this.options.source, code: failure.code, keptMapVersion: kept?.version ?? null },
        `${failure.message}${kept ? ' (keeping the last good map)' : ''}`,
      );
      return { ok: false, failure, kept };
    }
  }
}
