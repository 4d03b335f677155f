import { afterEach, describe, expect, it } from 'vitest';
import { ProtocolError } from '@modelcontextprotocol/client';
import { startFixtureServer, type FixtureServer } from '@cortex-os/mcp-bridge/testing';
import {
  createConnectorsGateway,
  META_ERROR,
  staticConnectorSource,
  type AggregateExtension,
  type ExtensionCallContext,
} from '../src/index.js';
import { connectClient, connectorEntry, serveGateway } from './helpers/http.js';
import { bridgeProxy } from './helpers/proxy.js';
import { serveAndConnect } from './helpers/harness.js';
import { panelExtension, UI_URI } from './helpers/panel.js';
import { apiKeyPrincipal } from './helpers/principals.js';

describe('aggregate extensions', () => {
  const closers: Array<() => Promise<void>> = [];
  const fixtures: FixtureServer[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
    await Promise.all(fixtures.splice(0).map((f) => f.stop()));
  });

  it('lists, calls and reads extension tools and resources next to the namespaced connector tools', async () => {
    const fixture = await startFixtureServer({ name: 'fixture-alpha', tools: ['echo'] });
    fixtures.push(fixture);
    const connector = connectorEntry('alpha', fixture.url);
    const proxy = bridgeProxy(connector);
    closers.push(() => proxy.close());
    const seen: ExtensionCallContext[] = [];
    const gateway = createConnectorsGateway({
      source: staticConnectorSource([{ connector, proxy }]),
      extensions: [panelExtension(seen)],
      principalOf: () => apiKeyPrincipal('key-ext'),
    });
    const { client } = await serveAndConnect(gateway, closers);

    const { tools } = await client.listTools(undefined, { cacheMode: 'bypass' });
    expect(tools.map((t) => t.name)).toEqual(['alpha__echo', 'show_panel', 'broken_panel']);
    expect(tools[1]?._meta).toEqual({ ui: { resourceUri: UI_URI } });

    const result = await client.callTool({ name: 'show_panel', arguments: { a: 1 } });
    expect(result).toMatchObject({
      content: [{ type: 'text', text: 'panel {"a":1}' }],
      structuredContent: { ok: true },
    });
    expect(seen.map((c) => c.callerId)).toEqual(['key-ext']);
    const echo = await client.callTool({ name: 'alpha__echo', arguments: { text: 'still routed' } });
    expect(JSON.stringify(echo.content)).toContain('still routed');

    const broken = await client.callTool({ name: 'broken_panel', arguments: {} });
    expect(broken.isError).toBe(true);
    expect(broken._meta?.[META_ERROR]).toMatchObject({ code: 'TOOL_CALL_FAILED' });
    expect(JSON.stringify(broken.content)).toContain(
      'brAInwav: tool \\"broken_panel\\" failed: panel store unavailable',
    );

    expect(client.getServerCapabilities()?.resources).toEqual({});
    const { resources } = await client.listResources();
    expect(resources).toEqual([
      {
        uri: UI_URI,
        name: 'panel',
        mimeType: 'text/html;profile=mcp-app',
        _meta: { ui: { prefersBorder: true } },
      },
    ]);
    const read = await client.readResource({ uri: UI_URI });
    expect(read.contents).toEqual([
      { uri: UI_URI, mimeType: 'text/html;profile=mcp-app', text: '<p>brAInwav panel</p>' },
    ]);
    const missing = await client.readResource({ uri: 'ui://test/missing.html' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ProtocolError);
    expect((missing as ProtocolError).code).toBe(-32602); // the SDK's ResourceNotFoundError (InvalidParams in 2025-11-25)
    expect((missing as ProtocolError).message).toContain('brAInwav: unknown resource ui://test/missing.html');
  });

  it('advertises no resources capability without extension resources', async () => {
    const gateway = createConnectorsGateway({ source: staticConnectorSource([]) });
    const http = await serveGateway(gateway);
    closers.push(
      () => gateway.close(),
      () => http.close(),
    );
    const client = await connectClient(`${http.base}/mcp`);
    closers.push(() => client.close());
    expect(client.getServerCapabilities()?.resources).toBeUndefined();
    expect((await client.listTools()).tools).toEqual([]);
  });

  it.each([
    ['a connector-style name', 'alpha__echo', /without "__"/],
    ['an invalid name', 'has space', /must match/],
  ])('refuses %s (CONFIG_INVALID)', (_what, name, message) => {
    const ext: AggregateExtension = {
      tools: [
        {
          definition: { name, inputSchema: { type: 'object' } },
          call: () => Promise.resolve({ content: [] }),
        },
      ],
    };
    expect(() => createConnectorsGateway({ source: staticConnectorSource([]), extensions: [ext] })).toThrow(
      message,
    );
    expect(() => createConnectorsGateway({ source: staticConnectorSource([]), extensions: [ext] })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });

  it('refuses duplicate tool names and resource URIs across extensions', () => {
    const seen: ExtensionCallContext[] = [];
    expect(() =>
      createConnectorsGateway({
        source: staticConnectorSource([]),
        extensions: [panelExtension(seen), { tools: panelExtension(seen).tools }],
      }),
    ).toThrow('brAInwav: option "extensions[1]" repeats tool name "show_panel"');
    expect(() =>
      createConnectorsGateway({
        source: staticConnectorSource([]),
        extensions: [panelExtension(seen), { resources: panelExtension(seen).resources }],
      }),
    ).toThrow(`brAInwav: option "extensions[1]" repeats resource uri "${UI_URI}"`);
  });
});
