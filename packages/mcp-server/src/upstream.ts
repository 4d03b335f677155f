import {
  Client,
  SSEClientTransport,
  StreamableHTTPClientTransport,
  type ClientCapabilities,
  type Transport,
} from '@modelcontextprotocol/client';
import type { GatewayConnector } from './contracts.js';
import { buildUpstreamHeaders, defaultResolveSecret, type SecretResolver } from '@cortex-os/mcp-bridge';

/** Opens a dedicated, not yet connected upstream client + transport for one passthrough session. */
export type UpstreamConnector = (
  connector: GatewayConnector,
  capabilities: ClientCapabilities,
) => Promise<UpstreamSession>;

/** A dedicated upstream session: `connect()` once, `close()` terminates it upstream (HTTP DELETE) and closes. */
export interface UpstreamSession {
  client: Client;
  connect(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens a dedicated local process for one passthrough session of a stdio connector: its unstarted transport and
 * how to end the process (e.g. `openDedicated` of the connectors server's stdio children).
 */
export type StdioSessionOpener = (
  connectorId: string,
) => Promise<{ transport: Transport; close(): Promise<void> }>;

const CLIENT_INFO = { name: 'brainwav-connectors-gateway', version: '0.1.0' };

/** A passthrough session over a dedicated stdio child: opened on `connect()`, the child ended on `close()`. */
function stdioSession(
  connectorId: string,
  capabilities: ClientCapabilities,
  open: StdioSessionOpener,
): UpstreamSession {
  const client = new Client(CLIENT_INFO, { capabilities });
  let end: (() => Promise<void>) | undefined;
  return {
    client,
    async connect() {
      const child = await open(connectorId);
      end = () => child.close();
      await client.connect(child.transport);
    },
    async close() {
      await client.close().catch(() => undefined);
      await end?.();
    },
  };
}

/**
 * Build the default {@link UpstreamConnector}: a v2 `Client` over Streamable HTTP (or legacy SSE when
 * the manifest says `transport: "sse"`) sending the manifest's static `headers` plus the auth header
 * (`buildUpstreamHeaders` of @cortex-os/mcp-bridge, so the proxy and the passthrough authenticate the
 * same way). Rejects with `SECRET_UNRESOLVED` (naming the reference, never the value). With `openStdio`, a
 * `transport: "stdio"` connector's session runs over a dedicated child it opens instead (as faithful as an HTTP
 * upstream's own session).
 */
export function createUpstreamConnector(
  resolveSecret: SecretResolver = defaultResolveSecret,
  openStdio?: StdioSessionOpener,
): UpstreamConnector {
  return async (connector, capabilities) => {
    if (openStdio && connector.transport === 'stdio')
      return stdioSession(connector.id, capabilities, openStdio);
    const { headers } = await buildUpstreamHeaders(
      { ...connector, auth: connector.auth ?? { type: 'none' } },
      resolveSecret,
    );
    const url = new URL(connector.endpoint);
    const transport =
      connector.transport === 'sse'
        ? new SSEClientTransport(url, { requestInit: { headers } })
        : new StreamableHTTPClientTransport(url, { requestInit: { headers } });
    const client = new Client(CLIENT_INFO, { capabilities });
    const close = async (): Promise<void> => {
      if (transport instanceof StreamableHTTPClientTransport && transport.sessionId !== undefined) {
        await transport.terminateSession().catch(() => undefined);
      }
      await client.close();
    };
    return { client, connect: () => client.connect(transport), close };
  };
}

/** The {@link UpstreamConnector} used when none is given (secrets from `env:`/`file:` references). */
export const defaultUpstreamConnector: UpstreamConnector = createUpstreamConnector();
