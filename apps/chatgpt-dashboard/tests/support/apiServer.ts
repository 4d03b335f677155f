import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Availability, DashboardData, MapHealth, TrafficReport } from '../../src/types.js';

/** Options of the in-memory connectors API used by the widget tests. */
export interface ApiServerOptions {
  /** Required key (`Authorization: Bearer` or `X-API-Key`); `null` behaves like `NO_AUTH=true`. */
  apiKey: string | null;
  data: DashboardData;
  /** When set, serves this built `dist/` at `/apps/chatgpt-dashboard/`. */
  distDir?: string;
  /** When set, `GET /v1/connectors/traffic/events` streams this report once (else 404). */
  traffic?: TrafficReport;
}

/** A running test server implementing the docs/api.md routes the widget uses. */
export interface ApiServer {
  url: string;
  data: DashboardData;
  beacons: Array<{ name: string; value: number }>;
  toolCalls: Array<{ connectorId: string; tool: string; arguments: unknown }>;
  /** `Last-Event-ID` headers seen on SSE connections. */
  lastEventIds: Array<string | undefined>;
  /** Flips one connector's availability and pushes an `availability` event. */
  setAvailability(connectorId: string, availability: Availability, reason?: string): void;
  /** Sets `mapHealth` on the body and pushes a `map-health` event. */
  setMapHealth(health: MapHealth): void;
  /** Makes the map routes answer 503 (no verified map), as when asbr is down. */
  setMapUnavailable(down: boolean): void;
  /** Drops every open SSE connection (clients must reconnect). */
  dropStreams(): void;
  /** Writes raw `text/event-stream` text to every open SSE connection, in `chunkSize` pieces. */
  writeRaw(text: string, chunkSize?: number): void;
  /** Number of SSE connections open right now. */
  openStreams(): number;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.txt': 'text/plain',
};

/**
 * The connectors server's CSP of a page, from the build's dist/csp.json (undefined without one): nothing inline
 * runs in the served page unless the build hashed it, as in production.
 */
