import { checkRequiresCore, ConnectorsError, type ServiceMapConnector } from '@cortex-os/connectors-manifest';
import { createRemoteToolProxy, type RemoteToolProxy } from '@cortex-os/mcp-bridge';
import type { StdioConnectors } from './stdio-connectors.js';

type ProxyOptions = Parameters<typeof createRemoteToolProxy>[1];

/**
 * The registry's proxy factory: a connector whose `requiresCore` excludes this core gets a proxy that is
 * offline with `CORE_VERSION_MISMATCH` (it never connects); a stdio connector is reached through its supervised
 * child (no down debounce: a dead child is known at once); any other over HTTP as before.
 */
export function stdioAwareProxyFactory(
  stdio: StdioConnectors,
  options: ProxyOptions,
): (connector: ServiceMapConnector) => RemoteToolProxy {
  return (connector) => {
    const mismatch = checkRequiresCore(connector);
    if (mismatch) {
      return createRemoteToolProxy(connector, {
        ...options,
        createTransport: () => {
          throw new ConnectorsError('CORE_VERSION_MISMATCH', mismatch);
        },
      });
    }
    if (connector.transport !== 'stdio') return createRemoteToolProxy(connector, options);
    return createRemoteToolProxy(connector, {
      ...options,
      createTransport: stdio.transportFor(connector.id),
      downDebounceMs: 0,
    });
  };
}
