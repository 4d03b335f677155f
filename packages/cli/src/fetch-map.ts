import { branded } from '@cortex-os/connectors-manifest';

/** Default HTTP timeout of `verify <url>`, in milliseconds. */
export const DEFAULT_FETCH_TIMEOUT_MS = 10_000;

/** Options of {@link fetchServiceMap}. */
export interface FetchMapOptions {
  /** Sent as `Authorization: Bearer <apiKey>` when set. */
  readonly apiKey: string | undefined;
  /** Abort after this many milliseconds. */
  readonly timeoutMs: number;
  readonly fetch: typeof fetch;
}

/** The map's bytes, or the `FAIL …` line explaining why they could not be fetched. */
export type FetchOutcome =
  { readonly ok: true; readonly body: Uint8Array } | { readonly ok: false; readonly line: string };

/** `origin + pathname` of a URL: never its credentials or query (which may carry tokens). */
export function displayUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function networkReason(error: unknown, timeoutMs: number): string {
  const err = error as
    | { name?: string; message?: string; cause?: { code?: string; name?: string; message?: string } }
    | undefined;
  if (err?.name === 'TimeoutError' || err?.cause?.name === 'TimeoutError')
    return `timed out after ${timeoutMs} ms`;
  return err?.cause?.code ?? err?.cause?.message ?? err?.message ?? 'network error';
}

async function httpFailure(response: Response, url: URL): Promise<string> {
  let code: string | undefined;
  let message: string | undefined;
  try {
    const body = JSON.parse(await response.text()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') code = body.error.code;
    if (typeof body.error?.message === 'string') message = branded(body.error.message);
  } catch {
    // not a brAInwav error body: the status line below stands alone
  }
  const fallback = branded(
    `${displayUrl(url)} answered HTTP ${response.status} ${response.statusText}`.trim(),
  );
  return `FAIL HTTP ${response.status}${code ? ` ${code}` : ''}: ${message ?? fallback}`;
}

/**
 * GETs a signed service map. Never throws: a non-2xx answer becomes `FAIL HTTP <status> [<CODE>]: <message
 * of the branded error body>`, a connection error or timeout `FAIL NETWORK: brAInwav: could not reach …`.
 */
export async function fetchServiceMap(url: URL, options: FetchMapOptions): Promise<FetchOutcome> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.apiKey !== undefined) headers.authorization = `Bearer ${options.apiKey}`;
  let response: Response;
  try {
    response = await options.fetch(url, { headers, signal: AbortSignal.timeout(options.timeoutMs) });
  } catch (error) {
    return {
      ok: false,
      line: `FAIL NETWORK: ${branded(`could not reach ${displayUrl(url)} (${networkReason(error, options.timeoutMs)})`)}`,
    };
  }
  if (!response.ok) return { ok: false, line: await httpFailure(response, url) };
  try {
    return { ok: true, body: new Uint8Array(await response.arrayBuffer()) };
  } catch (error) {
    return {
      ok: false,
      line: `FAIL NETWORK: ${branded(`reading the answer of ${displayUrl(url)} failed (${networkReason(error, options.timeoutMs)})`)}`,
    };
  }
}