async function pageCsp(distDir: string, page: string): Promise<string | undefined> {
  const text = await readFile(join(distDir, 'csp.json'), 'utf8').catch(() => undefined);
  const hashes = text
    ? (JSON.parse(text) as Record<string, { script: string[]; style: string[] }>)[page]
    : undefined;
  if (!hashes) return undefined;
  const list = (kind: 'script' | 'style'): string => ["'self'", ...hashes[kind]].join(' ');
  return `default-src 'none'; script-src ${list('script')}; style-src ${list('style')}; img-src 'self' data:; connect-src 'self'`;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function errorBody(code: string, message: string): unknown {
  return { brand: 'brAInwav', error: { code, message: `brAInwav: ${message}` }, traceId: 'test-trace' };
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : {};
}

/**
 * Starts the test API on 127.0.0.1 port 0. Routes: `GET /v1/connectors`, `GET /v1/connectors/events` (SSE with
 * ids and `Last-Event-ID` replay), `POST /v1/connectors/:id/tools/:tool/call` (tool `echo`),
 * `POST /v1/apps/beacon`, and the widget bundle at `/apps/chatgpt-dashboard/`.
 */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  let mapDown = false;
  let nextId = 1;
  const history: Array<{ id: number; event: string; data: string }> = [];
  const streams = new Set<ServerResponse>();
  const api = {} as ApiServer;

  const authorized = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (options.apiKey === null) return true;
    const header =
      req.headers.authorization?.replace(/^Bearer /, '') ?? (req.headers['x-api-key'] as string | undefined);
    if (!header) send(res, 401, errorBody('UNAUTHORIZED', 'missing API key'));
    else if (header !== options.apiKey) send(res, 403, errorBody('FORBIDDEN', 'API key rejected'));
    return header === options.apiKey;
  };

  const push = (event: string, payload: unknown): void => {
    const entry = { id: nextId++, event, data: JSON.stringify(payload) };
    history.push(entry);
    for (const res of streams) res.write(`id: ${entry.id}\nevent: ${entry.event}\ndata: ${entry.data}\n\n`);
  };

  async function serveStatic(path: string, res: ServerResponse): Promise<void> {
    const rel = normalize(path.replace(/^\/apps\/chatgpt-dashboard\/?/, '') || 'index.html').replace(
      /^(\.\.[/\\])+/,
      '',
    );
    try {
      const body = await readFile(join(options.distDir!, rel));
      const csp = extname(rel) === '.html' ? await pageCsp(options.distDir!, rel) : undefined;
      res.writeHead(200, {
        'content-type': TYPES[extname(rel)] ?? 'application/octet-stream',
        ...(csp ? { 'content-security-policy': csp } : {}),
      });
      res.end(body);
    } catch {
      send(res, 404, errorBody('NOT_FOUND', `no such asset ${rel}`));
    }
  }

  function openStream(req: IncomingMessage, res: ServerResponse): void {
    const last = req.headers['last-event-id'] as string | undefined;
    api.lastEventIds.push(last);
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    const replay = last ? history.filter((e) => e.id > Number(last)) : null;
    if (replay && (history.length === 0 || Number(last) >= history[0]!.id - 1)) {
      for (const e of replay) res.write(`id: ${e.id}\nevent: ${e.event}\ndata: ${e.data}\n\n`);
    } else {
      const entry = { id: nextId++, event: 'snapshot', data: JSON.stringify(api.data) };
      res.write(`id: ${entry.id}\nevent: snapshot\ndata: ${entry.data}\n\n`);
    }
    res.write(': heartbeat\n\n');
    streams.add(res);
    req.on('close', () => streams.delete(res));
  }

  async function callTool(
    req: IncomingMessage,
    res: ServerResponse,
    connectorId: string,
    tool: string,
  ): Promise<void> {
    const body = (await readBody(req)) as { arguments?: Record<string, unknown> };
    api.toolCalls.push({ connectorId, tool, arguments: body.arguments });
    const connector = api.data.connectors.find((c) => c.id === connectorId);
    if (!connector) return send(res, 404, errorBody('CONNECTOR_NOT_FOUND', `no connector ${connectorId}`));
    if (connector.availability === 'offline')
      return send(res, 200, {
        content: [{ type: 'text', text: `brAInwav: connector ${connectorId} is offline` }],
        isError: true,
      });
    const args = body.arguments ?? {};
    const text = `echo: ${String(args.message)}`.repeat(Number(args.times ?? 1));
    send(res, 200, { content: [{ type: 'text', text }], structuredContent: { echoed: args.message } });
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (req.method === 'GET' && path === '/apps/chatgpt-dashboard') {
      res.writeHead(301, { location: '/apps/chatgpt-dashboard/' });
      return void res.end();
    }
    if (req.method === 'GET' && path.startsWith('/apps/chatgpt-dashboard/') && options.distDir)
      return serveStatic(path, res);
    if (req.method === 'POST' && path === '/v1/apps/beacon') {
      api.beacons.push((await readBody(req)) as { name: string; value: number });
      res.writeHead(204);
      return void res.end();
    }
    if (!path.startsWith('/v1/connectors')) return send(res, 404, errorBody('NOT_FOUND', `no route ${path}`));
    if (!authorized(req, res)) return;
    if (mapDown)
      return send(
        res,
        503,
        errorBody('SERVICE_MAP_UNAVAILABLE', 'no verified service map is loaded (asbr unreachable)'),
      );
    if (req.method === 'GET' && path === '/v1/connectors') return send(res, 200, api.data);
    if (req.method === 'GET' && path === '/v1/connectors/events') return openStream(req, res);
    if (req.method === 'GET' && path === '/v1/connectors/traffic/events' && options.traffic) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      res.write(`event: traffic\ndata: ${JSON.stringify(options.traffic)}\n\n`);
      streams.add(res);
      return void req.on('close', () => streams.delete(res));
    }
    const call = /^\/v1\/connectors\/([^/]+)\/tools\/([^/]+)\/call$/.exec(path);
    if (req.method === 'POST' && call)
      return callTool(req, res, decodeURIComponent(call[1]!), decodeURIComponent(call[2]!));
    send(res, 404, errorBody('NOT_FOUND', `no route ${path}`));
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => send(res, 500, errorBody('INTERNAL', String(error))));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  Object.assign(api, {
    url: `http://127.0.0.1:${port}`,
    data: structuredClone(options.data),
    beacons: [],
    toolCalls: [],
    lastEventIds: [],
    setAvailability(connectorId: string, availability: Availability, reason?: string) {
      api.data = {
        ...api.data,
        connectors: api.data.connectors.map((c) => (c.id === connectorId ? { ...c, availability } : c)),
      };
      push('availability', {
        connectorId,
        availability,
        reason: reason ?? `brAInwav: ${connectorId} is ${availability}`,
        at: new Date().toISOString(),
      });
    },
    setMapHealth(health: MapHealth) {
      api.data = { ...api.data, mapHealth: health };
      push('map-health', health);
    },
    setMapUnavailable(down: boolean) {
      mapDown = down;
    },
    dropStreams() {
      for (const res of streams) res.destroy();
      streams.clear();
    },
    writeRaw(text: string, chunkSize = 16 * 1024) {
      for (const res of streams)
        for (let at = 0; at < text.length; at += chunkSize) res.write(text.slice(at, at + chunkSize));
    },
    openStreams() {
      return streams.size;
    },
    close() {
      if (!server.listening) return Promise.resolve();
      for (const res of streams) res.destroy();
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  } satisfies Partial<ApiServer>);
  return api;
}
