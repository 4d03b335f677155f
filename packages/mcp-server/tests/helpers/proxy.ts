import { createRemoteToolProxy, type RemoteToolProxy } from '@cortex-os/mcp-bridge';
import type { GatewayConnector } from '../../src/index.js';

/** The real bridge proxy with test-friendly settings: no periodic probe, one attempt, short timeouts. */
export function bridgeProxy(connector: GatewayConnector): RemoteToolProxy {
  return createRemoteToolProxy(
    { ...connector, auth: connector.auth ?? { type: 'none' } },
    { probeIntervalMs: 0, retries: { attempts: 1 }, timeoutMs: 5_000 },
  );
}
