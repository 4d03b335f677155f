import { writeSync } from 'node:fs';
import type { DestinationStream } from 'pino';

/** A destination that also flushes synchronously (what the exit hook calls). */
export interface BatchedDestination extends DestinationStream {
  /** Writes every queued line now, synchronously; `cb` (pino's `logger.flush`) is called after. */
  flush(cb?: (err?: Error) => void): void;
  /** Lines queued and not yet written, bytes (UTF-16 length). */
  readonly pending: number;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function isRetryable(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'EAGAIN' || code === 'EBUSY';
}

/**
 * Writes `bytes` to `fd` until done or, when `wait` is false, until the fd would block; returns what is left.
 * With `wait` (exit, explicit flush) EAGAIN sleeps 1 ms and retries.
 */
function writeBytes(fd: number, bytes: Buffer, wait: boolean): Buffer {
  let rest = bytes;
  while (rest.length > 0) {
    try {
      rest = rest.subarray(writeSync(fd, rest));
    } catch (err) {
      if (!isRetryable(err)) throw err;
      if (!wait) return rest;
      Atomics.wait(sleeper, 0, 0, 1);
    }
  }
  return rest;
}

/**
 * Log lines coalesced per event-loop turn and written with one synchronous `write(2)` from a `setImmediate`:
 * the request that logs never waits for the write, and no write is ever in flight on the thread pool, so an
 * exit (`process.exit`, a signal handler that exits, an uncaught exception) writes whatever is queued, in
 * order, and loses nothing. (pino's asynchronous sonic-boom drops the batch a thread-pool write still holds
 * when the process exits.)
 */
class Batched implements BatchedDestination {
  readonly #fd: number;
  #queue: string[] = [];
  #pending = 0;
  /** Bytes a non-blocking fd refused, written before anything queued later. */
  #blocked: Buffer | undefined;
  #scheduled: NodeJS.Immediate | NodeJS.Timeout | undefined;

  constructor(fd: number) {
    this.#fd = fd;
  }

  get pending(): number {
    return this.#pending + (this.#blocked?.length ?? 0);
  }

  write(line: string): void {
    this.#queue.push(line);
    this.#pending += line.length;
    if (this.#scheduled === undefined) this.#schedule(setImmediate(() => this.#background()));
  }

  flush(cb?: (err?: Error) => void): void {
    try {
      this.#drain(true);
      cb?.();
    } catch (err) {
      if (!cb) throw err;
      cb(err as Error);
    }
  }

  #schedule(handle: NodeJS.Immediate | NodeJS.Timeout): void {
    handle.unref();
    this.#scheduled = handle;
  }

  /** The per-turn write: never blocks on a full non-blocking fd (retries in 1 ms), never throws. */
  #background(): void {
    try {
      this.#drain(false);
    } catch {
      // the reader is gone (EPIPE, EBADF): there is no one left to write to
      this.#blocked = undefined;
    }
    if (this.#blocked && this.#scheduled === undefined) {
      this.#schedule(setTimeout(() => this.#background(), 1));
    }
  }

  #drain(wait: boolean): void {
    if (this.#scheduled !== undefined) {
      clearImmediate(this.#scheduled as NodeJS.Immediate);
      clearTimeout(this.#scheduled as NodeJS.Timeout);
    }
    this.#scheduled = undefined;
    const queued =
      this.#queue.length === 0 ? '' : this.#queue.length === 1 ? this.#queue[0]! : this.#queue.join('');
    this.#queue = [];
    this.#pending = 0;
    const fresh = Buffer.from(queued, 'utf8');
    const bytes = this.#blocked ? Buffer.concat([this.#blocked, fresh]) : fresh;
    this.#blocked = undefined;
    if (bytes.length === 0) return;
    const rest = writeBytes(this.#fd, bytes, wait);
    if (rest.length > 0) this.#blocked = rest;
  }
}

const perFd = new Map<number, Batched>();

function flushAllOnExit(): void {
  for (const destination of perFd.values()) {
    try {
      destination.flush();
    } catch {
      // the reader is gone (EPIPE): nothing left to save
    }
  }
}

/**
 * The process-wide batched destination for `fd` (default stdout). One per fd, so every logger of the process
 * shares one queue (lines stay in order) and one `exit` hook.
 */
export function batchedFdDestination(fd = 1): BatchedDestination {
  let destination = perFd.get(fd);
  if (!destination) {
    if (perFd.size === 0) process.on('exit', flushAllOnExit);
    destination = new Batched(fd);
    perFd.set(fd, destination);
  }
  return destination;
}
