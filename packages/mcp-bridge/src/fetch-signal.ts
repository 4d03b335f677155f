/** A WHATWG fetch function. */
export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

/** Re-wraps a response so `onDone` runs once its body has been fully read, has failed or was cancelled. */
function onBodyDone(response: Response, onDone: () => void): Response {
  const source = response.body;
  if (!source) {
    onDone();
    return response;
  }
  const reader = (source as ReadableStream<Uint8Array>).getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          onDone();
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        onDone();
        controller.error(error);
      }
    },
    async cancel(reason) {
      onDone();
      await reader.cancel(reason);
    },
  });
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/**
 * Wraps fetch so each request gets its own AbortSignal linked to the caller's. The MCP client transport passes
 * one long-lived signal to every request; undici keeps an abort listener on it per request until garbage
 * collection, which piles up thousands of listeners under load. Here the link lives exactly as long as the
 * request: until the response body is consumed (or fails, or is cancelled), so closing the transport still ends
 * open event streams.
 */
export function withPerRequestSignal(inner: FetchLike): FetchLike {
  return async (url, init) => {
    const outer = init?.signal;
    if (!outer) return inner(url, init);
    const controller = new AbortController();
    const onAbort = () => controller.abort(outer.reason);
    const unlink = () => outer.removeEventListener('abort', onAbort);
    if (outer.aborted) controller.abort(outer.reason);
    else outer.addEventListener('abort', onAbort, { once: true });
    try {
      return onBodyDone(await inner(url, { ...init, signal: controller.signal }), unlink);
    } catch (error) {
      unlink();
      throw error;
    }
  };
}
