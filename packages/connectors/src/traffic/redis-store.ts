import { Redis, type RedisOptions } from 'ioredis';
import { LATENCY_BINS, latencyBin } from './histogram.js';
import { MAX_TRANSITIONS, TRANSITION_KEEP_MS, outcomeCounter, windowTransitions } from './counting.js';
import {
  MINUTE_MS,
  RECENT_CALLS,
  WINDOW_MINUTES_MAX,
  type AvailabilityTransition,
  type MinuteBucket,
  type TrafficCall,
  type TrafficRaw,
  type TrafficStore,
} from './types.js';

/** Options of {@link RedisTrafficStore}. */
export interface RedisTrafficStoreOptions {
  /** An existing ioredis client (not closed by the store) … */
  readonly client?: Redis;
  /** … or a `redis://` URL (the quota store's `REDIS_URL`) for a client the store owns and closes. */
  readonly url?: string;
  readonly redisOptions?: RedisOptions;
  /** Key prefix (default `brainwav:traffic:`); use a unique one per test run. */
  readonly keyPrefix?: string;
}

/** A bucket key lives one window plus five minutes, ms. */
const BUCKET_TTL_MS = (WINDOW_MINUTES_MAX + 5) * MINUTE_MS;

/**
 * A {@link TrafficStore} in Redis, so every replica adds to and reads the same counters. Per connector and
 * minute one hash `<prefix>b:<id>:<minuteStart>` (`calls`, `errors`, `offline`, `refused`, `h0`…`h11`,
 * expiring after 65 minutes), one sorted set of transitions `<prefix>av:<id>` (trimmed to two hours and
 * 256 entries) and one list `<prefix>recent` trimmed to 50 calls. Each write is one MULTI.
 */
export class RedisTrafficStore implements TrafficStore {
  readonly #redis: Redis;
  readonly #owned: boolean;
  readonly #prefix: string;

  constructor(options: RedisTrafficStoreOptions = {}) {
    this.#owned = options.client === undefined;
    this.#redis =
      options.client ??
      new Redis(options.url ?? 'redis://127.0.0.1:6379', {
        maxRetriesPerRequest: 1,
        ...options.redisOptions,
      });
    this.#prefix = options.keyPrefix ?? 'brainwav:traffic:';
  }

  async record(call: TrafficCall): Promise<void> {
    const key = this.#bucketKey(call.connectorId, call.atMs - (call.atMs % MINUTE_MS));
    const counter = outcomeCounter(call.outcome);
    const tx = this.#redis.multi().hincrby(key, 'calls', 1);
    if (counter) tx.hincrby(key, counter, 1);
    tx.hincrby(key, `h${latencyBin(call.durationMs)}`, 1)
      .pexpire(key, BUCKET_TTL_MS)
      .lpush(this.#recentKey(), JSON.stringify(call))
      .ltrim(this.#recentKey(), 0, RECENT_CALLS - 1);
    await tx.exec();
  }

  async transition(t: AvailabilityTransition): Promise<void> {
    const key = `${this.#prefix}av:${t.connectorId}`;
    await this.#redis
      .multi()
      .zadd(key, t.atMs, `${t.atMs}:${t.state}`)
      .zremrangebyscore(key, '-inf', `(${t.atMs - TRANSITION_KEEP_MS}`)
      .zremrangebyrank(key, 0, -(MAX_TRANSITIONS + 1))
      .pexpire(key, TRANSITION_KEEP_MS)
      .exec();
  }

  async read(connectorIds: readonly string[], fromMs: number, nowMs: number): Promise<TrafficRaw> {
    const first = fromMs - (fromMs % MINUTE_MS);
    const minutes: number[] = [];
    for (let m = first; m <= nowMs; m += MINUTE_MS) minutes.push(m);
    const pipe = this.#redis.pipeline();
    for (const id of connectorIds) {
      for (const m of minutes) pipe.hgetall(this.#bucketKey(id, m));
      pipe.zrange(`${this.#prefix}av:${id}`, 0, -1);
    }
    pipe.lrange(this.#recentKey(), 0, RECENT_CALLS - 1);
    const results = ((await pipe.exec()) ?? []).map(([err, value]) => {
      if (err) throw err;
      return value;
    });
    const buckets = new Map<string, MinuteBucket[]>();
    const transitions = new Map<string, AvailabilityTransition[]>();
    let i = 0;
    for (const id of connectorIds) {
      const list: MinuteBucket[] = [];
      for (const m of minutes) {
        const bucket = parseBucket(m, results[i++] as Record<string, string>);
        if (bucket) list.push(bucket);
      }
      buckets.set(id, list);
      const members = results[i++] as string[];
      transitions.set(
        id,
        windowTransitions(
          members.map((s) => parseTransition(id, s)),
          fromMs,
        ),
      );
    }
    const recent = (results[i] as string[]).map((s) => JSON.parse(s) as TrafficCall);
    return { buckets, transitions, recent };
  }

  async close(): Promise<void> {
    if (this.#owned) await this.#redis.quit();
  }

  #bucketKey(connectorId: string, minuteStart: number): string {
    return `${this.#prefix}b:${connectorId}:${minuteStart}`;
  }

  #recentKey(): string {
    return `${this.#prefix}recent`;
  }
}

function parseBucket(startMs: number, hash: Record<string, string>): MinuteBucket | null {
  if (!hash.calls) return null;
  const n = (field: string): number => Number(hash[field] ?? 0);
  return {
    startMs,
    calls: n('calls'),
    errors: n('errors'),
    offline: n('offline'),
    refused: n('refused'),
    latency: Array.from({ length: LATENCY_BINS }, (_, bin) => n(`h${bin}`)),
  };
}

function parseTransition(connectorId: string, member: string): AvailabilityTransition {
  const [at, state] = member.split(':');
  return { connectorId, atMs: Number(at), state: state as AvailabilityTransition['state'] };
}
