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
export {
  AGENT_CONFIG_VAR,
  loadProviderConfig,
  parseProviderConfigFile,
  providerConfigOf,
  resolveApiKey,
  resolveConfigSecret,
} from './providers/config.js';
export type {
  HostedMcpConfig,
  ModelApiChoice,
  ModelRetryConfig,
  ProviderConfig,
  ProviderConfigFile,
  ProviderKind,
} from './providers/config.js';
export { PROBE_TOOL, pickApi, probeCapabilities } from './providers/probe.js';
export type { ApiProbe, CapabilityProbe, ModelApi, ProbeOptions } from './providers/probe.js';
export { clearProbeMemory, createProbeCache } from './providers/probe-cache.js';
export type { ProbeCache, ProbeCacheOptions } from './providers/probe-cache.js';
export {
  DEFAULT_MODEL_RETRY,
  ModelProviderError,
  modelRetrySettings,
  retryDelayMs,
  toModelError,
} from './providers/retry.js';
export { connectModel, READ_ONLY_WARNING } from './providers/connect.js';
export type { ConnectedModel, ConnectModelOptions, ProbeAuditRecord } from './providers/connect.js';
export { createHostedGatewayAgent, hostedGatewayTool } from './providers/hosted.js';
export type { HostedGatewayAgentOptions, HostedGatewayToolOptions } from './providers/hosted.js';
export { createProviderAgent } from './providers/agent.js';
export type { AgentToolMode, ProviderAgent, ProviderAgentOptions } from './providers/agent.js';
export { createLineLogger } from './providers/log.js';
export type { LineLoggerOptions } from './providers/log.js';
