import type { Clock, TimerHandle } from './types.js';

/** The default {@link Clock}: `Date.now()` and unref'd `setTimeout` timers (they never keep Node alive). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn: () => void, delayMs: number): TimerHandle {
    const t = setTimeout(fn, Math.max(0, delayMs));
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};
