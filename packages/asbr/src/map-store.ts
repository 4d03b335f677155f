import type { FastifyBaseLogger } from 'fastify';
import type { Manifest, Signer } from '@cortex-os/connectors-manifest';
import { withSpan, SPAN_MAP_SIGN } from '@cortex-os/telemetry';
import { signManifest, type SignedMap } from './signed-map.js';
import { deterministicUlid, epochSigningTime } from './signing-epoch.js';

/** Options of {@link ServiceMapStore}. */
export interface ServiceMapStoreOptions {
  /** Signs every map (HS256 or EdDSA, from `createSigner`). */
  readonly signer: Signer;
  /** Current time, ms since the epoch. */
  readonly clock: () => number;
  /** Map id source (ULID by default in `buildApp`). */
  readonly idSource: () => string;
  /** Where signing events and re-sign failures are logged. */
  readonly logger: FastifyBaseLogger;
  /** Gateway base URL stdio connectors are published under (`CONNECTORS_GATEWAY_URL`); none by default. */
  readonly gatewayUrl?: string | undefined;
  /**
   * Replicas that sign identical bytes (`ASBR_DETERMINISTIC_SIGNING`): the signing time is the epoch start (half
   * the TTL) or the manifest's change time, the version that time, the id derived from it and the content.
   * `manifestChangedAt` gives the change time (the manifest file's mtime).
   */
  readonly deterministic?: { readonly manifestChangedAt: () => number | undefined } | undefined;
}

/**
 * Holds the last good manifest and its signed, pre-serialized map. Re-signs only when the manifest
 * changes or half the TTL has passed; `version` = max(previous + 1, now ms), so it strictly increases.
 * Signing is serialized, and concurrent callers share one in-flight re-sign.
 */
export class ServiceMapStore {
  private manifest: Manifest | undefined;
  private manifestKey = '';
  private signed: SignedMap | undefined;
  private lastVersion = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private resigning: Promise<SignedMap | undefined> | undefined;

  constructor(private readonly options: ServiceMapStoreOptions) {}

  /** The current map when it does not need re-signing at `nowMs`, else `undefined` (hot path, sync). */
  fresh(nowMs: number): SignedMap | undefined {
    const signed = this.signed;
    return signed !== undefined && nowMs < signed.resignAtMs ? signed : undefined;
  }

  /** The last signed map, whatever its age (for `/readyz`). */
  peek(): SignedMap | undefined {
    return this.signed;
  }

  /** The map to serve now: re-signed first when half its TTL has passed; `undefined` when none is valid. */
  async current(): Promise<SignedMap | undefined> {
    const now = this.options.clock();
    const fresh = this.fresh(now);
    if (fresh !== undefined || this.manifest === undefined) return fresh;
    this.resigning ??= this.resign().finally(() => {
      this.resigning = undefined;
    });
    return this.resigning;
  }

  /**
   * Installs `manifest` and signs it. A manifest equal to the current one keeps the current map
   * (no new version). Rejects when signing fails (e.g. `MANIFEST_INVALID`: a stdio connector and no gateway URL);
   * the previous manifest and map are then kept.
   * @returns the map now served and whether it changed
   */
  async setManifest(manifest: Manifest): Promise<{ signed: SignedMap; changed: boolean }> {
    const key = JSON.stringify(manifest);
    return this.serialize(async () => {
      if (this.signed !== undefined && key === this.manifestKey)
        return { signed: this.signed, changed: false };
      const signed = await this.sign(manifest, 'manifest-changed');
      this.manifest = manifest;
      this.manifestKey = key;
      return { signed, changed: true };
    });
  }

  private async resign(): Promise<SignedMap | undefined> {
    try {
      return await this.serialize(async () => {
        const fresh = this.fresh(this.options.clock());
        if (fresh !== undefined || this.manifest === undefined) return fresh;
        return this.sign(this.manifest, 'half-ttl');
      });
    } catch (error) {
      this.options.logger.error(
        { err: error },
        'brAInwav: re-signing the service map failed; keeping the current map',
      );
      const signed = this.signed;
      return signed !== undefined && this.options.clock() < signed.expiresAtMs ? signed : undefined;
    }
  }

  /** Signing time, version and id of a map of `manifest` signed now. */
  private signingInputs(manifest: Manifest): { nowMs: number; version: number; id: string } {
    const now = this.options.clock();
    const deterministic = this.options.deterministic;
    if (!deterministic) {
      const version = Math.max(this.lastVersion + 1, Math.floor(now));
      return { nowMs: now, version, id: this.options.idSource() };
    }
    const nowMs = epochSigningTime(now, manifest.ttlSeconds, deterministic.manifestChangedAt());
    // a manifest changed with an mtime in the past (e.g. `cp -p`): still a newer version, on this replica
    const version = Math.max(this.lastVersion + 1, nowMs);
    const content = `${JSON.stringify(manifest)}\n${this.options.gatewayUrl ?? ''}`;
    return { nowMs, version, id: deterministicUlid(version, content) };
  }

  private async sign(manifest: Manifest, reason: string): Promise<SignedMap> {
    const { nowMs, version, id } = this.signingInputs(manifest);
    const attributes = {
      'map.version': version,
      'map.reason': reason,
      'manifest.version': manifest.manifestVersion,
    };
    const signed = await withSpan(SPAN_MAP_SIGN, attributes, () =>
      signManifest(manifest, this.options.signer, {
        nowMs,
        id,
        version,
        gatewayUrl: this.options.gatewayUrl,
      }),
    );
    this.lastVersion = version;
    this.signed = signed;
    this.options.logger.info(
      { mapVersion: version, manifestVersion: manifest.manifestVersion, reason, bytes: signed.bytes.length },
      'brAInwav: service map signed',
    );
    return signed;
  }

  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
