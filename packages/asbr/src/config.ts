import { isAbsolute, resolve } from 'node:path';
import {
  GATEWAY_URL_VAR,
  GatewayUrlError,
  KeyEnvError,
  PUBLIC_URL_VAR,
  listedVerifyKeysFromEnv,
  normalizeGatewayUrl,
  MIN_HS256_SECRET_BYTES,
  signatureKeyFromEnv,
  signingJwkFromEnv,
  type KeyEnv,
  type KeyInput,
  type SigningKeyInput,
} from '@cortex-os/connectors-manifest';
import {
  readServerKitEnv,
  readSlowClientTimeouts,
  type ServerKitSettings,
  type SlowClientTimeouts,
} from '@cortex-os/server-kit';
import { ACCESS_LOG_MODES, DEFAULT_ACCESS_LOG_MODE, type AccessLogMode } from '@cortex-os/telemetry';
import { z } from 'zod';
import { ConfigError } from './errors.js';

/** Default manifest location, resolved against the working directory. */
export const DEFAULT_MANIFEST_PATH = 'config/connectors.manifest.json';
/** Default TCP port of asbr. */
export const DEFAULT_ASBR_PORT = 7070;
/** Minimum HS256 key length in bytes (UTF-8 bytes of `CONNECTORS_SIGNATURE_KEY`): the manifest package's rule. */
export const MIN_HS256_KEY_BYTES = MIN_HS256_SECRET_BYTES;

/** pino log levels accepted in `LOG_LEVEL`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Validated asbr configuration (never logged as a whole: it holds secrets). */
export interface AsbrConfig {
  /** Absolute path of the manifest file. */
  readonly manifestPath: string;
  /** Key used to sign the map: EdDSA when `CONNECTORS_SIGNING_JWK` is set, else HS256. */
  readonly signingKey: SigningKeyInput;
  /** Verify-only keys from `CONNECTORS_VERIFY_KEYS` (rotation), plus the HS256 key when EdDSA signs. */
  readonly verifyKeys: readonly KeyInput[];
  /** Accepted API keys; `null` only when `NO_AUTH=true`. */
  readonly apiKeys: readonly string[] | null;
  /** TCP port (0–65535). */
  readonly port: number;
  /** Listen address. */
  readonly host: string;
  /** pino level. */
  readonly logLevel: LogLevel;
  /** Which responses get an access-log line (`LOG_ACCESS`, default `sampled`). */
  readonly logAccess: AccessLogMode;
  /** `ASBR_ALLOWED_HOSTS`, `ASBR_ALLOWED_ORIGINS`, `ASBR_AUTH_FAILURE_LIMIT` / `_WINDOW_MS` (DNS-rebinding guard, auth throttling). */
  readonly guard: ServerKitSettings;
  /** `ASBR_HEADERS_TIMEOUT_MS` (10,000) and `ASBR_REQUEST_TIMEOUT_MS` (30,000): slow-client limits. */
  readonly timeouts: SlowClientTimeouts;
  /**
   * Gateway base URL (`CONNECTORS_GATEWAY_URL`, else `CONNECTORS_PUBLIC_URL`), normalized (http(s), no trailing
   * slash): a stdio connector is published in the map as `<gatewayUrl>/mcp/connectors/<id>`. `undefined` when
   * neither is set (a manifest with a stdio connector is then refused as `MANIFEST_INVALID` at load).
   */
  readonly gatewayUrl?: string | undefined;
  /**
   * `ASBR_DETERMINISTIC_SIGNING=true`: several asbr replicas on one manifest and key serve identical bytes
   * (signing time = epoch start or manifest mtime; see signing-epoch.ts). Default false (sign at the current time).
   */
  readonly deterministicSigning: boolean;
}

/** Environment shape read by {@link loadAsbrConfig}. */
export type AsbrEnv = Readonly<Record<string, string | undefined>>;

const fail = (variable: string, reason: string, options?: { cause?: unknown }): never => {
  throw new ConfigError(variable, reason, options);
};

const present = (env: AsbrEnv, name: string): string | undefined => {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
};

/** Runs a key reader of `@cortex-os/connectors-manifest`, turning its error into a {@link ConfigError} naming the variable. */
function keys<T>(read: (env: KeyEnv) => T, env: AsbrEnv): T {
  try {
    return read(env);
  } catch (error) {
    if (error instanceof KeyEnvError) return fail(error.source, error.reason, { cause: error });
    throw error;
  }
}

const readHsKey = (env: AsbrEnv): SigningKeyInput | undefined => keys(signatureKeyFromEnv, env);
const readEdKey = (env: AsbrEnv): SigningKeyInput | undefined => keys(signingJwkFromEnv, env);
/** `CONNECTORS_VERIFY_KEYS`: public keys only (a private JWK member is refused, naming the variable). */
const readVerifyKeys = (env: AsbrEnv): KeyInput[] => keys(listedVerifyKeysFromEnv, env);

