import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import { backoffDelayMs, type Backoff } from '@cortex-os/connectors-manifest';
import type { Logger } from '@cortex-os/telemetry';
import type { EventHub, StatusEvent } from './events.js';

/** Redis pub/sub channel the replicas of one deployment share. */
export const CLUSTER_CHANNEL = 'brainwav:connectors:status';
/** Shortest time between two hint-triggered probes of one connector on one replica, ms (later hints wait, never drop). */
export const DEFAULT_HINT_DEBOUNCE_MS = 500;

/** What one replica tells the others: a change it saw, so they check for themselves now. */
export type ClusterHint =
  | { readonly replica: string; readonly type: 'availability'; readonly connectorId: string }
  | { readonly replica: string; readonly type: 'map-updated'; readonly mapVersion: number };

/** Options of {@link createClusterBus}. */
export interface ClusterBusOptions {
  /** Redis URL (the one the quotas use). */
  readonly url: string;
  readonly hub: EventHub;
  readonly logger: Logger;
  /** Another replica saw `connectorId`'s availability change: probe it here now. */
  readonly onAvailability: (connectorId: string) => void;
  /** Another replica loaded map `mapVersion`: refresh here now if this one is older. */
  readonly onMapUpdated: (mapVersion: number) => void;
  /** This replica's id in hints (default a random UUID). */
  readonly replicaId?: string;
  readonly channel?: string;
  readonly debounceMs?: number;
}

/** The running bus. */
export interface ClusterBus {
  readonly replicaId: string;
  /** Hints received from other replicas and acted on (for tests and the readiness body). */
  readonly received: number;
  close(): Promise<void>;
}

function parseHint(text: string): ClusterHint | undefined {
  try {
    const hint = JSON.parse(text) as Partial<Record<string, unknown>>;
    if (typeof hint.replica !== 'string') return undefined;
    if (hint.type === 'availability' && typeof hint.connectorId === 'string') return hint as ClusterHint;
    if (hint.type === 'map-updated' && typeof hint.mapVersion === 'number') return hint as ClusterHint;
  } catch {
    // not ours
  }
  return undefined;
}

/** The hint a local status event becomes, if any. */
function hintOf(replica: string, event: StatusEvent): ClusterHint | undefined {
  const data = event.data as { connectorId?: unknown; mapVersion?: unknown };
  if (event.type === 'availability' && typeof data.connectorId === 'string')
    return { replica, type: 'availability', connectorId: data.connectorId };
  if (event.type === 'map-updated' && typeof data.mapVersion === 'number')
    return { replica, type: 'map-updated', mapVersion: data.mapVersion };
  return undefined;
}

/** Logs a Redis outage once (warn) and its end once (info); ioredis reconnects by itself. */
function watchConnection(redis: Redis, logger: Logger, role: string): void {
  let down = false;
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    logger.warn(
      { role, err: { message: err.message } },
      'brAInwav: cluster bus lost Redis; replicas fall back to their own probes and map refreshes',
    );
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info({ role }, 'brAInwav: cluster bus reconnected to Redis');
  });
}

/**
 * Fans status changes out across the replicas of a deployment through Redis pub/sub. Each replica still
 * probes its upstreams and fetches and verifies the signed map itself; the bus only carries hints ("connector
 * X changed", "map version N is out") so the others check now instead of at their next interval. Their own
 * probe or refresh then publishes the event to their SSE clients and moves their REST snapshot and gauge, so
 * every replica's published status comes from its own verified observation and they agree within one probe
 * round trip. Without Redis (down, or not configured) each replica keeps its own schedule.
 */
