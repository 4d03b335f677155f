import type { ProxyClock, TimerHandle } from '../clock.js';

/** A {@link ProxyClock} whose time only moves when the test calls `advance`. */
export interface ManualClock extends ProxyClock {
  /** Moves time forward by `ms`, running every timer that falls due, in order (also ones scheduled meanwhile). */
  advance(ms: number): void;
  /** Number of timers not yet fired or cleared. */
  readonly pendingTimers: number;
}

interface Timer {
  readonly id: number;
  readonly due: number;
  readonly fn: () => void;
}

/** Creates a manual clock starting at `start` (epoch ms; default 2026-01-01T00:00:00Z). */
export function createManualClock(start = Date.UTC(2026, 0, 1)): ManualClock {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, Timer>();
  const nextDue = (limit: number): Timer | undefined =>
    [...timers.values()].filter((t) => t.due <= limit).sort((a, b) => a.due - b.due || a.id - b.id)[0];
  return {
    now: () => now,
    setTimeout(fn: () => void, ms: number): TimerHandle {
      const id = nextId++;
      timers.set(id, { id, due: now + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout(handle: TimerHandle): void {
      if (typeof handle === 'number') timers.delete(handle);
    },
    advance(ms: number): void {
      const target = now + ms;
      for (let timer = nextDue(target); timer; timer = nextDue(target)) {
        timers.delete(timer.id);
        now = Math.max(now, timer.due);
        timer.fn();
      }
      now = target;
    },
    get pendingTimers() {
      return timers.size;
    },
  };
}
