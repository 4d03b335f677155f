import type { Principal } from '@cortex-os/server-kit';
/** Default longest time a serialized `GET /v1/connectors` body is reused, milliseconds. */
export const DEFAULT_SNAPSHOT_CACHE_MS = 1_000;
/** Default number of viewers (principal views) whose bodies are kept. */
export const DEFAULT_SNAPSHOT_CACHE_ENTRIES = 256;

/** Options of {@link createSnapshotCache}. */
export interface SnapshotCacheOptions<V, T> {
  /** Builds the snapshot `viewer` may see (gathers live state: proxies, tools, quota use). */
  readonly build: (viewer: V) => Promise<T>;
  /** Tells viewers with different views apart (default: one view for everyone). */
  readonly keyOf?: (viewer: V) => string;
  /** A version that changes whenever the snapshot may have changed (event hub id, policy generation). */
  readonly version: () => number | string;
  /** Longest reuse of one body, ms; `0` builds every time. */
  readonly maxAgeMs: number;
  /** Most viewer bodies kept (least recently built dropped first; default 256). */
  readonly maxEntries?: number;
  /** Current time, ms. */
  readonly now?: () => number;
}

interface Entry {
  readonly version: number | string;
  readonly at: number;
  readonly body: Promise<Buffer>;
  /** The body once built (what {@link CachedBodies.peek} answers). */
  ready?: Buffer;
}

/** The cache's bodies: a promise per viewer, and {@link CachedBodies.peek} for a fast path that cannot wait. */
export interface CachedBodies<V> {
  (viewer: V): Promise<Buffer>;
  /** The body a call would resolve right now without building (built, current version, not too old), else `undefined`. */
  peek(viewer: V): Buffer | undefined;
}

/**
 * The serialized snapshot of each viewer, built at most once per `version` and `maxAgeMs`: every status,
 * quota, map or policy change moves the version and so rebuilds it at once; the age bound covers what
 * changes without an event. Concurrent requests of one viewer share one build. A failed build is not kept
 * (the next request retries). Bodies are kept as UTF-8 bytes: a string reply would be measured and
 * encoded again on every request.
 * @returns a function resolving the JSON body bytes for a viewer
 */
export function createSnapshotCache<V, T>(options: SnapshotCacheOptions<V, T>): CachedBodies<V> {
  const now = options.now ?? Date.now;
  const keyOf = options.keyOf ?? (() => '');
  const maxEntries = options.maxEntries ?? DEFAULT_SNAPSHOT_CACHE_ENTRIES;
  const entries = new Map<string, Entry>();
  const current = (key: string, version: number | string, at: number): Entry | undefined => {
    const entry = entries.get(key);
    return entry && entry.version === version && at - entry.at < options.maxAgeMs ? entry : undefined;
  };
  const bodies = (viewer: V): Promise<Buffer> => {
    const key = keyOf(viewer);
    const version = options.version();
    const at = now();
    const entry = current(key, version, at);
    if (entry) return entry.body;
    const body = options.build(viewer).then((snapshot) => {
      const bytes = Buffer.from(JSON.stringify(snapshot), 'utf8');
      mine.ready = bytes;
      return bytes;
    });
    const mine: Entry = { version, at, body };
    entries.delete(key);
    entries.set(key, mine);
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    body.catch(() => {
      if (entries.get(key) === mine) entries.delete(key);
    });
    return body;
  };
  return Object.assign(bodies, {
    peek: (viewer: V) => current(keyOf(viewer), options.version(), now())?.ready,
  });
}

/** The JSON bytes of the snapshot a viewer may see (see {@link createSnapshotCache}). */
export type SnapshotBody = CachedBodies<Principal>;
