import type { ConnectorsRegistry } from '@cortex-os/agents';
import type { GatewayConnectorBinding, GatewayConnectorSource } from '@cortex-os/mcp-server';

/**
 * Adapts the registry to the gateway: the enabled connectors of the verified map with their proxies
 * (none while no usable map is held); subscribers are told on every registry `change`.
 */
export function registryGatewaySource(registry: ConnectorsRegistry): GatewayConnectorSource {
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
          bindings.push({ connector, proxy: registry.proxy(connector.id) });
        } catch {
          // closed between the two reads: skip until the next change
        }
      }
      return bindings;
    },
    subscribe: (cb) => registry.on('change', () => cb()),
  };
}
