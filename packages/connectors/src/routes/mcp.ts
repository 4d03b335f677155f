import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AUTH_PLUGIN_NAME } from '@cortex-os/server-kit';
import type { ConnectorsGateway } from '@cortex-os/mcp-server';
import type { Logger } from '@cortex-os/telemetry';
import type { InflightTracker } from '../inflight.js';

/** Options of {@link mcpRoutes}. */
export interface McpRoutesOptions {
  readonly gateway: ConnectorsGateway;
  readonly inflight: InflightTracker;
  readonly logger: Logger;
}

const METHODS = ['GET', 'POST', 'DELETE'] as const;

/** Hands the raw request to a Node MCP handler; POSTs count as in-flight work until the response closes. */
function hijack(
  request: FastifyRequest,
  reply: FastifyReply,
  inflight: InflightTracker,
  serve: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
): Promise<void> {
  reply.hijack();
  const done = request.method === 'POST' ? inflight.begin() : () => undefined;
  reply.raw.once('close', done);
  return serve(request.raw, reply.raw).catch((err: unknown) => {
    done();
    request.log.error({ err: (err as Error).message }, 'brAInwav: MCP request failed');
    if (!reply.raw.headersSent) reply.raw.writeHead(500, { 'content-type': 'application/json' });
    reply.raw.end();
  });
}

const plugin: FastifyPluginCallback<McpRoutesOptions> = (app, o, done) => {
  const mcp = { config: { auth: 'mcp' as const } };
  app.route({
    method: [...METHODS],
    url: '/mcp',
    ...mcp,
    handler: (request, reply) =>
      hijack(request, reply, o.inflight, (req, res) => o.gateway.handleAggregate(req, res, request.body)),
  });
  app.route({
    method: [...METHODS],
    url: '/mcp/connectors/:id',
    ...mcp,
    handler: (request, reply) =>
      hijack(request, reply, o.inflight, (req, res) =>
        o.gateway.handleConnector((request.params as { id: string }).id, req, res, request.body),
      ),
  });
  done();
};

/**
 * MCP over Streamable HTTP behind `MCP_API_KEY`: the gateway's aggregate endpoint at `/mcp` (connector tools
 * plus the dashboard MCP App extension: tool `connectors_dashboard`, resources `ui://connectors/dashboard.html`
 * and its Skybridge form) and each connector's passthrough at `/mcp/connectors/:id`.
 */
export const mcpRoutes = fp(plugin, {
  name: 'connectors-mcp',
  fastify: '5.x',
  dependencies: [AUTH_PLUGIN_NAME],
});
