import { Redis, type RedisOptions } from 'ioredis';
import { windowStart, type QuotaStore, type QuotaWindowState } from './quota.js';

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

  constructor(options: RedisQuotaStoreOptions = {}) {
    this.owned = options.client === undefined;
    this.redis =
      options.client ??
      new Redis(options.url ?? 'redis://127.0.0.1:6379', { lazyConnect: false, ...options.redisOptions });
    this.prefix = options.keyPrefix ?? 'brainwav:quota:';
  }

  async hit(key: string, windowMs: number, nowMs: number): Promise<QuotaWindowState> {
    const start = windowStart(windowMs, nowMs);
    const ttl = start + windowMs - nowMs + 1000;
    const count = (await this.redis.eval(HIT_SCRIPT, 1, this.slot(key, start), String(ttl))) as number;
    return { count, resetAtMs: start + windowMs };
  }

  async peek(key: string, windowMs: number, nowMs: number): Promise<QuotaWindowState> {
    const start = windowStart(windowMs, nowMs);
    const raw = await this.redis.get(this.slot(key, start));
    return { count: raw === null ? 0 : Number(raw), resetAtMs: start + windowMs };
  }

  async close(): Promise<void> {
    if (this.owned) await this.redis.quit();
  }

  private slot(key: string, start: number): string {
    return `${this.prefix}${key}:${start}`;
  }
}
