import { StringDecoder } from 'node:string_decoder';

/** One dispatched Server-Sent Event. */
export interface SseEvent {
  /** `event:` field; undefined means the default type `message`. */
  readonly event: string | undefined;
  /** `data:` lines joined with `\n`. */
  readonly data: string;
  /** `id:` field of this event, if any. */
  readonly id: string | undefined;
}

/**
 * Incremental Server-Sent Events parser (WHATWG "event stream interpretation") over raw byte chunks:
 * CR, LF and CRLF line ends, `:` comments, `data`/`event`/`id`/`retry` fields, dispatch on a blank line.
 * UTF-8 is decoded across chunk boundaries. Events with empty data are not dispatched (as in browsers);
 * `onRetry` receives a valid `retry:` value.
 */
export class SseParser {
  private readonly decoder = new StringDecoder('utf8');
  private buffer = '';
  private data: string[] = [];
  private event: string | undefined;
  private id: string | undefined;
  private pendingCr = false;
  private atStart = true;

  constructor(
    private readonly onEvent: (event: SseEvent) => void,
    private readonly onRetry?: (ms: number) => void,
  ) {}

  /** Feeds one chunk; dispatches every event it completes. */
  push(chunk: Buffer): void {
    let text = this.decoder.write(chunk);
    if (text === '') return;
    if (this.atStart) {
      this.atStart = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a leading BOM is ignored
    }
    if (this.pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.pendingCr = false;
    this.buffer += text;
    let start = 0;
    for (let i = 0; i < this.buffer.length; i += 1) {
      const ch = this.buffer.charCodeAt(i);
      if (ch !== 10 && ch !== 13) continue;
      this.line(this.buffer.slice(start, i));
      if (ch === 13) {
        if (i + 1 === this.buffer.length) this.pendingCr = true;
        else if (this.buffer.charCodeAt(i + 1) === 10) i += 1;
      }
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
  }

  private line(line: string): void {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.onRetry?.(Number(value));
  }

  private dispatch(): void {
    const data = this.data;
    const event = this.event;
    this.data = [];
    this.event = undefined;
    const joined = data.join('\n');
    if (joined === '') return; // e.g. a resumability priming event: only its id counts
    this.onEvent({ event, data: joined, id: this.id });
  }
}
