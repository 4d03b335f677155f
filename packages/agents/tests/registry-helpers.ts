import type { ServiceMapConnector } from '@cortex-os/connectors-manifest';
import { createRemoteToolProxy, type RemoteToolProxy } from '@cortex-os/mcp-bridge';
import { createConnectorsMetrics, createSilentLogger, type ConnectorsMetrics } from '@cortex-os/telemetry';
import {
  createConnectorsRegistry,
  type ConnectorsRegistry,
  type ConnectorsRegistryOptions,
  type ProxyFactory,
} from '../src/index.js';
import { afterEach, beforeEach } from 'vitest';
import { API_KEY, ManualClock, SECRET_A, startMapServer, type MapServer } from './helpers.js';

/** A proxy factory over the real lazy `createRemoteToolProxy` that records what it created / closed. */
export interface RecordingFactory {
  readonly factory: ProxyFactory;
  readonly created: string[];
  readonly closed: string[];
  readonly proxies: Map<string, RemoteToolProxy>;
}

export function recordingFactory(): RecordingFactory {
  const created: string[] = [];
  const closed: string[] = [];
  const proxies = new Map<string, RemoteToolProxy>();
  const factory: ProxyFactory = (c: ServiceMapConnector) => {
    const proxy = createRemoteToolProxy(c, { logger: createSilentLogger('test'), probeIntervalMs: 0 });
    const close = proxy.close.bind(proxy);
    proxy.close = async () => {
      closed.push(c.id);
      await close();
    };
    created.push(c.id);
    proxies.set(c.id, proxy);
    return proxy;
  };
  return { factory, created, closed, proxies };
}

/** A registry over `server` with a manual clock, fresh metrics and a recording factory. */
export function makeRegistry(
  server: MapServer,
  clock: ManualClock,
  extra: Partial<ConnectorsRegistryOptions> = {},
): { registry: ConnectorsRegistry; metrics: ConnectorsMetrics; rec: RecordingFactory } {
  const metrics = createConnectorsMetrics();
  const rec = recordingFactory();
  const registry = createConnectorsRegistry({
    url: server.url,
    apiKey: API_KEY,
    keys: [{ alg: 'HS256', secret: SECRET_A }],
    clock,
    metrics,
    logger: createSilentLogger('test'),
    proxyFactory: rec.factory,
    ...extra,
  });
  return { registry, metrics, rec };
}

/** The value of a counter / histogram sample with the given name suffix and labels. */
export async function sample(
  metric: {
    get(): Promise<{
      values: { value: number; labels: Record<string, string | number>; metricName?: string }[];
    }>;
  },
  labels: Record<string, string> = {},
  metricName?: string,
): Promise<number> {
  const data = await metric.get();
  const hit = data.values.find(
    (v) =>
      (!metricName || v.metricName === metricName) &&
      Object.entries(labels).every(([k, val]) => v.labels[k] === val),
  );
  return hit?.value ?? 0;
}

/** A real map server and a manual clock per test; registries made by `setup` are closed after each test. */
export interface RegistryFixture {
  readonly server: MapServer;
  readonly clock: ManualClock;
  /** {@link makeRegistry} on this test's server and clock. */
  setup(extra?: Parameters<typeof makeRegistry>[2]): ReturnType<typeof makeRegistry>;
  /** Runs `fn` after the test, before the server closes. */
  onClose(fn: () => Promise<unknown>): void;
}

/** Registers the per-test hooks of a {@link RegistryFixture} (call once at the top of a test file). */
export function registryFixture(): RegistryFixture {
  let server: MapServer | undefined;
  let clock: ManualClock | undefined;
  const closers: (() => Promise<unknown>)[] = [];
  beforeEach(async () => {
    server = await startMapServer();
    clock = new ManualClock();
  });
  afterEach(async () => {
    for (const c of closers.splice(0)) await c();
    await server?.close();
  });
  return {
    get server() {
      return server!;
    },
    get clock() {
      return clock!;
    },
    setup(extra = {}) {
      const made = makeRegistry(server!, clock!, extra);
      closers.push(() => made.registry.close());
      return made;
    },
    onClose(fn) {
      closers.push(fn);
    },
  };
}
