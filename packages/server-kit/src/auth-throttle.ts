import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** How many failed authentications one client address may make per window. */
export interface AuthFailureLimit {
  /** Failures allowed per window; the next one answers 429 (positive integer). */
  readonly max: number;
  /** Window length, milliseconds. */
  readonly timeWindowMs: number;
}

/** Default: 20 failures per minute per client address. */
export const DEFAULT_AUTH_FAILURE_LIMIT: AuthFailureLimit = Object.freeze({ max: 20, timeWindowMs: 60_000 });

/** Counts one failure of `request`'s client address; resolves the seconds to wait when over the limit. */
export type FailureCounter = (request: FastifyRequest) => Promise<number | undefined>;

/**
 * Registers `@fastify/rate-limit` with no route hooks (`global: false`) and returns a counter that is
 * called only for failed authentications, so authenticated traffic is never counted nor slowed. The
 * key is the client address (`request.ip`, IPv6 by /64, as the plugin normalizes it); the plugin's
 * bounded LRU store keeps memory flat under address floods.
 */
export async function registerFailureCounter(
  app: FastifyInstance,
  limit: AuthFailureLimit,
): Promise<FailureCounter> {
  await app.register(rateLimit, { global: false, skipOnError: true });
  const count = app.createRateLimit({ max: limit.max, timeWindow: limit.timeWindowMs });
  return async (request) => {
    const result = await count(request);
    return !result.isAllowed && result.isExceeded ? Math.max(1, result.ttlInSeconds) : undefined;
  };
}
