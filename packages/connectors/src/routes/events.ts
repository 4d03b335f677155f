import type { ServerResponse } from 'node:http';
import type { FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';
import { AUTH_PLUGIN_NAME } from '@cortex-os/server-kit';
import { errorBody } from '@cortex-os/connectors-manifest';
import type { Principal } from '@cortex-os/server-kit';
import type { EventHub, StatusEvent } from '../events.js';
import type { ConnectorsRuntime } from '../runtime.js';
import type { SnapshotBody } from '../snapshot-cache.js';

/** Options of {@link eventsRoutes}. */
export interface EventsRoutesOptions {
  readonly hub: EventHub;
  readonly runtime: ConnectorsRuntime;
  /** The serialized snapshot a principal may see (the REST list's cache: a stream's first event reuses it). */
  readonly snapshotBody: SnapshotBody;
  /** Heartbeat comment period, milliseconds (default 15,000). */
  readonly heartbeatMs?: number;
  /** A client whose socket buffers more than this many bytes is dropped (default 1 MiB). */
  readonly maxBufferedBytes?: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Open SSE streams of `/v1/connectors/events`. */
    sseStreams: { readonly size: number; closeAll(): void };
  }
}

const frame = (e: StatusEvent): string =>
  `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`;

class SseStream {
  #closed = false;
  constructor(
    private readonly res: ServerResponse,
    private readonly maxBuffered: number,
    private readonly onEnd: () => void,
  ) {
    res.on('close', () => this.end());
  }

  /** Writes `chunk`; drops the client (ends the stream) when its buffer is over the limit. */
  write(chunk: string): void {
    if (this.#closed) return;
    if (this.res.writableLength > this.maxBuffered) return this.end(true);
    this.res.write(chunk);
  }

  end(destroy = false): void {
    if (this.#closed) return;
    this.#closed = true;
    this.onEnd();
    if (destroy) this.res.destroy();
    else if (!this.res.writableEnded) this.res.end();
  }
}

const plugin: FastifyPluginCallback<EventsRoutesOptions> = (app, options, done) => {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
  const streams = new Set<SseStream>();
  app.decorate('sseStreams', {
    get size() {
      return streams.size;
    },
    closeAll: () => {
      for (const s of [...streams]) s.end();
    },
  });

  app.get('/v1/connectors/events', { config: { auth: 'rest' } }, async (request, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': brAInwav connectors events\nretry: 3000\n\n');
    const queued: StatusEvent[] = [];
    let live = false;
    let unsubscribe = (): void => undefined;
    const heartbeat = setInterval(() => stream.write(': heartbeat\n\n'), heartbeatMs);
    heartbeat.unref();
    const stream = new SseStream(res, maxBuffered, () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(stream);
    });
    streams.add(stream);
    unsubscribe = options.hub.subscribe((e) => (live ? stream.write(frame(e)) : queued.push(e)));
    const lastId = Number(request.headers['last-event-id']);
    const replay = request.headers['last-event-id'] !== undefined ? options.hub.since(lastId) : null;
    const upTo = replay
      ? (replay.at(-1)?.id ?? lastId)
      : await writeSnapshot(stream, options, request.principal);
    for (const e of replay ?? []) stream.write(frame(e));
    for (const e of queued) if (e.id > upTo) stream.write(frame(e));
    live = true;
  });
  done();
};

/** Writes the `snapshot` event (or a `not-ready` event without a map); returns the id it carries. */
async function writeSnapshot(
  stream: SseStream,
  options: EventsRoutesOptions,
  principal: Principal,
): Promise<number> {
  const id = options.hub.lastId;
  try {
    const body = await options.snapshotBody(principal);
    stream.write(`id: ${id}\nevent: snapshot\ndata: ${body.toString('utf8')}\n\n`);
  } catch (err) {
    const message = (err as Error).message;
    stream.write(
      frame({
        id,
        type: 'not-ready',
        data: { ...errorBody('NOT_READY', message), mapHealth: options.runtime.mapHealth() },
      }),
    );
  }
  return id;
}

/**
 * `GET /v1/connectors/events` (Server-Sent Events, docs/api.md): a first byte at once, then `snapshot`,
 * live `availability` / `map-updated` / `map-refused` / `map-expired` / `map-health` / `quota` events, `: heartbeat`
 * comments, `Last-Event-ID` resume from the hub's ring buffer (a fresh snapshot when too far behind).
 * A client whose socket buffer exceeds `maxBufferedBytes` is dropped.
 */
export const eventsRoutes = fp(plugin, {
  name: 'connectors-events',
  fastify: '5.x',
  dependencies: [AUTH_PLUGIN_NAME],
});