function readApiKeys(env: AsbrEnv): string[] | null {
  const noAuth = present(env, 'NO_AUTH');
  if (noAuth !== undefined && noAuth !== 'true' && noAuth !== 'false') {
    fail('NO_AUTH', 'must be "true" or "false"');
  }
  if (noAuth === 'true') return null;
  const raw = present(env, 'CONNECTORS_API_KEY');
  if (raw === undefined)
    return fail('CONNECTORS_API_KEY', 'is required (comma-separated keys) unless NO_AUTH=true');
  const keys = raw.split(',').map((key) => key.trim());
  if (keys.some((key) => key === '')) fail('CONNECTORS_API_KEY', 'must not contain empty entries');
  return keys;
}

function readFlag(env: AsbrEnv, name: string): boolean {
  const raw = present(env, name);
  if (raw === undefined) return false;
  if (raw !== 'true' && raw !== 'false') fail(name, 'must be "true" or "false"');
  return raw === 'true';
}

function readPort(env: AsbrEnv): number {
  const raw = present(env, 'ASBR_PORT');
  if (raw === undefined) return DEFAULT_ASBR_PORT;
  const port = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || port > 65_535) fail('ASBR_PORT', 'must be an integer between 0 and 65535');
  return port;
}

function readLogLevel(env: AsbrEnv): LogLevel {
  const raw = present(env, 'LOG_LEVEL');
  if (raw === undefined) return 'info';
  const parsed = z.enum(LOG_LEVELS).safeParse(raw.trim());
  return parsed.success ? parsed.data : fail('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
}

function readLogAccess(env: AsbrEnv): AccessLogMode {
  const raw = present(env, 'LOG_ACCESS');
  if (raw === undefined) return DEFAULT_ACCESS_LOG_MODE;
  const parsed = z.enum(ACCESS_LOG_MODES).safeParse(raw.trim());
  return parsed.success ? parsed.data : fail('LOG_ACCESS', `must be one of ${ACCESS_LOG_MODES.join(', ')}`);
}

/**
 * `CONNECTORS_GATEWAY_URL`, falling back to `CONNECTORS_PUBLIC_URL`, through `normalizeGatewayUrl`.
 * @throws ConfigError naming the variable the value came from and the rule broken (never the value).
 */
function readGatewayUrl(env: AsbrEnv): string | undefined {
  const variable = present(env, GATEWAY_URL_VAR) !== undefined ? GATEWAY_URL_VAR : PUBLIC_URL_VAR;
  const raw = present(env, variable);
  if (raw === undefined) return undefined;
  try {
    return normalizeGatewayUrl(raw);
  } catch (error) {
    if (error instanceof GatewayUrlError) return fail(variable, error.reason, { cause: error });
    throw error;
  }
}

function readManifestPath(env: AsbrEnv, cwd: string): string {
  const raw = present(env, 'CONNECTORS_MANIFEST_PATH') ?? DEFAULT_MANIFEST_PATH;
  return isAbsolute(raw) ? raw : resolve(cwd, raw);
}

/**
 * Validates the asbr environment once, at startup.
 *
 * Signing: `CONNECTORS_SIGNING_JWK` (EdDSA) wins when both keys are set; the HS256 key is then kept
 * as a verify-only key. Throws {@link ConfigError} (code `CONFIG_INVALID`) naming the variable and
 * the rule it broke, never its value.
 * @param env usually `process.env`
 * @param cwd base directory of a relative `CONNECTORS_MANIFEST_PATH` (default `process.cwd()`)
 */
export function loadAsbrConfig(env: AsbrEnv, cwd: string = process.cwd()): AsbrConfig {
  const hs = readHsKey(env);
  const ed = readEdKey(env);
  const signingKey = ed ?? hs;
  if (signingKey === undefined) {
    return fail('CONNECTORS_SIGNATURE_KEY', 'or CONNECTORS_SIGNING_JWK is required to sign the service map');
  }
  const verifyKeys = readVerifyKeys(env);
  if (ed !== undefined && hs?.alg === 'HS256') {
    const secret = hs.secret;
    if (!verifyKeys.some((key) => key.alg === 'HS256' && key.secret === secret))
      verifyKeys.push({ alg: 'HS256', secret });
  }
  return {
    manifestPath: readManifestPath(env, cwd),
    signingKey,
    verifyKeys,
    apiKeys: readApiKeys(env),
    port: readPort(env),
    host: present(env, 'HOST')?.trim() ?? '127.0.0.1',
    logLevel: readLogLevel(env),
    logAccess: readLogAccess(env),
    guard: readServerKitEnv(env, 'ASBR', fail),
    timeouts: readSlowClientTimeouts(env, 'ASBR', fail),
    gatewayUrl: readGatewayUrl(env),
    deterministicSigning: readFlag(env, 'ASBR_DETERMINISTIC_SIGNING'),
  };
}
