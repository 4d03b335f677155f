/** Options of the LCP beacon. */
export interface LcpBeaconOptions {
  /** Connectors server origin. */
  baseUrl: string;
  /** Quiet period after the last LCP candidate before reporting (ms, default 1000). */
  settleMs?: number;
  /** Sends the JSON body; defaults to `navigator.sendBeacon`, falling back to `fetch` with keepalive. */
  send?: (url: string, body: string) => void;
}

function defaultSend(url: string, body: string): void {
  const blob = new Blob([body], { type: 'application/json' });
  if (typeof navigator.sendBeacon === 'function' && navigator.sendBeacon(url, blob)) return;
  void fetch(url, {
    method: 'POST',
    body,
    keepalive: true,
    headers: { 'content-type': 'application/json' },
  }).catch(() => undefined);
}

/**
 * Reports Largest Contentful Paint (ms since navigation start) to `POST /v1/apps/beacon` once, after the
 * LCP candidates settle or when the page is hidden. Browser host only. Returns a stop function.
 */
export function startLcpBeacon(options: LcpBeaconOptions): () => void {
  if (
    typeof PerformanceObserver === 'undefined' ||
    !PerformanceObserver.supportedEntryTypes?.includes('largest-contentful-paint')
  )
    return () => undefined;
  const send = options.send ?? defaultSend;
  const url = new URL('/v1/apps/beacon', options.baseUrl).toString();
  let value: number | null = null;
  let sent = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = (): void => {
    if (sent || value === null) return;
    sent = true;
    send(url, JSON.stringify({ name: 'lcp', value: Math.round(value * 10) / 10 }));
    stop();
  };
  const observer = new PerformanceObserver((list) => {
    const entries = list.getEntries();
    const last = entries[entries.length - 1];
    if (last) value = last.startTime;
    clearTimeout(timer);
    timer = setTimeout(flush, options.settleMs ?? 1000);
  });
  const onHide = (): void => {
    if (document.visibilityState === 'hidden') flush();
  };
  function stop(): void {
    observer.disconnect();
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', onHide);
    window.removeEventListener('pagehide', flush);
  }
  observer.observe({ type: 'largest-contentful-paint', buffered: true });
  document.addEventListener('visibilitychange', onHide);
  window.addEventListener('pagehide', flush);
  return stop;
}
