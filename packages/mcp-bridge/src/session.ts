import { Client, SSEClientTransport, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type {
  ClientCapabilities,
  FetchLike,
  Implementation,
  Notification,
  Transport,
} from '@modelcontextprotocol/client';
import type { ProxyConnector } from './connector.js';
import { withPerRequestSignal } from './fetch-signal.js';
import { NodeHttpClientTransport } from './node-http-transport.js';

/** An open MCP client session to one upstream. */
export interface UpstreamSession {
  readonly client: Client;
  readonly transport: Transport;
  /** Set once the session was dropped; a dropped session is never reused. */
  closed: boolean;
}

/** What {@link openSession} needs. */
export interface OpenSessionOptions {
  readonly connector: ProxyConnector;
  readonly headers: Readonly<Record<string, string>>;
  /**
   * A custom fetch runs the SDK's fetch-based transports; without one, Streamable HTTP connectors use
   * {@link NodeHttpClientTransport} (Node's http, keep-alive) and legacy SSE the global fetch.
   */
  readonly fetch?: FetchLike | undefined;
  readonly clientInfo: Implementation;
  readonly capabilities: ClientCapabilities;
  readonly timeoutMs: number;
  /** Opens the session's transport instead of the connector's HTTP one (a stdio child, say). */
  readonly createTransport?: (() => Transport | Promise<Transport>) | undefined;
  /** Largest upstream message of the default transport, bytes. */
  readonly maxMessageBytes?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Installs caller handlers (sampling, elicitation, roots …) on every new Client before it connects. */
  readonly configureClient?: ((client: Client) => void) | undefined;
  /** Receives `notifications/tools/list_changed`. */
  readonly onToolsListChanged: () => void;
  /** Receives every other upstream notification. */
  readonly onNotification?: ((notification: Notification) => void) | undefined;
  /** The transport closed (or, for SSE, lost its event stream) on its own, not through a request. */
  readonly onTransportClosed: (session: UpstreamSession) => void;
}

/** Wraps `fetch` so every request carries `extra` headers; headers set by the transport win. */
export function fetchWithHeaders(base: FetchLike, extra: Readonly<Record<string, string>>): FetchLike {
  return (url, init) => {
    const headers = new Headers(extra);
    new Headers(init?.headers).forEach((value, name) => headers.set(name, value));
    return base(url, { ...init, headers });
  };
}

function createTransport(options: OpenSessionOptions): Transport | Promise<Transport> {
  if (options.createTransport) return options.createTransport();
  const url = new URL(options.connector.endpoint);
  // a stdio connector seen from outside the gateway is its /mcp/connectors/<id> endpoint: Streamable HTTP
  const sse = options.connector.transport === 'sse';
  if (!sse && options.fetch === undefined)
    return new NodeHttpClientTransport(url, {
      headers: options.headers,
      ...(options.maxMessageBytes === undefined ? {} : { maxMessageBytes: options.maxMessageBytes }),
    });
  const base = withPerRequestSignal(options.fetch ?? ((input, init) => fetch(input, init)));
  const fetchLike = fetchWithHeaders(base, options.headers);
  if (sse) return new SSEClientTransport(url, { fetch: fetchLike, eventSourceInit: { fetch: fetchLike } });
  return new StreamableHTTPClientTransport(url, { fetch: fetchLike });
}

/**
 * Creates a v2 SDK `Client` with the connector's transport and headers and performs the MCP handshake.
 * @throws whatever the SDK throws (classified by the proxy)
 */
export async function openSession(options: OpenSessionOptions): Promise<UpstreamSession> {
  const client = new Client(options.clientInfo, { capabilities: options.capabilities });
  options.configureClient?.(client);
  client.setNotificationHandler('notifications/tools/list_changed', (notification) => {
    options.onToolsListChanged();
    options.onNotification?.(notification);
  });
  if (options.onNotification) {
    const forward = options.onNotification;
    client.fallbackNotificationHandler = (notification) => {
      forward(notification);
      return Promise.resolve();
    };
  }
  const transport = await createTransport(options);
  const session: UpstreamSession = { client, transport, closed: false };
  client.onclose = () => options.onTransportClosed(session);
  if (options.connector.transport === 'sse') {
    // the legacy SSE client only reports a lost event stream through onerror; pending requests would hang
    client.onerror = (error) => {
      if (/SSE error/i.test(error.message)) options.onTransportClosed(session);
    };
  }
  try {
    await client.connect(transport, {
      timeout: options.timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    session.closed = true;
    await client.close().catch(() => undefined);
    throw error;
  }
  return session;
}

/** Longest wait for the upstream to acknowledge a session DELETE, in ms. */
const TERMINATE_TIMEOUT_MS = 2_000;

/**
 * Closes a session once (idempotent); errors while closing are ignored. With `terminate`, a Streamable HTTP
 * session is first ended upstream (HTTP DELETE, bounded by 2 s) so the upstream frees it at once.
 */
export async function closeSession(
  session: UpstreamSession,
  options: { terminate?: boolean } = {},
): Promise<void> {
  if (session.closed) return;
  session.closed = true;
  const transport = session.transport as { terminateSession?: () => Promise<void> };
  if (options.terminate && typeof transport.terminateSession === 'function') {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, TERMINATE_TIMEOUT_MS)));
    await Promise.race([transport.terminateSession().catch(() => undefined), timeout]);
    clearTimeout(timer);
  }
  await session.client.close().catch(() => undefined);
}
