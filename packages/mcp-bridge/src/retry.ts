import { backoffDelayMs } from '@cortex-os/connectors-manifest';
import { sleep, type ProxyClock } from './clock.js';

/** Retry policy for connect, list and probe (and read-only / idempotent tool calls). */
export interface RetryOptions {
  /** Total attempts including the first (default 3; 1 disables retries). */
  readonly attempts?: number;
  /** Base of the exponential backoff, ms (default 200). */
  readonly baseDelayMs?: number;
  /** Cap of one backoff delay, ms (default 2000). */
  readonly maxDelayMs?: number;
}

/** {@link RetryOptions} with defaults applied. */
export type RetryPolicy = Required<RetryOptions>;

/** Defaults of {@link RetryOptions}. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 200, maxDelayMs: 2_000 };

/**
 * Full-jitter backoff delay before retry number `attempt` (1-based), ms:
 * uniform in [0, min(maxDelayMs, baseDelayMs · 2^(attempt-1))).
 */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const backoff = { initialMs: policy.baseDelayMs, maxMs: policy.maxDelayMs, jitter: 'full' as const };
  return backoffDelayMs(backoff, attempt - 1, random);
}

/** Dependencies of {@link withRetries}. */
export interface RetryContext {
  readonly policy: RetryPolicy;
  readonly clock: ProxyClock;
  readonly random?: () => number;
  readonly signal?: AbortSignal | undefined;
  /** Whether a failure may be retried (transport failure, never a caller abort or a tool error). */
  readonly retryable: (error: unknown) => boolean;
  /** Called before each retry with the attempt about to run (2-based) and the delay, ms. */
  readonly onRetry?: (attempt: number, delayMs: number, error: unknown) => void;
}

/** Runs `fn` up to `policy.attempts` times with full-jitter backoff between retryable failures. */
export async function withRetries<T>(ctx: RetryContext, fn: (attempt: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= ctx.policy.attempts || !ctx.retryable(error) || ctx.signal?.aborted) throw error;
      const delay = backoffDelay(ctx.policy, attempt, ctx.random);
      ctx.onRetry?.(attempt + 1, delay, error);
      await sleep(ctx.clock, delay, ctx.signal);
    }
  }
}
