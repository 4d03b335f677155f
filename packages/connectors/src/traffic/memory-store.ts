import { emptyHistogram, latencyBin } from './histogram.js';
import { MAX_TRANSITIONS, TRANSITION_KEEP_MS, outcomeCounter, windowTransitions } from './counting.js';
import {
  MINUTE_MS,
  RECENT_CALLS,
  WINDOW_MINUTES_MAX,
  type AvailabilityTransition,
  type MinuteBucket,
  type TrafficCall,
  type TrafficRaw,
  type TrafficStore,
} from './types.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Bucket = Mutable<MinuteBucket> & { latency: number[] };

/** Most connectors a memory store tracks (the oldest one is forgotten first). */
export const MAX_TRACKED_CONNECTORS = 256;

/**
 * A {@link TrafficStore} in this process's memory (one replica). Bounded: per connector at most 60 minute
 * buckets of 16 integers and {@link MAX_TRANSITIONS} transitions; 50 recent calls; at most
 * {@link MAX_TRACKED_CONNECTORS} connectors.
 */
export class MemoryTrafficStore implements TrafficStore {
  readonly #buckets = new Map<string, Map<number, Bucket>>();
  readonly #transitions = new Map<string, AvailabilityTransition[]>();
  /** Calls oldest first, trimmed to the newest {@link RECENT_CALLS} once twice as long (amortized O(1) per call). */
  #recent: TrafficCall[] = [];

  record(call: TrafficCall): Promise<void> {
    const minutes = this.#connector(this.#buckets, call.connectorId, () => new Map<number, Bucket>());
    const startMs = call.atMs - (call.atMs % MINUTE_MS);
    let bucket = minutes.get(startMs);
    if (!bucket) {
      bucket = { startMs, calls: 0, errors: 0, offline: 0, refused: 0, latency: emptyHistogram() };
      minutes.set(startMs, bucket);
      prune(minutes, startMs - (WINDOW_MINUTES_MAX - 1) * MINUTE_MS);
    }
    bucket.calls += 1;
    const counter = outcomeCounter(call.outcome);
    if (counter) bucket[counter] += 1;
    const bin = latencyBin(call.durationMs);
    bucket.latency[bin] = (bucket.latency[bin] ?? 0) + 1;
    this.#recent.push(call);
    if (this.#recent.length >= 2 * RECENT_CALLS) this.#recent.splice(0, this.#recent.length - RECENT_CALLS);
    return Promise.resolve();
  }

  transition(t: AvailabilityTransition): Promise<void> {
    const list = this.#connector(this.#transitions, t.connectorId, () => []);
    list.push(t);
    list.sort((a, b) => a.atMs - b.atMs);
    const keepFrom = list.findIndex((x) => x.atMs >= t.atMs - TRANSITION_KEEP_MS);
    const drop = Math.max(keepFrom - 1, list.length - MAX_TRANSITIONS, 0);
    if (drop > 0) list.splice(0, drop);
    return Promise.resolve();
  }

  read(connectorIds: readonly string[], fromMs: number, nowMs: number): Promise<TrafficRaw> {
    const buckets = new Map<string, MinuteBucket[]>();
    const transitions = new Map<string, AvailabilityTransition[]>();
    for (const id of connectorIds) {
      const minutes = [...(this.#buckets.get(id)?.values() ?? [])];
      buckets.set(
        id,
        minutes.filter((b) => b.startMs + MINUTE_MS > fromMs && b.startMs <= nowMs).map((b) => ({ ...b })),
      );
      transitions.set(id, windowTransitions(this.#transitions.get(id) ?? [], fromMs));
    }
    return Promise.resolve({ buckets, transitions, recent: this.#recent.slice(-RECENT_CALLS).reverse() });
  }

  /** Connectors tracked (buckets or transitions), for tests of the bound. */
  get size(): { connectors: number; buckets: number; transitions: number; recent: number } {
    let bucketCount = 0;
    let transitionCount = 0;
    for (const m of this.#buckets.values()) bucketCount += m.size;
    for (const t of this.#transitions.values()) transitionCount += t.length;
    return {
      connectors: new Set([...this.#buckets.keys(), ...this.#transitions.keys()]).size,
      buckets: bucketCount,
      transitions: transitionCount,
      recent: this.#recent.length,
    };
  }

  #connector<T>(map: Map<string, T>, id: string, create: () => T): T {
    let value = map.get(id);
    if (value === undefined) {
      value = create();
      map.set(id, value);
      if (map.size > MAX_TRACKED_CONNECTORS) map.delete(map.keys().next().value as string);
    }
    return value;
  }
}

function prune(minutes: Map<number, Bucket>, oldestStartMs: number): void {
  for (const start of minutes.keys()) if (start < oldestStartMs) minutes.delete(start);
}
