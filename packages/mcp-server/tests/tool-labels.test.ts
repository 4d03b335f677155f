import { afterEach, describe, expect, it } from 'vitest';
import { startFixtureServer } from '@cortex-os/mcp-bridge/testing';
import { createConnectorsMetrics } from '@cortex-os/telemetry';
import {
  createConnectorsGateway,
  createMemoryAuditSink,
  OTHER_TOOLS,
  staticConnectorSource,
  ToolLabels,
} from '../src/index.js';
import { connectClient, connectorEntry, serveGateway } from './helpers/http.js';
import { bridgeProxy } from './helpers/proxy.js';

describe('ToolLabels', () => {
  it('keeps the first distinct names of a connector, then folds the rest and odd shapes into (other)', () => {
    const labels = new ToolLabels(3);
    expect(['a', 'b', 'a', 'c', 'd'].map((t) => labels.of('x', t))).toEqual([
      'a',
      'b',
      'a',
      'c',
      OTHER_TOOLS,
    ]);
    expect(labels.of('y', 'd')).toBe('d'); // the cap is per connector
    expect(labels.of('y', 'has space')).toBe(OTHER_TOOLS);
    expect(labels.of('y', 'x'.repeat(129))).toBe(OTHER_TOOLS);
  });
});

describe('passthrough tools/call with caller-chosen names', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  });

  it('adds at most 256 + 1 tool series per connector to the call metrics, while the audit keeps every name', async () => {
    const fixture = await startFixtureServer({ tools: ['echo'] });
    closers.push(() => fixture.stop());
    const connector = connectorEntry('fx', fixture.url);
    const proxy = bridgeProxy(connector);
    const metrics = createConnectorsMetrics();
    const audit = createMemoryAuditSink();
    const gateway = createConnectorsGateway({
      source: staticConnectorSource([{ connector, proxy }]),
      audit,
      metrics,
    });
    const http = await serveGateway(gateway);
    closers.push(
      () => proxy.close(),
      () => gateway.close(),
      () => http.close(),
    );
    const client = await connectClient(`${http.base}/mcp/connectors/fx`);
    closers.push(() => client.close());
    const names = Array.from({ length: 300 }, (_, i) => `no-such-tool-${i}`);
    for (const name of names) await client.callTool({ name, arguments: {} }).catch(() => undefined);
    const series = (await metrics.toolCallsTotal.get()).values.filter((v) => v.labels.connector === 'fx');
    const tools = new Set(series.map((v) => v.labels.tool));
    expect(tools.size).toBe(257);
    expect(tools.has(OTHER_TOOLS)).toBe(true);
    expect(series.reduce((sum, v) => sum + v.value, 0)).toBe(300);
    expect(new Set(audit.records.map((r) => r.tool))).toEqual(new Set(names));
  });
});
