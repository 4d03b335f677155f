import { BRAND, branded } from './brand.js';

/**
 * Stable error codes of the whole runtime mapped to the HTTP status a server answers with.
 * One table for every package (tRPC-style `getHTTPStatusCode`); a test checks every code is unique.
 */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  CONFIG_INVALID: 500,
  UNAUTHORIZED: 401,
  INVALID_TOKEN: 401,
  FORBIDDEN: 403,
  INSUFFICIENT_SCOPE: 403,
  POLICY_DENIED: 403,
  HOST_NOT_ALLOWED: 403,
  ORIGIN_NOT_ALLOWED: 403,
  NOT_FOUND: 404,
  CONNECTOR_NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  MANIFEST_INVALID: 422,
  // The connector needs another core: a deployment fault, not the caller's (no 4xx), and retrying will not help
  // (not 503): 501, this core does not implement what the connector requires.
  CORE_VERSION_MISMATCH: 501,
  QUOTA_EXCEEDED: 429,
  TOO_MANY_AUTH_FAILURES: 429,
  SESSION_LIMIT_PRINCIPAL: 429,
  INTERNAL: 500,
  REQUEST_ABORTED: 499,
  KEY_INVALID: 500,
  SECRET_UNRESOLVED: 500,
  SECRET_REF_NOT_ALLOWED: 500,
  AUTH_CONFIG_INVALID: 500,
  UPSTREAM_UNAVAILABLE: 502,
  UPSTREAM_AUTH_FAILED: 502,
  TOOL_CALL_FAILED: 502,
  UPSTREAM_RESPONSE_TOO_LARGE: 502,
  UPSTREAM_PROTOCOL_ERROR: 502,
  MAP_VERIFICATION_FAILED: 502,
  MANIFEST_NOT_FOUND: 503,
  MANIFEST_UNAVAILABLE: 503,
  CONNECTORS_MAP_EXPIRED: 503,
  CIRCUIT_OPEN: 503,
  PROXY_CLOSED: 503,
  NOT_READY: 503,
  SESSION_LIMIT: 503,
  AUTH_UNAVAILABLE: 503,
  BUNDLE_MISSING: 503,
  UPSTREAM_TIMEOUT: 504,
  STDIO_SPEC_MISSING: 500,
  STDIO_SPAWN_FAILED: 500,
  STDIO_SANDBOX_UNAVAILABLE: 500,
  STDIO_LIMIT_EXCEEDED: 500,
  STDIO_CRASH_LOOP: 503,
  STDIO_RESTARTING: 503,
} as const satisfies Record<string, number>;

/** A stable error code of the runtime (key of {@link ERROR_STATUS}). */
export type ErrorCode = keyof typeof ERROR_STATUS;

/** HTTP status for an error code; unknown codes map to 500. */
export function httpStatusFor(code: string): number {
  return (ERROR_STATUS as Record<string, number>)[code] ?? 500;
}

/**
 * Base class of every brAInwav error: a stable `code`, a branded message, the `cause` kept.
 * Messages never contain secret values.
 */
export class ConnectorsError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(branded(message), options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** One problem found while validating a manifest: the JSON path and a branded-free description. */
export interface ManifestIssue {
  /** JSON path such as `connectors[2].quotas.perHour` (empty string for the root). */
  readonly path: string;
  /** What is wrong, naming the bad value unless it may be secret. */
  readonly message: string;
}

/** A manifest failed validation (code `MANIFEST_INVALID`); `issues` lists every problem with its path. */
export class ManifestValidationError extends ConnectorsError {
  readonly issues: readonly ManifestIssue[];

  constructor(issues: readonly ManifestIssue[], source?: string) {
    const where = source ? `manifest ${source} is invalid: ` : '';
    const first = issues.map((i) => (i.path ? `${i.path} ${i.message}` : i.message)).join('; ');
    super('MANIFEST_INVALID', `${where}${first}`);
    this.issues = issues;
  }
}

/** The JSON error body every HTTP route answers with (DESIGN.md "Errors"). */
export interface ErrorBody {
  readonly brand: typeof BRAND;
  readonly error: { readonly code: string; readonly message: string };
  readonly traceId: string | null;
}

/** Builds the branded HTTP error body for `code` and `message`. */
export function errorBody(code: string, message: string, traceId?: string | null): ErrorBody {
  return { brand: BRAND, error: { code, message: branded(message) }, traceId: traceId ?? null };
}
