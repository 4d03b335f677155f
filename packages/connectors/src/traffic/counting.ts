import type { CallOutcome } from '@cortex-os/mcp-server';
import type { AvailabilityTransition } from './types.js';

/** Which counter of a minute bucket an outcome moves besides `calls` (`null`: none, e.g. `ok`). */
export function outcomeCounter(outcome: CallOutcome): 'errors' | 'offline' | 'refused' | null {
  switch (outcome) {
    case 'error':
    case 'failed':
      return 'errors';
    case 'offline':
      return 'offline';
    case 'quota_exceeded':
    case 'denied':
      return 'refused';
    case 'ok':
    case 'cancelled':
      return null;
  }
}

/** Most transitions kept per connector. */
export const MAX_TRANSITIONS = 256;
/** How far back transitions are kept, ms (two hours: one window plus the state before it). */
export const TRANSITION_KEEP_MS = 2 * 3_600_000;

/**
 * The transitions of one connector that matter for a window starting at `fromMs`: the last one before it
 * (the state the window opens with) and every one inside, oldest first. `sorted` must be oldest first.
 */
export function windowTransitions(
  sorted: readonly AvailabilityTransition[],
  fromMs: number,
): AvailabilityTransition[] {
  const firstInside = sorted.findIndex((t) => t.atMs >= fromMs);
  if (firstInside === -1) return sorted.slice(-1);
  return sorted.slice(Math.max(0, firstInside - 1));
}
