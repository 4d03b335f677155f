import { DEFAULT_AUTH_FAILURE_LIMIT, type AuthFailureLimit } from './auth-throttle.js';
import { isHostEntry, isOriginEntry } from './host-origin.js';

/** Settings of the server-kit pieces, read from `<PREFIX>_*` variables. */
export interface ServerKitSettings {
  /** `<PREFIX>_ALLOWED_HOSTS`: extra hostnames for Host (and, on the own port, Origin). */
  readonly allowedHosts: readonly string[];
  /** `<PREFIX>_ALLOWED_ORIGINS`: extra exact origins `http(s)://host[:port]`. */
  readonly allowedOrigins: readonly string[];
  /** `<PREFIX>_AUTH_FAILURE_LIMIT` per `<PREFIX>_AUTH_FAILURE_WINDOW_MS`; `false` when the limit is 0. */
  readonly authFailureLimit: AuthFailureLimit | false;
}

/** Environment shape read by {@link readServerKitEnv}. */
export type ServerKitEnv = Readonly<Record<string, string | undefined>>;

/** Throws the caller's own config error naming `variable` (never its value). */
export type ConfigFail = (variable: string, reason: string) => never;

function list(
  env: ServerKitEnv,
  name: string,
  valid: (s: string) => boolean,
  what: string,
  fail: ConfigFail,
): string[] {
  const entries = (env[name] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = entries.findIndex((entry) => !valid(entry));
  return bad === -1 ? entries : fail(name, `must be comma-separated ${what} (entry ${bad} is not)`);
}

function integer(env: ServerKitEnv, name: string, min: number, fallback: number, fail: ConfigFail): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  return /^\d+$/.test(raw) && Number.isSafeInteger(value) && value >= min
    ? value
    : fail(name, `must be an integer >= ${min}`);
}

/**
 * Reads `<prefix>_ALLOWED_HOSTS`, `<prefix>_ALLOWED_ORIGINS`, `<prefix>_AUTH_FAILURE_LIMIT` (default 20,
 * 0 = no throttling) and `<prefix>_AUTH_FAILURE_WINDOW_MS` (default 60,000). A bad value calls `fail`
 * with the variable and the rule it broke.
 */
export function readServerKitEnv(env: ServerKitEnv, prefix: string, fail: ConfigFail): ServerKitSettings {
  const max = integer(env, `${prefix}_AUTH_FAILURE_LIMIT`, 0, DEFAULT_AUTH_FAILURE_LIMIT.max, fail);
  const timeWindowMs = integer(
    env,
    `${prefix}_AUTH_FAILURE_WINDOW_MS`,
    1,
    DEFAULT_AUTH_FAILURE_LIMIT.timeWindowMs,
    fail,
  );
  return {
    allowedHosts: list(env, `${prefix}_ALLOWED_HOSTS`, isHostEntry, 'hostnames without port or scheme', fail),
    allowedOrigins: list(
      env,
      `${prefix}_ALLOWED_ORIGINS`,
      isOriginEntry,
      'origins like https://host:port',
      fail,
    ),
    authFailureLimit: max === 0 ? false : { max, timeWindowMs },
  };
}
