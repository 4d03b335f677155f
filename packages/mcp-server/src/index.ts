export { createConnectorsGateway } from './gateway.js';
export type { ConnectorsGateway, ConnectorsGatewayOptions } from './gateway.js';
export { staticConnectorSource } from './contracts.js';
export type {
  AggregateExtension,
  ExtensionCallContext,
  ExtensionResource,
  ExtensionTool,
} from './extensions.js';
export type {
  GatewayConnector,
  GatewayConnectorBinding,
  GatewayConnectorSource,
  GatewayProxy,
} from './contracts.js';
export { MemoryQuotaStore, QuotaGuard, windowStart } from './quota.js';
export type { QuotaLimits, QuotaStore, QuotaUse, QuotaWindowState } from './quota.js';
export { FallbackQuotaStore, RedisQuotaStore } from './redis-quota.js';
export type {
  FallbackQuotaStoreOptions,
  QuotaRedisFailureMode,
  RedisQuotaStoreOptions,
} from './redis-quota.js';
export { createJsonlAuditSink, createMemoryAuditSink } from './audit.js';
export type { AuditRecord, AuditSink, CallOutcome, JsonlAuditSink } from './audit.js';
export { checkHostAndOrigin, LOCALHOST_NAMES } from './guard.js';
export { MAX_JSON_BODY_BYTES, readJsonBody } from './body.js';
export type { JsonBody } from './body.js';
export type { OriginPolicy } from './guard.js';
export { brandDescription, gatewayToolName, toolAllowed } from './names.js';
export type { GatewayToolName } from './names.js';
export { META_CONNECTOR, META_ORIGINAL, META_TOOL } from './catalog.js';
export { META_ERROR } from './call.js';
export { MAX_TOOL_LABELS_PER_CONNECTOR, OTHER_TOOLS, ToolLabels } from './tool-labels.js';
export { createUpstreamConnector, defaultUpstreamConnector } from './upstream.js';
export type { StdioSessionOpener, UpstreamConnector, UpstreamSession } from './upstream.js';
export {
  GATEWAY_ERROR_STATUS,
  GatewayError,
  GatewayOptionError,
  QuotaExceededError,
  QuotaStoreError,
} from './errors.js';
export type { GatewayErrorCode } from './errors.js';
export { AGGREGATE_SERVER_INFO } from './aggregate.js';
export { GATEWAY_CONNECTOR_ID, POLICY_DENIED } from './access.js';
export { listKey, requiredScopesFor } from './principals.js';
export type { PrincipalRef } from './principals.js';
export { SESSION_LIMIT_RETRY_AFTER_SECONDS } from './sessions.js';
export type { SessionLimits } from './sessions.js';
export { parseSessionKeys, randomSessionKey, SESSION_KEY_BYTES, SessionSealer } from './session-handle.js';
export type { SessionClaims } from './session-handle.js';
export { MemorySessionRevocations } from './session-revocations.js';
export type { SessionRevocations } from './session-revocations.js';
export { MAX_CACHED_PRINCIPALS } from './list-cache.js';
export type { GatewayLogger } from './logger.js';
export { RedisChannels, RedisSessionRevocations } from './redis-sessions.js';
export type { RedisSessionOptions } from './redis-sessions.js';
export { RedisSessionStreams, STANDALONE_STREAM } from './redis-streams.js';
export type { RedisSessionStreamsOptions } from './redis-streams.js';
export type { SessionStreams } from './session-streams.js';