export function createClusterBus(options: ClusterBusOptions): ClusterBus {
  const replicaId = options.replicaId ?? randomUUID();
  const channel = options.channel ?? CLUSTER_CHANNEL;
  const debounceMs = options.debounceMs ?? DEFAULT_HINT_DEBOUNCE_MS;
  const redisOptions = { maxRetriesPerRequest: 1, enableOfflineQueue: false } as const;
  const pub = new Redis(options.url, redisOptions);
  const sub = new Redis(options.url, { ...redisOptions, enableOfflineQueue: true });
  watchConnection(pub, options.logger, 'publish');
  watchConnection(sub, options.logger, 'subscribe');
  const lastProbe = new Map<string, number>();
  const trailing = new Map<string, NodeJS.Timeout>();
  let received = 0;

  // at most one probe per connector per `debounceMs`; a hint inside the window is not dropped but runs at its end
  const probeSoon = (connectorId: string): void => {
    if (trailing.has(connectorId)) return;
    const wait = (lastProbe.get(connectorId) ?? -Infinity) + debounceMs - Date.now();
    const run = (): void => {
      trailing.delete(connectorId);
      lastProbe.set(connectorId, Date.now());
      received += 1;
      options.onAvailability(connectorId);
    };
    if (wait <= 0) return run();
    const timer = setTimeout(run, wait);
    timer.unref();
    trailing.set(connectorId, timer);
  };
  const act = (hint: ClusterHint): void => {
    if (hint.replica === replicaId) return;
    if (hint.type === 'availability') return probeSoon(hint.connectorId);
    received += 1;
    options.onMapUpdated(hint.mapVersion);
  };
  sub.on('message', (ch: string, text: string) => {
    if (ch !== channel) return;
    const hint = parseHint(text);
    if (hint) act(hint);
  });
  void sub.subscribe(channel).catch(() => undefined); // re-subscribed by ioredis after a reconnect

  const unsubscribe = options.hub.subscribe((event) => {
    const hint = hintOf(replicaId, event);
    if (hint && pub.status === 'ready')
      void pub.publish(channel, JSON.stringify(hint)).catch(() => undefined);
  });

  return {
    replicaId,
    get received() {
      return received;
    },
    close() {
      unsubscribe();
      for (const timer of trailing.values()) clearTimeout(timer);
      trailing.clear();
      pub.disconnect();
      sub.disconnect();
      return Promise.resolve();
    },
  };
}

/** What {@link joinCluster} drives on this replica. */
export interface ClusterRuntime {
  probe(connectorId: string): Promise<unknown>;
  refresh(): Promise<void>;
  readiness(): { mapVersion?: number | null | undefined };
}

/** Joins this replica's runtime to the bus: a hint makes it probe or refresh now (failures stay its own status). */
export function joinCluster(
  url: string,
  runtime: ClusterRuntime,
  hub: EventHub,
  logger: Logger,
  replicaId = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
): ClusterBus {
  return createClusterBus({
    url,
    hub,
    logger: logger.child({ scope: 'cluster' }),
    replicaId,
    onAvailability: (id) => void runtime.probe(id).catch(() => undefined),
    onMapUpdated: mapChaser(runtime),
  });
}

/** Refresh retries while this replica's map is still older than a hinted version (e.g. its asbr had not reloaded yet). */
export const MAP_CHASE_BACKOFF: Backoff = { initialMs: 250, maxMs: 2_000 };
/** Refreshes tried per hinted map version before this replica waits for its own refresh interval. */
export const MAP_CHASE_ATTEMPTS = 5;

/**
 * The `onMapUpdated` of a replica: refresh now, and while the map is still older than the newest hinted
 * version (the asbr replica it reached may not have reloaded yet), refresh again after a backoff, at most
 * {@link MAP_CHASE_ATTEMPTS} times. One chase runs at a time; a newer hint raises its target.
 */
export function mapChaser(
  runtime: Pick<ClusterRuntime, 'refresh' | 'readiness'>,
  wait: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()),
): (mapVersion: number) => void {
  let target = -1;
  let chasing = false;
  const behind = (): boolean => (runtime.readiness().mapVersion ?? -1) < target;
  const chase = async (): Promise<void> => {
    chasing = true;
    try {
      for (let attempt = 0; attempt < MAP_CHASE_ATTEMPTS && behind(); attempt += 1) {
        if (attempt > 0) await wait(backoffDelayMs(MAP_CHASE_BACKOFF, attempt - 1));
        await runtime.refresh().catch(() => undefined); // a failed refresh is the runtime's own status
      }
    } finally {
      chasing = false;
    }
  };
  return (mapVersion) => {
    target = Math.max(target, mapVersion);
    if (!chasing && behind()) void chase();
  };
}
