import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';

/** One dispatched Server-Sent Event. */
export interface SseEvent {
  /** `event:` field; undefined means the default type `message` (also for an empty `event:`). */
  readonly event: string | undefined;
  /** `data:` lines joined with `\n`. */
  readonly data: string;
  /** Last `id:` seen on the stream up to this event (the stream's resumption cursor), if any. */
  readonly id: string | undefined;
}

/** Default largest upstream message, in bytes (16 MiB): one SSE event's data, or a JSON response body. */
export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** Options of {@link SseParser}. */
export interface SseParserOptions {
  /** Largest event in bytes of its data (default {@link DEFAULT_MAX_MESSAGE_BYTES}); a longer one stops the parser. */
  readonly maxEventBytes?: number;
  /** Called once when an event (or an unfinished line: an endless event) exceeds `maxEventBytes`. */
  readonly onOverflow?: (maxEventBytes: number) => void;
  /** Called with every event id, also of events that are not dispatched (a priming event's empty data). */
  readonly onId?: (id: string) => void;
}

/**
 * Incremental Server-Sent Events parser over raw byte chunks: `eventsource-parser` (WHATWG event stream
 * interpretation, linear in the input however it is chunked) behind a streaming UTF-8 `TextDecoder`, with a
 * size cap. A CR at the end of a chunk ends its line at once (a LF starting the next chunk is then the same
 * line end). Events with empty data are not dispatched (as in browsers), but their id counts; `onRetry`
 * receives a valid `retry:` value. Once an event outgrows `maxEventBytes` (its buffered data and unfinished
 * line are capped in characters while it streams, its bytes checked when it completes), `onOverflow` is
 * called, the buffers are dropped and later chunks are ignored.
 */
export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private readonly parser: EventSourceParser;
  private readonly maxEventBytes: number;
  private pendingCr = false;
  private failed = false;
  private lastId: string | undefined;

  constructor(
    private readonly onEvent: (event: SseEvent) => void,
    onRetry?: (ms: number) => void,
    private readonly options: SseParserOptions = {},
  ) {
    this.maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.parser = createParser({
      onEvent: (event) => this.dispatch(event),
      ...(onRetry ? { onRetry } : {}),
      onError: (error) => {
        if (error.type === 'max-buffer-size-exceeded') this.overflow();
      },
      // characters, not bytes: a UTF-8 byte is at most one UTF-16 unit, so this caps memory; bytes are checked on dispatch
      maxBufferSize: this.maxEventBytes,
    });
  }

  /** True once an event exceeded the size cap; the parser ignores further input. */
  get overflowed(): boolean {
    return this.failed;
  }

  /** Feeds one chunk; dispatches every event it completes. */
  push(chunk: Uint8Array): void {
    if (this.failed) return;
    let text = this.decoder.decode(chunk, { stream: true });
    if (this.pendingCr && text !== '') {
      this.pendingCr = false;
      if (text.charCodeAt(0) === 10) text = text.slice(1);
    }
    if (text === '') return;
    if (text.charCodeAt(text.length - 1) === 13) {
      // eventsource-parser would hold a trailing CR back until it sees the next character
      this.pendingCr = true;
      text += '\n';
    }
    this.parser.feed(text);
  }

  private dispatch(message: EventSourceMessage): void {
    if (this.failed) return;
    if (message.id !== undefined) {
      this.lastId = message.id;
      this.options.onId?.(message.id);
    }
    const { data } = message;
    if (data.length * 3 > this.maxEventBytes && Buffer.byteLength(data, 'utf8') > this.maxEventBytes)
      return this.overflow();
    if (data === '') return; // e.g. a resumability priming event: only its id counts
    this.onEvent({ event: message.event, data, id: this.lastId });
  }

  private overflow(): void {
    if (this.failed) return;
    this.failed = true;
    this.options.onOverflow?.(this.maxEventBytes);
  }
}
