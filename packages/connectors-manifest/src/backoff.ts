/** How a retry delay is spread below its ceiling: not at all, anywhere in [0, ceiling), or in [ceiling/2, ceiling]. */
export type BackoffJitter = 'none' | 'full' | 'equal';

/** An exponential backoff: `initialMs · factor^attempt`, capped at `maxMs`, then jittered. */
export interface Backoff {
  /** Ceiling of the first retry's delay, ms. */
  readonly initialMs: number;
  /** Cap of any delay, ms. */
  readonly maxMs: number;
  /** Growth per attempt (default 2). */
  readonly factor?: number;
  /** Default `'none'`. */
  readonly jitter?: BackoffJitter;
}

/**
 * The one backoff formula of the project (bridge retries and event-stream reconnects, agents fallback
 * retries, the widget's SSE reconnects): the delay before retry number `attempt` (0-based), milliseconds.
 * `full` jitter is `floor(random · ceiling)`, `equal` jitter `round(ceiling/2 + random · ceiling/2)`.
 */
export function backoffDelayMs(
  backoff: Backoff,
  attempt: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(backoff.maxMs, backoff.initialMs * (backoff.factor ?? 2) ** Math.max(0, attempt));
  switch (backoff.jitter ?? 'none') {
    case 'full':
      return Math.floor(random() * ceiling);
    case 'equal':
      return Math.round(ceiling / 2 + (random() * ceiling) / 2);
    case 'none':
      return ceiling;
  }
}
