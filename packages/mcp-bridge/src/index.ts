export { createRemoteToolProxy } from './proxy.js';
export type { CallToolOptions, ProbeResult, ProxyState, RemoteToolProxy } from './types.js';
export type { RemoteToolProxyOptions } from './options.js';
export type { ProxyConnector } from './connector.js';
export { validateConnector } from './connector.js';
export { buildUpstreamHeaders, defaultResolveSecret, SecretRefRefusedError } from './auth.js';
export type { SecretResolver, UpstreamHeaders } from './auth.js';
export type { AvailabilityEvent, ProxyUpGauge } from './availability.js';
export type { BreakerOptions, BreakerState } from './breaker.js';
export { CircuitBreaker } from './breaker.js';
export type { ProxyClock, TimerHandle } from './clock.js';
export { systemClock } from './clock.js';
export { DEFAULT_RETRY, backoffDelay } from './retry.js';
export {
  MALFORMED_RESPONSE_CODE,
  NodeHttpClientTransport,
  RESPONSE_TOO_LARGE_CODE,
  STREAM_LOST_CODE,
} from './node-http-transport.js';
export type { EventStreamReconnect, NodeHttpTransportOptions } from './node-http-transport.js';
export { DEFAULT_MAX_MESSAGE_BYTES, SseParser } from './sse-parser.js';
export type { SseEvent, SseParserOptions } from './sse-parser.js';
export type { RetryOptions } from './retry.js';
export type { RawRequestTransport } from './relay.js';
export {
  AuthConfigError,
  BRIDGE_ERROR_CODES,
  BRIDGE_FAILURE_KIND,
  BridgeError,
  ProxyOptionsError,
  SecretUnresolvedError,
  UpstreamError,
  isBridgeError,
  isBridgeErrorCode,
} from './errors.js';
export type { BridgeErrorCode, BridgeFailureKind, ProxyErrorInfo } from './errors.js';
