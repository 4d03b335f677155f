import { DashboardError, httpError, isAbortError, toDashboardError } from '../lib/errors.js';
import { parseMapHealth } from '../lib/mapHealth.js';
import {
  parseAvailabilityEvent,
  parseDashboardData,
  parseMapUpdatedEvent,
  parseQuotaEvent,
} from '../lib/parse.js';
import { SseParser, backoffDelay, type SseMessage } from '../lib/sse.js';
import type { DashboardEvent, HostAdapter, ToolCallResult, TrafficReport, TrafficSource } from '../types.js';
import { authHeaders, requestJson, type HttpOptions } from './http.js';

/** Options of the plain-browser adapter. Delays are milliseconds. */
export interface BrowserAdapterOptions {
  /** Origin of the connectors server, e.g. `http://127.0.0.1:7071/`. */
  baseUrl: string;
  /** API key sent as `Authorization: Bearer`; `null` for `NO_AUTH` servers. */
  apiKey: string | null;
  fetch?: typeof fetch;
  /** First reconnect delay ceiling (default 500 ms). */
  initialBackoffMs?: number;
  /** Largest reconnect delay (default 15 000 ms). */
  maxBackoffMs?: number;
  random?: () => number;
  /** Largest SSE event in decoded characters (default 1 MiB); a bigger one drops the stream, which reconnects. */
  maxEventSize?: number;
}

function toEvent(message: SseMessage): DashboardEvent | null {
  let data: unknown;
  try {
    data = JSON.parse(message.data);
  } catch {
    return null;
  }
  if (message.event === 'snapshot') return { type: 'snapshot', data: parseDashboardData(data) };
  const parsers = {
    availability: parseAvailabilityEvent,
    quota: parseQuotaEvent,
    'map-updated': parseMapUpdatedEvent,
    'map-health': parseMapHealth,
  } as const;
  if (!(message.event in parsers)) return null;
  const type = message.event as keyof typeof parsers;
  const parsed = parsers[type](data);
  return parsed ? ({ type, data: parsed } as DashboardEvent) : null;
}

/**
 * Feeds the stream to `parser` through a streaming UTF-8 decoder (a character split across chunks stays whole).
 * When the parser throws (an oversized event) the response body is cancelled before the error propagates.
 */
async function readStream(body: ReadableStream<Uint8Array>, parser: SseParser): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return parser.feed(decoder.decode());
      parser.feed(decoder.decode(value, { stream: true }));
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    throw error;
  }
}

/**
 * Adapter for the plain browser page the connectors server serves: `GET /v1/connectors`, `fetch`-streamed
 * SSE from `/v1/connectors/events` with the key header, reconnecting with jittered exponential backoff and
 * `Last-Event-ID`, and tool calls through `POST /v1/connectors/:id/tools/:tool/call`.
 */
export function createBrowserAdapter(options: BrowserAdapterOptions): HostAdapter & TrafficSource {
  const http: HttpOptions = {
    baseUrl: options.baseUrl,
    apiKey: options.apiKey,
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
  };
  const initialMs = options.initialBackoffMs ?? 500;
  const maxMs = options.maxBackoffMs ?? 15_000;

  function subscribe(onEvent: (event: DashboardEvent) => void): () => void {
    const controller = new AbortController();
    let lastEventId: string | undefined;
    let attempt = 0;
    let oversized = false;
    const parser = new SseParser(
      (message) => {
        if (message.id !== undefined) lastEventId = message.id;
        attempt = 0;
        oversized = false;
        try {
          const event = toEvent(message);
          if (event) onEvent(event);
        } catch (error) {
          onEvent({ type: 'connection', state: 'reconnecting', error: toDashboardError(error) });
        }
      },
      { maxEventSize: options.maxEventSize },
    );

    async function connectOnce(): Promise<void> {
      const headers = authHeaders(http.apiKey, {
        accept: 'text/event-stream',
        ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
      });
      const response = await http.fetch(new URL('/v1/connectors/events', http.baseUrl), {
        headers,
        signal: controller.signal,
        cache: 'no-store',
      });
      if (!response.ok || !response.body)
        throw httpError(response.status, await response.json().catch(() => null));
      onEvent({ type: 'connection', state: 'open' });
      // after an oversized event only a delivered event resets the backoff (a replay of it must not spin)
      if (!oversized) attempt = 0;
      parser.reset();
      await readStream(response.body, parser);
    }

    async function loop(): Promise<void> {
      while (!controller.signal.aborted) {
        try {
          await connectOnce();
          if (controller.signal.aborted) return;
          onEvent({ type: 'connection', state: 'reconnecting' });
        } catch (error) {
          if (controller.signal.aborted || isAbortError(error)) return;
          const failure =
            error instanceof DashboardError
              ? error
              : new DashboardError('NETWORK', 'the live status stream was interrupted', { cause: error });
          oversized = failure.code === 'EVENT_TOO_LARGE';
          const fatal = failure.code === 'UNAUTHORIZED' || failure.code === 'FORBIDDEN';
          onEvent({ type: 'connection', state: fatal ? 'failed' : 'reconnecting', error: failure });
          if (fatal) return;
        }
        await sleep(backoffDelay(attempt++, initialMs, maxMs, options.random), controller.signal);
      }
    }

    void loop();
    return () => controller.abort();
  }

  return {
    kind: 'browser',
    getInitialData: () => Promise.resolve(null),
    refresh: async (signal) =>
      parseDashboardData(await requestJson(http, '/v1/connectors', { method: 'GET', signal })),
    callTool: async (connectorId, tool, args, signal) => {
      const path = `/v1/connectors/${encodeURIComponent(connectorId)}/tools/${encodeURIComponent(tool)}/call`;
      return (await requestJson(http, path, {
        method: 'POST',
        body: JSON.stringify({ arguments: args }),
        signal,
      })) as ToolCallResult;
    },
    subscribe,
    traffic: (windowMinutes, onReport) => streamTraffic(http, windowMinutes, onReport, initialMs, maxMs),
    theme: () => undefined,
  };
}

/**
 * Follows `/v1/connectors/traffic/events?window=15m|1h` (each `traffic` event is a whole report), reconnecting
 * with the same jittered backoff; a 401/403 stops it (the status stream shows the error).
 */
function streamTraffic(
  http: HttpOptions,
  windowMinutes: 15 | 60,
  onReport: (report: TrafficReport) => void,
  initialMs: number,
  maxMs: number,
): () => void {
  const controller = new AbortController();
  let attempt = 0;
  const parser = new SseParser((message) => {
    if (message.event !== 'traffic') return;
    attempt = 0;
    try {
      onReport(JSON.parse(message.data) as TrafficReport);
    } catch {
      // a malformed report is skipped; the next one replaces it
    }
  });
  const path = `/v1/connectors/traffic/events?window=${windowMinutes === 60 ? '1h' : '15m'}`;
  const loop = async (): Promise<void> => {
    while (!controller.signal.aborted) {
      try {
        const response = await http.fetch(new URL(path, http.baseUrl), {
          headers: authHeaders(http.apiKey, { accept: 'text/event-stream' }),
          signal: controller.signal,
          cache: 'no-store',
        });
        if (response.status === 401 || response.status === 403) return;
        if (response.ok && response.body) {
          parser.reset();
          await readStream(response.body, parser);
        }
      } catch (error) {
        if (controller.signal.aborted || isAbortError(error)) return;
      }
      await sleep(backoffDelay(attempt++, initialMs, maxMs), controller.signal);
    }
  };
  void loop();
  return () => controller.abort();
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
