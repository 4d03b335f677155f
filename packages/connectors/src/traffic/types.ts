import type { CallOutcome } from '@cortex-os/mcp-server';

/** Recent calls kept (newest first) by every {@link TrafficStore}. */
export const RECENT_CALLS = 50;
/** Minute buckets kept per connector (one hour). */
export const WINDOW_MINUTES_MAX = 60;
/** One minute, milliseconds. */
export const MINUTE_MS = 60_000;

/**
 * One tool call as the traffic views keep it: the audit record's who/what/how, never arguments,
 * results or secrets.
 */
export interface TrafficCall {
  /** Random id (16 hex chars), unique per call across replicas. */
  readonly id: string;
  /** End of the call, epoch milliseconds. */
  readonly atMs: number;
  /** The calling principal's subject (`key-<8 hex>`, a bound subject, a token's `sub`). */
  readonly callerId: string;
  readonly connectorId: string;
  /** Upstream tool name (unprefixed). */
  readonly tool: string;
  readonly outcome: CallOutcome;
  /** Wall time, milliseconds. */
  readonly durationMs: number;
}

/** Availability as the timeline draws it. */
export type TimelineState = 'online' | 'offline' | 'degraded' | 'unknown' | 'disabled';

/** A connector changed availability at `atMs` (epoch ms). */
export interface AvailabilityTransition {
  readonly connectorId: string;
  readonly atMs: number;
  readonly state: 'online' | 'offline' | 'degraded';
}

/** Counters of one connector in one minute (`latency[i]`: calls in histogram bin `i`, see `LATENCY_BOUNDS_MS`). */
export interface MinuteBucket {
  /** Start of the minute, epoch ms. */
  readonly startMs: number;
  readonly calls: number;
  /** Outcomes `error` and `failed`. */
  readonly errors: number;
  /** Outcome `offline` (the gateway answered with its offline fallback). */
  readonly offline: number;
  /** Outcomes `quota_exceeded` and `denied` (refused before the upstream). */
  readonly refused: number;
  readonly latency: readonly number[];
}

/** What a store returns for one read (`from`..`now`). */
export interface TrafficRaw {
  /** Per connector, the non-empty minute buckets in the window, oldest first. */
  readonly buckets: ReadonlyMap<string, readonly MinuteBucket[]>;
  /** Per connector, transitions in the window, oldest first, preceded by the last one before it (if any). */
  readonly transitions: ReadonlyMap<string, readonly AvailabilityTransition[]>;
  /** The last {@link RECENT_CALLS} calls, newest first. */
  readonly recent: readonly TrafficCall[];
}

/**
 * Where traffic counters live: {@link MemoryTrafficStore} (one process) or {@link RedisTrafficStore}
 * (shared by every replica). Memory is bounded: an hour of minute buckets per connector, the last 50 calls,
 * the transitions of about two hours.
 */
export interface TrafficStore {
  /** Counts one call in its minute bucket and in the recent-calls ring. */
  record(call: TrafficCall): Promise<void>;
  /** Appends an availability transition. */
  transition(t: AvailabilityTransition): Promise<void>;
  /** Counters of `connectorIds` from `fromMs` to `nowMs` (epoch ms). */
  read(connectorIds: readonly string[], fromMs: number, nowMs: number): Promise<TrafficRaw>;
  close?(): Promise<void>;
}
