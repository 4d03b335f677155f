import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envKeySecrets, KeyEnvError, verifyKeysFromEnv, type KeyInput } from '@cortex-os/connectors-manifest';
import {
  readSecretRefSettings,
  SecretPolicyConfigError,
  type SecretRefSettings,
} from '@cortex-os/connectors-manifest/node';
import { ACCESS_LOG_MODES, DEFAULT_ACCESS_LOG_MODE, type AccessLogMode } from '@cortex-os/telemetry';
import {
  isLoopbackHost,
  KeyPrincipalsError,
  loadKeyPrincipals,
  readServerKitEnv,
  type KeyPrincipal,
  readSlowClientTimeouts,
  type ServerKitSettings,
  type SlowClientTimeouts,
} from '@cortex-os/server-kit';
import { parseSessionKeys } from '@cortex-os/mcp-server';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { loadIdentityConfig, type IdentityConfig } from './identity-config.js';

/** Default port of the connectors server. */
export const DEFAULT_CONNECTORS_PORT = 7071;
/** Default asbr base URL. */
export const DEFAULT_ASBR_URL = 'http://127.0.0.1:7070';
/** Repository root (this file lives in packages/connectors/{src,dist}/). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Default widget bundle directory (`apps/chatgpt-dashboard/dist`). */
export const DEFAULT_WIDGET_DIST_DIR = resolve(REPO_ROOT, 'apps/chatgpt-dashboard/dist');
/** Default graceful-shutdown deadline, milliseconds. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
/** pino levels accepted in `LOG_LEVEL`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Validated configuration of the connectors server (holds secrets: never log it as a whole). */
export interface ConnectorsConfig {
  /** asbr base URL (the map is fetched from `<asbrUrl>/v1/connectors/service-map`). */
  readonly asbrUrl: string;
  /** Key sent to asbr (`ASBR_API_KEY`, else the first `CONNECTORS_API_KEY`); undefined with NO_AUTH and none set. */
  readonly asbrApiKey: string | undefined;
  /** Keys accepted on REST/SSE (`CONNECTORS_API_KEY`); `null` when NO_AUTH. */
  readonly apiKeys: readonly string[] | null;
  /** Keys accepted on `/mcp` (`MCP_API_KEY`; optional with `MCP_AUTH=oauth|both` or a principals file); `null` when NO_AUTH. */
  readonly mcpApiKeys: readonly string[] | null;
  /** `MCP_AUTH`, OAuth resource-server settings, principals and policy files, session caps. */
  readonly identity: IdentityConfig;
  /** API keys bound to subjects and roles (`CONNECTORS_PRINCIPALS_FILE`; only their SHA-256 is kept). */
  readonly keyPrincipals: readonly KeyPrincipal[];
  /** Keys that verify the signed map (verify keys + signature key + public half of the signing JWK). */
  readonly verifyKeys: readonly KeyInput[];
  /** Key material of the environment (HS256 secrets, the signing JWK text and its `d`), for redaction only. */
  readonly keySecrets: readonly string[];
  /** secretRefs the gateway may resolve (`CONNECTORS_SECRET_REFS`, default `env:CONNECTOR_*`; `CONNECTORS_SECRET_DIR`). */
  readonly secretRefs: SecretRefSettings;
  readonly port: number;
  readonly host: string;
  /** `NO_AUTH=true`: every route open (loopback only unless `NO_AUTH_FORCE=true`). */
  readonly noAuth: boolean;
  /** Built widget directory (index.html, mcp-app.html). */
  readonly widgetDistDir: string;
  /** Widget source directory compared by mtime to detect a stale bundle. */
  readonly widgetSrcDir: string;
  /** JSONL audit file, or undefined for no audit file. */
  readonly auditLogPath: string | undefined;
  /** Redis URL for the shared quota store, or undefined for the in-memory store. */
  readonly redisUrl: string | undefined;
  /**
   * `CONNECTORS_QUOTA_REDIS_FAILURE`: while Redis is unreachable, `open` (default) counts quotas against each
   * replica's local limits, `closed` refuses tool calls; `/readyz` is 200 `degraded` either way.
   */
  readonly quotaRedisFailure?: 'open' | 'closed';
  /**
   * `CONNECTORS_SESSION_KEYS`: AES-256-GCM keys sealing MCP session ids (first seals, all open); empty = a
   * random per-process key (single-replica mode, logged as a warning by the gateway).
   */
  readonly sessionKeys?: readonly Uint8Array[];
  /** `CONNECTORS_ALLOWED_HOSTS`, `CONNECTORS_ALLOWED_ORIGINS`, `CONNECTORS_AUTH_FAILURE_LIMIT` / `_WINDOW_MS` (DNS-rebinding guard on every route, auth throttling). */
  readonly guard: ServerKitSettings;
  /** Graceful shutdown deadline, milliseconds. */
  readonly shutdownTimeoutMs: number;
  /** Upstream health probe period, milliseconds (`CONNECTORS_PROBE_INTERVAL_MS`, default 5000). */
  readonly probeIntervalMs: number;
  /** How often asbr is asked for the map, milliseconds (`CONNECTORS_REFRESH_INTERVAL_MS`, default 5000). */
  readonly refreshIntervalMs: number;
  /** How long an upstream's open circuit waits before a half-open probe, milliseconds (`CONNECTORS_BREAKER_RESET_MS`, default 10000). */
  readonly breakerResetMs: number;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  /** Which responses get an access-log line (`LOG_ACCESS`, default `sampled`). */
  readonly logAccess: AccessLogMode;
  /** Answer cached `GET /v1/connectors` 200s before Fastify (`CONNECTORS_LIST_FAST_LANE`, default `true`). */
  readonly listFastLane: boolean;
  /**
   * Stdio connectors: the local manifest holding their launch specs (`CONNECTORS_MANIFEST_PATH`, the file asbr
   * signs; unset = no stdio connector can start) and the parent of their workspaces (`CONNECTORS_WORKSPACES_DIR`,
   * default `./workspaces`).
   */
  readonly stdio?: { readonly manifestPath: string | undefined; readonly workspacesDir: string };
  /** `CONNECTORS_HEADERS_TIMEOUT_MS` (10,000) and `CONNECTORS_REQUEST_TIMEOUT_MS` (30,000): slow-client limits. */
  readonly timeouts?: SlowClientTimeouts;
}

