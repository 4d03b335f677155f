/** Opaque handle of a scheduled timer. */
export type TimerHandle = object | number;

/**
 * Time source and timers of a proxy (breaker windows, debounce, backoff, probes). Inject a manual clock in
 * tests (see `createManualClock` in `@cortex-os/mcp-bridge/testing`) instead of sleeping.
 */
export interface ProxyClock {
  /** Current time, epoch milliseconds. */
  now(): number;
  /** Runs `fn` once after `ms` milliseconds. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer from {@link ProxyClock.setTimeout}. */
  clearTimeout(handle: TimerHandle): void;
}

/** Real clock: `Date.now` and unref'ed Node timers (a proxy never keeps the process alive). */
export const systemClock: ProxyClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Resolves after `ms` on `clock` (at once when `ms` ≤ 0); rejects with `signal.reason` when aborted. */
export function sleep(clock: ProxyClock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason as Error);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      reject(signal?.reason as Error);
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
