/** A WHATWG fetch function. */
export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

/**
 * Wraps fetch so each request gets its own AbortSignal linked to the caller's. The MCP client transport passes
 * one long-lived signal to every request; undici keeps an abort listener on it per request until garbage
 * collection, which piles up thousands of listeners under load. Here the link is removed as soon as a JSON
 * response arrives; event streams keep it, so closing the transport still ends them.
 */
export function withPerRequestSignal(inner: FetchLike): FetchLike {
  return async (url, init) => {
    const outer = init?.signal;
    if (!outer) return inner(url, init);
    const controller = new AbortController();
    const onAbort = () => controller.abort(outer.reason);
    if (outer.aborted) controller.abort(outer.reason);
    else outer.addEventListener('abort', onAbort, { once: true });
    let streaming = false;
    try {
      const response = await inner(url, { ...init, signal: controller.signal });
      streaming = (response.headers.get('content-type') ?? '').includes('text/event-stream');
      return response;
    } finally {
      if (!streaming) outer.removeEventListener('abort', onAbort);
    }
  };
}
