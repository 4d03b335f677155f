import { MemoryTrafficStore } from './memory-store.js';
import { RedisTrafficStore } from './redis-store.js';
import type { TrafficStore } from './types.js';

export { LATENCY_BINS, LATENCY_BOUNDS_MS, latencyBin, quantile } from './histogram.js';
export { MAX_TRACKED_CONNECTORS, MemoryTrafficStore } from './memory-store.js';
export { RedisTrafficStore } from './redis-store.js';
export type { RedisTrafficStoreOptions } from './redis-store.js';
export { buildTrafficReport, quotaBurn, timeline, windowStartMs } from './report.js';
export type {
  AvailabilitySpan,
  ConnectorInfo,
  ConnectorTraffic,
  QuotaBurn,
  RecentCall,
  TrafficPoint,
  TrafficReport,
  TrafficWindow,
} from './report.js';
export { createTrafficService } from './service.js';
export type { TrafficService, TrafficServiceOptions } from './service.js';
export { MINUTE_MS, RECENT_CALLS, WINDOW_MINUTES_MAX } from './types.js';
export type {
  AvailabilityTransition,
  MinuteBucket,
  TimelineState,
  TrafficCall,
  TrafficRaw,
  TrafficStore,
} from './types.js';

/** The traffic store for `redisUrl` (the quota store's `REDIS_URL`): Redis when set, else in-memory. */
export function createTrafficStore(redisUrl: string | undefined): TrafficStore {
  return redisUrl ? new RedisTrafficStore({ url: redisUrl }) : new MemoryTrafficStore();
}
