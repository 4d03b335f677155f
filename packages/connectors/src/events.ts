/** One event of the status stream. */
export interface StatusEvent {
  /** Monotonically increasing id (1, 2, …) within this process. */
  readonly id: number;
  /** `availability` | `map-updated` | `map-refused` | `map-expired` | `map-health` | `quota` (snapshots are per connection, never buffered). */
  readonly type: string;
  readonly data: unknown;
}

/** Default ring buffer size (events kept for `Last-Event-ID` resume). */
export const DEFAULT_EVENT_BUFFER = 256;

/**
 * Fan-out of status events with a bounded ring buffer for `Last-Event-ID` resume.
 * Memory is bounded by `capacity` events whatever the number or speed of subscribers.
 */
export class EventHub {
  readonly #ring: StatusEvent[] = [];
  readonly #listeners = new Set<(e: StatusEvent) => void>();
  #next = 1;

  constructor(readonly capacity: number = DEFAULT_EVENT_BUFFER) {}

  /** Id of the last published event (0 when none). */
  get lastId(): number {
    return this.#next - 1;
  }

  /** Publishes an event to every subscriber and the ring buffer; returns it. */
  publish(type: string, data: unknown): StatusEvent {
    const event: StatusEvent = { id: this.#next++, type, data };
    this.#ring.push(event);
    if (this.#ring.length > this.capacity) this.#ring.shift();
    for (const listener of this.#listeners) listener(event);
    return event;
  }

  /**
   * Events after `lastEventId`, or `null` when the buffer no longer holds all of them (the client is too
   * far behind, or the id is from another process) and it needs a fresh snapshot.
   */
  since(lastEventId: number): StatusEvent[] | null {
    if (!Number.isInteger(lastEventId) || lastEventId < 0 || lastEventId > this.lastId) return null;
    if (lastEventId === this.lastId) return [];
    const oldest = this.#ring[0]?.id ?? this.#next;
    if (lastEventId + 1 < oldest) return null;
    return this.#ring.filter((e) => e.id > lastEventId);
  }

  /** Subscribes; returns the unsubscribe function. */
  subscribe(listener: (e: StatusEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** Number of live subscribers. */
  get subscribers(): number {
    return this.#listeners.size;
  }
}
