/** Default longest time a serialized `GET /v1/connectors` body is reused, milliseconds. */
export const DEFAULT_SNAPSHOT_CACHE_MS = 1_000;

/** Options of {@link createSnapshotCache}. */
export interface SnapshotCacheOptions<T> {
  /** Builds the snapshot (gathers live state: proxies, tools, quota use). */
  readonly build: () => Promise<T>;
  /** A version that changes whenever the snapshot may have changed (the event hub's last event id). */
  readonly version: () => number;
  /** Longest reuse of one body, ms; `0` builds every time. */
  readonly maxAgeMs: number;
  /** Current time, ms. */
  readonly now?: () => number;
}

interface Entry {
  readonly version: number;
  readonly at: number;
  readonly body: Promise<Buffer>;
}

/**
 * The serialized snapshot, built at most once per `version` and `maxAgeMs`: every status, quota or map
 * event changes the version and so rebuilds it at once; the age bound covers what changes without an
 * event. Concurrent requests share one build. A failed build is not kept (the next request retries).
 * The body is kept as UTF-8 bytes: a string reply would be measured and encoded again on every request.
 * @returns a function resolving the JSON body bytes
 */
export function createSnapshotCache<T>(options: SnapshotCacheOptions<T>): () => Promise<Buffer> {
  const now = options.now ?? Date.now;
  let entry: Entry | undefined;
  return () => {
    const version = options.version();
    const at = now();
    if (entry && entry.version === version && at - entry.at < options.maxAgeMs) return entry.body;
    const body = options.build().then((snapshot) => Buffer.from(JSON.stringify(snapshot), 'utf8'));
    const mine: Entry = { version, at, body };
    entry = mine;
    body.catch(() => {
      if (entry === mine) entry = undefined;
    });
    return body;
  };
}
