export { buildApp } from './app.js';
export type { BuildAppOptions, ConnectorsServer } from './app.js';
export {
  DEFAULT_ASBR_URL,
  DEFAULT_CONNECTORS_PORT,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  DEFAULT_WIDGET_DIST_DIR,
  LOG_LEVELS,
  REPO_ROOT,
  configSecrets,
  loadConnectorsConfig,
} from './config.js';
export type { ConnectorsConfig, ConnectorsEnv } from './config.js';
export {
  BadRequestError,
  ConfigError,
  ConnectorNotFoundError,
  ConnectorsServerError,
  NotReadyError,
} from './errors.js';
export { DEFAULT_EVENT_BUFFER, EventHub } from './events.js';
export type { StatusEvent } from './events.js';
export { MapHealthTracker } from './map-health.js';
export type { MapHealth, MapHealthError, MapHealthState } from './map-health.js';
export { availabilityOf, buildSnapshot, connectorStatus } from './snapshot.js';
export type {
  Availability,
  ConnectorLive,
  ConnectorStatus,
  ConnectorsSnapshot,
  ProxyView,
  ToolView,
} from './snapshot.js';
export { ConnectorsRuntime } from './runtime.js';
export type { ProbeBody, Readiness, RuntimeDeps } from './runtime.js';
export { WIDGET_BUILD_COMMAND, checkBundle } from './bundle.js';
export type { BundleState } from './bundle.js';
export { CSP_FILE, parseBundleCsp, sha256Source, strictCsp } from './csp.js';
export type { BundleCsp, InlineHashes } from './csp.js';
export { TROUBLESHOOTING_CSP, troubleshootingPage } from './troubleshooting.js';
export {
  DASHBOARD_RESOURCE_URI,
  DASHBOARD_SKYBRIDGE_URI,
  DASHBOARD_TOOL,
  SKYBRIDGE_MIME_TYPE,
  createDashboardExtension,
} from './mcp-apps.js';
export type { DashboardSource } from './mcp-apps.js';
export { InflightTracker } from './inflight.js';
export { WIDGET_PREFIX } from './routes/widget.js';
export { createStdioConnectors } from './stdio-connectors.js';
export type { StdioConnectors, StdioConnectorsOptions } from './stdio-connectors.js';
export * from './traffic/index.js';
export { parseTrafficWindow, trafficRoutes } from './routes/traffic.js';
export type { TrafficRoutesOptions } from './routes/traffic.js';
