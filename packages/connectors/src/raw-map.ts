import type { ServiceMap } from '@cortex-os/connectors-manifest';
import type { ServiceMapFetchRequest, ServiceMapFetchResponse, ServiceMapSource } from '@cortex-os/agents';

/** The exact signed bytes of the map the registry verified and installed. */
export interface RawServiceMap {
  readonly bodyText: string;
  readonly etag: string | undefined;
  readonly version: number;
  readonly id: string;
}

/**
 * Wraps a {@link ServiceMapSource} to remember the exact bytes of every 200 answer, so the server can
 * serve the very bytes the registry verified (`GET /v1/connectors/service-map`). `adopt(map)` is called
 * on the registry's `change` event: the candidate is kept only when its `id` and `version` match the map
 * the registry installed, so a refused (tampered) body is never served.
 */
export class RawMapTracker {
  #candidates: RawServiceMap[] = [];
  #current: RawServiceMap | undefined;

  constructor(private readonly inner: ServiceMapSource) {}

  /** The wrapped source to hand to the registry. */
  readonly source: ServiceMapSource = {
    fetch: async (request: ServiceMapFetchRequest): Promise<ServiceMapFetchResponse> => {
      const res = await this.inner.fetch(request);
      if (res.status === 200) this.#remember(res.bodyText, res.etag);
      return res;
    },
  };

  /** Makes the remembered bytes of `map` current; returns false when no fetched body matches it. */
  adopt(map: ServiceMap): boolean {
    const match = this.#candidates.find((c) => c.id === map.id && c.version === map.version);
    if (match) this.#current = match;
    return match !== undefined;
  }

  /** Bytes of the map in force, if known. */
  get current(): RawServiceMap | undefined {
    return this.#current;
  }

  /** Forgets the current bytes (the held map expired). */
  clear(): void {
    this.#current = undefined;
  }

  #remember(bodyText: string, etag: string | undefined): void {
    let head: { id?: unknown; version?: unknown } = {};
    try {
      head = JSON.parse(bodyText) as typeof head;
    } catch {
      return;
    }
    if (typeof head.id !== 'string' || typeof head.version !== 'number') return;
    const entry: RawServiceMap = { bodyText, etag, id: head.id, version: head.version };
    this.#candidates = [entry, ...this.#candidates.filter((c) => c.id !== entry.id)].slice(0, 4);
  }
}
