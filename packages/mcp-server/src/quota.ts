import { QuotaExceededError, QuotaStoreError } from './errors.js';

/** Count of hits in the current fixed window and when that window ends. */
export interface QuotaWindowState {
  /** Hits recorded in the window, including this one for {@link QuotaStore.hit}. */
  count: number;
  /** Epoch milliseconds at which the window (and its count) resets. */
  resetAtMs: number;
}

/**
 * Fixed-window counters shared by every gateway replica that uses the same store.
 * Windows are aligned to multiples of `windowMs` since the epoch, so replicas agree on them.
 */
export interface QuotaStore {
  /** Record one hit for `key` in the window containing `nowMs` (epoch ms); returns the new state. */
  hit(key: string, windowMs: number, nowMs: number): Promise<QuotaWindowState>;
  /** Read the window containing `nowMs` without recording a hit (count 0 when none). */
  peek(key: string, windowMs: number, nowMs: number): Promise<QuotaWindowState>;
  /** Release resources (connections, timers). */
  close?(): Promise<void>;
}

/** Start (epoch ms) of the fixed window of length `windowMs` that contains `nowMs`. */
export function windowStart(windowMs: number, nowMs: number): number {
  return Math.floor(nowMs / windowMs) * windowMs;
}

/**
 * In-memory {@link QuotaStore} (one process). Expired windows are dropped lazily on access and by
 * a sweep when the map grows past `maxKeys` (default 10,000).
 */
export class MemoryQuotaStore implements QuotaStore {
  private readonly windows = new Map<string, { start: number; count: number; windowMs: number }>();
  constructor(private readonly maxKeys = 10_000) {}

  hit(key: string, windowMs: number, nowMs: number): Promise<QuotaWindowState> {
    const start = windowStart(windowMs, nowMs);
    const slot = `${key}:${windowMs}`;
    const current = this.windows.get(slot);
    const count = current?.start === start ? current.count + 1 : 1;
    this.windows.set(slot, { start, count, windowMs });
    if (this.windows.size > this.maxKeys) this.sweep(nowMs);
    return Promise.resolve({ count, resetAtMs: start + windowMs });
  }

  peek(key: string, windowMs: number, nowMs: number): Promise<QuotaWindowState> {
    const start = windowStart(windowMs, nowMs);
    const current = this.windows.get(`${key}:${windowMs}`);
    return Promise.resolve({
      count: current?.start === start ? current.count : 0,
      resetAtMs: start + windowMs,
    });
  }

  private sweep(nowMs: number): void {
    for (const [slot, value] of this.windows)
      if (value.start + value.windowMs <= nowMs) this.windows.delete(slot);
  }
}

/** Per-connector limits, as in the manifest's `quotas`. */
export interface QuotaLimits {
  perMinute: number;
  perHour: number;
}

/** Current use of a connector's budget, as returned by `getQuotaUse`. */
export interface QuotaUse {
  /** Calls counted in the current minute window. */
  minute: number;
  /** Calls counted in the current hour window. */
  hour: number;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/**
 * Enforces perMinute then perHour limits for one connector on top of a {@link QuotaStore}.
 * The hour budget is only charged when the minute budget allowed the call.
 */
export class QuotaGuard {
  constructor(
    private readonly store: QuotaStore,
    private readonly prefix: string,
  ) {}

  /**
   * Charge one call. Throws {@link QuotaExceededError} (`QUOTA_EXCEEDED`) when over budget and
   * {@link QuotaStoreError} (code `INTERNAL`, "quota store unavailable") when the store fails.
   */
  async charge(connectorId: string, limits: QuotaLimits, nowMs: number): Promise<void> {
    const minute = await this.call(() => this.store.hit(this.key(connectorId, 'm'), MINUTE_MS, nowMs));
    if (minute.count > limits.perMinute)
      throw exceeded(connectorId, 'minute', limits.perMinute, minute, nowMs);
    const hour = await this.call(() => this.store.hit(this.key(connectorId, 'h'), HOUR_MS, nowMs));
    if (hour.count > limits.perHour) throw exceeded(connectorId, 'hour', limits.perHour, hour, nowMs);
  }

  /** Current minute/hour counts for `connectorId` (capped at nothing: may exceed the limit). */
  async use(connectorId: string, nowMs: number): Promise<QuotaUse> {
    const [minute, hour] = await Promise.all([
      this.call(() => this.store.peek(this.key(connectorId, 'm'), MINUTE_MS, nowMs)),
      this.call(() => this.store.peek(this.key(connectorId, 'h'), HOUR_MS, nowMs)),
    ]);
    return { minute: minute.count, hour: hour.count };
  }

  private key(connectorId: string, window: 'm' | 'h'): string {
    return `${this.prefix}${connectorId}:${window}`;
  }

  private async call(fn: () => Promise<QuotaWindowState>): Promise<QuotaWindowState> {
    try {
      return await fn();
    } catch (error) {
      throw new QuotaStoreError('quota store unavailable; call refused', error);
    }
  }
}

function exceeded(
  connectorId: string,
  window: 'minute' | 'hour',
  limit: number,
  state: QuotaWindowState,
  nowMs: number,
): QuotaExceededError {
  const retryAfterSeconds = Math.max(1, Math.ceil((state.resetAtMs - nowMs) / 1000));
  return new QuotaExceededError(connectorId, window, limit, retryAfterSeconds);
}
