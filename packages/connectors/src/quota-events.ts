import type { AuditRecord, AuditSink } from '@cortex-os/mcp-server';
import type { EventHub } from './events.js';

/** Options of {@link createQuotaEventSink}. */
export interface QuotaEventSinkOptions {
  /** Where audit records also go (JSONL file), if anywhere. */
  readonly inner: AuditSink | undefined;
  readonly hub: EventHub;
  /** Current quota use of a connector. */
  readonly quotaUse: (connectorId: string) => Promise<{ minute: number; hour: number }>;
  /** Coalescing delay per connector, milliseconds (one `quota` event per connector per window). */
  readonly coalesceMs: number;
}

/**
 * An {@link AuditSink} that forwards every record to `inner` and publishes a coalesced `quota` event
 * (`{ connectorId, quotaUse, exceeded }`) per connector after its calls. Handed to the gateway and used by
 * the REST tool call, so every call path reports quota use.
 */
export function createQuotaEventSink(options: QuotaEventSinkOptions): AuditSink {
  const pending = new Map<string, { timer: NodeJS.Timeout; exceeded: boolean }>();
  const flush = async (connectorId: string, exceeded: boolean): Promise<void> => {
    pending.delete(connectorId);
    const quotaUse = await options.quotaUse(connectorId);
    options.hub.publish('quota', { connectorId, quotaUse, exceeded });
  };
  return {
    write(record: AuditRecord): void {
      options.inner?.write(record);
      const exceeded = record.outcome === 'quota_exceeded';
      const slot = pending.get(record.connectorId);
      if (slot) {
        slot.exceeded ||= exceeded;
        return;
      }
      const entry = {
        exceeded,
        timer: setTimeout(() => void flush(record.connectorId, entry.exceeded), options.coalesceMs),
      };
      entry.timer.unref();
      pending.set(record.connectorId, entry);
    },
    async close(): Promise<void> {
      for (const { timer } of pending.values()) clearTimeout(timer);
      pending.clear();
      await options.inner?.close?.();
    },
  };
}
