import { BRAND } from '@cortex-os/connectors-manifest';
import type { CallOutcome } from '@cortex-os/mcp-server';
import { mergeHistograms, quantile } from './histogram.js';
import {
  MINUTE_MS,
  type AvailabilityTransition,
  type MinuteBucket,
  type TimelineState,
  type TrafficCall,
  type TrafficRaw,
} from './types.js';

/** The two windows the dashboard offers, in minutes. */
export type TrafficWindow = 15 | 60;

/** The names a traffic window is asked for by (the REST/SSE `window` query, the dashboard tool's argument). */
export const TRAFFIC_WINDOWS: Readonly<Record<string, TrafficWindow>> = { '15m': 15, '1h': 60 };

/** The window `value` names (`"15m"` / `"1h"`), or `undefined` for anything else. */
export function trafficWindowOf(value: unknown): TrafficWindow | undefined {
  return typeof value === 'string' && Object.hasOwn(TRAFFIC_WINDOWS, value)
    ? TRAFFIC_WINDOWS[value]
    : undefined;
}

/** One minute of one connector's chart (`t`: minute start, epoch ms; latencies in ms, `null` without calls). */
export interface TrafficPoint {
  readonly t: number;
  readonly calls: number;
  readonly errors: number;
  readonly offline: number;
  readonly refused: number;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
}

/** Quota burn: use of the current windows, calls per minute over the last 5 minutes, seconds to exhaustion. */
export interface QuotaBurn {
  readonly perMinute: number;
  readonly perHour: number;
  readonly minuteUse: number;
  readonly hourUse: number;
  /** Mean calls per minute over the last five minutes. */
  readonly burnPerMinute: number;
  /** Seconds until the minute / hour budget runs out at this burn, `null` when its window resets first. */
  readonly minuteExhaustsInSec: number | null;
  readonly hourExhaustsInSec: number | null;
}

/** A span of the availability timeline (epoch ms). */
export interface AvailabilitySpan {
  readonly from: number;
  readonly to: number;
  readonly state: TimelineState;
}

/** One connector of a traffic report. */
export interface ConnectorTraffic {
  readonly id: string;
  readonly displayName: string;
  readonly status: 'enabled' | 'disabled';
  /** One point per minute of the window, oldest first (zero-filled). */
  readonly points: readonly TrafficPoint[];
  readonly totals: Omit<TrafficPoint, 't'> & { readonly errorRate: number; readonly offlineRate: number };
  readonly quota: QuotaBurn;
  readonly timeline: readonly AvailabilitySpan[];
}

/** One row of the recent-calls panel (no arguments, results or secrets). */
export interface RecentCall {
  readonly id: string;
  /** ISO-8601 end of the call. */
  readonly at: string;
  readonly callerId: string;
  readonly connectorId: string;
  readonly tool: string;
  readonly outcome: CallOutcome;
  readonly durationMs: number;
}

/** Body of `GET /v1/connectors/traffic` and data of the `traffic` SSE event. */
export interface TrafficReport {
  readonly brand: typeof BRAND;
  readonly windowMinutes: TrafficWindow;
  /** Window start and end, epoch ms. */
  readonly from: number;
  readonly to: number;
  readonly connectors: readonly ConnectorTraffic[];
  /** The last 50 calls across connectors, newest first. */
  readonly recent: readonly RecentCall[];
}

/** What the report needs to know of each connector besides its counters. */
export interface ConnectorInfo {
  readonly id: string;
  readonly displayName: string;
  readonly status: 'enabled' | 'disabled';
  readonly availability: 'online' | 'offline' | 'degraded' | 'unknown';
  readonly quotas: { readonly perMinute: number; readonly perHour: number };
  readonly quotaUse: { readonly minute: number; readonly hour: number };
}

/** Start (epoch ms) of the window of `minutes` ending in the minute of `nowMs`. */
export function windowStartMs(minutes: TrafficWindow, nowMs: number): number {
  return nowMs - (nowMs % MINUTE_MS) - (minutes - 1) * MINUTE_MS;
}

/** Turns a store read into the report of `window` minutes ending now. */
export function buildTrafficReport(
  raw: TrafficRaw,
  connectors: readonly ConnectorInfo[],
  window: TrafficWindow,
  nowMs: number,
): TrafficReport {
  const from = windowStartMs(window, nowMs);
  return {
    brand: BRAND,
    windowMinutes: window,
    from,
    to: nowMs,
    connectors: connectors.map((c) => connectorTraffic(c, raw, window, from, nowMs)),
    recent: raw.recent.map(recentCall),
  };
}

