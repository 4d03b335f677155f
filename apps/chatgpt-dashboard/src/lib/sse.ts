import { createParser, type EventSourceParser, type ParseError } from 'eventsource-parser';
import { backoffDelayMs } from '@cortex-os/connectors-manifest';
import { DashboardError } from './errors.js';

/** One Server-Sent Event as dispatched by the parser. */
export interface SseMessage {
  /** The last event id seen on the stream (it persists across events, as `EventSource.lastEventId` does). */
  id: string | undefined;
  event: string;
  data: string;
}

/** Default cap of one event (1 MiB of decoded characters): a status stream's events are a few KiB at most. */
export const DEFAULT_MAX_EVENT_SIZE = 1024 * 1024;

/** Options of {@link SseParser}. */
export interface SseParserOptions {
  /**
   * Largest event, in decoded characters, the parser buffers (the unfinished line plus the event's data so
   * far; default {@link DEFAULT_MAX_EVENT_SIZE}). Over it `feed` throws an `EVENT_TOO_LARGE` error.
   */
  maxEventSize?: number;
}

/**
 * Incremental `text/event-stream` parser (WHATWG HTML §9.2) on `eventsource-parser`: feed it decoded text
 * chunks of any size (CR, LF and CRLF line ends, also split across chunks) and it calls `onMessage` for every
 * complete event. Comment lines (`: heartbeat`) are ignored. Buffering is bounded by `maxEventSize`.
 */
export class SseParser {
  private readonly parser: EventSourceParser;
  private readonly maxEventSize: number;
  private lastId: string | undefined;
  private overflow: DashboardError | undefined;

  constructor(
    private readonly onMessage: (message: SseMessage) => void,
    options: SseParserOptions = {},
  ) {
    this.maxEventSize = options.maxEventSize ?? DEFAULT_MAX_EVENT_SIZE;
    this.parser = createParser({
      maxBufferSize: this.maxEventSize,
      onEvent: (event) => {
        if (this.overflow) return;
        // an oversized event that arrived whole inside one chunk is refused too
        if (event.data.length > this.maxEventSize) return this.tooLarge();
        if (event.id !== undefined) this.lastId = event.id;
        this.onMessage({ id: this.lastId, event: event.event ?? 'message', data: event.data });
      },
      onError: (error) => {
        // unknown fields and a bad `retry:` are ignored, as the spec says; only the size cap is fatal
        if (error.type === 'max-buffer-size-exceeded') this.tooLarge(error);
      },
    });
  }

  /**
   * Feeds one decoded chunk.
   * @throws DashboardError `EVENT_TOO_LARGE` when an event outgrows `maxEventSize`; the partial event is
   *   dropped and the parser starts afresh (the caller should drop the stream and reconnect).
   */
  feed(chunk: string): void {
    this.parser.feed(chunk);
    const overflow = this.overflow;
    if (!overflow) return;
    this.reset();
    throw overflow;
  }

  /** Forgets any partial event (a new stream starts); the last event id is kept for `Last-Event-ID`. */
  reset(): void {
    this.overflow = undefined;
    this.parser.reset();
  }

  private tooLarge(cause?: ParseError): void {
    this.overflow = new DashboardError(
      'EVENT_TOO_LARGE',
      `a live status event exceeded ${this.maxEventSize} characters; the stream was dropped and will reconnect`,
      { cause },
    );
  }
}

/** Exponential backoff with full jitter: attempt 0 → up to `initialMs`, doubling up to `maxMs` (milliseconds). */
export function backoffDelay(
  attempt: number,
  initialMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  return backoffDelayMs({ initialMs, maxMs, jitter: 'equal' }, attempt, random);
}
