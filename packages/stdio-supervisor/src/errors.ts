import { ConnectorsError } from '@cortex-os/connectors-manifest';

/** Stable error codes raised by the stdio supervisor. */
export const STDIO_ERROR_CODES = [
  'STDIO_SPAWN_FAILED',
  'STDIO_CRASH_LOOP',
  'STDIO_RESTARTING',
  'STDIO_SANDBOX_UNAVAILABLE',
  'STDIO_LIMIT_EXCEEDED',
  'CONFIG_INVALID',
] as const;

/** One of {@link STDIO_ERROR_CODES}. */
export type StdioErrorCode = (typeof STDIO_ERROR_CODES)[number];

/**
 * Error of `@cortex-os/stdio-supervisor`: a {@link ConnectorsError} (message starts with `brAInwav: `) carrying the
 * connector id and, for `STDIO_RESTARTING` / `STDIO_CRASH_LOOP`, when a new attempt is allowed. Never a secret.
 */
export class StdioSupervisorError extends ConnectorsError {
  declare readonly code: StdioErrorCode;
  /** Connector the error belongs to. */
  readonly connectorId: string;
  /** Milliseconds until connect() may spawn again (RESTARTING / CRASH_LOOP). */
  readonly retryAfterMs?: number;

  constructor(
    code: StdioErrorCode,
    connectorId: string,
    message: string,
    options?: { cause?: unknown; retryAfterMs?: number },
  ) {
    super(code, message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.connectorId = connectorId;
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}
