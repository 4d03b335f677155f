import type { Logger } from '@cortex-os/telemetry';
import type { ProxyClock, TimerHandle } from './clock.js';
import type { BridgeErrorCode } from './errors.js';

/** An availability transition of one connector. */
export interface AvailabilityEvent {
  readonly connectorId: string;
  /** True: the upstream session is healthy again; false: it is down. */
  readonly up: boolean;
  /** Why (e.g. `connected`, `recovered`, or the branded failure message). Never contains a secret. */
  readonly reason: string;
  /** Error code behind a down transition. */
  readonly code?: BridgeErrorCode;
  /** When, epoch milliseconds (proxy clock). */
  readonly at: number;
}

/** The `brainwav_mcp_connector_proxy_up{connector}` gauge (a prom-client `Gauge<'connector'>` fits). */
export interface ProxyUpGauge {
  set(labels: { connector: string }, value: number): void;
  remove?(labels: { connector: string }): void;
}

/** Dependencies of {@link Availability}. */
export interface AvailabilityDeps {
  readonly connectorId: string;
  readonly clock: ProxyClock;
  /** Failures must persist this long (ms) before `down`, unless forced (breaker opened). */
  readonly debounceMs: number;
  readonly gauge: ProxyUpGauge | undefined;
  readonly logger: Logger;
  /** Called when the debounce window elapsed while still failing (the proxy probes, then decides). */
  readonly onDebounceElapsed: () => void;
}

/**
 * Debounced up/down state of one connector: up transitions are immediate, down transitions happen only
 * once failures persist for `debounceMs` (or when forced, e.g. the breaker opened). Sets the gauge and
 * notifies listeners on every transition.
 */
export class Availability {
  private status: 'unknown' | 'up' | 'down' = 'unknown';
  private failingSince: number | undefined;
  private timer: TimerHandle | undefined;
  private disposed = false;
  private readonly listeners = new Set<(event: AvailabilityEvent) => void>();

  constructor(private readonly deps: AvailabilityDeps) {}

  /** `unknown` before the first outcome, then `up` or `down`. */
  get current(): 'unknown' | 'up' | 'down' {
    return this.status;
  }

  /** Adds a listener; returns its remover. */
  subscribe(listener: (event: AvailabilityEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Records a healthy outcome: up at once. */
  success(reason: string): void {
    if (this.disposed) return;
    this.failingSince = undefined;
    this.cancelTimer();
    if (this.status !== 'up') this.transition(true, this.status === 'down' ? 'recovered' : reason);
  }

  /** Records an outage-class failure; goes down when forced or when failures have persisted ≥ debounce. */
  failure(reason: string, code: BridgeErrorCode, force = false): void {
    if (this.disposed) return;
    const now = this.deps.clock.now();
    this.failingSince ??= now;
    if (this.status === 'down') return;
    const elapsed = now - this.failingSince;
    if (force || elapsed >= this.deps.debounceMs) {
      this.cancelTimer();
      this.transition(false, reason, code);
      return;
    }
    this.timer ??= this.deps.clock.setTimeout(() => {
      this.timer = undefined;
      if (this.failingSince !== undefined && this.status !== 'down') this.deps.onDebounceElapsed();
    }, this.deps.debounceMs - elapsed);
  }

  /** Stops timers, removes listeners and the gauge series. */
  dispose(): void {
    this.disposed = true;
    this.cancelTimer();
    this.listeners.clear();
    this.deps.gauge?.remove?.({ connector: this.deps.connectorId });
  }

  private cancelTimer(): void {
    if (this.timer === undefined) return;
    this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private transition(up: boolean, reason: string, code?: BridgeErrorCode): void {
    this.status = up ? 'up' : 'down';
    this.deps.gauge?.set({ connector: this.deps.connectorId }, up ? 1 : 0);
    const event: AvailabilityEvent = {
      connectorId: this.deps.connectorId,
      up,
      reason,
      at: this.deps.clock.now(),
      ...(code ? { code } : {}),
    };
    if (up)
      this.deps.logger.info({ connectorId: event.connectorId, reason }, 'brAInwav: connector upstream up');
    else
      this.deps.logger.warn(
        { connectorId: event.connectorId, reason, code },
        'brAInwav: connector upstream down',
      );
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        this.deps.logger.warn({ connectorId: event.connectorId }, 'brAInwav: availability listener threw');
      }
    }
  }
}
