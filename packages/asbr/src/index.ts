export { buildApp } from './app.js';
export type { AsbrRuntime, BuildAppOptions } from './app.js';
export {
  DEFAULT_ASBR_PORT,
  DEFAULT_MANIFEST_PATH,
  LOG_LEVELS,
  MIN_HS256_KEY_BYTES,
  loadAsbrConfig,
} from './config.js';
export type { AsbrConfig, AsbrEnv, LogLevel } from './config.js';
export { AsbrError, ConfigError, ManifestUnavailableError } from './errors.js';
export { EXIT_CODES, exitCodeFor } from './exit-codes.js';
export { ServiceMapStore } from './map-store.js';
export type { ServiceMapStoreOptions } from './map-store.js';
export { ManifestReloader } from './reloader.js';
export type {
  LoadFailure,
  ManifestReloaderOptions,
  ReadinessState,
  ReloadResult,
  ReloadTrigger,
} from './reloader.js';
export { healthRoutes } from './routes/health.js';
export type { HealthRoutesOptions } from './routes/health.js';
export { SERVICE_MAP_PATH, serviceMapRoutes } from './routes/service-map.js';
export type { ServiceMapRoutesOptions } from './routes/service-map.js';
export { configSecrets } from './secrets.js';
export { ifNoneMatchHits, remainingSeconds, signManifest, strongEtag } from './signed-map.js';
export type { SignInputs, SignedMap } from './signed-map.js';
export { DEFAULT_WATCH_DEBOUNCE_MS, watchManifestFile } from './watcher.js';
export type { ManifestWatch } from './watcher.js';
