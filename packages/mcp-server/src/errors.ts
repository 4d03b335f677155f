import { ConnectorsError } from '@cortex-os/connectors-manifest';

/**
 * Stable error codes the gateway raises and their HTTP status (the same status as in `ERROR_STATUS` of
 * @cortex-os/connectors-manifest for every code that table has):
 * - `CONFIG_INVALID` (500): a `createConnectorsGateway` option is invalid.
 * - `QUOTA_EXCEEDED` (429): a connector's perMinute/perHour budget is spent.
 * - `UPSTREAM_UNAVAILABLE` (502): the upstream could not be reached (offline fallback).
 * - `TOOL_CALL_FAILED` (502): the upstream call failed for another reason.
 * - `SECRET_UNRESOLVED` (500): a connector's `auth.secretRef` could not be resolved.
 * - `SECRET_REF_NOT_ALLOWED` (500): the secretRef policy refused a connector's `auth.secretRef`.
 * - `CONNECTOR_NOT_FOUND` (404): no enabled connector with that id.
 * - `NOT_FOUND` (404): unknown tool/prompt name or MCP session id (or one opened by another principal).
 * - `SESSION_LIMIT` (503): `maxSessions` MCP sessions are open; `Retry-After` says when to retry.
 * - `SESSION_LIMIT_PRINCIPAL` (429): the principal holds `maxSessionsPerPrincipal` sessions.
 * - `POLICY_DENIED` (403): the policy refused a call (an `isError` result or a JSON-RPC error, not HTTP).
 * - `HOST_NOT_ALLOWED` / `ORIGIN_NOT_ALLOWED` (403): DNS-rebinding guard refused the request.
 * - `BAD_REQUEST` (400) / `PAYLOAD_TOO_LARGE` (413): malformed MCP HTTP request.
 * - `INTERNAL` (500): the quota store (e.g. Redis) failed; the call is refused, never unmetered.
 */
export const GATEWAY_ERROR_STATUS = {
  CONFIG_INVALID: 500,
  QUOTA_EXCEEDED: 429,
  UPSTREAM_UNAVAILABLE: 502,
  TOOL_CALL_FAILED: 502,
  SECRET_UNRESOLVED: 500,
  SECRET_REF_NOT_ALLOWED: 500,
  CONNECTOR_NOT_FOUND: 404,
  NOT_FOUND: 404,
  HOST_NOT_ALLOWED: 403,
  ORIGIN_NOT_ALLOWED: 403,
  BAD_REQUEST: 400,
  PAYLOAD_TOO_LARGE: 413,
  INTERNAL: 500,
  SESSION_LIMIT: 503,
  SESSION_LIMIT_PRINCIPAL: 429,
  POLICY_DENIED: 403,
} as const;

/** Union of every gateway error code (keys of {@link GATEWAY_ERROR_STATUS}). */
export type GatewayErrorCode = keyof typeof GATEWAY_ERROR_STATUS;

/**
 * Base class of every gateway error (a `ConnectorsError`): a stable `code`, a branded message
 * (`brAInwav: …`, never a secret) and the original `cause`.
 */
export class GatewayError extends ConnectorsError {
  /** Stable machine-readable code. */
  declare readonly code: GatewayErrorCode;
  constructor(code: GatewayErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
  /** HTTP status for this error's code (see {@link GATEWAY_ERROR_STATUS}). */
  get status(): number {
    return GATEWAY_ERROR_STATUS[this.code];
  }
}

/** Thrown at construction when an option is invalid; names the option and what was received. */
export class GatewayOptionError extends GatewayError {
  constructor(message: string) {
    super('CONFIG_INVALID', message);
  }
}

/** Raised (and turned into an `isError` result) when a connector's quota is spent. */
export class QuotaExceededError extends GatewayError {
  /** Whole seconds until the exhausted window resets (≥ 1). */
  readonly retryAfterSeconds: number;
  /** Which window is exhausted. */
  readonly window: 'minute' | 'hour';
  readonly connectorId: string;
  constructor(connectorId: string, window: 'minute' | 'hour', limit: number, retryAfterSeconds: number) {
    super(
      'QUOTA_EXCEEDED',
      `connector "${connectorId}" exceeded its per-${window} quota of ${limit} calls; retry in ${retryAfterSeconds}s`,
    );
    this.connectorId = connectorId;
    this.window = window;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The quota store failed (e.g. Redis unreachable), code `INTERNAL`; the call is refused rather than unmetered. */
export class QuotaStoreError extends GatewayError {
  constructor(message: string, cause?: unknown) {
    super('INTERNAL', message, { cause });
  }
}
