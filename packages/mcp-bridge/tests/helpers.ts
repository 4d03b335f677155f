import type { ConnectorsMetrics, DestinationStream } from '@cortex-os/telemetry';
import { createConnectorsMetrics } from '@cortex-os/telemetry';
import type { AvailabilityEvent, ProxyConnector, RemoteToolProxy } from '../src/index.js';

/** A connector pointing at `url` with no auth unless overridden. */
export function connectorFor(url: string, overrides: Partial<ProxyConnector> = {}): ProxyConnector {
  return {
    id: 'fixture',
    displayName: 'Fixture',
    endpoint: url,
    transport: 'streamable-http',
    auth: { type: 'none' },
    headers: {},
    ...overrides,
  };
}

/** Value of `brainwav_mcp_connector_proxy_up{connector}` (undefined when the series does not exist). */
export async function gaugeValue(metrics: ConnectorsMetrics, connector: string): Promise<number | undefined> {
  const data = await metrics.proxyUp.get();
  return data.values.find((v) => v.labels.connector === connector)?.value;
}

/** Fresh metrics on their own registry. */
export const freshMetrics = (): ConnectorsMetrics => createConnectorsMetrics();

/** Records availability events and lets a test await the next one. */
export function recordAvailability(proxy: RemoteToolProxy): {
  events: AvailabilityEvent[];
  next(up: boolean, timeoutMs?: number): Promise<AvailabilityEvent>;
} {
  const events: AvailabilityEvent[] = [];
  const waiters: { up: boolean; resolve: (e: AvailabilityEvent) => void }[] = [];
  proxy.onAvailability((event) => {
    events.push(event);
    for (const w of waiters.splice(0)) {
      if (w.up === event.up) w.resolve(event);
      else waiters.push(w);
    }
  });
  return {
    events,
    next: (up, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no availability up=${String(up)} event within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({ up, resolve: (e) => (clearTimeout(timer), resolve(e)) });
      }),
  };
}

/** Polls `check` until true (real process/network progress, not a time window). */
export async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met before deadline');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A pino destination keeping every line. */
export function captureLines(): DestinationStream & { lines: string[] } {
  const lines: string[] = [];
  return { lines, write: (chunk: string) => void lines.push(chunk) };
}

/** Rejection of `promise` (fails when it resolves). */
export async function rejectionOf(
  promise: Promise<unknown>,
): Promise<Error & { code?: string; connectorId?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string; connectorId?: string };
  }
  throw new Error('expected a rejection');
}
