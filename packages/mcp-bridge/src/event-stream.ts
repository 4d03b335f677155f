import type { IncomingMessage } from 'node:http';
import type { JSONRPCMessage } from '@modelcontextprotocol/client';
import { SseParser, type SseEvent } from './sse-parser.js';

/**
 * One logical SSE stream of a transport: the standalone GET stream, or the response stream of one POST
 * (and the GET streams that resume it). Each keeps its own resumption cursor, as the SDK's transport does.
 */
export interface StreamState {
  /** The standalone GET stream (always reopened) rather than a POST's response stream. */
  readonly standalone: boolean;
  /** Id of the last event seen on this stream (sent as `Last-Event-ID` when it is resumed). */
  lastEventId: string | undefined;
  /** Ids of the requests whose response this stream owes. */
  readonly pending: Set<string | number>;
  /** Times an event on this stream outgrew the size cap (bounds reopening). */
  overflows: number;
  /** Receives every event id (the SDK's `onresumptiontoken`). */
  readonly onId?: ((id: string) => void) | undefined;
  /** Responses are delivered under this id (a resumption through `resumptionToken`, as the SDK does). */
  readonly replayId?: string | number | undefined;
}

/** How a read ended: the response closed (or dropped), or an event exceeded the size cap. */
export type StreamEnd = 'closed' | 'overflow';

/** What {@link readStream} needs from its transport. */
export interface StreamHooks {
  readonly maxEventBytes: number;
  /** The JSON-RPC message of an event, or undefined to skip it (other event types, bad JSON). */
  parse(event: SseEvent): JSONRPCMessage | undefined;
  deliver(message: JSONRPCMessage): void;
  onRetry(ms: number): void;
  onEnd(state: StreamState, end: StreamEnd): void;
}

/** The JSON-RPC message of a `message` event; undefined (reported to `onError`) for other types and bad JSON. */
export function parseEventMessage(
  event: SseEvent,
  onError: (error: Error) => void,
): JSONRPCMessage | undefined {
  if (event.event !== undefined && event.event !== 'message') return undefined;
  try {
    return JSON.parse(event.data) as JSONRPCMessage;
  } catch (error) {
    onError(new Error(`brAInwav: invalid JSON in event stream: ${String(error)}`));
    return undefined;
  }
}

/** A new stream state. */
export function streamState(
  standalone: boolean,
  pending: Iterable<string | number> = [],
  extra: Pick<StreamState, 'lastEventId' | 'onId' | 'replayId'> = { lastEventId: undefined },
): StreamState {
  return { standalone, pending: new Set(pending), overflows: 0, ...extra };
}

/**
 * Reads one SSE response of `state` in the background. A response that follows notifications on its
 * stream is delivered one macrotask later: the SDK runs notification handlers (progress) asynchronously
 * but settles a response at once, which would otherwise drop the last progress update. An event over the
 * cap destroys the response (nothing more is buffered); `onEnd` runs once the response has closed.
 */
export function readStream(res: IncomingMessage, state: StreamState, hooks: StreamHooks): void {
  let notified = false;
  let end: StreamEnd = 'closed';
  const onEvent = (event: SseEvent): void => {
    const message = hooks.parse(event);
    if (!message) return;
    if ('method' in message) notified = true;
    else if (message.id !== undefined) {
      if (state.replayId !== undefined) message.id = state.replayId;
      state.pending.delete(message.id);
      if (notified) return void setImmediate(() => hooks.deliver(message));
    }
    hooks.deliver(message);
  };
  const parser = new SseParser(onEvent, (ms) => hooks.onRetry(ms), {
    maxEventBytes: hooks.maxEventBytes,
    onId: (id) => {
      state.lastEventId = id;
      state.onId?.(id);
    },
    onOverflow: () => {
      end = 'overflow';
      res.destroy();
    },
  });
  res.on('data', (chunk: Buffer) => parser.push(chunk));
  res.once('close', () => hooks.onEnd(state, end));
}
