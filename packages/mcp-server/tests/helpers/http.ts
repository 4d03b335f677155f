import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { Client, StreamableHTTPClientTransport, type ClientOptions } from '@modelcontextprotocol/client';
import { attachPrincipal, type Principal } from '@cortex-os/server-kit';
import type { ConnectorsGateway, GatewayConnector } from '../../src/index.js';

/**
 * The gateway mounted on plain node:http at `/mcp` and `/mcp/connectors/<id>`, port 0. `authenticate` plays the
 * mounting server's auth: the principal it returns is attached with server-kit's `attachPrincipal` (the gateway
 * then reads it with `principalOf`); `null` answers 401.
 */
export async function serveGateway(
  gateway: ConnectorsGateway,
  authenticate?: (req: IncomingMessage) => Principal | null,
): Promise<{ base: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (authenticate) {
      const principal = authenticate(req);
      if (!principal) return void res.writeHead(401).end();
      attachPrincipal(req, principal);
    }
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const match = /^\/mcp\/connectors\/([^/]+)$/.exec(path);
    const done = match
      ? gateway.handleConnector(decodeURIComponent(match[1]!), req, res)
      : path === '/mcp'
        ? gateway.handleAggregate(req, res)
        : undefined;
    if (!done) {
      res.writeHead(404).end();
      return;
    }
    done.catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A connected v2 SDK client. */
export async function connectClient(
  url: string,
  options: ClientOptions = {},
  name = 'test-client',
): Promise<Client> {
  const client = new Client({ name, version: '1.0.0' }, options);
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

/** A connector entry for tests. */
export function connectorEntry(
  id: string,
  endpoint: string,
  extra: Partial<GatewayConnector> = {},
): GatewayConnector {
  return {
    id,
    displayName: `${id[0]!.toUpperCase()}${id.slice(1)} demo`,
    endpoint,
    transport: 'streamable-http',
    headers: {},
    auth: { type: 'none' },
    quotas: { perMinute: 1000, perHour: 10000 },
    ...extra,
  };
}

/** Poll `check` until it returns true or `timeoutMs` passes (real processes/servers only). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
