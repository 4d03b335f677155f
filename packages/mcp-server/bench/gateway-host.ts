/**
 * Hosts the gateway in its own process, as deployed (the connectors server is a separate process from its MCP
 * clients): one connector `everything` → UPSTREAM_URL. Prints `READY <base url>` and serves until SIGTERM.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteToolProxy } from '@cortex-os/mcp-bridge';
import { createConnectorsGateway, staticConnectorSource } from '../src/index.js';

const upstream = process.env.UPSTREAM_URL;
if (!upstream) throw new Error('brAInwav: UPSTREAM_URL is required');
const connector = {
  id: 'everything',
  displayName: 'Bench everything',
  endpoint: upstream,
  transport: 'streamable-http' as const,
  headers: {},
  auth: { type: 'none' as const },
  quotas: { perMinute: 1_000_000, perHour: 10_000_000 },
};
const proxy = createRemoteToolProxy(connector, { probeIntervalMs: 0 });
const gateway = createConnectorsGateway({ source: staticConnectorSource([{ connector, proxy }]) });
const server = createServer((req, res) => void gateway.handleAggregate(req, res));
server.listen(0, '127.0.0.1', () => {
  void gateway
    .ready()
    .then(() => process.stdout.write(`READY http://127.0.0.1:${(server.address() as AddressInfo).port}\n`));
});
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close();
  void Promise.all([gateway.close(), proxy.close()]).then(() => process.exit(0));
});
