import { createTestTracing } from '@cortex-os/telemetry/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteToolProxy, type RemoteToolProxy } from '../src/index.js';
import { startEverythingServer, type EverythingServer } from '../src/testing/index.js';
import { connectorFor } from './helpers.js';

describe('against @modelcontextprotocol/server-everything', () => {
  let http: EverythingServer;
  let sse: EverythingServer;
  const proxies: RemoteToolProxy[] = [];
  beforeAll(async () => {
    [http, sse] = await Promise.all([startEverythingServer(), startEverythingServer({ mode: 'sse' })]);
  }, 90_000);
  afterAll(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    await Promise.all([http?.stop(), sse?.stop()]);
  });

  it('calls echo over Streamable HTTP and returns the exact text, inside a connectors.proxy.call span', async () => {
    const tracing = createTestTracing();
    tracing.reset();
    const proxy = createRemoteToolProxy(connectorFor(http.url, { id: 'everything' }), { probeIntervalMs: 0 });
    proxies.push(proxy);
    const tools = await proxy.listTools();
    expect(tools.find((t) => t.name === 'echo')?.annotations).toMatchObject({ readOnlyHint: true });
    const result = await proxy.callTool('echo', { message: 'brAInwav — exact ✓ text' });
    expect(result.content).toEqual([{ type: 'text', text: 'Echo: brAInwav — exact ✓ text' }]);
    const span = tracing.spans().find((s) => s.name === 'connectors.proxy.call');
    expect(span?.attributes).toMatchObject({
      connector: 'everything',
      tool: 'echo',
      idempotent: true,
      is_error: false,
      component: 'connectors',
    });
    const sum = await proxy.callTool('get-sum', { a: 2, b: 40 });
    expect(JSON.stringify(sum.content)).toContain('42');
    expect(await proxy.probe()).toMatchObject({ ok: true, method: 'ping' });
  });

  it('talks to the legacy SSE transport when the connector says transport: "sse"', async () => {
    const proxy = createRemoteToolProxy(connectorFor(sse.url, { id: 'everything-sse', transport: 'sse' }), {
      probeIntervalMs: 0,
    });
    proxies.push(proxy);
    const result = await proxy.callTool('echo', { message: 'over sse' });
    expect(result.content).toEqual([{ type: 'text', text: 'Echo: over sse' }]);
    expect(proxy.state).toBe('up');
  });
});
