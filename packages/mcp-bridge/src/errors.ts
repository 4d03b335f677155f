import { ConnectorsError } from '@cortex-os/connectors-manifest';

/**
 * Stable error codes raised by the bridge. Each maps to an HTTP status in
 * `ERROR_STATUS` of `@cortex-os/connectors-manifest` (unknown ones → 500).
 */
export const BRIDGE_ERROR_CODES = [
  'AUTH_CONFIG_INVALID',
  'SECRET_UNRESOLVED',
  'SECRET_REF_NOT_ALLOWED',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_AUTH_FAILED',
  'CIRCUIT_OPEN',
  'TOOL_CALL_FAILED',
  'UPSTREAM_RESPONSE_TOO_LARGE',
  'UPSTREAM_PROTOCOL_ERROR',
  'REQUEST_ABORTED',
  'PROXY_CLOSED',
  'CONFIG_INVALID',
] as const;

/** One of {@link BRIDGE_ERROR_CODES}. */
export type BridgeErrorCode = (typeof BRIDGE_ERROR_CODES)[number];

/** How a gateway reports a failed upstream call: the connector is offline, the call failed, or it was cancelled. */
export type BridgeFailureKind = 'offline' | 'failed' | 'cancelled';

/**
 * The failure kind of every {@link BridgeErrorCode} (a new code must be classified here: the `Record` type makes a
 * missing entry a compile error). `offline` is only for availability failures (unreachable, circuit open, proxy
 * closed); configuration, credential, timeout, size and tool failures are `failed`.
 */
export const BRIDGE_FAILURE_KIND: Readonly<Record<BridgeErrorCode, BridgeFailureKind>> = Object.freeze({
  AUTH_CONFIG_INVALID: 'failed',
  SECRET_UNRESOLVED: 'failed',
  SECRET_REF_NOT_ALLOWED: 'failed',
  UPSTREAM_UNAVAILABLE: 'offline',
  UPSTREAM_TIMEOUT: 'failed',
  UPSTREAM_AUTH_FAILED: 'failed',
  CIRCUIT_OPEN: 'offline',
  TOOL_CALL_FAILED: 'failed',
  UPSTREAM_RESPONSE_TOO_LARGE: 'failed',
  UPSTREAM_PROTOCOL_ERROR: 'failed',
  REQUEST_ABORTED: 'cancelled',
  PROXY_CLOSED: 'offline',
  CONFIG_INVALID: 'failed',
});

/** True when `code` is one of {@link BRIDGE_ERROR_CODES}. */
export function isBridgeErrorCode(code: unknown): code is BridgeErrorCode {
  return typeof code === 'string' && Object.hasOwn(BRIDGE_FAILURE_KIND, code);
}

/**
 * Base error of `@cortex-os/mcp-bridge`: a {@link ConnectorsError} (message starts with `brAInwav: `)
 * carrying the connector id and a stable {@link BridgeErrorCode}. Messages never contain secret values.
 */
export class BridgeError extends ConnectorsError {
  declare readonly code: BridgeErrorCode;
  /** Id of the connector the failure belongs to. */
  readonly connectorId: string;

  constructor(code: BridgeErrorCode, connectorId: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.connectorId = connectorId;
  }
}

/** The connector's `auth` block is incomplete or contradictory (refused before any request). Code `AUTH_CONFIG_INVALID`. */
export class AuthConfigError extends BridgeError {
  constructor(connectorId: string, message: string) {
    super('AUTH_CONFIG_INVALID', connectorId, message);
  }
}

/** A `secretRef` could not be resolved; names the reference, never a value. Code `SECRET_UNRESOLVED`. */
export class SecretUnresolvedError extends BridgeError {
  /** The reference that failed (e.g. `env:GITHUB_TOKEN`). */
  readonly secretRef: string;

  constructor(connectorId: string, secretRef: string, options?: { cause?: unknown }) {
    super(
      'SECRET_UNRESOLVED',
      connectorId,
      `connector ${connectorId}: secretRef ${secretRef} could not be resolved`,
      options,
    );
    this.secretRef = secretRef;
  }
}

/** The upstream failed (unreachable, timed out, refused auth, circuit open, tool call failed, response too large, aborted, closed). */
export class UpstreamError extends BridgeError {}

/** An option of `createRemoteToolProxy` is invalid (names the option and the received value). Code `CONFIG_INVALID`. */
export class ProxyOptionsError extends BridgeError {
  constructor(connectorId: string, message: string) {
    super('CONFIG_INVALID', connectorId, message);
  }
}

/** Plain-data view of the last error of a proxy. */
export interface ProxyErrorInfo {
  readonly code: BridgeErrorCode;
  /** Branded, secret-free message. */
  readonly message: string;
  /** When it happened, epoch milliseconds (proxy clock). */
  readonly at: number;
}

/** True when `error` is a {@link BridgeError} (optionally with the given code). */
export function isBridgeError(error: unknown, code?: BridgeErrorCode): error is BridgeError {
  return error instanceof BridgeError && (code === undefined || error.code === code);
}
