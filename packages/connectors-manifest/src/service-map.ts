import { BRAND } from './brand.js';
import type { ConnectorEntry, Manifest, ServiceMapConnector, UnsignedServiceMap } from './schema.js';

/** Status message of an enabled connector. */
export const STATUS_ENABLED_MESSAGE = `${BRAND}: connector enabled`;
/** Status message of a connector disabled by the manifest. */
export const STATUS_DISABLED_MESSAGE = `${BRAND}: connector disabled by manifest`;

/** Options of {@link buildServiceMap}: the clock, id and version are injected so signing is deterministic. */
export interface BuildServiceMapOptions {
  /** Generation time (the map expires `manifest.ttlSeconds` later). */
  readonly now: Date;
  /** ULID of this map. */
  readonly id: string;
  /** Strictly increasing version per signer. */
  readonly version: number;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function toMapConnector(entry: ConnectorEntry): ServiceMapConnector {
  const { $schema: _ignored, ...rest } = entry as ConnectorEntry & { $schema?: string };
  return withoutUndefined({
    ...rest,
    status: entry.enabled ? 'enabled' : 'disabled',
    statusMessage: entry.enabled ? STATUS_ENABLED_MESSAGE : STATUS_DISABLED_MESSAGE,
  });
}

/** Builds the unsigned service map of a validated manifest: connectors sorted by id, defaults applied, status added. */
export function buildServiceMap(manifest: Manifest, options: BuildServiceMapOptions): UnsignedServiceMap {
  const generatedAt = options.now.toISOString();
  const expiresAt = new Date(options.now.getTime() + manifest.ttlSeconds * 1000).toISOString();
  const connectors = [...manifest.connectors]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map(toMapConnector);
  return {
    id: options.id,
    brand: BRAND,
    version: options.version,
    manifestId: manifest.id,
    manifestVersion: manifest.manifestVersion,
    generatedAt,
    expiresAt,
    ttlSeconds: manifest.ttlSeconds,
    connectors,
  };
}
