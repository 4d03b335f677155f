import { randomBytes } from 'node:crypto';
import type { AuditRecord, AuditSink } from '@cortex-os/mcp-server';
import {
  buildTrafficReport,
  windowStartMs,
  type ConnectorInfo,
  type TrafficReport,
  type TrafficWindow,
} from './report.js';
import type { AvailabilityTransition, TrafficStore } from './types.js';

/** Options of {@link createTrafficService}. */
export interface TrafficServiceOptions {
  readonly store: TrafficStore;
  /** Subscribes to availability changes (they become timeline transitions); returns the unsubscribe. */
  readonly follow: (onTransition: (t: AvailabilityTransition) => void) => () => void;
  /** The connectors of the map in force with their quotas, quota use and availability. */
  readonly connectors: () => Promise<readonly ConnectorInfo[]>;
  /** Clock, epoch ms (default `Date.now`). */
  readonly now?: () => number;
  /** A store write failed (called at most once per 10 s). */
  readonly onError?: (error: unknown) => void;
}

/** Records what flows through the gateway and answers traffic reports. */
export interface TrafficService {
  /** An audit sink that records every call and forwards it to `inner`. */
  sink(inner: AuditSink): AuditSink;
  /** The report of the last `window` minutes. */
  report(window: TrafficWindow): Promise<TrafficReport>;
  /** Stops following the hub (the store is its owner's to close). */
  close(): void;
}

const ERROR_LOG_EVERY_MS = 10_000;
/** Call ids: a random prefix per process and a counter (unique across the replicas sharing a Redis store). */
const CALL_ID_PREFIX = randomBytes(6).toString('hex');
let callSeq = 0;

/** The traffic call of an audit record (drops the trace id, endpoint and rule: only who/what/how long). */
function trafficCall(record: AuditRecord, fallbackMs: number): Parameters<TrafficStore['record']>[0] {
  const atMs = Date.parse(record.ts);
  return {
    id: `${CALL_ID_PREFIX}${(callSeq += 1).toString(36)}`,
    atMs: Number.isFinite(atMs) ? atMs : fallbackMs,
    callerId: record.callerId,
    connectorId: record.connectorId,
    tool: record.tool,
    outcome: record.outcome,
    durationMs: record.durationMs,
  };
}

/**
 * The traffic pipeline of one server process: calls from the audit stream and availability changes go
 * to the store (shared by replicas when it is Redis); reports join them with the current connectors.
 * A connector with no transition yet gets one from its current availability (the window before it
 * reads `unknown`). Store failures never reach the tool call.
 */
export function createTrafficService(options: TrafficServiceOptions): TrafficService {
  const now = options.now ?? Date.now;
  let lastErrorAt = -Infinity;
  const failed = (error: unknown): void => {
    if (now() - lastErrorAt < ERROR_LOG_EVERY_MS) return;
    lastErrorAt = now();
    options.onError?.(error);
  };
  const unsubscribe = options.follow((t) => void options.store.transition(t).catch(failed));
  const report = async (window: TrafficWindow): Promise<TrafficReport> => {
    const nowMs = now();
    const connectors = await options.connectors();
    const raw = await options.store.read(
      connectors.map((c) => c.id),
      windowStartMs(window, nowMs),
      nowMs,
    );
    for (const c of connectors)
      if (c.status === 'enabled' && c.availability !== 'unknown' && !raw.transitions.get(c.id)?.length)
        options.store.transition({ connectorId: c.id, state: c.availability, atMs: nowMs }).catch(failed);
    return buildTrafficReport(raw, connectors, window, nowMs);
  };
  return {
    sink: (inner) => ({
      write(record) {
        inner.write(record);
        options.store.record(trafficCall(record, now())).catch(failed);
      },
      close: () => inner.close?.() ?? Promise.resolve(),
    }),
    report,
    close: unsubscribe,
  };
}
