import {
  Client,
  SSEClientTransport,
  StreamableHTTPClientTransport,
  type ClientCapabilities,
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
 * Build the default {@link UpstreamConnector}: a v2 `Client` over Streamable HTTP (or legacy SSE when
 * the manifest says `transport: "sse"`) sending the manifest's static `headers` plus the auth header
 * (`buildUpstreamHeaders` of @cortex-os/mcp-bridge, so the proxy and the passthrough authenticate the
 * same way). Rejects with `SECRET_UNRESOLVED` (naming the reference, never the value).
 */
export function createUpstreamConnector(
  resolveSecret: SecretResolver = defaultResolveSecret,
): UpstreamConnector {
  return async (connector, capabilities) => {
    const { headers } = await buildUpstreamHeaders(
      { ...connector, auth: connector.auth ?? { type: 'none' } },
      resolveSecret,
    );
    const url = new URL(connector.endpoint);
    const transport =
      connector.transport === 'sse'
        ? new SSEClientTransport(url, { requestInit: { headers } })
        : new StreamableHTTPClientTransport(url, { requestInit: { headers } });
    const client = new Client({ name: 'brainwav-connectors-gateway', version: '0.1.0' }, { capabilities });
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
