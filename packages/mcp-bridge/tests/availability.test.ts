import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRemoteToolProxy, type RemoteToolProxy, type RemoteToolProxyOptions } from '../src/index.js';
import {
  createManualClock,
  startFixtureServer,
  type FixtureServer,
  type ManualClock,
} from '../src/testing/index.js';
import { connectorFor, freshMetrics, gaugeValue, recordAvailability, rejectionOf } from './helpers.js';

let fixture: FixtureServer;
let clock: ManualClock;
const proxies: RemoteToolProxy[] = [];

function proxyFor(options: RemoteToolProxyOptions): RemoteToolProxy {
  const proxy = createRemoteToolProxy(connectorFor(fixture.url), { clock, ...options });
  proxies.push(proxy);
  return proxy;
}

beforeEach(async () => {
  fixture = await startFixtureServer();
  clock = createManualClock();
});
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
  await fixture.stop();
});

describe('availability and the proxy_up gauge', () => {
  it('goes 1 → 0 → 1 when the upstream is killed and restarted on the same port (debounced down, immediate up)', async () => {
    const metrics = freshMetrics();
    const proxy = proxyFor({
      metrics,
      downDebounceMs: 5_000,
      probeIntervalMs: 10_000,
      retries: { attempts: 2, baseDelayMs: 0 },
    });
    const availability = recordAvailability(proxy);
    expect(await gaugeValue(metrics, 'fixture')).toBeUndefined();
    await proxy.connect();
    expect(await gaugeValue(metrics, 'fixture')).toBe(1);
    expect(availability.events).toMatchObject([{ connectorId: 'fixture', up: true, reason: 'connected' }]);

    await fixture.stop();
    const failure = await rejectionOf(proxy.callTool('echo', { text: 'x' }));
    expect(failure).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', connectorId: 'fixture' });
    expect(await gaugeValue(metrics, 'fixture')).toBe(1);
    expect(proxy.state).toBe('up');

    const down = availability.next(false);
    clock.advance(4_999);
    expect(availability.events).toHaveLength(1);
    clock.advance(1);
    const event = await down;
    expect(event).toMatchObject({ connectorId: 'fixture', up: false, code: 'UPSTREAM_UNAVAILABLE' });
    expect(event.reason).toMatch(
      /^brAInwav: connector fixture: probe failed: (upstream unreachable|connection failed)/,
    );
    expect(await gaugeValue(metrics, 'fixture')).toBe(0);
    expect(proxy.state).toBe('down');

    await fixture.restart();
    const up = availability.next(true);
    clock.advance(5_000);
    expect(await up).toMatchObject({ connectorId: 'fixture', up: true, reason: 'recovered' });
    expect(await gaugeValue(metrics, 'fixture')).toBe(1);
    expect(proxy.state).toBe('up');
    expect(fixture.sessionCount).toBe(1);
    expect(availability.events.map((e) => e.up)).toEqual([true, false, true]);
  });

  it('does not report an outage for one slow call that timed out while the upstream answers probes', async () => {
    const metrics = freshMetrics();
    const proxy = proxyFor({ metrics, downDebounceMs: 5_000, probeIntervalMs: 0, retries: { attempts: 1 } });
    const availability = recordAvailability(proxy);
    await proxy.connect();
    const timeout = await rejectionOf(proxy.callTool('slow', { ms: 20_000 }, { timeoutMs: 200 }));
    expect(timeout.code).toBe('UPSTREAM_TIMEOUT');
    const pings = (): number => fixture.requests.filter((r) => r.rpcMethod === 'ping').length;
    clock.advance(5_000);
    await expectEventually(() => pings() === 1);
    await proxy.probe();
    expect(availability.events.map((e) => e.up)).toEqual([true]);
    expect(await gaugeValue(metrics, 'fixture')).toBe(1);
  });

  it('stops the gauge series and timers on close()', async () => {
    const metrics = freshMetrics();
    const proxy = proxyFor({ metrics, probeIntervalMs: 1_000 });
    await proxy.connect();
    expect(clock.pendingTimers).toBe(1);
    await proxy.close();
    expect(proxy.state).toBe('closed');
    expect(clock.pendingTimers).toBe(0);
    expect(await gaugeValue(metrics, 'fixture')).toBeUndefined();
    expect(await rejectionOf(proxy.listTools())).toMatchObject({ code: 'PROXY_CLOSED' });
  });
});

describe('circuit breaker through the proxy', () => {
  it('opens after N consecutive failures, fails fast without network, then half-opens with a single probe', async () => {
    const metrics = freshMetrics();
    const proxy = proxyFor({
      metrics,
      breaker: { failureThreshold: 3, resetTimeoutMs: 30_000 },
      retries: { attempts: 1 },
      downDebounceMs: 60_000,
      probeIntervalMs: 0,
    });
    const availability = recordAvailability(proxy);
    await proxy.listTools();
    fixture.failNext(3, { method: 'tools/call' });
    for (let i = 0; i < 3; i += 1) {
      expect(await rejectionOf(proxy.callTool('echo', { text: 'x' }))).toMatchObject({
        code: 'UPSTREAM_UNAVAILABLE',
      });
    }
    expect(proxy.breaker).toBe('open');
    expect(proxy.state).toBe('down');
    expect(availability.events.at(-1)).toMatchObject({ up: false, code: 'UPSTREAM_UNAVAILABLE' });
    expect(await gaugeValue(metrics, 'fixture')).toBe(0);

    const seen = fixture.requests.length;
    const fast = await rejectionOf(proxy.callTool('echo', { text: 'y' }));
    expect(fast).toMatchObject({ code: 'CIRCUIT_OPEN', connectorId: 'fixture' });
    expect(fast.message).toBe(
      'brAInwav: connector fixture: tools/call echo refused: circuit open after 3 consecutive failures',
    );
    expect(fixture.requests.length).toBe(seen);

    fixture.failNext(1, { method: 'ping' });
    clock.advance(29_999);
    expect(proxy.breaker).toBe('open');
    clock.advance(1);
    expect(proxy.breaker).toBe('half-open');
    expect(await rejectionOf(proxy.callTool('echo', { text: 'z' }))).toMatchObject({ code: 'CIRCUIT_OPEN' });
    await expectEventually(() => proxy.breaker === 'open');
    expect(fixture.requests.filter((r) => r.rpcMethod === 'ping')).toHaveLength(1);

    const up = availability.next(true);
    clock.advance(30_000);
    expect(await up).toMatchObject({ up: true, reason: 'recovered' });
    expect(proxy.breaker).toBe('closed');
    expect(await gaugeValue(metrics, 'fixture')).toBe(1);
    const result = await proxy.callTool('echo', { text: 'closed again' });
    expect(result.content).toEqual([{ type: 'text', text: 'closed again' }]);
  });
});

async function expectEventually(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met before deadline');
    await new Promise((r) => setTimeout(r, 20));
  }
}
