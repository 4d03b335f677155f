import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { startFixtureServer, type FixtureServer } from '@cortex-os/mcp-bridge/testing';
import { DASHBOARD_RESOURCE_URI, DASHBOARD_SKYBRIDGE_URI, DASHBOARD_TOOL } from '../src/index.js';
import { MCP_KEY, API_KEY, connector, removeDir, startWidgetApp, widgetDirs } from './helpers.js';

async function connect(url: string, key: string): Promise<Client> {
  const client = new Client({ name: 'brainwav-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { authorization: `Bearer ${key}` } },
    }),
  );
  return client;
}

describe('MCP on the connectors server', () => {
  let fixture: FixtureServer;
  let app: FastifyInstance;
  let base: string;
  let widget: { root: string; dist: string; src: string };
  const clients: Client[] = [];

  beforeAll(async () => {
    fixture = await startFixtureServer();
    widget = await widgetDirs('fresh');
    app = await startWidgetApp(widget, [connector('fixtures', fixture.url)]);
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await app?.close();
    await fixture?.stop();
    await removeDir(widget.root);
  });

  it('needs MCP_API_KEY on /mcp (the REST key is refused)', async () => {
    const res = await fetch(`${base}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(401);
    const rest = await fetch(`${base}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      body: '{}',
    });
    expect(rest.status).toBe(403);
    await expect(connect(`${base}/mcp`, 'wrong-key-0123456789abcdef')).rejects.toThrow();
  });

  it('lists and calls connector tools through the aggregate gateway on /mcp', async () => {
    const client = await connect(`${base}/mcp`, MCP_KEY);
    clients.push(client);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('fixtures__echo');
    const result = await client.callTool({ name: 'fixtures__echo', arguments: { text: 'via gateway' } });
    expect(JSON.stringify(result.content)).toContain('via gateway');
  });

  it('serves the dashboard MCP App on /mcp: tool metadata, structured result and both resource forms', async () => {
    const client = await connect(`${base}/mcp`, MCP_KEY);
    clients.push(client);
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toContain('fixtures__echo');
    expect(names.at(-1)).toBe(DASHBOARD_TOOL); // extension tools follow the namespaced connector tools
    expect(names.slice(0, -1).every((n) => n.startsWith('fixtures__'))).toBe(true);
    const tool = tools.find((t) => t.name === DASHBOARD_TOOL);
    expect(tool).toMatchObject({
      title: 'brAInwav connectors dashboard',
      inputSchema: { type: 'object', properties: {} },
      annotations: { readOnlyHint: true },
    });
    expect(tool?._meta).toMatchObject({
      ui: { resourceUri: DASHBOARD_RESOURCE_URI },
      'ui/resourceUri': DASHBOARD_RESOURCE_URI,
      'openai/outputTemplate': DASHBOARD_SKYBRIDGE_URI,
    });

    const result = await client.callTool({ name: DASHBOARD_TOOL, arguments: {} });
    expect(result.isError).not.toBe(true);
    expect(result._meta).toMatchObject({
      ui: { resourceUri: DASHBOARD_RESOURCE_URI },
      'openai/outputTemplate': DASHBOARD_SKYBRIDGE_URI,
    });
    const sc = result.structuredContent as {
      brand: string;
      connectors: { id: string; availability: string }[];
    };
    expect(sc.brand).toBe('brAInwav');
    expect(sc.connectors.map((c) => c.id)).toEqual(['fixtures']);

    const { resources } = await client.listResources();
    expect(resources).toEqual([
      expect.objectContaining({
        uri: DASHBOARD_RESOURCE_URI,
        mimeType: 'text/html;profile=mcp-app',
        _meta: { ui: { csp: { connectDomains: [], resourceDomains: [] }, prefersBorder: true } },
      }),
      expect.objectContaining({ uri: DASHBOARD_SKYBRIDGE_URI, mimeType: 'text/html+skybridge' }),
    ]);
    const app1 = await client.readResource({ uri: DASHBOARD_RESOURCE_URI });
    expect(app1.contents[0]).toMatchObject({
      uri: DASHBOARD_RESOURCE_URI,
      mimeType: 'text/html;profile=mcp-app',
      text: expect.stringContaining('brAInwav mcp app'),
    });
    const sky = await client.readResource({ uri: DASHBOARD_SKYBRIDGE_URI });
    expect(sky.contents[0]).toMatchObject({
      mimeType: 'text/html+skybridge',
      text: expect.stringContaining('brAInwav mcp app'),
      _meta: { 'openai/widgetPrefersBorder': true },
    });
  });

  it('no longer serves the separate /mcp/apps endpoint', async () => {
    // unknown paths fall under the default REST auth, so the REST key reaches the 404
    const res = await fetch(`${base}/mcp/apps`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(404);
  });
});

describe('dashboard MCP App without a built widget, and DNS-rebinding protection', () => {
  it('serves the troubleshooting page as the UI resource and refuses foreign Host headers', async () => {
    const widget = await widgetDirs('missing');
    const app = await startWidgetApp(widget, []);
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const client = await connect(`${base}/mcp`, MCP_KEY);
    try {
      const res = await client.readResource({ uri: DASHBOARD_RESOURCE_URI });
      expect(res.contents[0]).toMatchObject({
        mimeType: 'text/html;profile=mcp-app',
        text: expect.stringContaining('brAInwav: the dashboard bundle is not built'),
      });
      const foreign = await app.inject({
        method: 'POST',
        url: '/mcp',
        headers: {
          host: 'evil.example',
          authorization: `Bearer ${MCP_KEY}`,
          'content-type': 'application/json',
        },
        payload: {},
      });
      expect(foreign.statusCode).toBe(403);
      expect(foreign.json<{ error: { code: string } }>().error.code).toBe('HOST_NOT_ALLOWED');
    } finally {
      await client.close();
      await app.close();
      await removeDir(widget.root);
    }
  });
});
