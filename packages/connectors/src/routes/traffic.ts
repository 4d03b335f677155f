import type { ServerResponse } from 'node:http';
import type { FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';
import { AUTH_PLUGIN_NAME } from '@cortex-os/server-kit';
import { BadRequestError } from '../errors.js';
import { trafficWindowOf, type TrafficWindow } from '../traffic/report.js';
import type { TrafficService } from '../traffic/service.js';

/** Options of {@link trafficRoutes}. */
export interface TrafficRoutesOptions {
  readonly traffic: TrafficService;
  /** Least time between two `traffic` events of one stream, ms (default 1,000). */
  readonly throttleMs?: number;
  /** Heartbeat comment period, ms (default 15,000). */
  readonly heartbeatMs?: number;
  /** A client whose socket buffers more than this many bytes is dropped (default 1 MiB). */
  readonly maxBufferedBytes?: number;
}

/** `window` query value → minutes. @throws BadRequestError `BAD_REQUEST` for anything but `15m` / `1h`. */
export function parseTrafficWindow(value: unknown): TrafficWindow {
  if (value === undefined) return 15;
  const window = trafficWindowOf(value);
  if (window === undefined)
    throw new BadRequestError(
      `query "window" must be "15m" or "1h" (got ${JSON.stringify(value).slice(0, 32)})`,
    );
  return window;
}

interface Viewer {
  readonly res: ServerResponse;
  readonly window: TrafficWindow;
  last: string;
}

/** Writes `chunk` unless the client is too slow (then it is dropped). */
function send(viewer: Viewer, chunk: string, maxBuffered: number): void {
  if (viewer.res.writableLength > maxBuffered) viewer.res.destroy();
  else viewer.res.write(chunk);
}

const plugin: FastifyPluginCallback<TrafficRoutesOptions> = (app, options, done) => {
  const throttleMs = options.throttleMs ?? 1_000;
  const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
  const viewers = new Set<Viewer>();
  let ticker: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let busy = false;

  const publish = async (only?: Viewer): Promise<void> => {
    const targets = only ? [only] : [...viewers];
    const windows = new Set(targets.map((v) => v.window));
    for (const window of windows) {
      const body = JSON.stringify(await options.traffic.report(window));
      for (const v of targets)
        if (v.window === window && v.last !== body) {
          v.last = body;
          send(v, `event: traffic\ndata: ${body}\n\n`, maxBuffered);
        }
    }
  };
  const tick = (): void => {
    if (busy) return;
    busy = true;
    publish()
      .catch((err: unknown) => app.log.warn({ err }, 'brAInwav: traffic report failed'))
      .finally(() => (busy = false));
  };
  const start = (): void => {
    ticker ??= setInterval(tick, throttleMs);
    heartbeat ??= setInterval(() => {
      for (const v of viewers) send(v, ': heartbeat\n\n', maxBuffered);
    }, options.heartbeatMs ?? 15_000);
  };
  const stopIfIdle = (): void => {
    if (viewers.size > 0) return;
    clearInterval(ticker);
    clearInterval(heartbeat);
    ticker = heartbeat = undefined;
  };

  app.get<{ Querystring: { window?: string } }>('/v1/connectors/traffic', async (request, reply) => {
    const report = await options.traffic.report(parseTrafficWindow(request.query.window));
    return reply.header('cache-control', 'no-store').send(report);
  });

  app.get<{ Querystring: { window?: string } }>(
    '/v1/connectors/traffic/events',
    { config: { auth: 'rest' } },
    async (request, reply) => {
      const window = parseTrafficWindow(request.query.window);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(': brAInwav connectors traffic\nretry: 3000\n\n');
      const viewer: Viewer = { res, window, last: '' };
      viewers.add(viewer);
      res.on('close', () => {
        viewers.delete(viewer);
        stopIfIdle();
      });
      start();
      await publish(viewer).catch((err: unknown) => app.log.warn({ err }, 'brAInwav: traffic report failed'));
    },
  );

  app.addHook('preClose', () => {
    for (const v of [...viewers]) if (!v.res.writableEnded) v.res.end();
    viewers.clear();
    stopIfIdle();
    return Promise.resolve();
  });
  done();
};

/**
 * `GET /v1/connectors/traffic?window=15m|1h` (the {@link TrafficReport} JSON) and
 * `GET /v1/connectors/traffic/events?window=15m|1h` (SSE: a `traffic` event with the full report at once,
 * then at most one per `throttleMs` while it changes; `: heartbeat` comments). Same auth as the other
 * `/v1/connectors` routes. Every stream of one window shares one report per tick.
 */
export const trafficRoutes = fp(plugin, {
  name: 'connectors-traffic',
  fastify: '5.x',
  dependencies: [AUTH_PLUGIN_NAME],
});
