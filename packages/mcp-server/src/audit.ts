import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { BRAND } from './brand.js';

/** Outcome of a tool call as recorded in audit lines and metric labels. */
export type CallOutcome = 'ok' | 'error' | 'offline' | 'quota_exceeded' | 'failed' | 'cancelled';

/**
 * One audit record per tool call. Never carries arguments, results or secrets.
 * `callerId` is the caller's key id (never the key itself).
 */
export interface AuditRecord {
  /** ISO-8601 UTC timestamp (ms) of the end of the call. */
  ts: string;
  brand: typeof BRAND;
  callerId: string;
  connectorId: string;
  /** Upstream tool name (unprefixed). */
  tool: string;
  outcome: CallOutcome;
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

/**
 * Append-only JSONL {@link AuditSink}: one `JSON.stringify(record)` line per call, written in
 * order through a single `O_APPEND` file handle (parent directories are created). Write errors
 * are passed to `onError` (default: ignored) and never reach the caller.
 */
export function createJsonlAuditSink(
  path: string,
  onError: (error: unknown) => void = () => undefined,
): AuditSink & { flush(): Promise<void> } {
  let handle: Promise<FileHandle> | undefined;
  let chain: Promise<void> = Promise.resolve();
  const file = (): Promise<FileHandle> =>
    (handle ??= mkdir(dirname(path), { recursive: true }).then(() => open(path, 'a', 0o600)));
  const enqueue = (line: string): void => {
    chain = chain
      .then(async () => {
        await (await file()).appendFile(line, 'utf8');
      })
      .catch((error: unknown) => {
        handle = undefined;
        onError(error);
      });
  };
  return {
    write: (record) => enqueue(`${JSON.stringify(record)}\n`),
    flush: () => chain,
    close: async () => {
      await chain;
      if (handle) await (await handle).close();
      handle = undefined;
    },
  };
}
