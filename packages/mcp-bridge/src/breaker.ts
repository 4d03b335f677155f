import type { ProxyClock } from './clock.js';

/** Circuit breaker settings. */
export interface BreakerOptions {
  /** Consecutive failures that open the circuit (default 5). */
  readonly failureThreshold?: number;
  /** How long the circuit stays open before one half-open probe is allowed, ms (default 30000). */
  readonly resetTimeoutMs?: number;
}

/** Breaker state as exposed by the proxy. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Outcome of asking the breaker for permission: go, go as the single half-open probe, or fail fast. */
export type BreakerPermit = 'allow' | 'probe' | 'reject';

/**
 * Consecutive-failure circuit breaker with a single half-open probe. Time comes from the injected clock,
 * so windows are tested without sleeping.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;
  private probing = false;
  readonly failureThreshold: number;
  readonly resetTimeoutMs: number;

  constructor(
    private readonly clock: ProxyClock,
    options: BreakerOptions = {},
  ) {
    this.failureThreshold = options.failureThreshold ?? 5;
    this.resetTimeoutMs = options.resetTimeoutMs ?? 30_000;
  }

  /** Current state: `open` until `resetTimeoutMs` has passed, then `half-open`. */
  get state(): BreakerState {
    if (this.openedAt === undefined) return 'closed';
    if (this.probing || this.clock.now() - this.openedAt >= this.resetTimeoutMs) return 'half-open';
    return 'open';
  }

  /** Consecutive failures counted so far. */
  get consecutiveFailures(): number {
    return this.failures;
  }

  /** Asks to send a request; in half-open only the first caller gets `probe`, the others `reject`. */
  acquire(): BreakerPermit {
    const state = this.state;
    if (state === 'closed') return 'allow';
    if (state === 'open' || this.probing) return 'reject';
    this.probing = true;
    return 'probe';
  }

  /** Records a success: closes the circuit and resets the count. */
  success(): void {
    this.failures = 0;
    this.openedAt = undefined;
    this.probing = false;
  }

  /** Records a failure; returns true when this failure opened (or re-opened) the circuit. */
  failure(): boolean {
    this.failures += 1;
    if (this.probing || (this.openedAt === undefined && this.failures >= this.failureThreshold)) {
      this.probing = false;
      this.openedAt = this.clock.now();
      return true;
    }
    return false;
  }

  /** Releases a half-open probe permit without an outcome (e.g. the caller aborted). */
  release(permit: BreakerPermit): void {
    if (permit === 'probe') this.probing = false;
  }
}
