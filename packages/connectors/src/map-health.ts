/**
 * Health of the service map as `GET /v1/connectors` reports it (`mapHealth`):
 * - `fresh`: the last refresh attempt fetched (or revalidated) a verified map;
 * - `stale`: the last attempt could not fetch the map (asbr unreachable, HTTP error) but the held map is
 *   still within its expiry;
 * - `refused`: the last fetched map failed verification (the last good map is kept);
 * - `expired`: no valid map is held.
 */
export type MapHealthState = 'fresh' | 'stale' | 'refused' | 'expired';

/** The error behind a non-fresh state: stable code, branded message (no secrets), when (ISO-8601 UTC). */
export interface MapHealthError {
  readonly code: string;
  readonly message: string;
  readonly at: string;
}

/** `mapHealth` of `GET /v1/connectors`, the SSE `snapshot` and the SSE `map-health` event. */
export interface MapHealth {
  readonly state: MapHealthState;
  /** `null` after a successful attempt (and before the first failure). */
  readonly lastError: MapHealthError | null;
}

type Outcome = { readonly kind: 'ok' | 'failed' | 'refused'; readonly error: MapHealthError | null };

const key = (h: MapHealth): string => JSON.stringify(h);

/**
 * Folds refresh outcomes into a {@link MapHealth} and calls `onChange` once per real change. `usable`
 * says whether a verified, unexpired map is held (otherwise the state is `expired`, whatever the last attempt).
 */
export class MapHealthTracker {
  #last: Outcome = { kind: 'ok', error: null };
  #published: string;

  constructor(
    private readonly usable: () => boolean,
    private readonly onChange: (health: MapHealth) => void,
  ) {
    this.#published = key(this.current());
  }

  /** The current health (never throws). */
  current(): MapHealth {
    const { kind, error } = this.#last;
    if (!this.usable()) return { state: 'expired', lastError: error };
    return {
      state: kind === 'failed' ? 'stale' : kind === 'refused' ? 'refused' : 'fresh',
      lastError: error,
    };
  }

  /** The last attempt fetched or revalidated a verified map. */
  succeeded(): void {
    this.#set({ kind: 'ok', error: null });
  }

  /** The last attempt could not fetch the map. */
  fetchFailed(error: MapHealthError): void {
    this.#set({ kind: 'failed', error });
  }

  /** The last fetched map failed verification. */
  refused(error: MapHealthError): void {
    this.#set({ kind: 'refused', error });
  }

  /** Re-evaluates (e.g. after the held map expired) and reports a change. */
  check(): void {
    const now = key(this.current());
    if (now === this.#published) return;
    this.#published = now;
    this.onChange(this.current());
  }

  #set(outcome: Outcome): void {
    this.#last = outcome;
    this.check();
  }
}
