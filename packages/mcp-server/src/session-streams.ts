import type { EventStore, JSONRPCMessage } from '@modelcontextprotocol/server';

/**
 * Server→client streams of 2025-era sessions across replicas. A session's GET (standalone SSE) stream lives on
 * one replica, the holder; a notification another replica's copy of the session produces (an upstream
 * notification of its own passthrough session) is published to the holder, and the holder's standalone events
 * are kept in a shared {@link EventStore} so a client resuming with `Last-Event-ID` on another replica (after
 * the holder died) gets what it missed.
 */
export interface SessionStreams {
  /** The event store of session `sessionId` (its standalone stream shared; request streams replica-local). */
  eventStore(sessionId: string): EventStore;
  /** Sends `message` to the replica holding the GET stream of `sessionId` (none holding it: dropped). */
  publish(sessionId: string, message: JSONRPCMessage): Promise<void>;
  /** This replica holds the GET stream of `sessionId`: `deliver` gets what the others publish; returns stop. */
  hold(sessionId: string, deliver: (message: JSONRPCMessage) => void): () => void;
  close?(): Promise<void>;
}

/** Per-session state of the stream glue: GET streams held on this replica, and how to stop holding. */
export interface StreamHold {
  /** Open GET streams of the session on this replica. */
  held: number;
  stop?: () => void;
}

/**
 * Makes `transport` (of session `id()`, known once initialized) route standalone notifications through
 * `streams`: sent here only while this replica holds the session's GET stream; otherwise published to the
 * holder, unless `replicated` (every replica's copy produces the same notification, e.g. the aggregate's
 * list_changed: the holder's own copy sends it).
 */
export function routeStandalone(
  transport: { send(message: JSONRPCMessage, options?: { relatedRequestId?: unknown }): Promise<void> },
  streams: SessionStreams,
  id: () => string | undefined,
  hold: StreamHold,
  replicated: boolean,
): void {
  const send = transport.send.bind(transport);
  transport.send = (message, options) => {
    const sessionId = id();
    const standalone = options?.relatedRequestId === undefined && !('id' in message);
    if (!standalone || hold.held > 0 || sessionId === undefined) return send(message, options);
    return replicated ? Promise.resolve() : streams.publish(sessionId, message).catch(() => undefined);
  };
}

/** A GET stream of session `id` opened on this replica (`res`): hold it until the response closes. */
export function holdStream(
  streams: SessionStreams,
  id: string,
  hold: StreamHold,
  res: { once(event: 'close', listener: () => void): unknown },
  deliver: (message: JSONRPCMessage) => void,
): void {
  hold.held += 1;
  if (hold.held === 1) hold.stop = streams.hold(id, deliver);
  res.once('close', () => {
    hold.held -= 1;
    if (hold.held === 0) hold.stop?.();
  });
}

/** An event store created on first use, once the session id exists. */
export function deferredEventStore(create: () => EventStore): EventStore {
  let store: EventStore | undefined;
  const get = () => (store ??= create());
  return {
    storeEvent: (streamId, message) => get().storeEvent(streamId, message),
    getStreamIdForEventId: (eventId) => get().getStreamIdForEventId?.(eventId) ?? Promise.resolve(undefined),
    replayEventsAfter: (lastEventId, sender) => get().replayEventsAfter(lastEventId, sender),
  };
}
