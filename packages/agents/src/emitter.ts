import type { AgentsLogger } from './types.js';

/** Listener of event `K` of an event map `E`. */
export type Listener<E, K extends keyof E> = (payload: E[K]) => void;

/** A minimal typed emitter; listener exceptions are logged, never propagated to the emitter. */
export class TypedEmitter<E> {
  readonly #listeners = new Map<keyof E, Set<(payload: never) => void>>();

  constructor(private readonly logger: AgentsLogger) {}

  /** Subscribes; returns the unsubscribe function. */
  on<K extends keyof E>(event: K, listener: Listener<E, K>): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    const fn = listener as (payload: never) => void;
    set.add(fn);
    return () => set.delete(fn);
  }

  /** Calls every listener of `event` with `payload`. */
  emit<K extends keyof E>(event: K, payload: E[K]): void {
    for (const fn of this.#listeners.get(event) ?? []) {
      try {
        (fn as Listener<E, K>)(payload);
      } catch (err) {
        this.logger.warn({ event: String(event), err }, 'brAInwav: registry listener threw');
      }
    }
  }

  /** Drops every listener. */
  clear(): void {
    this.#listeners.clear();
  }
}
