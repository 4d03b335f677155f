import { createHash } from 'node:crypto';
import type { EventId, EventStore, JSONRPCMessage, StreamId } from '@modelcontextprotocol/server';
import type { RedisChannels } from './redis-sessions.js';
import type { SessionStreams } from './session-streams.js';

/** The stream id the SDK transport gives a session's standalone (GET) SSE stream. */
export const STANDALONE_STREAM = '_GET_stream';

/** Options of {@link RedisSessionStreams}. */
export interface RedisSessionStreamsOptions {
  /** How long standalone events are kept for resumption, milliseconds (default 600,000). */
  eventTtlMs?: number;
  /** Most standalone events kept per session (default 1,000). */
  maxEvents?: number;
  /** Most events of request (POST) streams kept per session on this replica (default 256). */
  maxLocalEvents?: number;
}

const sessionKey = (id: string): string => createHash('sha256').update(id).digest('base64url');

/**
 * {@link SessionStreams} over Redis: channel `<prefix>stream:<sha256(session)>` to the holder of a session's GET
 * stream; standalone events in list `<prefix>events:<sha256(session)>` (`RPUSH` + `LTRIM` + `PEXPIRE`, ids
 * `_GET_stream.<n>` from one `INCR` counter, so replicas append in one order). Events of request (POST) streams
 * stay in this replica's memory (they resume only here: a POST stream dies with its replica anyway).
 */
export class RedisSessionStreams implements SessionStreams {
  private readonly ttlMs: number;
  private readonly maxEvents: number;
  private readonly maxLocal: number;

  constructor(
    private readonly channels: RedisChannels,
    options: RedisSessionStreamsOptions = {},
  ) {
    this.ttlMs = options.eventTtlMs ?? 600_000;
    this.maxEvents = options.maxEvents ?? 1_000;
    this.maxLocal = options.maxLocalEvents ?? 256;
  }

  eventStore(sessionId: string): EventStore {
    return new SessionEventStore(this.channels, sessionKey(sessionId), {
      ttlMs: this.ttlMs,
      maxEvents: this.maxEvents,
      maxLocal: this.maxLocal,
    });
  }

  async publish(sessionId: string, message: JSONRPCMessage): Promise<void> {
    await this.channels.publish(`stream:${sessionKey(sessionId)}`, JSON.stringify(message));
  }

  hold(sessionId: string, deliver: (message: JSONRPCMessage) => void): () => void {
    const name = `stream:${sessionKey(sessionId)}`;
    void this.channels
      .listen(name, (text) => deliver(JSON.parse(text) as JSONRPCMessage))
      .catch(() => undefined);
    return () => void this.channels.unlisten(name).catch(() => undefined);
  }
}

interface Limits {
  ttlMs: number;
  maxEvents: number;
  maxLocal: number;
}

/** One session's event store: its standalone stream in Redis, request streams in memory. */
class SessionEventStore implements EventStore {
  private readonly local = new Map<EventId, { streamId: StreamId; message: JSONRPCMessage }>();
  private localSeq = 0;

  constructor(
    private readonly channels: RedisChannels,
    private readonly key: string,
    private readonly limits: Limits,
  ) {}

  async storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    if (streamId !== STANDALONE_STREAM) return this.storeLocal(streamId, message);
    const { redis, prefix } = this.channels;
    const seq = await redis.incr(`${prefix}events-seq:${this.key}`);
    const id = `${STANDALONE_STREAM}.${seq}`;
    const list = `${prefix}events:${this.key}`;
    await redis
      .multi()
      .rpush(list, JSON.stringify([seq, message]))
      .ltrim(list, -this.limits.maxEvents, -1)
      .pexpire(list, this.limits.ttlMs)
      .pexpire(`${prefix}events-seq:${this.key}`, this.limits.ttlMs)
      .exec();
    return id;
  }

  getStreamIdForEventId(eventId: EventId): Promise<StreamId | undefined> {
    if (eventId.startsWith(`${STANDALONE_STREAM}.`)) return Promise.resolve(STANDALONE_STREAM);
    return Promise.resolve(this.local.get(eventId)?.streamId);
  }

  async replayEventsAfter(
    lastEventId: EventId,
    { send }: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> },
  ): Promise<StreamId> {
    if (!lastEventId.startsWith(`${STANDALONE_STREAM}.`)) return this.replayLocal(lastEventId, send);
    const after = Number(lastEventId.slice(STANDALONE_STREAM.length + 1));
    const { redis, prefix } = this.channels;
    for (const text of await redis.lrange(`${prefix}events:${this.key}`, 0, -1)) {
      const [seq, message] = JSON.parse(text) as [number, JSONRPCMessage];
      if (seq > after && Object.keys(message).length > 0) await send(`${STANDALONE_STREAM}.${seq}`, message);
    }
    return STANDALONE_STREAM;
  }

  private storeLocal(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    const id = `${streamId}.${++this.localSeq}`;
    this.local.set(id, { streamId, message });
    if (this.local.size > this.limits.maxLocal) this.local.delete(this.local.keys().next().value!);
    return Promise.resolve(id);
  }

  private async replayLocal(
    lastEventId: EventId,
    send: (eventId: EventId, message: JSONRPCMessage) => Promise<void>,
  ): Promise<StreamId> {
    const streamId = this.local.get(lastEventId)?.streamId ?? '';
    let after = false;
    for (const [id, event] of this.local) {
      if (after && event.streamId === streamId && Object.keys(event.message).length > 0)
        await send(id, event.message);
      if (id === lastEventId) after = true;
    }
    return streamId;
  }
}
