import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerOptions,
  type ServerResponse,
} from 'node:http';
import type { FastifyRequest } from 'fastify';
import {
  checkHostOrigin,
  type Authenticator,
  type HostOriginPolicy,
  type Principal,
} from '@cortex-os/server-kit';
import type { Logger } from '@cortex-os/telemetry';

/** The one route the lane answers. */
export const LIST_FAST_LANE_PATH = '/v1/connectors';

/** Options of {@link createListFastLane}. */
export interface ListFastLaneOptions {
  /** The DNS-rebinding allow-lists the host-guard plugin checks (the same object). */
  readonly hostPolicy: HostOriginPolicy;
  /** The auth plugin's authenticator, and the route's scope (`rest`). */
  readonly authenticator: Authenticator;
  readonly scope: string;
  /** The cached body `principal` may see, when it is built and current (the snapshot cache's `peek`). */
  readonly body: (principal: Principal) => Buffer | undefined;
  /** The access-log sampler the `onResponse` hook uses (shared, so sampling counts every response). */
  readonly selects: (statusCode: number, durationMs: number) => boolean;
  readonly logger: Logger;
  /** The request id Fastify would give the request (`genReqId`), for a sampled access line. */
  readonly requestId: (raw: IncomingMessage) => string;
}

/** The running lane. */
export interface ListFastLane {
  /** Answers `req` and returns `true`, or returns `false` without touching it (Fastify handles it then). */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** Responses the lane answered (for tests and the benchmark). */
  readonly answered: number;
  /** From now on every request goes to Fastify (called when the server starts closing: 503s are Fastify's). */
  close(): void;
}

const isPromise = (value: unknown): value is Promise<unknown> =>
  typeof (value as Promise<unknown> | undefined)?.then === 'function';

/**
 * A fast path for the hottest read, `GET /v1/connectors` without a query: when the Host/Origin guard
 * passes, the authenticator accepts the credential synchronously (API keys; a token whose check needs a
 * promise is left to Fastify) and the principal's body is already cached, it writes the same 200 Fastify
 * would (`content-type: application/json`, `content-length`, the cached bytes) straight to Node's response,
 * without Fastify's request/reply objects, hooks and per-request child logger. Every other request, any
 * failure (403/401/429, not ready, a body still to build) and everything once closing starts is Fastify's,
 * unchanged: the lane only ever answers what the route would have answered (see the differential test).
 * A sampled access line is written as the hook would.
 */
export function createListFastLane(options: ListFastLaneOptions): ListFastLane {
  const { hostPolicy, authenticator, scope, body, selects, logger, requestId } = options;
  let open = true;
  let answered = 0;
  const principalOf = (req: IncomingMessage): Principal | undefined => {
    // the authenticators read only the headers; the raw request has the same ones
    const outcome = authenticator.authenticate(req as unknown as FastifyRequest, scope);
    if (isPromise(outcome)) {
      outcome.catch(() => undefined); // Fastify authenticates again and answers its outcome
      return undefined;
    }
    return outcome.ok ? outcome.principal : undefined;
  };
  return {
    handle(req, res) {
      if (!open || req.method !== 'GET' || req.url !== LIST_FAST_LANE_PATH) return false;
      const started = performance.now();
      if (!checkHostOrigin(req.headers, req.socket.localPort, hostPolicy).ok) return false;
      const principal = principalOf(req);
      const bytes = principal ? body(principal) : undefined;
      if (!bytes) return false;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': bytes.length });
      res.end(bytes);
      answered += 1;
      const ms = performance.now() - started;
      if (selects(200, ms))
        logger.info(
          {
            reqId: requestId(req),
            req: { method: 'GET', url: LIST_FAST_LANE_PATH },
            res: { statusCode: 200 },
            responseTime: Math.round(ms * 10) / 10,
          },
          'request completed',
        );
      return true;
    },
    get answered() {
      return answered;
    },
    close() {
      open = false;
    },
  };
}

/** What the server factory reads of Fastify's processed options (their defaults are filled in by then). */
interface ServerTimeouts {
  readonly http?: ServerOptions;
  readonly keepAliveTimeout?: number;
  readonly requestTimeout?: number;
  readonly connectionTimeout?: number;
  readonly maxRequestsPerSocket?: number;
}

/**
 * Fastify's `serverFactory` for an HTTP/1 server whose requests try `lane()` first: the server Fastify would
 * create (`http` options, keep-alive, request and connection timeouts, requests per socket), with the lane
 * in front of Fastify's handler. `lane` is read per request (the lane is built after the Fastify instance).
 */
export function fastLaneServerFactory(
  lane: () => ListFastLane | undefined,
): (handler: (req: IncomingMessage, res: ServerResponse) => void, options: ServerTimeouts) => Server {
  return (handler, options) => {
    const server = createServer(options.http ?? {}, (req, res) => {
      if (!lane()?.handle(req, res)) handler(req, res);
    });
    if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
    if (options.requestTimeout !== undefined) server.requestTimeout = options.requestTimeout;
    server.setTimeout(options.connectionTimeout ?? 0);
    if ((options.maxRequestsPerSocket ?? 0) > 0) server.maxRequestsPerSocket = options.maxRequestsPerSocket!;
    return server;
  };
}
