import { ConnectorsError } from '@cortex-os/connectors-manifest';

/**
 * Stable error codes raised by the bridge. Each maps to an HTTP status in
 * `ERROR_STATUS` of `@cortex-os/connectors-manifest` (unknown ones → 500).
 */
export const BRIDGE_ERROR_CODES = [
  'AUTH_CONFIG_INVALID',
  'SECRET_UNRESOLVED',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_AUTH_FAILED',
  'CIRCUIT_OPEN',
  'TOOL_CALL_FAILED',
  'REQUEST_ABORTED',
  'PROXY_CLOSED',
  'CONFIG_INVALID',
] as const;

/** One of {@link BRIDGE_ERROR_CODES}. */
export type BridgeErrorCode = (typeof BRIDGE_ERROR_CODES)[number];

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

/** The upstream failed (unreachable, timed out, refused auth, circuit open, tool call failed, aborted, closed). */
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
