import { DashboardError, httpError, isAbortError } from '../lib/errors.js';

/** Options shared by the browser adapter's HTTP calls. */
export interface HttpOptions {
  baseUrl: string;
  apiKey: string | null;
  fetch: typeof fetch;
}

/** Request headers carrying the API key (never a query parameter). */
export function authHeaders(
  apiKey: string | null,
  extra: Record<string, string> = {},
): Record<string, string> {
  return apiKey ? { ...extra, authorization: `Bearer ${apiKey}` } : { ...extra };
}

/**
 * Calls the connectors server and returns the parsed JSON body.
 * @throws DashboardError `NETWORK` when unreachable, `ABORTED` when `signal` aborts, and the
 *   status-mapped code (`UNAUTHORIZED`, `FORBIDDEN`, `MAP_UNAVAILABLE`, `SERVER`) on an HTTP error.
 */
export async function requestJson(
  options: HttpOptions,
  path: string,
  init: RequestInit & { signal: AbortSignal },
): Promise<unknown> {
  let response: Response;
  try {
    const headers = authHeaders(options.apiKey, {
      accept: 'application/json',
      ...(init.body ? { 'content-type': 'application/json' } : {}),
    });
    response = await options.fetch(new URL(path, options.baseUrl), { ...init, headers });
  } catch (error) {
    if (isAbortError(error) || init.signal.aborted)
      throw new DashboardError('ABORTED', 'request aborted', { cause: error });
    throw new DashboardError('NETWORK', 'the connectors server is unreachable', { cause: error });
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) throw httpError(response.status, body);
  return body;
}
