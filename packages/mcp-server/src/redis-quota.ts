import { Redis, type RedisOptions } from 'ioredis';
import { MemoryQuotaStore, windowStart, type QuotaStore, type QuotaWindowState } from './quota.js';

/** Atomic INCR + PEXPIRE (set on first hit of a window) in one Lua script. */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count`;

/** Options for {@link RedisQuotaStore}. */
export interface RedisQuotaStoreOptions {
  /** An existing ioredis client (not closed by the store) … */
  client?: Redis;
  /** … or a `redis://` URL / ioredis options for a client the store owns and closes. */
  url?: string;
  redisOptions?: RedisOptions;
  /** Key prefix, e.g. `brainwav:quota:` (default). Use a unique prefix per test run. */
  keyPrefix?: string;
  /** How long the first calls wait for the first connection before failing, ms (default 2,000). */
  connectWaitMs?: number;
}

/**
 * {@link QuotaStore} backed by Redis so several gateway replicas share one budget. Each window is
 * one key `<prefix><key>:<windowStart>` incremented atomically by a Lua script (INCR, PEXPIRE on
 * the first hit, with one extra second of grace so a key never outlives its window by much).
 */
export class RedisQuotaStore implements QuotaStore {
  private readonly redis: Redis;
  private readonly owned: boolean;
  private readonly prefix: string;
  /** Settles once the client was ready once (or the wait ran out): later outages fail fast. */
  private readonly firstReady: Promise<void>;

  constructor(options: RedisQuotaStoreOptions = {}) {
    this.owned = options.client === undefined;
    this.redis =
      options.client ??
      new Redis(options.url ?? 'redis://127.0.0.1:6379', {
        lazyConnect: false,
        // fail fast while Redis is down (no queue of calls waiting for it); it reconnects by itself
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        commandTimeout: 1_000,
        ...options.redisOptions,
      });
    this.prefix = options.keyPrefix ?? 'brainwav:quota:';
    // an owned client's connection errors surface as failed calls (FallbackQuotaStore logs them once)
    if (this.owned) this.redis.on('error', () => undefined);
    this.firstReady = this.waitReady(options.connectWaitMs ?? 2_000);
  }

  private waitReady(ms: number): Promise<void> {
    if (this.redis.status === 'ready') return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      this.redis.once('ready', done);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  async hit(key: string, windowMs: number, nowMs: number): Promise<QuotaWindowState> {
    const start = windowStart(windowMs, nowMs);
    const ttl = start + windowMs - nowMs + 1000;
    await this.firstReady;
    const count = (await this.redis.eval(HIT_SCRIPT, 1, this.slot(key, start), String(ttl))) as number;
    return { count, resetAtMs: start + windowMs };
  }

  async peek(key: string, windowMs: number, nowMs: number): Promise<QuotaWindowState> {
    const start = windowStart(windowMs, nowMs);
    await this.firstReady;
    const raw = await this.redis.get(this.slot(key, start));
    return { count: raw === null ? 0 : Number(raw), resetAtMs: start + windowMs };
  }

  async close(): Promise<void> {
    if (!this.owned) return;
    // QUIT needs a connection; while Redis is down just stop reconnecting
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }

  private slot(key: string, start: number): string {
    return `${this.prefix}${key}:${start}`;
  }
}

/** What the gateway does with a call while Redis is unreachable (`CONNECTORS_QUOTA_REDIS_FAILURE`). */
export type QuotaRedisFailureMode = 'open' | 'closed';

/** Options of {@link FallbackQuotaStore}. */
export interface FallbackQuotaStoreOptions {
  /** The shared store (usually {@link RedisQuotaStore}). */
  readonly primary: QuotaStore;
  /** `open` (default): count against this replica's own limits; `closed`: refuse (QuotaStoreError, code `INTERNAL`). */
  readonly mode?: QuotaRedisFailureMode;
  /** Where the one warning per outage and the recovery line go. */
  readonly logger?: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  /** Called on each change of the shared store's state (`true` = reachable), e.g. to set `brainwav_redis_up`. */
  readonly onStateChange?: (up: boolean) => void;
}

/**
 * A {@link QuotaStore} that keeps the gateway serving while the shared store fails: every call still tries the
 * shared store first (so it recovers by itself on the first success), and while it fails either counts locally in
 * a {@link MemoryQuotaStore} (`open`: each replica enforces the full limit on its own) or refuses (`closed`).
 * Logs one warning when an outage starts and one line when it ends.
 */
export class FallbackQuotaStore implements QuotaStore {
  readonly #local = new MemoryQuotaStore();
  readonly #o: FallbackQuotaStoreOptions;
  #up = true;

  constructor(options: FallbackQuotaStoreOptions) {
    this.#o = options;
  }

  /** Whether the shared store answered the latest call. */
  get up(): boolean {
    return this.#up;
  }

  /** The failure mode in force. */
  get mode(): QuotaRedisFailureMode {
    return this.#o.mode ?? 'open';
  }

  hit(key: string, windowMs: number, nowMs: number): Promise<QuotaWindowState> {
    return this.#run(
      () => this.#o.primary.hit(key, windowMs, nowMs),
      () => this.#local.hit(key, windowMs, nowMs),
      this.mode === 'closed',
    );
  }

  peek(key: string, windowMs: number, nowMs: number): Promise<QuotaWindowState> {
    // a read admits nothing: local counts even when closed (quota events, traffic views keep working)
    return this.#run(
      () => this.#o.primary.peek(key, windowMs, nowMs),
      () => this.#local.peek(key, windowMs, nowMs),
      false,
    );
  }

  async close(): Promise<void> {
    await this.#o.primary.close?.();
  }

  async #run(
    shared: () => Promise<QuotaWindowState>,
    local: () => Promise<QuotaWindowState>,
    refuse: boolean,
  ): Promise<QuotaWindowState> {
    try {
      const state = await shared();
      this.#set(true);
      return state;
    } catch (error) {
      this.#set(false, error);
      if (refuse) throw error;
      return local();
    }
  }

  #set(up: boolean, error?: unknown): void {
    if (up === this.#up) return;
    this.#up = up;
    if (up)
      this.#o.logger?.info({}, 'brAInwav: Redis reachable again; quotas are shared across replicas again');
    else
      this.#o.logger?.warn(
        { err: error, mode: this.mode },
        this.mode === 'open'
          ? 'brAInwav: Redis unreachable; quotas fall back to this replica’s local limits until it returns'
          : 'brAInwav: Redis unreachable; tool calls are refused (quota store unavailable) until it returns',
      );
    this.#o.onStateChange?.(up);
  }
}