/** Environment read by {@link loadConnectorsConfig}. */
export type ConnectorsEnv = Readonly<Record<string, string | undefined>>;

const fail = (variable: string, reason: string): never => {
  throw new ConfigError(variable, reason);
};

function present(env: ConnectorsEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** Parses `env[name]` with `schema`; a failure names the variable and `reason`, never the value. */
function read<T>(env: ConnectorsEnv, name: string, schema: z.ZodType<T>, reason: string, fallback: T): T {
  const raw = present(env, name);
  if (raw === undefined) return fallback;
  const parsed = schema.safeParse(raw);
  return parsed.success ? parsed.data : fail(name, reason);
}

const Bool = z.enum(['true', 'false']).transform((v) => v === 'true');
const Port = z
  .string()
  .regex(/^\d{1,5}$/)
  .transform(Number)
  .pipe(z.number().int().min(0).max(65_535));
const HttpUrl = z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, ''));
const Millis = z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().positive());
const KeyList = z
  .string()
  .transform((s) => s.split(',').map((k) => k.trim()))
  .pipe(z.array(z.string().min(16)).min(1));

function keyList(env: ConnectorsEnv, name: string, noAuth: boolean, optional = false): string[] | null {
  const raw = present(env, name);
  if (raw === undefined && optional) return noAuth ? null : [];
  if (raw === undefined)
    return noAuth ? null : fail(name, 'is required (comma-separated keys) unless NO_AUTH=true');
  const keys = read(env, name, KeyList, 'must be comma-separated keys of at least 16 characters each', []);
  return noAuth ? null : keys;
}

