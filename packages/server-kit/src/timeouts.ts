import type { ServerOptions } from 'node:http';
import type { ConfigFail, ServerKitEnv } from './env.js';

/** Slow-client limits of a server (milliseconds). */
export interface SlowClientTimeouts {
  /** A request's headers must arrive within this time (slowloris), else 408 and the socket is closed. */
  readonly headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this time (slow bodies), else 408. */
  readonly requestTimeoutMs: number;
}

/** Defaults: headers within 10 s, the whole request within 30 s (a 4 MiB body needs ≥ 140 KB/s). */
export const DEFAULT_SLOW_CLIENT_TIMEOUTS: SlowClientTimeouts = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
};

function millis(env: ServerKitEnv, name: string, fallback: number, fail: ConfigFail): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  return /^\d+$/.test(raw) && Number.isSafeInteger(value) && value >= 100
    ? value
    : fail(name, 'must be an integer of milliseconds >= 100');
}

/**
 * Reads `<prefix>_HEADERS_TIMEOUT_MS` and `<prefix>_REQUEST_TIMEOUT_MS` (defaults
 * {@link DEFAULT_SLOW_CLIENT_TIMEOUTS}); the headers timeout may not exceed the request timeout.
 */
export function readSlowClientTimeouts(
  env: ServerKitEnv,
  prefix: string,
  fail: ConfigFail,
): SlowClientTimeouts {
  const requestTimeoutMs = millis(
    env,
    `${prefix}_REQUEST_TIMEOUT_MS`,
    DEFAULT_SLOW_CLIENT_TIMEOUTS.requestTimeoutMs,
    fail,
  );
  const headersTimeoutMs = millis(
    env,
    `${prefix}_HEADERS_TIMEOUT_MS`,
    Math.min(DEFAULT_SLOW_CLIENT_TIMEOUTS.headersTimeoutMs, requestTimeoutMs),
    fail,
  );
  if (headersTimeoutMs > requestTimeoutMs)
    fail(`${prefix}_HEADERS_TIMEOUT_MS`, `must not exceed ${prefix}_REQUEST_TIMEOUT_MS`);
  return { headersTimeoutMs, requestTimeoutMs };
}

/**
 * Fastify options enforcing `timeouts` on the Node HTTP server: `requestTimeout` (Fastify's default 0 turns
 * Node's off) and `http.headersTimeout`, checked every second (Node checks every 30 s by default, so a
 * slowloris socket would live up to 30 s past its deadline). Responses (SSE streams, slow tool calls) are not
 * limited: both timeouts end when the request has fully arrived.
 */
export function slowClientServerOptions(timeouts: SlowClientTimeouts = DEFAULT_SLOW_CLIENT_TIMEOUTS): {
  requestTimeout: number;
  http: ServerOptions;
} {
  return {
    requestTimeout: timeouts.requestTimeoutMs,
    http: {
      requestTimeout: timeouts.requestTimeoutMs,
      headersTimeout: timeouts.headersTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, timeouts.headersTimeoutMs),
    },
  };
}
