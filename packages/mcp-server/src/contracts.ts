import type { Client } from '@modelcontextprotocol/client';
import type { CallToolResult, Tool } from '@modelcontextprotocol/server';

/**
 * The parts of `ConnectorEntry` (@cortex-os/connectors-manifest) the gateway reads. Declared
 * structurally so a full `ConnectorEntry` is assignable without a deep import.
 */
export interface GatewayConnector {
  id: string;
  displayName: string;
  endpoint: string;
  transport?: 'streamable-http' | 'sse' | 'stdio';
  headers?: Record<string, string>;
  auth?: { type: 'apiKey' | 'bearer' | 'none'; headerName?: string; secretRef?: string };
  /** Calls per minute / per hour (manifest `quotas`). */
  quotas: { perMinute: number; perHour: number };
  tools?: { allow?: string[]; deny?: string[] };
  /** Manifest `scopes`: required on the credential of OAuth principals (not checked for API-key principals). */
  scopes?: readonly string[];
}

/**
 * The parts of `RemoteToolProxy` (@cortex-os/mcp-bridge) the gateway uses, declared structurally.
 */
export interface GatewayProxy {
  readonly connectorId: string;
  readonly state: 'idle' | 'connecting' | 'up' | 'down' | 'closed';
  readonly breaker: 'closed' | 'open' | 'half-open';
  listTools(signal?: AbortSignal): Promise<Tool[]>;
  callTool(
    name: string,
    args: Record<string, unknown> | undefined,
    options?: { signal?: AbortSignal; timeoutMs?: number },
  ): Promise<CallToolResult>;
  client(): Promise<Client>;
  onToolsChanged(cb: (tools: Tool[]) => void): () => void;
}

/** One enabled connector and its proxy, as listed by a {@link GatewayConnectorSource}. */
export interface GatewayConnectorBinding {
  connector: GatewayConnector;
  proxy: GatewayProxy;
  /** Its tools are first listed when a client first lists the aggregate, not when it joins (lazy stdio connectors). */
  lazy?: boolean;
}

/**
 * Where the gateway gets its connectors: enabled connectors only. The connectors server adapts its
 * registry to this; tests and the bench use {@link staticConnectorSource}.
 */
export interface GatewayConnectorSource {
  list(): GatewayConnectorBinding[];
  /** Called whenever `list()` would return something different; returns an unsubscribe. */
  subscribe(cb: () => void): () => void;
}

/**
 * A mutable in-memory {@link GatewayConnectorSource}: `set(...)` replaces the bindings and notifies
 * subscribers.
 */
export function staticConnectorSource(
  initial: GatewayConnectorBinding[] = [],
): GatewayConnectorSource & { set(bindings: GatewayConnectorBinding[]): void } {
  let bindings = [...initial];
  const listeners = new Set<() => void>();
  return {
    list: () => bindings,
    subscribe: (cb) => {
      listeners.add(cb);
      return () => void listeners.delete(cb);
    },
    set: (next) => {
      bindings = [...next];
      for (const cb of listeners) cb();
    },
  };
}
