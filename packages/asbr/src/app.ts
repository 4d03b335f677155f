import { statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { ConnectorsError, createKeySet, createSigner, type Manifest } from '@cortex-os/connectors-manifest';
import { loadManifestFile } from '@cortex-os/connectors-manifest/node';
import {
  accessLogHook,
  createConnectorsMetrics,
  createLogger,
  type ConnectorsMetrics,
} from '@cortex-os/telemetry';
import {
  authPlugin,
  defaultHostOriginPolicy,
  errorHandlerPlugin,
  hostGuardPlugin,
  slowClientServerOptions,
} from '@cortex-os/server-kit';
import { ulid } from 'ulid';
import type { AsbrConfig } from './config.js';
import { ConfigError } from './errors.js';
import { ServiceMapStore } from './map-store.js';
import { ManifestReloader, type ReloadResult, type ReloadTrigger } from './reloader.js';
import { healthRoutes } from './routes/health.js';
import { serviceMapRoutes } from './routes/service-map.js';
import { configSecrets } from './secrets.js';
import { watchManifestFile } from './watcher.js';

/** The asbr runtime attached to the app as `app.asbr`. */
export interface AsbrRuntime {
  /** The signed, pre-serialized map and its re-sign logic. */
  readonly store: ServiceMapStore;
  /** Manifest (re)loading and readiness. */
  readonly reloader: ManifestReloader;
  /** The metrics `/metrics` exports. */
  readonly metrics: ConnectorsMetrics;
  /** Reloads the manifest now (serialized; never rejects). */
  reload(trigger?: ReloadTrigger): Promise<ReloadResult>;
}

declare module 'fastify' {
  interface FastifyInstance {
    asbr: AsbrRuntime;
  }
}

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  /** Validated configuration (from `loadAsbrConfig`). */
  readonly config: AsbrConfig;
  /** pino-compatible logger; default `createLogger({ component: 'asbr' })` redacting every configured secret. */
  readonly logger?: FastifyBaseLogger;
  /** Metrics; default a fresh registry per app. */
  readonly metrics?: ConnectorsMetrics;
  /** Current time, ms since the epoch; default `Date.now`. */
  readonly clock?: () => number;
  /** Map id source; default `ulid()`. */
  readonly idSource?: () => string;
  /** Reads and validates the manifest; default `loadManifestFile(config.manifestPath)`. */
  readonly readManifest?: () => Promise<Manifest>;
  /** Watch the manifest file and reload on change (debounce in ms); default off. */
  readonly watch?: boolean | { readonly debounceMs?: number };
}

const TRACE_ID = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;

/**
 * Request id generator: the W3C trace id of an incoming `traceparent`, else 32 hex chars made of a
 * random per-app prefix (16 hex) and a counter (16 hex) — unique per process, cheap on the hot path.
 */
function requestIds(): (raw: { headers: Record<string, string | string[] | undefined> }) => string {
  const prefix = randomBytes(8).toString('hex');
  let counter = 0;
  return (raw) => {
    const parent = raw.headers.traceparent;
    const match = typeof parent === 'string' ? TRACE_ID.exec(parent) : null;
    counter += 1;
    return match?.[1] ?? prefix + counter.toString(16).padStart(16, '0');
  };
}

/**
 * Branded errors, then the DNS-rebinding guard on every route (loopback, `HOST`, `ASBR_ALLOWED_HOSTS`,
 * `ASBR_ALLOWED_ORIGINS`), then API-key auth (scope `api`; health routes are public, unknown routes 404
 * without a key) with failed attempts throttled per client address.
 */
