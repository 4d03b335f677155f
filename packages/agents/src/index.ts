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
export { startRun, resumeRun, defaultRunsDir } from './runtime/runner.js';
export type {
  ApprovalDecision,
  ResumeRunOptions,
  RuntimeOptions,
  StartRunOptions,
} from './runtime/runner.js';
export type { ApprovalRecord, RunOutcome, RuntimeAuditRecord } from './runtime/segment.js';
export { fileCheckpointStore, redisCheckpointStore, RUN_FILES } from './runtime/store.js';
export type { CheckpointDocument, CheckpointStore, RedisCheckpointClient } from './runtime/store.js';
export { readMeta } from './runtime/run-meta.js';
export type { PendingApproval, RunMeta, RunStatus, RunUsage } from './runtime/run-meta.js';
export type { BudgetExceeded, BudgetUsage, RunBudget } from './runtime/budget.js';
export type { BudgetKind, GuardrailDecision, RunLogEntry } from './runtime/run-log.js';
export { GUARDRAIL_NAMES } from './runtime/guardrails.js';
export type { GuardrailOptions } from './runtime/guardrails.js';
export { createSecretScanner } from './runtime/secrets.js';
export type { Redaction, SecretKind, SecretScanner } from './runtime/secrets.js';
export { findInjectionMarkers } from './runtime/injection.js';
