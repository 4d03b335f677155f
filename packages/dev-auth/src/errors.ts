/** The brand every message of this package starts with. */
export const BRAND = 'brAInwav';

/** `message` with the `brAInwav: ` prefix (added once). */
export function branded(message: string): string {
  return message.startsWith(`${BRAND}:`) ? message : `${BRAND}: ${message}`;
}

/** Stable error codes of the dev authorization server. */
export const DEV_AUTH_ERROR_CODES = {
  /** The configuration file or an option is invalid (names the path or option, never a secret). */
  CONFIG_INVALID: 'DEV_AUTH_CONFIG_INVALID',
  /** The configuration file cannot be read. */
  CONFIG_NOT_FOUND: 'DEV_AUTH_CONFIG_NOT_FOUND',
  /** A `client_secret_ref` names an unset variable. */
  SECRET_UNRESOLVED: 'DEV_AUTH_SECRET_UNRESOLVED',
  /** The signing JWKS is missing, not JSON, or has no RS256 private key. */
  JWKS_INVALID: 'DEV_AUTH_JWKS_INVALID',
  /** A non-loopback listen host without `allowRemote` (`DEV_AUTH_ALLOW_REMOTE=true`). */
  REMOTE_REFUSED: 'DEV_AUTH_REMOTE_REFUSED',
} as const;

/** One of {@link DEV_AUTH_ERROR_CODES}. */
export type DevAuthErrorCode = (typeof DEV_AUTH_ERROR_CODES)[keyof typeof DEV_AUTH_ERROR_CODES];

/** Every error this package throws: a stable `code` and a `brAInwav: ` message without secret values. */
export class DevAuthError extends Error {
  readonly code: DevAuthErrorCode;

  constructor(code: DevAuthErrorCode, message: string, options?: { cause?: unknown }) {
    super(branded(message), options);
    this.code = code;
    this.name = 'DevAuthError';
  }
}
