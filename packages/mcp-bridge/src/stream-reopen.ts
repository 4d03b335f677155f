import type { IncomingMessage } from 'node:http';
import { backoffDelayMs } from '@cortex-os/connectors-manifest';
import type { StreamState } from './event-stream.js';
import type { EventStreamReconnect } from './node-http-options.js';
import { httpError, mediaType } from './node-http.js';

/** What {@link openStream} and {@link scheduleStream} need from their transport. */
export interface ReopenHost {
  closed(): boolean;
  reconnect(): EventStreamReconnect;
  /** The last `retry:` an upstream stream sent, if any (it replaces the backoff). */
  retryMs(): number | undefined;
  /** Pending reopen timers (cleared when the transport closes). */
  readonly timers: Set<NodeJS.Timeout>;
  /** Sends the GET of an event stream, with `Last-Event-ID` when given. */
  get(lastEventId: string | undefined): Promise<IncomingMessage>;
  read(res: IncomingMessage, state: StreamState): void;
  /** Gives the stream up: the requests it still owes fail. */
  abandon(state: StreamState, cause: Error): void;
  onerror(error: Error): void;
}

/**
 * Opens (or resumes, with the stream's own `Last-Event-ID`) a GET event stream of `state`. A 5xx is retried
 * with backoff; a 405 or another refusal gives the stream up. A network failure retries the standalone
 * stream, but fails a POST stream's resumption at once (the upstream, and its event store, are gone).
 */
export function openStream(host: ReopenHost, state: StreamState, attempt: number): void {
  if (host.closed()) return;
  host.get(state.lastEventId).then(
    async (res) => {
      const status = res.statusCode ?? 0;
      if (status === 405) {
        res.resume();
        return host.abandon(state, new Error('the upstream has no GET event stream (HTTP 405)'));
      }
      if (status < 200 || status >= 300 || mediaType(res) !== 'text/event-stream') {
        const error = await httpError(res, 'Failed to open SSE stream');
        host.onerror(error);
        if (status >= 500) scheduleStream(host, state, attempt + 1);
        else host.abandon(state, error);
        return;
      }
      host.read(res, state);
    },
    (error: unknown) => {
      if (host.closed()) return;
      const err = error instanceof Error ? error : new Error(String(error));
      host.onerror(err);
      if (state.standalone) scheduleStream(host, state, attempt + 1);
      else host.abandon(state, err);
    },
  );
}

/**
 * Reopens `state` after the server's `retry:` or the backoff delay of `attempt`; past `maxRetries` the
 * stream is given up (reported through `onerror`).
 */
export function scheduleStream(host: ReopenHost, state: StreamState, attempt: number): void {
  if (host.closed()) return;
  const { initialDelayMs, growFactor, maxDelayMs, maxRetries } = host.reconnect();
  if (attempt > maxRetries) {
    const error = new Error(`brAInwav: event stream lost; gave up after ${maxRetries} reconnection attempts`);
    host.onerror(error);
    return host.abandon(state, error);
  }
  const delay =
    host.retryMs() ??
    backoffDelayMs({ initialMs: initialDelayMs, maxMs: maxDelayMs, factor: growFactor }, attempt);
  const timer = setTimeout(() => {
    host.timers.delete(timer);
    openStream(host, state, attempt);
  }, delay);
  timer.unref();
  host.timers.add(timer);
}
