export { createConnectorsRegistry, ConnectorsRegistry } from './registry.js';
export type { RefreshResult } from './registry.js';
export type { ConnectorsRegistryOptions } from './registry-options.js';
export { httpServiceMapSource, resolveMapUrl } from './source.js';
export type { HttpServiceMapSourceOptions } from './source.js';
export { systemClock } from './clock.js';
export type { ProxyFactory } from './pool.js';
export type {
  AgentsLogger,
  Clock,
  RegistryAvailabilityEvent,
  RegistryChangeEvent,
  RegistryEvents,
  RegistryMapState,
  RegistryMetrics,
  RegistryRawMap,
  RegistryRefusedEvent,
  RegistryStatus,
  ServiceMapFetchRequest,
  ServiceMapFetchResponse,
  ServiceMapSource,
  TimerHandle,
} from './types.js';
export { createExecutionSurfaceAgent, ExecutionSurfaceAgent } from './agent.js';
export type { ExecutionSurfaceAgentOptions, SurfaceRegistry, ToolDiscoveryReport } from './agent.js';
export type { FallbackConfig, FallbackPolicy } from './fallback.js';
export { failureText } from './invoke.js';
export type { Sleep } from './invoke.js';
export type { SurfaceTool } from './tools.js';
export { followPolicyStore, policyDeniedText, requiredScopesFor } from './policy-gate.js';
export type { PolicyFollower } from './policy-gate.js';
export {
  AgentsError,
  AgentsConfigError,
  ConnectorsMapExpiredError,
  ConnectorUnavailableError,
  MapFetchError,
  MapVerificationError,
  RegistryNotReadyError,
} from './errors.js';
export type { ConnectorUnavailableReason } from './errors.js';
