import type { FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';
import { AUTH_PLUGIN_NAME } from '@cortex-os/server-kit';
import { BRAND, branded, errorBody, type ServiceMapConnector } from '@cortex-os/connectors-manifest';
import { META_ERROR, type ConnectorsGateway } from '@cortex-os/mcp-server';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { BadRequestError, NotReadyError } from '../errors.js';
import type { ConnectorsRuntime } from '../runtime.js';
import type { InflightTracker } from '../inflight.js';
import type { SnapshotBody } from '../snapshot-cache.js';

/** Options of {@link connectorsRoutes}. */
export interface ConnectorsRoutesOptions {
  readonly runtime: ConnectorsRuntime;
  /** The gateway's call pipeline (filters, quotas, metrics, audit `endpoint: "rest"`, offline fallback). */
  readonly gateway: Pick<ConnectorsGateway, 'callTool'>;
  readonly inflight: InflightTracker;
  /** The serialized snapshot a principal may see (shared with the SSE stream's first event). */
  readonly snapshotBody: SnapshotBody;
}

const IdParams = z.object({ id: z.string().min(1).max(64) });
const CallParams = IdParams.extend({ tool: z.string().min(1).max(128) });
const CallBody = z.object({ arguments: z.record(z.string(), z.unknown()).optional() }).optional();

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success)
    throw new BadRequestError(
      `${what} is invalid: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`,
    );
  return r.data;
}

/** The `isError` answer for a connector the map lists as disabled (the gateway only knows enabled ones). */
function disabledResult(entry: ServiceMapConnector): CallToolResult {
  return {
    content: [{ type: 'text', text: branded(`connector "${entry.id}" is disabled`) }],
    isError: true,
    _meta: { [META_ERROR]: { brand: BRAND, code: 'UPSTREAM_UNAVAILABLE' } },
  };
}

const plugin: FastifyPluginCallback<ConnectorsRoutesOptions> = (
  app,
  { runtime, gateway, inflight, snapshotBody },
  done,
) => {
  app.get('/v1/connectors', async (request, reply) => {
    try {
      return reply.type('application/json').send(await snapshotBody(request.principal));
    } catch (err) {
      if (!(err instanceof NotReadyError)) throw err;
      return reply
        .code(503)
        .send({ ...errorBody(err.code, err.message, request.id), mapHealth: runtime.mapHealth() });
    }
  });

  app.get('/v1/connectors/service-map', async (_request, reply) => {
    runtime.map();
    const raw = runtime.rawMap();
    if (!raw) throw new NotReadyError('the verified service map bytes are not available yet');
    if (raw.etag) void reply.header('etag', raw.etag);
    return reply.type('application/json').header('cache-control', 'no-store').send(raw.bodyText);
  });

  app.post('/v1/connectors/:id/probe', async (request) => {
    const { id } = parse(IdParams, request.params, 'path');
    return runtime.probe(id);
  });

  app.post('/v1/connectors/:id/tools/:tool/call', { bodyLimit: 1024 * 1024 }, async (request, reply) => {
    const { id, tool } = parse(CallParams, request.params, 'path');
    const body = parse(CallBody, request.body, 'body'); // a JSON `null` is refused, no body is fine
    const entry = runtime.connector(id);
    if (entry.status !== 'enabled') return disabledResult(entry);
    const controller = new AbortController();
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) controller.abort();
    });
    return inflight.track(
      gateway.callTool(id, tool, body?.arguments, {
        principal: request.principal,
        signal: controller.signal,
      }),
    );
  });
  done();
};

/**
 * REST routes of docs/api.md (all behind `CONNECTORS_API_KEY`): `GET /v1/connectors` (with `mapHealth`; its 503 `NOT_READY` body carries `mapHealth` too),
 * `GET /v1/connectors/service-map` (the exact verified bytes), `POST /v1/connectors/:id/probe`,
 * `POST /v1/connectors/:id/tools/:tool/call` (through `gateway.callTool`). Errors: 400 `BAD_REQUEST`, 404 `CONNECTOR_NOT_FOUND`, 503 `NOT_READY`.
 */
export const connectorsRoutes = fp(plugin, {
  name: 'connectors-rest',
  fastify: '5.x',
  dependencies: [AUTH_PLUGIN_NAME],
});
