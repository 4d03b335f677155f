export { BRAND, HEADER_REDACT_PATHS, JWK_REDACT_PATHS, createLogger, createSilentLogger } from './logger.js';
export type { CreateLoggerOptions } from './logger.js';
export {
  ACCESS_LOG_MODES,
  ACCESS_LOG_SAMPLE_EVERY,
  ACCESS_LOG_SLOW_MS,
  DEFAULT_ACCESS_LOG_MODE,
  accessLogHook,
  accessLogSampler,
} from './access-log.js';
export type { AccessLogMode, AccessLogReply, AccessLogRequest } from './access-log.js';
export { MIN_SECRET_LENGTH, REDACTED, createRedactingDestination, redactSecrets } from './redact.js';
export { batchedFdDestination } from './stdout-destination.js';
export type { BatchedDestination } from './stdout-destination.js';
export {
  REFRESH_LATENCY_BUCKETS_MS,
  TOOL_CALL_DURATION_BUCKETS_S,
  collectDefaultProcessMetrics,
  createConnectorsMetrics,
  setManifestInfo,
} from './metrics.js';
export type { ConnectorsMetrics } from './metrics.js';
export {
  SPAN_MANIFEST_LOAD,
  SPAN_MAP_SIGN,
  SPAN_PROXY_CALL,
  SPAN_REGISTRY_HYDRATE,
  TRACER_NAME,
  startTracing,
  traceContextMode,
  tracesExportRequested,
  withSpan,
} from './tracing.js';
export type { StartTracingOptions, TraceContextMode, TracingHandle } from './tracing.js';
export { SyncContextManager } from './sync-context.js';
export type { Logger, DestinationStream, LevelWithSilent } from 'pino';
export type { Registry } from 'prom-client';
export type { Attributes, Span } from '@opentelemetry/api';
