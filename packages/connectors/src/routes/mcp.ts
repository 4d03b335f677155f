import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { checkHostAndOrigin, type ConnectorsGateway, type OriginPolicy } from '@cortex-os/mcp-server';
import type { Logger } from '@cortex-os/telemetry';
import type { InflightTracker } from '../inflight.js';
import { createDashboardMcpServer, type DashboardSource } from '../mcp-apps.js';

/** Options of {@link mcpRoutes}. */
export interface McpRoutesOptions {
  readonly gateway: ConnectorsGateway;
  readonly dashboard: DashboardSource;
  readonly inflight: InflightTracker;
  readonly policy: OriginPolicy;
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

/** One stateless MCP Apps exchange: a fresh dashboard server + transport per request. */
async function serveApps(dashboard: DashboardSource, req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
  const server = createDashboardMcpServer(dashboard);
  const transport = new NodeStreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  res.once('close', () => {
    void transport.close().catch(() => undefined);
    void server.close().catch(() => undefined);
  });
  await server.connect(transport);
  await transport.handleRequest(req, res, body);
}

const plugin: FastifyPluginCallback<McpRoutesOptions> = (app, o, done) => {
  const mcp = { config: { auth: 'mcp' as const } };
  app.route({ method: [...METHODS], url: '/mcp', ...mcp, handler: (request, reply) =>
    hijack(request, reply, o.inflight, (req, res) => o.gateway.handleAggregate(req, res, request.body)) });
  app.route({ method: [...METHODS], url: '/mcp/connectors/:id', ...mcp, handler: (request, reply) =>
    hijack(request, reply, o.inflight, (req, res) => o.gateway.handleConnector((request.params as { id: string }).id, req, res, request.body)) });
  app.route({ method: [...METHODS], url: '/mcp/apps', ...mcp, handler: (request, reply) =>
    hijack(request, reply, o.inflight, async (req, res) => {
      if (!checkHostAndOrigin(req, res, o.policy)) return;
      if (request.method !== 'POST') {
        res.writeHead(405, { 'content-type': 'application/json', allow: 'POST' }).end(JSON.stringify({ brand: 'brAInwav', error: { code: 'BAD_REQUEST', message: 'brAInwav: the MCP Apps endpoint is stateless: POST only' }, traceId: request.id }));
        return;
      }
      await serveApps(o.dashboard, req, res, request.body);
    }) });
  done();
};

/**
 * MCP over Streamable HTTP behind `MCP_API_KEY`: the gateway's aggregate endpoint at `/mcp`, each
 * connector's passthrough at `/mcp/connectors/:id`, and the dashboard MCP App (tool `connectors_dashboard`,
 * resource `ui://connectors/dashboard.html`) at `/mcp/apps` (stateless; same Host/Origin rules as the gateway).
 */
export const mcpRoutes = fp(plugin, { name: 'connectors-mcp', fastify: '5.x', dependencies: ['connectors-auth'] });
