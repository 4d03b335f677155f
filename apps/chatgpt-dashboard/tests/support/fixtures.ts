import type { ConnectorStatus, DashboardData } from '../../src/types.js';

/** One connector row as docs/api.md describes it. */
export function makeConnector(id: string, overrides: Partial<ConnectorStatus> = {}): ConnectorStatus {
  return {
    id,
    displayName: `${id[0]!.toUpperCase()}${id.slice(1)} connector`,
    version: '1.0.0',
    description: `Demo connector ${id}`,
    endpoint: `http://127.0.0.1:7101/${id}/mcp`,
    transport: 'streamable-http',
    scopes: ['tools:read'],
    enabled: true,
    status: 'enabled',
    statusMessage: 'brAInwav: connector enabled',
    availability: 'online',
    breaker: 'closed',
    lastError: null,
    quotas: { perMinute: 60, perHour: 1000 },
    quotaUse: { minute: 3, hour: 12 },
    tools: [
      {
        name: 'echo',
        title: 'Echo',
        description: 'Echoes the message back',
        inputSchema: {
          type: 'object',
          properties: {
            message: { type: 'string', description: 'Text to echo' },
            times: { type: 'integer', minimum: 1 },
            loud: { type: 'boolean' },
            tone: { type: 'string', enum: ['plain', 'happy'] },
          },
          required: ['message'],
        },
      },
    ],
    ...overrides,
  };
}

/**
 * A `GET /v1/connectors` body with `count` connectors (`alpha`, `bravo`, … then `c-12`…), TTL `ttlSeconds`.
 * @param generatedAt - epoch ms the map was generated.
 */
export function makeData(
  count = 3,
  options: { ttlSeconds?: number; generatedAt?: number; mapVersion?: number } = {},
): DashboardData {
  const names = [
    'alpha',
    'bravo',
    'charlie',
    'delta',
    'echo',
    'foxtrot',
    'golf',
    'hotel',
    'india',
    'juliet',
    'kilo',
    'lima',
  ];
  const generatedAt = options.generatedAt ?? Date.now();
  const ttl = (options.ttlSeconds ?? 300) * 1000;
  const connectors = Array.from({ length: count }, (_, i) => makeConnector(names[i] ?? `c-${i}`));
  if (connectors[1])
    Object.assign(connectors[1], {
      availability: 'offline',
      breaker: 'open',
      lastError: {
        code: 'UPSTREAM_UNAVAILABLE',
        message: 'brAInwav: connection refused',
        at: new Date(generatedAt).toISOString(),
      },
    });
  if (connectors[2])
    Object.assign(connectors[2], {
      enabled: false,
      status: 'disabled',
      availability: 'unknown',
      statusMessage: 'brAInwav: connector disabled',
    });
  return {
    brand: 'brAInwav',
    manifestId: 'brainwav-demo',
    manifestVersion: '2026.11.22',
    mapVersion: options.mapVersion ?? 1,
    generatedAt: new Date(generatedAt).toISOString(),
    expiresAt: new Date(generatedAt + ttl).toISOString(),
    connectors,
  };
}

/** A promise with its resolve/reject exposed. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/** Creates a `Deferred`. */
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
