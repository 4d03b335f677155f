import { ProtocolError, SdkError, SdkErrorCode, SdkHttpError } from '@modelcontextprotocol/client';
import { BridgeError, type BridgeErrorCode } from './errors.js';
import { MALFORMED_RESPONSE_CODE, RESPONSE_TOO_LARGE_CODE, STREAM_LOST_CODE } from './node-http-transport.js';

/** Kind of operation a failure happened in. */
export type ProxyOperation = 'connect' | 'list' | 'probe' | 'call';

/** How the proxy treats a failure. */
export interface Classified {
  readonly code: BridgeErrorCode;
  /** Secret-free short description (HTTP status, network code, upstream JSON-RPC error). */
  readonly detail: string;
  /** A transport-class failure worth another attempt. */
  readonly retryable: boolean;
  /** The session must be dropped and re-initialized. */
  readonly sessionLost: boolean;
  /** Counts toward the breaker and the availability debounce. */
  readonly outage: boolean;
  /** The request certainly did not reach the tool (safe to resend even when not idempotent). */
  readonly notDelivered: boolean;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
]);

function networkCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  const message = error instanceof Error ? error.message : '';
  return /fetch failed|terminated|socket|other side closed/i.test(message) ? 'NETWORK' : undefined;
}

function isAbort(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'AbortError' || (error as { code?: unknown }).code === 'ABORT_ERR')
  );
}

const make = (code: BridgeErrorCode, detail: string, flags: Partial<Classified> = {}): Classified => ({
  code,
  detail,
  retryable: false,
  sessionLost: false,
  outage: false,
  notDelivered: false,
  ...flags,
});

function classifyHttp(error: SdkHttpError, op: ProxyOperation): Classified {
  const status = error.status;
  const detail = `HTTP ${status}`;
  if (status === 401 || status === 403)
    return make('UPSTREAM_AUTH_FAILED', `upstream refused the credentials (${detail})`, { outage: true });
  if (status === 400 || status === 404) {
    return make(op === 'call' ? 'TOOL_CALL_FAILED' : 'UPSTREAM_UNAVAILABLE', `session rejected (${detail})`, {
      retryable: true,
      sessionLost: true,
      notDelivered: true,
    });
  }
  if (status === 408 || status === 429 || status >= 500)
    return make('UPSTREAM_UNAVAILABLE', detail, { retryable: true, outage: true });
  return make(op === 'call' ? 'TOOL_CALL_FAILED' : 'UPSTREAM_UNAVAILABLE', detail);
}

const LOST_CONNECTION = new Set<SdkErrorCode>([
  SdkErrorCode.ConnectionClosed,
  SdkErrorCode.SendFailed,
  SdkErrorCode.ClientHttpFailedToOpenStream,
  SdkErrorCode.ClientHttpUnexpectedContent,
  SdkErrorCode.EraNegotiationFailed,
]);

function classifySdk(error: SdkError): Classified {
  const code = error.code;
  if (code === SdkErrorCode.RequestTimeout)
    return make('UPSTREAM_TIMEOUT', 'request timed out', { outage: true });
  if (code === SdkErrorCode.ClientHttpAuthentication || code === SdkErrorCode.ClientHttpForbidden) {
    return make('UPSTREAM_AUTH_FAILED', 'upstream refused the credentials', { outage: true });
  }
  if (code === SdkErrorCode.NotConnected) {
    return make('UPSTREAM_UNAVAILABLE', 'not connected', {
      retryable: true,
      sessionLost: true,
      outage: true,
      notDelivered: true,
    });
  }
  if (LOST_CONNECTION.has(code)) {
    return make('UPSTREAM_UNAVAILABLE', `connection failed (${code})`, {
      retryable: true,
      sessionLost: true,
      outage: true,
      notDelivered: networkCode(error) === 'ECONNREFUSED',
    });
  }
  return make('UPSTREAM_UNAVAILABLE', `client error (${code})`, { sessionLost: true, outage: true });
}

/**
 * Maps any failure of an upstream operation to a bridge error code and its handling flags.
 * JSON-RPC errors answered by the upstream are not outages (the server is alive). The SDK reports a caller
 * abort as a timeout, so an aborted `signal` takes precedence.
 */
export function classify(error: unknown, op: ProxyOperation, signal?: AbortSignal): Classified {
  if (signal?.aborted) return make('REQUEST_ABORTED', 'aborted by the caller');
  if (error instanceof BridgeError) {
    const outage = [
      'UPSTREAM_UNAVAILABLE',
      'UPSTREAM_TIMEOUT',
      'UPSTREAM_AUTH_FAILED',
      'SECRET_UNRESOLVED',
    ].includes(error.code);
    return make(error.code, error.message, { outage });
  }
  if (isAbort(error)) return make('REQUEST_ABORTED', 'aborted by the caller');
  if (error instanceof SdkHttpError) return classifyHttp(error, op);
  if (error instanceof SdkError) return classifySdk(error);
  if (error instanceof ProtocolError && error.code === STREAM_LOST_CODE) {
    return make('UPSTREAM_UNAVAILABLE', 'upstream closed the response before the result', {
      retryable: true,
      sessionLost: true,
      outage: true,
    });
  }
  if (error instanceof ProtocolError && error.code === RESPONSE_TOO_LARGE_CODE) {
    // the upstream is alive and the session intact: only this response was refused
    return make('UPSTREAM_RESPONSE_TOO_LARGE', error.message.replace(/^brAInwav: /, ''));
  }
  if (error instanceof ProtocolError && error.code === MALFORMED_RESPONSE_CODE) {
    // reachable but broken: this answer is unusable, the upstream is not down
    return make('UPSTREAM_PROTOCOL_ERROR', error.message.replace(/^brAInwav: /, ''));
  }
  if (error instanceof ProtocolError) {
    return make(
      op === 'call' ? 'TOOL_CALL_FAILED' : 'UPSTREAM_UNAVAILABLE',
      `upstream error ${error.code}: ${error.message}`,
    );
  }
  const net = networkCode(error);
  if (net) {
    return make('UPSTREAM_UNAVAILABLE', `upstream unreachable (${net})`, {
      retryable: true,
      sessionLost: true,
      outage: true,
      notDelivered: net === 'ECONNREFUSED',
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  // a local failure of one call (e.g. arguments too deep to serialise) says nothing about the upstream
  if (op === 'call') return make('TOOL_CALL_FAILED', `unexpected failure: ${message}`);
  return make('UPSTREAM_UNAVAILABLE', `unexpected failure: ${message}`, { sessionLost: true, outage: true });
}
