/**
 * Access logging for the Fastify servers, cheap by default: one line per response (never Fastify's two
 * per request), written only for the responses the mode selects.
 */

/** `LOG_ACCESS` values: none, failures only, failures + slow + 1 in {@link ACCESS_LOG_SAMPLE_EVERY}, every response. */
export const ACCESS_LOG_MODES = ['off', 'errors', 'sampled', 'all'] as const;
/** One of {@link ACCESS_LOG_MODES}. */
export type AccessLogMode = (typeof ACCESS_LOG_MODES)[number];
/** Default `LOG_ACCESS`: every 4xx/5xx and slow response, and 1 in 100 of the others. */
export const DEFAULT_ACCESS_LOG_MODE: AccessLogMode = 'sampled';
/** In `sampled` mode, one ordinary response in this many is logged. */
export const ACCESS_LOG_SAMPLE_EVERY = 100;
/** A response slower than this (ms) is logged in `errors` and `sampled` modes. */
export const ACCESS_LOG_SLOW_MS = 1_000;

/** What the hook reads of a Fastify request (structural: no Fastify import). */
export interface AccessLogRequest {
  readonly method: string;
  readonly url: string;
  readonly log: { info(obj: object, msg: string): void };
}

/** What the hook reads of a Fastify reply. */
export interface AccessLogReply {
  readonly statusCode: number;
  readonly elapsedTime: number;
}

/** Decides, per response, whether `mode` logs it. `sampled` counts ordinary responses (1 in `every`). */
export function accessLogSampler(
  mode: AccessLogMode,
  every: number = ACCESS_LOG_SAMPLE_EVERY,
): (statusCode: number, durationMs: number) => boolean {
  if (mode === 'off') return () => false;
  if (mode === 'all') return () => true;
  let seen = 0;
  return (statusCode, durationMs) => {
    if (statusCode >= 400 || durationMs >= ACCESS_LOG_SLOW_MS) return true;
    if (mode === 'errors') return false;
    seen = (seen + 1) % every;
    return seen === 1 || every === 1;
  };
}

/**
 * A Fastify `onResponse` hook writing one `request completed` line (`req.method`, `req.url`,
 * `res.statusCode`, `responseTime` ms, and the request logger's `reqId`) for the responses `mode` selects.
 * Use with `disableRequestLogging: true`. Pass `selects` to share one sampler with another writer of
 * access lines (a fast path answering some responses outside Fastify), so sampling counts them all.
 */
export function accessLogHook(
  mode: AccessLogMode,
  selects: (statusCode: number, durationMs: number) => boolean = accessLogSampler(mode),
): (request: AccessLogRequest, reply: AccessLogReply, done: () => void) => void {
  return (request, reply, done) => {
    const ms = reply.elapsedTime;
    if (selects(reply.statusCode, ms)) {
      request.log.info(
        {
          req: { method: request.method, url: request.url },
          res: { statusCode: reply.statusCode },
          responseTime: Math.round(ms * 10) / 10,
        },
        'request completed',
      );
    }
    done();
  };
}
