import type { Clock, TimerHandle } from './types.js';

/** Longest delay `setTimeout` honours (2^31 − 1 ms, about 24.8 days); longer delays are clamped. */
const MAX_TIMER_MS = 2_147_483_647;

/** The default {@link Clock}: `Date.now()` and unref'd `setTimeout` timers (they never keep Node alive). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn: () => void, delayMs: number): TimerHandle {
    const t = setTimeout(fn, Math.min(MAX_TIMER_MS, Math.max(0, delayMs)));
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};
