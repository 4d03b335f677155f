import {
  RedisChannels,
  RedisSessionRevocations,
  RedisSessionStreams,
  type ConnectorsGatewayOptions,
} from '@cortex-os/mcp-server';
import type { Logger } from '@cortex-os/telemetry';
import type { ConnectorsConfig } from './config.js';

/** The gateway's session options of the connectors server, and what to close on shutdown. */
export interface GatewaySessionWiring {
  readonly options: Pick<ConnectorsGatewayOptions, 'sessionKeys' | 'sessionRevocations' | 'sessionStreams'>;
  close(): Promise<void>;
}

/**
 * Session handles sealed with `CONNECTORS_SESSION_KEYS` (none: the gateway's random per-process key and its
 * warning); with `REDIS_URL`, DELETEd sessions are revoked for every replica, notifications reach the replica
 * holding a session's GET stream and its events resume on another replica, all through Redis.
 */
export function gatewaySessions(config: ConnectorsConfig, logger: Logger): GatewaySessionWiring {
  const sessionKeys = config.sessionKeys?.length ? config.sessionKeys : undefined;
  if (!config.redisUrl) return { options: { sessionKeys }, close: () => Promise.resolve() };
  const channels = new RedisChannels({ url: config.redisUrl, logger: logger.child({ scope: 'sessions' }) });
  return {
    options: {
      sessionKeys,
      sessionRevocations: new RedisSessionRevocations(channels),
      sessionStreams: new RedisSessionStreams(channels),
    },
    close: () => channels.close(),
  };
}
