/** Brand every user-facing message starts with. */
export const BRAND = 'brAInwav';

/** Stable codes of the errors the widget shows. */
export type DashboardErrorCode =
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NETWORK'
  | 'SERVER'
  | 'MAP_UNAVAILABLE'
  | 'MAP_EXPIRED'
  | 'INVALID_DATA'
  | 'EVENT_TOO_LARGE'
  | 'HOST'
  | 'TOOL'
  | 'ABORTED';

/**
 * Prefixes a message with the brand unless it already carries it.
 * @param message - human-readable text, never containing a secret.
 */
export function branded(message: string): string {
  return message.startsWith(`${BRAND}: `) ? message : `${BRAND}: ${message}`;
}

/** Error shown by the widget: branded message, stable `code`, optional HTTP status and server code. */
export class DashboardError extends Error {
  readonly code: DashboardErrorCode;
  readonly status: number | undefined;
  readonly serverCode: string | undefined;

  constructor(
    code: DashboardErrorCode,
    message: string,
    options: { cause?: unknown; status?: number; serverCode?: string } = {},
  ) {
    super(branded(message), { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = options.status;
    this.serverCode = options.serverCode;
  }
}

/**
 * Turns anything thrown by a host or `fetch` into a `DashboardError` (code `HOST` unless it already is one).
 * @param error - the thrown value.
 * @param code - code to use for foreign errors.
 */
export function toDashboardError(error: unknown, code: DashboardErrorCode = 'HOST'): DashboardError {
  if (error instanceof DashboardError) return error;
  if (isAbortError(error)) return new DashboardError('ABORTED', 'request aborted', { cause: error });
  const text = error instanceof Error ? error.message : typeof error === 'string' ? error : 'unknown error';
  return new DashboardError(code, text, { cause: error });
}

/** True for the `AbortError` a fetch or host call throws when its signal aborts. */
export function isAbortError(error: unknown): boolean {
  return (
    (error instanceof DashboardError && error.code === 'ABORTED') ||
    (typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError')
  );
}

/**
 * Maps an HTTP error response to a `DashboardError`, keeping the server's branded message when it sent one.
 * @param status - HTTP status code.
 * @param body - the parsed response body, if JSON.
 */
export function httpError(status: number, body: unknown): DashboardError {
  const info = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const serverCode = typeof info?.code === 'string' ? info.code : undefined;
  const serverMessage = typeof info?.message === 'string' ? info.message : undefined;
  const code: DashboardErrorCode =
    status === 401
      ? 'UNAUTHORIZED'
      : status === 403
        ? 'FORBIDDEN'
        : status === 503
          ? 'MAP_UNAVAILABLE'
          : 'SERVER';
  return new DashboardError(code, serverMessage ?? `the connectors server answered HTTP ${status}`, {
    status,
    serverCode,
  });
}

/** Rejects with an `ABORTED` DashboardError when `signal` is already aborted. */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new DashboardError('ABORTED', 'request aborted');
}

/**
 * Races a host promise that cannot itself be cancelled against `signal`, so a superseded call settles
 * at once with `ABORTED` and its late result is dropped.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  throwIfAborted(signal);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new DashboardError('ABORTED', 'request aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(toDashboardError(error));
      },
    );
  });
}