function connectorTraffic(
  c: ConnectorInfo,
  raw: TrafficRaw,
  window: TrafficWindow,
  from: number,
  nowMs: number,
): ConnectorTraffic {
  const byStart = new Map((raw.buckets.get(c.id) ?? []).map((b) => [b.startMs, b]));
  const buckets = Array.from({ length: window }, (_, i) => byStart.get(from + i * MINUTE_MS));
  const points = buckets.map((b, i) => point(from + i * MINUTE_MS, b ? [b] : []));
  const all = buckets.filter((b): b is MinuteBucket => b !== undefined);
  const { t: _t, ...sum } = point(from, all);
  const rate = (n: number): number => (sum.calls === 0 ? 0 : n / sum.calls);
  return {
    id: c.id,
    displayName: c.displayName,
    status: c.status,
    points,
    totals: { ...sum, errorRate: rate(sum.errors), offlineRate: rate(sum.offline) },
    quota: quotaBurn(c, points.slice(-5), nowMs),
    timeline:
      c.status === 'disabled'
        ? [{ from, to: nowMs, state: 'disabled' }]
        : timeline(raw.transitions.get(c.id) ?? [], from, nowMs),
  };
}

function point(t: number, buckets: readonly MinuteBucket[]): TrafficPoint {
  const sum = (k: 'calls' | 'errors' | 'offline' | 'refused'): number =>
    buckets.reduce((a, b) => a + b[k], 0);
  const histogram = mergeHistograms(buckets.map((b) => b.latency));
  return {
    t,
    calls: sum('calls'),
    errors: sum('errors'),
    offline: sum('offline'),
    refused: sum('refused'),
    p50Ms: quantile(histogram, 0.5),
    p95Ms: quantile(histogram, 0.95),
  };
}

/** Quota burn of the last `recent` points (at most five minutes). */
export function quotaBurn(c: ConnectorInfo, recent: readonly TrafficPoint[], nowMs: number): QuotaBurn {
  const burnPerMinute = recent.reduce((a, p) => a + p.calls, 0) / Math.max(1, recent.length);
  const exhausts = (limit: number, use: number, windowMs: number): number | null => {
    if (use >= limit) return 0;
    if (burnPerMinute <= 0) return null;
    const seconds = Math.ceil(((limit - use) / burnPerMinute) * 60);
    const resetInSec = (windowMs - (nowMs % windowMs)) / 1000;
    return seconds < resetInSec ? seconds : null;
  };
  return {
    perMinute: c.quotas.perMinute,
    perHour: c.quotas.perHour,
    minuteUse: c.quotaUse.minute,
    hourUse: c.quotaUse.hour,
    burnPerMinute: Math.round(burnPerMinute * 100) / 100,
    minuteExhaustsInSec: exhausts(c.quotas.perMinute, c.quotaUse.minute, MINUTE_MS),
    hourExhaustsInSec: exhausts(c.quotas.perHour, c.quotaUse.hour, 60 * MINUTE_MS),
  };
}

/**
 * Availability spans over `from`..`now` from the transitions (the last one before the window gives the
 * opening state; without one the window opens `unknown`); equal neighbours merge, empty spans are dropped.
 */
export function timeline(
  transitions: readonly AvailabilityTransition[],
  from: number,
  nowMs: number,
): AvailabilitySpan[] {
  const spans: AvailabilitySpan[] = [{ from, to: nowMs, state: 'unknown' }];
  for (const t of transitions) {
    const start = Math.min(Math.max(t.atMs, from), nowMs);
    let last = spans.at(-1);
    if (last?.state === t.state) continue;
    if (last && last.from >= start) {
      spans.pop();
      last = spans.at(-1);
      if (last?.state === t.state) {
        spans[spans.length - 1] = { ...last, to: nowMs };
        continue;
      }
    }
    if (last) spans[spans.length - 1] = { ...last, to: start };
    spans.push({ from: start, to: nowMs, state: t.state });
  }
  return spans;
}

function recentCall(c: TrafficCall): RecentCall {
  return {
    id: c.id,
    at: new Date(c.atMs).toISOString(),
    callerId: c.callerId,
    connectorId: c.connectorId,
    tool: c.tool,
    outcome: c.outcome,
    durationMs: c.durationMs,
  };
}
