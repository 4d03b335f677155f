import type { ConnectorStatus, DashboardData, TrafficReport } from '../../src/types.js';

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

/** Options of {@link makeTraffic}. */
export interface TrafficOptions {
  /** Report window (default 15): one point per minute. */
  windowMinutes?: 15 | 60;
  /** Calls added to the first connector's last minute, each also a recent `ok` call (newest first). */
  extraCalls?: number;
}

/**
 * A traffic report for every connector of `data` (calls rising by minute, a few errors, 3 recent calls each); a
 * connector that is `offline` in `data` went offline 2 minutes before `nowMs` (its timeline ends offline).
 */
export function makeTraffic(
  data: DashboardData,
  nowMs = Date.parse(data.generatedAt),
  options: TrafficOptions = {},
): TrafficReport {
  const MIN = 60_000;
  const windowMinutes = options.windowMinutes ?? 15;
  const extra = options.extraCalls ?? 0;
  const from = nowMs - (nowMs % MIN) - (windowMinutes - 1) * MIN;
  const extraRecent = Array.from({ length: extra }, (_, i) => ({
    id: `extra-${extra - i}`,
    at: new Date(nowMs - i * 100).toISOString(),
    callerId: 'key-0123abcd',
    connectorId: data.connectors[0]?.id ?? 'alpha',
    tool: 'echo',
    outcome: 'ok',
    durationMs: 7,
  }));
  return {
    windowMinutes,
    from,
    to: nowMs,
    connectors: data.connectors.map((c, k) => {
      const points = Array.from({ length: windowMinutes }, (_, i) => ({
        t: from + i * MIN,
        calls: ((i * (k + 1)) % 17) + (k === 0 && i === windowMinutes - 1 ? extra : 0),
        errors: i % 5 === 0 ? 1 : 0,
        offline: 0,
        refused: 0,
        p50Ms: 10 + i,
        p95Ms: 40 + 3 * i,
      }));
      const calls = points.reduce((a, p) => a + p.calls, 0);
      const state = c.status === 'disabled' ? 'disabled' : c.availability;
      const since = nowMs - 2 * MIN;
      return {
        id: c.id,
        displayName: c.displayName,
        status: c.status,
        points,
        totals: {
          calls,
          errors: 3,
          offline: 0,
          refused: 0,
          p50Ms: 17,
          p95Ms: 80,
          errorRate: 3 / Math.max(1, calls),
          offlineRate: 0,
        },
        quota: {
          perMinute: c.quotas.perMinute,
          perHour: c.quotas.perHour,
          minuteUse: c.quotaUse.minute,
          hourUse: c.quotaUse.hour,
          burnPerMinute: 4,
          minuteExhaustsInSec: null,
          hourExhaustsInSec: null,
        },
        timeline:
          state === 'offline'
            ? [
                { from, to: since, state: 'online' as const },
                { from: since, to: nowMs, state: 'offline' as const },
              ]
            : [{ from, to: nowMs, state }],
      };
    }),
    recent: [
      ...extraRecent,
      ...data.connectors.flatMap((c, k) =>
        [0, 1, 2].map((i) => ({
          id: `${c.id}-${i}`,
          at: new Date(nowMs - (extra > 0 ? 1_000 : 0) - (k * 3 + i) * 1_000).toISOString(),
          callerId: 'key-0123abcd',
          connectorId: c.id,
          tool: 'echo',
          outcome: i === 2 ? 'error' : 'ok',
          durationMs: 5 + i,
        })),
      ),
    ].slice(0, 50),
  };
}

/**
 * What a scripted host answers to `connectors_dashboard` `{ window }`: `data` with the traffic of that window
 * (`extraCalls` more calls); `undefined` for a window the server would refuse.
 */
export function dashboardAnswer(
  data: DashboardData,
  window: unknown,
  extraCalls = 0,
  nowMs = Date.parse(data.generatedAt),
): DashboardData | undefined {
  if (window !== undefined && window !== '15m' && window !== '1h') return undefined;
  const windowMinutes = window === '1h' ? 60 : 15;
  return { ...data, traffic: makeTraffic(data, nowMs, { windowMinutes, extraCalls }) };
}
