import { Client, StreamableHTTPClientTransport, type ClientOptions } from '@modelcontextprotocol/client';
import {
  createConnectorsGateway,
  staticConnectorSource,
  type ConnectorsGateway,
  type ConnectorsGatewayOptions,
  type GatewayConnector,
} from '../../src/index.js';
import { principalOf } from '@cortex-os/server-kit';
import { serveGateway } from './http.js';
import { apiKeyPrincipal } from './principals.js';
import { bridgeProxy } from './proxy.js';

/** One gateway replica: its own proxies, source and HTTP server; only the config is shared. */
export interface Replica {
  readonly gateway: ConnectorsGateway;
  readonly base: string;
  readonly source: ReturnType<typeof staticConnectorSource>;
  /** Re-reads the shared connector list (as a new signed map reaches every replica). */
  setConnectors(connectors: GatewayConnector[]): void;
  /** Requests this replica received (method + session id), in order. */
  readonly seen: Array<{ method: string; sessionId: string | undefined }>;
  close(): Promise<void>;
}

/**
 * Starts a replica from `connectors` and `options` (the config every replica shares). Its principal is
 * `Bearer <subject>` (an API-key principal), `alice` without one.
 */
export async function startReplica(
  connectors: GatewayConnector[],
  options: Omit<ConnectorsGatewayOptions, 'source'>,
): Promise<Replica> {
  let proxies = connectors.map(bridgeProxy);
  const source = staticConnectorSource(connectors.map((connector, i) => ({ connector, proxy: proxies[i]! })));
  const gateway = createConnectorsGateway({ principalOf, ...options, source });
  const seen: Replica['seen'] = [];
  const http = await serveGateway(gateway, (req) => {
    const id = req.headers['mcp-session-id'];
    seen.push({ method: req.method ?? '', sessionId: typeof id === 'string' ? id : undefined });
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    return apiKeyPrincipal(bearer ?? 'alice');
  });
  await gateway.ready();
  return {
    gateway,
    base: http.base,
    source,
    seen,
    setConnectors: (next) => {
      const old = proxies;
      proxies = next.map(bridgeProxy);
      source.set(next.map((connector, i) => ({ connector, proxy: proxies[i]! })));
      void Promise.all(old.map((p) => p.close()));
    },
    close: async () => {
      await gateway.close();
      await http.close();
      await Promise.all(proxies.map((p) => p.close()));
    },
  };
}

const openStreams = new WeakMap<Client, { count: number }>();

/**
 * GET (server→client) streams whose response the client of {@link connectRoundRobin} has received: once one
 * has, the replica's transport holds it, and a standalone notification is sent on it rather than only stored.
 */
export const getStreamsOpened = (client: Client): number => openStreams.get(client)?.count ?? 0;

/**
 * A stock SDK client whose `fetch` sends each HTTP request to the next replica in turn (a round-robin load
 * balancer without affinity, in the client): `order` picks the replica index of the n-th request (`init` tells
 * its method).
 */
export async function connectRoundRobin(
  replicas: readonly Replica[],
  path: string,
  order: (n: number, init?: RequestInit) => number = (n) => n % replicas.length,
  options: ClientOptions = {},
): Promise<Client> {
  let n = 0;
  const first = new URL(`${replicas[0]!.base}${path}`);
  const fetchNext = (url: string | URL, init?: RequestInit): Promise<Response> => {
    const target = new URL(String(url));
    const replica = new URL(replicas[order(n++, init) % replicas.length]!.base);
    target.host = replica.host;
    return fetch(target, init).then((res) => {
      if (init?.method === 'GET' && res.ok) streams.count += 1;
      return res;
    });
  };
  const client = new Client({ name: 'rr-client', version: '1.0.0' }, options);
  const streams = { count: 0 };
  openStreams.set(client, streams);
  await client.connect(new StreamableHTTPClientTransport(first, { fetch: fetchNext }));
  return client;
}
