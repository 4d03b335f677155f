import { afterEach, beforeEach } from 'vitest';
import type { FixtureServer } from '@cortex-os/mcp-bridge/testing';
import { createConnectorsMetrics, type ConnectorsMetrics } from '@cortex-os/telemetry';
import type { Client } from '@modelcontextprotocol/client';
import { createMemoryAuditSink, type ConnectorsGateway } from '../../src/index.js';
import { connectClient, serveGateway } from './http.js';

/** Per-test gateway state: fresh metrics and audit sink, and what to stop/close after the test. */
export interface GatewayHarness {
  readonly metrics: ConnectorsMetrics;
  readonly audit: ReturnType<typeof createMemoryAuditSink>;
  /** Fixture upstreams stopped after the test. */
  readonly fixtures: FixtureServer[];
  /** Closed in reverse order after the test (errors ignored). */
  readonly closers: Array<() => Promise<void>>;
}

/** Registers beforeEach/afterEach hooks in the calling `describe` and returns the current test's state. */
export function useGatewayHarness(): GatewayHarness {
  const state = {
    metrics: createConnectorsMetrics(),
    audit: createMemoryAuditSink(),
    fixtures: [] as FixtureServer[],
    closers: [] as Array<() => Promise<void>>,
  };
  beforeEach(() => {
    state.metrics = createConnectorsMetrics();
    state.audit = createMemoryAuditSink();
  });
  afterEach(async () => {
    for (const close of state.closers.reverse()) await close().catch(() => undefined);
    await Promise.all(state.fixtures.map((f) => f.stop()));
    state.fixtures.length = 0;
    state.closers.length = 0;
  });
  return state;
}

/**
 * Serves `gateway` on a real HTTP server, waits for its first listing and connects an SDK client to
 * `/mcp`; gateway, server and client are added to `closers`.
 */
export async function serveAndConnect(
  gateway: ConnectorsGateway,
  closers: Array<() => Promise<void>>,
): Promise<{ client: Client; base: string }> {
  const http = await serveGateway(gateway);
  closers.push(
    () => gateway.close(),
    () => http.close(),
  );
  await gateway.ready();
  const client = await connectClient(`${http.base}/mcp`);
  closers.push(() => client.close());
  return { client, base: http.base };
}
