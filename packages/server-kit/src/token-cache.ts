/** An entry of a {@link TokenCache}: anything that knows when it stops being valid. */
export interface Expiring {
  /** Expiry, seconds since the epoch (a token's `exp`). */
  readonly exp: number;
}

/**
 * A bounded LRU map from a token string to what verifying it produced. An entry is answered only
 * while `now < exp` (never past the token's expiry) and dropped when found expired; the least recently
 * used entry is evicted when `maxEntries` is reached. `maxEntries` 0 keeps nothing.
 */
export class TokenCache<T extends Expiring> {
  readonly #entries = new Map<string, T>();
  readonly #maxEntries: number;

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  /** Entries held now (expired ones included until they are looked up or evicted). */
  get size(): number {
    return this.#entries.size;
  }

  /** The unexpired entry of `token` at `nowMs`, marked most recently used; else `undefined`. */
  get(token: string, nowMs: number): T | undefined {
    const entry = this.#entries.get(token);
    if (entry === undefined) return undefined;
    this.#entries.delete(token);
    if (entry.exp * 1000 <= nowMs) return undefined;
    this.#entries.set(token, entry);
    return entry;
  }

  /** Keeps `entry` for `token`, evicting the least recently used entry when full. */
  set(token: string, entry: T): void {
    if (this.#maxEntries <= 0) return;
    this.#entries.delete(token);
    if (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(token, entry);
  }

  /** Forgets every entry. */
  clear(): void {
    this.#entries.clear();
  }
}