/** Verify keys (public only) from the shared reader of `@cortex-os/connectors-manifest`; errors name the variable. */
function verifyKeys(env: ConnectorsEnv): KeyInput[] {
  let keys: KeyInput[] = [];
  try {
    keys = verifyKeysFromEnv(env);
  } catch (error) {
    if (error instanceof KeyEnvError) fail(error.source, error.reason);
    throw error;
  }
  if (keys.length === 0) {
    fail(
      'CONNECTORS_VERIFY_KEYS',
      'or CONNECTORS_SIGNATURE_KEY or CONNECTORS_SIGNING_JWK is required to verify the service map',
    );
  }
  return keys;
}

/** `CONNECTORS_SECRET_REFS` / `CONNECTORS_SECRET_DIR`: which secretRefs the gateway may resolve. */
function secretRefs(env: ConnectorsEnv): SecretRefSettings {
  try {
    return readSecretRefSettings(env);
  } catch (error) {
    if (error instanceof SecretPolicyConfigError) fail(error.variable, error.reason);
    throw error;
  }
}

function path(
  env: ConnectorsEnv,
  name: string,
  cwd: string,
  fallback: string | undefined,
): string | undefined {
  const raw = present(env, name);
  if (raw === undefined) return fallback;
  return isAbsolute(raw) ? raw : resolve(cwd, raw);
}

/** The principals file, read and validated at startup; a problem names the variable and the JSON path. */
function keyPrincipals(env: ConnectorsEnv, path: string | undefined): readonly KeyPrincipal[] {
  if (path === undefined) return [];
  try {
    return loadKeyPrincipals(path, { env });
  } catch (error) {
    if (error instanceof KeyPrincipalsError)
      fail('CONNECTORS_PRINCIPALS_FILE', `is refused: ${error.message.replace(/^brAInwav: /, '')}`);
    throw error;
  }
}

/** `CONNECTORS_SESSION_KEYS`: comma-separated base64 32-byte keys; a bad one is named by position, never shown. */
function sessionKeys(env: ConnectorsEnv): readonly Uint8Array[] {
  const raw = present(env, 'CONNECTORS_SESSION_KEYS');
  if (raw === undefined) return [];
  try {
    return parseSessionKeys(raw);
  } catch (error) {
    return fail(
      'CONNECTORS_SESSION_KEYS',
      (error as Error).message.replace(/^brAInwav: /, 'has a bad key: '),
    );
  }
}

function authMode(env: ConnectorsEnv, host: string): boolean {
  const noAuth = read(env, 'NO_AUTH', Bool, 'must be "true" or "false"', false);
  const force = read(env, 'NO_AUTH_FORCE', Bool, 'must be "true" or "false"', false);
  if (noAuth && !isLoopbackHost(host) && !force) {
    fail(
      'NO_AUTH',
      `=true is refused because HOST is not a loopback address; set NO_AUTH_FORCE=true to expose an unauthenticated server`,
    );
  }
  return noAuth;
}

/**
 * Validates the connectors server environment once, at startup.
 * @param env usually `process.env`
 * @param cwd base of relative paths (default `process.cwd()`)
 * @throws ConfigError `CONFIG_INVALID` naming the variable and the rule it broke, never its value.
 */
