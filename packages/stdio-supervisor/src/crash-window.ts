import { backoffDelayMs, STDIO_LIMIT_DEFAULTS } from '@cortex-os/connectors-manifest';
import type { StdioLimits } from './types.js';

/** Restart policy defaults: the manifest's own (one place: `STDIO_LIMIT_DEFAULTS`). */
export const DEFAULT_MAX_RESTARTS = STDIO_LIMIT_DEFAULTS.maxRestarts;
export const DEFAULT_RESTART_WINDOW_SECONDS = STDIO_LIMIT_DEFAULTS.restartWindowSeconds;
export const DEFAULT_BACKOFF_INITIAL_MS = STDIO_LIMIT_DEFAULTS.restartBackoffMs.initial;
export const DEFAULT_BACKOFF_MAX_MS = STDIO_LIMIT_DEFAULTS.restartBackoffMs.max;

/** What a crash leads to: a jittered backoff before the next attempt, or offline (crash loop). */
export type CrashVerdict =
  | { readonly kind: 'backoff'; readonly delayMs: number; readonly crashes: number }
  | { readonly kind: 'offline'; readonly crashes: number; readonly retryAfterMs: number };

/**
 * Counts crashes in a sliding window. The n-th crash in the window waits `min(max, initial · 2^(n-1))` times a jitter
 * factor in [0.5, 1]; more than `maxRestarts` crashes in the window is a crash loop, offline until the window has
 * passed since the last crash.
 */
export class CrashWindow {
  readonly #times: number[] = [];
  readonly #maxRestarts: number;
  readonly #windowMs: number;
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #random: () => number;

  constructor(limits: StdioLimits = {}, random: () => number = Math.random) {
    this.#maxRestarts = limits.maxRestarts ?? DEFAULT_MAX_RESTARTS;
    this.#windowMs = (limits.restartWindowSeconds ?? DEFAULT_RESTART_WINDOW_SECONDS) * 1000;
    this.#initialMs = limits.restartBackoffMs?.initial ?? DEFAULT_BACKOFF_INITIAL_MS;
    this.#maxMs = Math.max(this.#initialMs, limits.restartBackoffMs?.max ?? DEFAULT_BACKOFF_MAX_MS);
    this.#random = random;
  }

  /** The window length, seconds. */
  get windowSeconds(): number {
    return this.#windowMs / 1000;
  }

  /** Crashes inside the window ending at `now`. */
  count(now: number): number {
    this.#prune(now);
    return this.#times.length;
  }

  /** Milliseconds from `now` until the window has passed since the last crash (0 when it has). */
  quietInMs(now: number): number {
    const last = this.#times.at(-1);
    return last === undefined ? 0 : Math.max(0, last + this.#windowMs - now);
  }

  /** Records a crash at `now` and decides what follows. */
  record(now: number): CrashVerdict {
    this.#prune(now);
    this.#times.push(now);
    const crashes = this.#times.length;
    if (crashes > this.#maxRestarts) return { kind: 'offline', crashes, retryAfterMs: this.#windowMs };
    const delayMs = backoffDelayMs(
      { initialMs: this.#initialMs, maxMs: this.#maxMs, jitter: 'equal' },
      crashes - 1,
      this.#random,
    );
    return { kind: 'backoff', delayMs, crashes };
  }

  #prune(now: number): void {
    while (this.#times.length > 0 && (this.#times[0] as number) <= now - this.#windowMs) this.#times.shift();
  }
}
