import { MapFetchError } from './errors.js';
import type { ServiceMapFetchRequest, ServiceMapFetchResponse, ServiceMapSource } from './types.js';

/** Options of {@link httpServiceMapSource}. */
export interface HttpServiceMapSourceOptions {
  /** Full URL of the map, e.g. `http://127.0.0.1:7070/v1/connectors/service-map`, or asbr's base URL. */
  readonly url: string;
  /** asbr API key, sent as `Authorization: Bearer <key>`; never logged or put in error messages. */
  readonly apiKey?: string;
  /** `fetch` implementation (default `globalThis.fetch`). */
  readonly fetch?: typeof globalThis.fetch;
  /** Per-request timeout in milliseconds (default 5000). */
  readonly timeoutMs?: number;
}

const MAP_PATH = '/v1/connectors/service-map';

/** Resolves `url` to the map endpoint: a bare base URL (no path) gets `/v1/connectors/service-map`. */
export function resolveMapUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.pathname === '/' || parsed.pathname === '') parsed.pathname = MAP_PATH;
  return parsed.toString();
}

/** `url` without credentials or query, for messages. */
function safeUrl(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

function linkedSignal(outer: AbortSignal, timeoutMs: number): { signal: AbortSignal; done(): void } {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(outer.reason);
  if (outer.aborted) onAbort();
  else outer.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  timer.unref();
  return {
    signal: controller.signal,
    done: () => {
      clearTimeout(timer);
      outer.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * A {@link ServiceMapSource} over HTTP: `GET <url>` with `Authorization: Bearer <apiKey>`,
 * `If-None-Match` when an ETag is held, a timeout and the caller's `AbortSignal` on every request.
 *
 * @throws TypeError when `url` is not a URL (the registry validates it first, as `CONFIG_INVALID`).
 * Fetches reject with {@link MapFetchError} (code `MANIFEST_UNAVAILABLE`) on network errors,
 * timeouts and any status other than 200 / 304; the message names the status, never the key.
 */
export function httpServiceMapSource(options: HttpServiceMapSourceOptions): ServiceMapSource {
  const url = resolveMapUrl(options.url);
  const shown = safeUrl(url);
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 5_000;
  return {
    async fetch(request: ServiceMapFetchRequest): Promise<ServiceMapFetchResponse> {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
      if (request.etag) headers['if-none-match'] = request.etag;
      const link = linkedSignal(request.signal, timeoutMs);
      try {
        const res = await doFetch(url, { headers, signal: link.signal });
        if (res.status === 304) {
          await res.body?.cancel();
          return { status: 304 };
        }
        if (res.status !== 200) {
          await res.body?.cancel();
          throw new MapFetchError(`service map request to ${shown} answered HTTP ${res.status}`, {
            status: res.status,
          });
        }
        const bodyText = await res.text();
        const etag = res.headers.get('etag') ?? undefined;
        return etag ? { status: 200, bodyText, etag } : { status: 200, bodyText };
      } catch (err) {
        if (err instanceof MapFetchError) throw err;
        const why = link.signal.aborted
          ? String((link.signal.reason as Error | undefined)?.message ?? 'aborted')
          : 'network error';
        throw new MapFetchError(`service map request to ${shown} failed (${why})`, { cause: err });
      } finally {
        link.done();
      }
    },
  };
}