async function registerServerKit(app: FastifyInstance, config: AsbrConfig): Promise<void> {
  const { guard } = config;
  await app.register(errorHandlerPlugin);
  await app.register(hostGuardPlugin, {
    policy: defaultHostOriginPolicy({
      listenHost: config.host,
      allowedHosts: guard.allowedHosts,
      allowedOrigins: guard.allowedOrigins,
    }),
    variables: { hosts: 'ASBR_ALLOWED_HOSTS', origins: 'ASBR_ALLOWED_ORIGINS' },
  });
  await app.register(authPlugin, {
    scopes: { api: { keys: config.apiKeys, label: 'the service map' } },
    defaultScope: 'api',
    notFoundScope: 'public',
    realm: 'brAInwav asbr',
    failureLimit: guard.authFailureLimit,
  });
}

/** Imports `CONNECTORS_VERIFY_KEYS` once so a bad JWK or a kid given twice fails at startup. */
async function assertVerifyKeys(config: AsbrConfig): Promise<void> {
  try {
    await createKeySet(config.verifyKeys);
  } catch (error) {
    const reason =
      error instanceof ConnectorsError ? error.message.replace(/^brAInwav: /, '') : 'cannot be imported';
    throw new ConfigError('CONNECTORS_VERIFY_KEYS', `is invalid: ${reason}`, { cause: error });
  }
}

/**
 * Builds the asbr Fastify app (not listening): creates the signer (rejects with code `KEY_INVALID`
 * on a bad key; `CONFIG_INVALID` naming `CONNECTORS_VERIFY_KEYS` when a verify key cannot be imported), loads the manifest once (a failure leaves the app up, answering 503
 * `MANIFEST_UNAVAILABLE` and `/readyz` 503 — `main.ts` exits instead), and registers the auth,
 * service-map, health/metrics and error plugins. `app.close()` stops the file watch.
 */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config } = options;
  const logger =
    options.logger ??
    createLogger({ component: 'asbr', level: config.logLevel, secrets: configSecrets(config) });
  const clock = options.clock ?? Date.now;
  const metrics = options.metrics ?? createConnectorsMetrics();
  const signer = await createSigner(config.signingKey);
  await assertVerifyKeys(config);
  const store = new ServiceMapStore({
    signer,
    clock,
    idSource: options.idSource ?? (() => ulid()),
    logger,
    gatewayUrl: config.gatewayUrl,
    deterministic: config.deterministicSigning
      ? { manifestChangedAt: () => statSync(config.manifestPath, { throwIfNoEntry: false })?.mtimeMs }
      : undefined,
  });
  const readManifest = options.readManifest ?? (() => loadManifestFile(config.manifestPath));
  const reloader = new ManifestReloader({
    store,
    readManifest,
    metrics,
    logger,
    clock,
    source: config.manifestPath,
  });

  const app = Fastify({
    loggerInstance: logger,
    genReqId: requestIds(),
    return503OnClosing: true,
    // one access line per selected response (LOG_ACCESS), not Fastify's two per request
    logController: new LogController({ disableRequestLogging: true }),
    // slowloris / slow bodies: headers within 10 s, the whole request within 30 s (ASBR_*_TIMEOUT_MS)
    ...slowClientServerOptions(config.timeouts),
  });
  app.addHook('onResponse', accessLogHook(config.logAccess ?? 'sampled'));
  app.decorate('asbr', {
    store,
    reloader,
    metrics,
    reload: (trigger: ReloadTrigger = 'manual') => reloader.reload(trigger),
  });
  await registerServerKit(app, config);
  await app.register(serviceMapRoutes, { store, clock });
  await app.register(healthRoutes, { store, reloader, registry: metrics.registry });
  logger.info(
    { kid: signer.kid, alg: signer.alg, auth: config.apiKeys !== null },
    'brAInwav: asbr signer ready',
  );
  if (config.apiKeys === null)
    logger.warn('brAInwav: NO_AUTH=true, the service map is served without an API key');
  await reloader.reload('startup');
  if (options.watch) {
    const debounceMs = typeof options.watch === 'object' ? options.watch.debounceMs : undefined;
    const watch = watchManifestFile(config.manifestPath, () => void reloader.reload('watch'), {
      logger,
      debounceMs,
    });
    app.addHook('onClose', (_instance, done) => {
      watch.close();
      done();
    });
  }
  return app;
}
