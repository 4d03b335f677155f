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

describe('relayToolResults over a factory transport with raw requests (rawRequest, as the supervised stdio one)', () => {
  const proxies: RemoteToolProxy[] = [];
  afterEach(async () => {
    await Promise.all(proxies.splice(0).map((p) => p.close()));
  });

  /** server-everything over stdio, with a rawRequest that records its calls and answers `answer`. */
  function rawStdio(answer: unknown): { transport: StdioClientTransport; raw: unknown[] } {
    const raw: unknown[] = [];
    const transport = Object.assign(stdioEverything(), {
      rawRequest: (method: string, params: Record<string, unknown>, options: { timeoutMs: number }) => {
        raw.push({ method, params, timeoutMs: options.timeoutMs });
        return Promise.resolve(answer);
      },
    });
    return { transport, raw };
  }

  function proxyOver(transport: StdioClientTransport, relay: boolean): RemoteToolProxy {
    const proxy = createRemoteToolProxy(
      connectorFor('http://127.0.0.1:9/never-used', { id: 'local', transport: 'stdio' }),
      { probeIntervalMs: 0, relayToolResults: relay, createTransport: () => transport },
    );
    proxies.push(proxy);
    return proxy;
  }

  it('relay mode sends tools/call through rawRequest and returns its result unchanged', async () => {
    const answer = { content: [{ type: 'text', text: 'raw' }], extra: { kept: true } };
    const { transport, raw } = rawStdio(answer);
    const result = await proxyOver(transport, true).callTool('echo', { message: 'x' }, { timeoutMs: 1234 });
    expect(result).toEqual(answer);
    expect(raw).toEqual([
      { method: 'tools/call', params: { name: 'echo', arguments: { message: 'x' } }, timeoutMs: 1234 },
    ]);
  });

  it('without relay mode the SDK client calls the tool (rawRequest unused)', async () => {
    const { transport, raw } = rawStdio({ content: [] });
    const result = await proxyOver(transport, false).callTool('echo', { message: 'sdk' });
    expect(result.content).toEqual([{ type: 'text', text: 'Echo: sdk' }]);
    expect(raw).toEqual([]);
  });

  it('a raw result without a content array is an error of that call', async () => {
    const { transport } = rawStdio({ nope: 1 });
    const error = await proxyOver(transport, true)
      .callTool('echo', { message: 'x' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(String(error)).toMatch(/INVALID_RESULT/);
  });
});
