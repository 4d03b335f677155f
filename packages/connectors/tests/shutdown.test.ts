import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { startFixtureServer, type FixtureServer } from '@cortex-os/mcp-bridge/testing';
import { MCP_KEY, connector, controlledSource, rest, signedMapText, startApp, testEnv } from './helpers.js';

describe('graceful shutdown', () => {
  let fixture: FixtureServer | undefined;
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close().catch(() => undefined);
    await fixture?.stop();
  });

  async function start(timeoutMs: string): Promise<string> {
    fixture = await startFixtureServer();
    app = await startApp(
      testEnv({ CONNECTORS_SHUTDOWN_TIMEOUT_MS: timeoutMs }),
      controlledSource(await signedMapText([connector('fixtures', fixture.url)])),
    );
    return app.listen({ port: 0, host: '127.0.0.1' });
  }

  it('finishes REST and MCP calls in flight, refuses new requests, then closes upstream sessions', async () => {
    const base = await start('10000');
    const a = app!;
    const restCall = fetch(`${base}/v1/connectors/fixtures/tools/slow/call`, {
      method: 'POST',
      headers: { ...rest, 'content-type': 'application/json' },
      body: JSON.stringify({ arguments: { ms: 2_000 } }),
    });
    const client = new Client({ name: 'shutdown-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${MCP_KEY}` } },
      }),
    );
    const mcpCall = client.callTool({ name: 'fixtures__slow', arguments: { ms: 2_000 } });
    await expect.poll(() => a.connectors.inflight.size, { timeout: 5_000 }).toBe(2);
    expect(fixture!.sessionCount).toBeGreaterThan(0);

    expect(
      await a.connectors.metrics.registry.getSingleMetricAsString('brainwav_mcp_connector_proxy_up'),
    ).toContain('connector="fixtures"} 1');
    const closing = a.close();
    await expect
      .poll(async () => (await fetch(`${base}/healthz`)).status, { timeout: 1_800, interval: 50 })
      .toBe(503);
    const res = await restCall;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { isError?: boolean }).isError).not.toBe(true);
    const mcp = await mcpCall;
    expect(mcp.isError).not.toBe(true);
    await closing;
    await client.close().catch(() => undefined);
    expect(a.connectors.inflight.size).toBe(0);
    // upstream sessions closed: registry closed, every proxy's up-gauge series removed
    expect(a.connectors.registry.status().state).toBe('closed');
    const up = await a.connectors.metrics.registry.getSingleMetricAsString('brainwav_mcp_connector_proxy_up');
    expect(up).not.toContain('connector="fixtures"');
    expect(fixture!.cancelledCount).toBe(0);
  });

  it('cuts calls still running at the deadline', async () => {
    const base = await start('300');
    const a = app!;
    const restCall = fetch(`${base}/v1/connectors/fixtures/tools/slow/call`, {
      method: 'POST',
      headers: { ...rest, 'content-type': 'application/json' },
      body: JSON.stringify({ arguments: { ms: 20_000 } }),
    }).then(
      (r) => r.status,
      () => 'cut',
    );
    await expect.poll(() => a.connectors.inflight.size).toBe(1);
    const started = Date.now();
    await a.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await restCall).toBe('cut');
    const metrics = await a.connectors.metrics.registry.getSingleMetricAsString(
      'brainwav_mcp_tool_calls_total',
    );
    expect(metrics).toContain('outcome="cancelled"');
    await expect.poll(() => fixture!.cancelledCount, { timeout: 5_000 }).toBe(1);
  });
});