export function loadConnectorsConfig(env: ConnectorsEnv, cwd: string = process.cwd()): ConnectorsConfig {
  const host = present(env, 'HOST') ?? '127.0.0.1';
  const noAuth = authMode(env, host);
  const apiKeys = keyList(env, 'CONNECTORS_API_KEY', noAuth);
  const widgetDistDir = path(env, 'CONNECTORS_WIDGET_DIR', cwd, DEFAULT_WIDGET_DIST_DIR) as string;
  const port = read(
    env,
    'CONNECTORS_PORT',
    Port,
    'must be an integer between 0 and 65535',
    DEFAULT_CONNECTORS_PORT,
  );
  const identity = loadIdentityConfig(env, { host, port }, cwd);
  // without MCP_API_KEY the MCP endpoints take tokens (MCP_AUTH=oauth|both) or the principals file's keys
  const mcpKeysOptional = identity.mode !== 'apiKey' || identity.principalsFile !== undefined;
  return {
    asbrUrl: read(env, 'ASBR_URL', HttpUrl, 'must be an http(s) URL', DEFAULT_ASBR_URL),
    asbrApiKey: present(env, 'ASBR_API_KEY') ?? present(env, 'CONNECTORS_API_KEY')?.split(',')[0]?.trim(),
    apiKeys,
    mcpApiKeys: keyList(env, 'MCP_API_KEY', noAuth, mcpKeysOptional),
    identity,
    keyPrincipals: keyPrincipals(env, identity.principalsFile),
    verifyKeys: verifyKeys(env),
    keySecrets: envKeySecrets(env),
    secretRefs: secretRefs(env),
    port,
    host,
    noAuth,
    widgetDistDir,
    widgetSrcDir: path(env, 'CONNECTORS_WIDGET_SRC_DIR', cwd, resolve(widgetDistDir, '../src')) as string,
    auditLogPath: path(env, 'CONNECTORS_AUDIT_LOG', cwd, undefined),
    redisUrl: read<string | undefined>(
      env,
      'REDIS_URL',
      z.url({ protocol: /^rediss?$/ }),
      'must be a redis:// or rediss:// URL',
      undefined,
    ),
    quotaRedisFailure: read(
      env,
      'CONNECTORS_QUOTA_REDIS_FAILURE',
      z.enum(['open', 'closed']),
      'must be "open" or "closed"',
      'open' as const,
    ),
    sessionKeys: sessionKeys(env),
    guard: readServerKitEnv(env, 'CONNECTORS', fail),
    stdio: {
      manifestPath: path(env, 'CONNECTORS_MANIFEST_PATH', cwd, undefined),
      workspacesDir: path(env, 'CONNECTORS_WORKSPACES_DIR', cwd, resolve(cwd, 'workspaces')) as string,
    },
    shutdownTimeoutMs: read(
      env,
      'CONNECTORS_SHUTDOWN_TIMEOUT_MS',
      Millis,
      'must be a positive integer of milliseconds',
      DEFAULT_SHUTDOWN_TIMEOUT_MS,
    ),
    probeIntervalMs: read(
      env,
      'CONNECTORS_PROBE_INTERVAL_MS',
      Millis,
      'must be a positive integer of milliseconds',
      5_000,
    ),
    refreshIntervalMs: read(
      env,
      'CONNECTORS_REFRESH_INTERVAL_MS',
      Millis,
      'must be a positive integer of milliseconds',
      5_000,
    ),
    breakerResetMs: read(
      env,
      'CONNECTORS_BREAKER_RESET_MS',
      Millis,
      'must be a positive integer of milliseconds',
      10_000,
    ),
    logLevel: read(env, 'LOG_LEVEL', z.enum(LOG_LEVELS), `must be one of ${LOG_LEVELS.join(', ')}`, 'info'),
    logAccess: read(
      env,
      'LOG_ACCESS',
      z.enum(ACCESS_LOG_MODES),
      `must be one of ${ACCESS_LOG_MODES.join(', ')}`,
      DEFAULT_ACCESS_LOG_MODE,
    ),
    listFastLane: read(env, 'CONNECTORS_LIST_FAST_LANE', Bool, 'must be "true" or "false"', true),
    timeouts: readSlowClientTimeouts(env, 'CONNECTORS', fail),
  };
}

/** Every secret value in `config` (for log redaction). */
export function configSecrets(config: ConnectorsConfig): string[] {
  const secrets = [...(config.apiKeys ?? []), ...(config.mcpApiKeys ?? [])];
  if (config.asbrApiKey) secrets.push(config.asbrApiKey);
  for (const key of config.verifyKeys) if (key.alg === 'HS256') secrets.push(key.secret);
  secrets.push(...config.keySecrets);
  if (config.redisUrl && /:[^@/]+@/.test(config.redisUrl)) secrets.push(config.redisUrl);
  for (const key of config.sessionKeys ?? [])
    secrets.push(Buffer.from(key).toString('base64'), Buffer.from(key).toString('base64url'));
  return secrets;
}
