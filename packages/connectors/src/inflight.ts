/**
 * Counts in-flight work (REST tool calls, MCP POSTs) so a graceful shutdown can wait for it.
 */
export class InflightTracker {
  #count = 0;
  #waiters: (() => void)[] = [];

  /** Number of operations in flight. */
  get size(): number {
    return this.#count;
  }

  /** Tracks `work` until it settles; returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T> {
    const done = this.begin();
    return work.finally(done);
  }

  /** Starts tracking one operation; call the returned function (idempotent) when it ends. */
  begin(): () => void {
    this.#count += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.#count -= 1;
      if (this.#count === 0) for (const w of this.#waiters.splice(0)) w();
    };
  }

  /** Resolves `true` once nothing is in flight, or `false` after `timeoutMs` milliseconds. */
  drain(timeoutMs: number): Promise<boolean> {
    if (this.#count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
