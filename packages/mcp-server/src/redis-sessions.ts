import { Redis } from 'ioredis';
import type { GatewayLogger } from './logger.js';
import { silentLogger } from './logger.js';
import { revocationKey, type SessionRevocations } from './session-revocations.js';

/** Options of the Redis-backed session stores (revocations, stream relay, event store). */
export interface RedisSessionOptions {
  /** A `redis://` URL; the store owns (and closes) its connections. */
  url: string;
  /** Key and channel prefix (default `brainwav:mcp:`). Use a unique one per test run. */
  prefix?: string;
  logger?: GatewayLogger;
}

/**
 * Two connections to one Redis: commands, and a subscriber for pub/sub (a subscribed ioredis connection
 * takes no other command). `listen` routes messages of a channel to its handler.
 */
export class RedisChannels {
  readonly redis: Redis;
  readonly prefix: string;
  private readonly subscriber: Redis;
  private readonly handlers = new Map<string, (message: string) => void>();

  constructor(options: RedisSessionOptions) {
    this.prefix = options.prefix ?? 'brainwav:mcp:';
    const logger = options.logger ?? silentLogger;
    this.redis = new Redis(options.url, { maxRetriesPerRequest: 1 });
    this.subscriber = new Redis(options.url);
    for (const [role, client] of [
      ['commands', this.redis],
      ['pubsub', this.subscriber],
    ] as const)
      client.on('error', (error: Error) =>
        logger.warn({ role, err: error.message }, 'MCP session store: Redis connection error'),
      );
    this.subscriber.on('message', (channel: string, message: string) =>
      this.handlers.get(channel)?.(message),
    );
  }

  /** Subscribes `handler` to `<prefix><name>`; resolves once Redis confirmed the subscription. */
  async listen(name: string, handler: (message: string) => void): Promise<void> {
    const channel = this.prefix + name;
    this.handlers.set(channel, handler);
    await this.subscriber.subscribe(channel);
  }

  /** Stops routing (and receiving) `<prefix><name>`. */
  async unlisten(name: string): Promise<void> {
    const channel = this.prefix + name;
    this.handlers.delete(channel);
    await this.subscriber.unsubscribe(channel);
  }

  /** Publishes `message` on `<prefix><name>`. */
  async publish(name: string, message: string): Promise<void> {
    await this.redis.publish(this.prefix + name, message);
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * {@link SessionRevocations} in Redis: `SET <prefix>revoked:<sha256(handle)> PX` (so every replica refuses to
 * rebuild a DELETEd session) and a `revoked` channel (so every replica closes its copy at once).
 */
export class RedisSessionRevocations implements SessionRevocations {
  private readonly listeners = new Set<(id: string) => void>();
  private readonly ready: Promise<void>;

  constructor(
    private readonly channels: RedisChannels,
    private readonly now: () => number = Date.now,
  ) {
    this.ready = channels.listen('revoked', (id) => {
      for (const listener of this.listeners) listener(id);
    });
  }

  /** Resolves once the revocation channel is subscribed. */
  subscribed(): Promise<void> {
    return this.ready;
  }

  async revoke(id: string, untilMs: number): Promise<void> {
    const ttl = Math.max(1, Math.ceil(untilMs - this.now()));
    await this.channels.redis.set(`${this.channels.prefix}revoked:${revocationKey(id)}`, '1', 'PX', ttl);
    await this.channels.publish('revoked', id);
  }

  async isRevoked(id: string): Promise<boolean> {
    return (await this.channels.redis.exists(`${this.channels.prefix}revoked:${revocationKey(id)}`)) === 1;
  }

  subscribe(listener: (id: string) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}
