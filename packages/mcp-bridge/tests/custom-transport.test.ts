import { createRequire } from 'node:module';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterEach, describe, expect, it } from 'vitest';
import { createRemoteToolProxy, type RemoteToolProxy } from '../src/index.js';
import { startEverythingServer } from '../src/testing/index.js';
import { connectorFor, freshMetrics, gaugeValue } from './helpers.js';

const require = createRequire(import.meta.url);
const everythingEntry = require
  .resolve('@modelcontextprotocol/server-everything/package.json')
  .replace(/package\.json$/, 'dist/index.js');

const stdioEverything = (): StdioClientTransport =>
  new StdioClientTransport({ command: process.execPath, args: [everythingEntry, 'stdio'], stderr: 'ignore' });

describe('createTransport: a session over a transport the caller opens (a stdio child)', () => {
  const proxies: RemoteToolProxy[] = [];
  afterEach(async () => {
    await Promise.all(proxies.splice(0).map((p) => p.close()));
  });

  it('lists and calls tools over the factory transport; auth is not resolved and the endpoint is not used', async () => {
    let opened = 0;
    const proxy = createRemoteToolProxy(
      connectorFor('http://127.0.0.1:9/never-used', {
        id: 'local',
        transport: 'stdio',
        auth: { type: 'bearer', secretRef: 'env:CONNECTOR_NOT_SET_ANYWHERE' },
      }),
      {
        probeIntervalMs: 0,
        createTransport: () => {
          opened += 1;
          return stdioEverything();
        },
      },
    );
    proxies.push(proxy);
    const tools = await proxy.listTools();
    expect(tools.map((t) => t.name)).toContain('echo');
    const result = await proxy.callTool('echo', { message: 'over stdio' });
    expect(result.content).toEqual([{ type: 'text', text: 'Echo: over stdio' }]);
    expect(opened).toBe(1);
  });

  it('a factory failure is a branded UPSTREAM_UNAVAILABLE outage with its message, not retried', async () => {
    const metrics = freshMetrics();
    let attempts = 0;
    const proxy = createRemoteToolProxy(connectorFor('http://127.0.0.1:9/mcp', { id: 'broken' }), {
      probeIntervalMs: 0,
      downDebounceMs: 0,
      metrics,
      createTransport: () => {
        attempts += 1;
        throw new Error('brAInwav: connector broken crashed 6 times in 60 s (STDIO_CRASH_LOOP)');
      },
    });
    proxies.push(proxy);
    const probe = await proxy.probe();
    expect(probe.ok).toBe(false);
    if (probe.ok) return;
    expect(probe.error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(probe.error.message).toBe(
      'brAInwav: connector broken: connector broken crashed 6 times in 60 s (STDIO_CRASH_LOOP)',
    );
    expect(attempts).toBe(1);
    await expect(proxy.callTool('echo', {})).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    expect(await gaugeValue(metrics, 'broken')).toBe(0);
  });

  it('a map entry with transport stdio and no factory is reached over Streamable HTTP at its endpoint', async () => {
    const server = await startEverythingServer();
    try {
      const proxy = createRemoteToolProxy(
        connectorFor(server.url, { id: 'via-gateway', transport: 'stdio' }),
        {
          probeIntervalMs: 0,
        },
      );
      proxies.push(proxy);
      const result = await proxy.callTool('echo', { message: 'through the gateway URL' });
      expect(result.content).toEqual([{ type: 'text', text: 'Echo: through the gateway URL' }]);
    } finally {
      await Promise.all(proxies.splice(0).map((p) => p.close()));
      await server.stop();
    }
  });
});
