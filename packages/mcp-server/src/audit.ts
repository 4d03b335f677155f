import { write } from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { BRAND } from './brand.js';

/**
 * Outcome of a tool call as recorded in audit lines and metric labels (`denied`: refused by the policy,
 * before the quota and the upstream).
 */
export type CallOutcome = 'ok' | 'error' | 'offline' | 'quota_exceeded' | 'failed' | 'cancelled' | 'denied';

/**
 * One audit record per tool call. Never carries arguments, results, claims or secrets.
 * `callerId` is the principal's subject (an API key's key id or bound subject, a token's `sub`; never a key).
 */
export interface AuditRecord {
  /** ISO-8601 UTC timestamp (ms) of the end of the call. */
  ts: string;
  brand: typeof BRAND;
  /** The calling principal's subject. */
  callerId: string;
  /** How the principal was established (`api-key`, `oauth`, `none`). */
  via: 'api-key' | 'oauth' | 'none';
  connectorId: string;
  /** Upstream tool name (unprefixed). */
  tool: string;
  outcome: CallOutcome;
  /** The policy rule that allowed or denied the call, when one decided it. */
  ruleId?: string;
  /** Wall time of the call in milliseconds (integer). */
  durationMs: number;
  /** Trace id of the `connectors.proxy.call` span (32 hex chars). */
  traceId: string;
  /** Which endpoint served the call (`rest`: `ConnectorsGateway.callTool`, used by the REST API). */
  endpoint: 'aggregate' | 'connector' | 'rest';
}

/** Where audit records go. `write` must not throw; failures are the sink's business. */
export interface AuditSink {
  write(record: AuditRecord): void;
  /** Flush pending lines and release the file. */
  close?(): Promise<void>;
}

/** An {@link AuditSink} that keeps records in memory (tests, the REST API's recent calls). */
export function createMemoryAuditSink(): AuditSink & { readonly records: AuditRecord[] } {
  const records: AuditRecord[] = [];
  return { records, write: (record) => void records.push(record) };
}

/** What {@link createJsonlAuditSink} returns: the sink, a flush, and how many batched writes it made. */
export interface JsonlAuditSink extends AuditSink {
  /** Resolves once every record written so far is on disk (or its failure reported). */
  flush(): Promise<void>;
  /** File writes made so far: one per batch, not one per record. */
  readonly batches: number;
}

/** Writes all of `chunk` at the end of `fd` (O_APPEND) with `fs.write` (one thread-pool request per write). */
function writeAll(fd: number, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const from = (offset: number): void =>
      write(fd, chunk, offset, chunk.length - offset, null, (error, written) => {
        if (error) reject(error);
        else if (offset + written < chunk.length) from(offset + written);
        else resolve();
      });
    from(0);
  });
}

/**
 * Append-only JSONL {@link AuditSink}, off the tool call's hot path: `write` only serializes the record and
 * queues the line; queued lines are written in order, batched (everything queued during one event-loop turn
 * goes in one write, after the turn, once the call's response is out; lines queued while a write is in flight
 * go in the next one) through a single `O_APPEND` handle opened with mode 0600 (parent directories are
 * created). A batch is one callback `fs.write` of the handle's fd, off the event loop's thread (a `write(2)`
 * of an audit line took 45-60 µs of wall time on the benchmark VM: too long to block the loop), without the
 * promise `FileHandle.appendFile` machinery. `close()` writes what is queued, then releases the file. Write
 * errors go to `onError` (default: ignored), never to the caller.
 */
export function createJsonlAuditSink(
  path: string,
  onError: (error: unknown) => void = () => undefined,
): JsonlAuditSink {
  let handle: Promise<FileHandle> | undefined;
  let queued: string[] = [];
  let draining: Promise<void> | undefined;
  let batches = 0;
  const file = (): Promise<FileHandle> =>
    (handle ??= mkdir(dirname(path), { recursive: true }).then(() => open(path, 'a', 0o600)));
  const writeBatch = async (): Promise<void> => {
    let fd: number;
    try {
      fd = (await file()).fd;
    } catch (error) {
      queued = [];
      batches += 1;
      handle = undefined;
      onError(error);
      return;
    }
    // lines queued while the file was being opened join this batch
    const chunk = Buffer.from(queued.join(''), 'utf8');
    queued = [];
    batches += 1;
    try {
      await writeAll(fd, chunk);
    } catch (error) {
      handle = undefined;
      onError(error);
    }
  };
  const drain = async (): Promise<void> => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (queued.length > 0) await writeBatch();
    draining = undefined;
  };
  const flush = (): Promise<void> => draining ?? Promise.resolve();
  return {
    write: (record) => {
      queued.push(`${JSON.stringify(record)}\n`);
      draining ??= drain();
    },
    flush,
    get batches() {
      return batches;
    },
    close: async () => {
      await flush();
      if (handle) await (await handle).close().catch(onError);
      handle = undefined;
    },
  };
}
