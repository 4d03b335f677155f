import { ConnectorsError } from '@cortex-os/connectors-manifest';

/**
 * Base class of every error thrown by `@cortex-os/agents`. Carries a stable `code` (a key of the
 * manifest package's `ERROR_STATUS` table), a `brAInwav: ` message without secrets, and the `cause`.
 */
export class AgentsError extends ConnectorsError {}

/**
 * Options given to a factory are invalid (code `CONFIG_INVALID`). The message names the option and
 * what was received (never a secret value).
 */
export class AgentsConfigError extends AgentsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFIG_INVALID', message, options);
  }
}

/**
 * A fetched service map failed verification (code `MAP_VERIFICATION_FAILED`). `verifyCode` is the
 * manifest verifier's stable result code: `MALFORMED`, `TOO_LARGE`, `BAD_TYP`, `KEY_UNKNOWN`,
 * `ALG_NOT_ALLOWED`, `BAD_SIGNATURE`, `SCHEMA`, `EXPIRED` or `ROLLBACK`.
 */
export class MapVerificationError extends AgentsError {
  readonly verifyCode: string;

  constructor(verifyCode: string, detail: string) {
    super('MAP_VERIFICATION_FAILED', `service map refused (${verifyCode}): ${detail}`);
    this.verifyCode = verifyCode;
  }
}

/**
 * The service map could not be fetched (network error, timeout, non-2xx status, bad 304) and no
 * usable map is held (code `MANIFEST_UNAVAILABLE`). `status` is the HTTP status when one was received.
 */
export class MapFetchError extends AgentsError {
  readonly status: number | undefined;

  constructor(message: string, options?: { cause?: unknown; status?: number }) {
    super('MANIFEST_UNAVAILABLE', message, options);
    this.status = options?.status;
  }
}

/**
 * The held service map reached its `expiresAt` and no verified replacement arrived: every connector
 * is unavailable until one does (code `CONNECTORS_MAP_EXPIRED`).
 */
export class ConnectorsMapExpiredError extends AgentsError {
  /** The expired map's `expiresAt` (ISO-8601 UTC). */
  readonly expiresAt: string;

  constructor(expiresAt: string) {
    super(
      'CONNECTORS_MAP_EXPIRED',
      `the connectors service map expired at ${expiresAt} and no fresh map is available`,
    );
    this.expiresAt = expiresAt;
  }
}

/**
 * The registry holds no map yet (before `ready()` resolved) or was closed (code `NOT_READY`).
 */
export class RegistryNotReadyError extends AgentsError {
  constructor(message: string) {
    super('NOT_READY', message);
  }
}

/** Why a connector cannot be used: not in the map, disabled in the map, or its upstream failed. */
export type ConnectorUnavailableReason = 'not-found' | 'disabled' | 'unreachable';

/**
 * A connector cannot serve a call. Code `CONNECTOR_NOT_FOUND` when the id is not in the map,
 * `UPSTREAM_UNAVAILABLE` when it is disabled or its upstream failed. Names the connector id.
 */
export class ConnectorUnavailableError extends AgentsError {
  readonly connectorId: string;
  readonly reason: ConnectorUnavailableReason;

  constructor(
    connectorId: string,
    reason: ConnectorUnavailableReason,
    detail?: string,
    options?: { cause?: unknown },
  ) {
    const code = reason === 'not-found' ? 'CONNECTOR_NOT_FOUND' : 'UPSTREAM_UNAVAILABLE';
    const what =
      reason === 'not-found'
        ? 'is not in the service map'
        : reason === 'disabled'
          ? 'is disabled'
          : 'is unreachable';
    super(code, `connector "${connectorId}" ${what}${detail ? `: ${detail}` : ''}`, options);
    this.connectorId = connectorId;
    this.reason = reason;
  }
}
