import type { ConnectorsRegistry } from '@cortex-os/agents';
import type { GatewayConnectorBinding, GatewayConnectorSource } from '@cortex-os/mcp-server';

/**
 * Adapts the registry to the gateway: the enabled connectors of the verified map with their proxies
 * (none while no usable map is held); subscribers are told on every registry `change`. A `lazy` connector's
 * tools are first listed when a client first lists the aggregate.
 */
export function registryGatewaySource(
  registry: ConnectorsRegistry,
  lazy: (connectorId: string) => boolean = () => false,
): GatewayConnectorSource {
  return {
    list(): GatewayConnectorBinding[] {
      let connectors;
      try {
        connectors = registry.connectors();
      } catch {
        return [];
      }
      const bindings: GatewayConnectorBinding[] = [];
      for (const connector of connectors) {
        if (connector.status !== 'enabled') continue;
        try {
          const binding = { connector, proxy: registry.proxy(connector.id) };
          bindings.push(lazy(connector.id) ? { ...binding, lazy: true } : binding);
        } catch {
          // closed between the two reads: skip until the next change
        }
      }
      return bindings;
    },
    subscribe: (cb) => registry.on('change', () => cb()),
  };
}
