import { StringDecoder } from 'node:string_decoder';
import { redactSecrets } from '@cortex-os/telemetry';

/** Longest stderr line kept, bytes-ish (characters); longer lines are cut and marked. */
export const STDERR_MAX_LINE = 4096;
/** Lines logged per second before the rest of that second is dropped (and counted). */
export const STDERR_LINES_PER_SECOND = 100;
/** How many recent lines are kept for exit reasons. */
export const STDERR_TAIL_LINES = 20;

/** Options of {@link StderrCapture}. */
export interface StderrCaptureOptions {
  /** Values replaced with "[REDACTED]" in every line. */
  readonly secrets: readonly string[];
  /** Receives each kept line (already redacted and cut), or the "… N stderr lines dropped" notice. */
  readonly log: (line: string) => void;
  readonly linesPerSecond?: number;
  readonly now?: () => number;
}

/**
 * Splits a child's stderr into lines, redacts secrets, cuts long lines, rate-limits what reaches the log (a spamming
 * child cannot flood it: past the per-second budget lines are counted and reported as one notice) and keeps the last
 * {@link STDERR_TAIL_LINES} lines (all of them, rate limit or not) for exit reasons.
 */
export class StderrCapture {
  readonly #options: StderrCaptureOptions;
  readonly #tail: string[] = [];
  #partial = '';
  /** Keeps a UTF-8 sequence split across chunks whole (a plain toString() would turn it into U+FFFD). */
  readonly #decoder = new StringDecoder('utf8');
  /** True while discarding the rest of an over-long line (its head was already kept). */
  #skipping = false;
  #windowStart = 0;
  #windowCount = 0;
  #dropped = 0;

  /** A partial line is emitted once longer than this: the cut plus the longest secret, so no secret straddles it. */
  readonly #holdLimit: number;

  constructor(options: StderrCaptureOptions) {
    this.#options = options;
    this.#holdLimit = STDERR_MAX_LINE + Math.max(0, ...options.secrets.map((s) => s.length));
  }

  /** Feeds one chunk of stderr. */
  write(chunk: Buffer | string): void {
    const text = typeof chunk === 'string' ? chunk : this.#decoder.write(chunk);
    const lines = (this.#partial + text).split('\n');
    this.#partial = lines.pop() ?? '';
    lines.forEach((line, i) => {
      if (i === 0 && this.#skipping) this.#skipping = false;
      else this.#line(line.replace(/\r$/, ''));
    });
    if (lines.length > 0) this.#skipping = false;
    if (this.#skipping) this.#partial = '';
    else if (this.#partial.length > this.#holdLimit) {
      this.#line(this.#partial);
      this.#partial = '';
      this.#skipping = true;
    }
  }

  /** Flushes a trailing partial line and any pending drop notice (call when the child has exited). */
  flush(): void {
    this.#partial += this.#decoder.end();
    if (this.#partial !== '') this.#line(this.#partial);
    this.#partial = '';
    this.#reportDropped();
  }

  /** The last lines (redacted), newline-joined. */
  get tail(): string {
    return this.#tail.join('\n');
  }

  /** The last non-empty line (redacted), or undefined. */
  get lastLine(): string | undefined {
    for (let i = this.#tail.length - 1; i >= 0; i -= 1) {
      const line = (this.#tail[i] as string).trim();
      if (line !== '') return line;
    }
    return undefined;
  }

  #line(raw: string): void {
    // Redact before cutting so a secret straddling the cut cannot leave a visible prefix.
    const redacted = redactSecrets(raw, this.#options.secrets);
    const line =
      redacted.length > STDERR_MAX_LINE ? `${redacted.slice(0, STDERR_MAX_LINE)}… [cut]` : redacted;
    this.#tail.push(line);
    if (this.#tail.length > STDERR_TAIL_LINES) this.#tail.shift();
    const now = (this.#options.now ?? Date.now)();
    if (now - this.#windowStart >= 1000) {
      this.#reportDropped();
      this.#windowStart = now;
      this.#windowCount = 0;
    }
    if (this.#windowCount >= (this.#options.linesPerSecond ?? STDERR_LINES_PER_SECOND)) {
      this.#dropped += 1;
      return;
    }
    this.#windowCount += 1;
    this.#options.log(line);
  }

  #reportDropped(): void {
    if (this.#dropped === 0) return;
    this.#options.log(`… ${this.#dropped} stderr lines dropped`);
    this.#dropped = 0;
  }
}
