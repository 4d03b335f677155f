import { isAbortError, toDashboardError } from '../lib/errors.js';
import { backoffDelay } from '../lib/sse.js';
import type { DashboardData, DashboardEvent, TrafficReport, TrafficSource } from '../types.js';

/** Options of the tool-polling traffic source (ChatGPT and MCP Apps hosts). Delays are milliseconds. */
export interface PollOptions {
  /** Time between two polls while they succeed (default 5 000 ms). */
  pollIntervalMs?: number;
  /** First retry delay ceiling after a failed poll (default 1 000 ms); doubles per failure. */
  initialBackoffMs?: number;
  /** Largest retry delay (default 30 000 ms). */
  maxBackoffMs?: number;
  random?: () => number;
  /** Whose `visibilityState` pauses polling (default the global `document`). */
  document?: Pick<Document, 'visibilityState' | 'addEventListener' | 'removeEventListener'>;
}

/** The `window` argument of `connectors_dashboard` for a panel window. */
export function windowArgument(windowMinutes: 15 | 60): '15m' | '1h' {
  return windowMinutes === 60 ? '1h' : '15m';
}

/** A traffic source fed by polling the dashboard tool; `remember` hands it a body the host delivered. */
export interface PolledTraffic extends TrafficSource {
  /** Keeps `data.traffic` as the latest report of its window and shows it to a panel watching that window. */
  remember(data: DashboardData): void;
}

/**
 * Live data for hosts without SSE: while a panel watches window `w`, calls `load(w)` (the `connectors_dashboard`
 * tool with `{ window }`) every `pollIntervalMs`, hands each result's `traffic` to the panel and the whole body
 * to `emit` as a `snapshot` (so statuses update too). The latest report of the window (the one the host
 * delivered with its tool result, or the last poll) is shown at once, then the first poll runs.
 * Never two polls at a time; none while `document.visibilityState` is `hidden` (one at once when it is visible
 * again); a failed poll retries with the widget's jittered exponential backoff and reports `connection`
 * `reconnecting` (then `open` once a poll succeeds again); unsubscribing stops it and aborts the call in flight.
 * @param load - fetches the body for a window; must honour `signal`.
 * @param emit - delivers `snapshot` and `connection` events to the adapter's subscribers.
 */
export function pollTraffic(
  load: (windowMinutes: 15 | 60, signal: AbortSignal) => Promise<DashboardData>,
  emit: (event: DashboardEvent) => void,
  options: PollOptions = {},
): PolledTraffic {
  const intervalMs = options.pollIntervalMs ?? 5_000;
  const initialMs = options.initialBackoffMs ?? 1_000;
  const maxMs = options.maxBackoffMs ?? 30_000;
  const latest = new Map<number, TrafficReport>();
  const watchers = new Set<{ windowMinutes: number; onReport: (report: TrafficReport) => void }>();

  function remember(data: DashboardData): void {
    const report = data.traffic;
    if (!report) return;
    latest.set(report.windowMinutes, report);
    for (const w of watchers) if (w.windowMinutes === report.windowMinutes) w.onReport(report);
  }

  function traffic(windowMinutes: 15 | 60, onReport: (report: TrafficReport) => void): () => void {
    const doc = options.document ?? (typeof document === 'undefined' ? undefined : document);
    const controller = new AbortController();
    const watcher = { windowMinutes, onReport };
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inFlight = false;
    let attempt = 0;
    const hidden = (): boolean => doc?.visibilityState === 'hidden';
    const stopTimer = (): void => {
      clearTimeout(timer);
      timer = undefined;
    };

    async function poll(): Promise<void> {
      stopTimer();
      if (inFlight || controller.signal.aborted || hidden()) return;
      inFlight = true;
      let delay = intervalMs;
      try {
        const data = await load(windowMinutes, controller.signal);
        if (controller.signal.aborted) return;
        if (attempt > 0) emit({ type: 'connection', state: 'open' });
        attempt = 0;
        remember(data);
        emit({ type: 'snapshot', data });
      } catch (error) {
        if (controller.signal.aborted || isAbortError(error)) return;
        delay = backoffDelay(attempt++, initialMs, maxMs, options.random);
        emit({ type: 'connection', state: 'reconnecting', error: toDashboardError(error) });
      } finally {
        inFlight = false;
      }
      if (!hidden()) timer = setTimeout(() => void poll(), delay);
    }

    const onVisibility = (): void => {
      if (hidden()) stopTimer();
      else void poll();
    };
    watchers.add(watcher);
    const known = latest.get(windowMinutes);
    if (known) onReport(known);
    doc?.addEventListener('visibilitychange', onVisibility);
    void poll();
    return () => {
      watchers.delete(watcher);
      doc?.removeEventListener('visibilitychange', onVisibility);
      stopTimer();
      controller.abort();
    };
  }

  return { traffic, remember };
}
