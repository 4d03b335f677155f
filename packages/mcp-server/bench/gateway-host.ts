/**
 * Hosts the gateway in its own process, as deployed (the connectors server is a separate process from its MCP
 * clients): one connector `everything` → UPSTREAM_URL. Prints `READY <base url>` and serves until SIGTERM.
 * `GET /bench/timings` returns (and clears) per-call timings taken inside this process: the whole aggregate
 * request (first byte in → response finished) and its upstream leg (the proxy's callTool), in ms.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteToolProxy, type RemoteToolProxy } from '@cortex-os/mcp-bridge';
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
const timings = { requestMs: [] as number[], upstreamMs: [] as number[] };
const proxy = createRemoteToolProxy(connector, { probeIntervalMs: 0, relayToolResults: true });
const timed = new Proxy(proxy, {
  get(target, key, receiver) {
    if (key !== 'callTool') return Reflect.get(target, key, receiver) as unknown;
    return async (...args: Parameters<RemoteToolProxy['callTool']>) => {
      const started = performance.now();
      try {
        return await target.callTool(...args);
      } finally {
        timings.upstreamMs.push(performance.now() - started);
      }
    };
  },
});
const gateway = createConnectorsGateway({ source: staticConnectorSource([{ connector, proxy: timed }]) });
const server = createServer((req, res) => {
  if (req.url === '/bench/timings') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(timings));
    timings.requestMs = [];
    timings.upstreamMs = [];
    return;
  }
  const started = performance.now();
  res.once('finish', () => timings.requestMs.push(performance.now() - started));
  void gateway.handleAggregate(req, res);
});
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
