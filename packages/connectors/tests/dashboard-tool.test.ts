import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { startFixtureServer, type FixtureServer } from '@cortex-os/mcp-bridge/testing';
import { DASHBOARD_RESOURCE_URI, DASHBOARD_TOOL } from '../src/index.js';
import { MCP_KEY, connector, removeDir, startWidgetApp, widgetDirs } from './helpers.js';

interface Traffic {
  windowMinutes: number;
  from: number;
  to: number;
  connectors: Array<{ id: string; points: unknown[]; totals: { calls: number } }>;
  recent: Array<{ connectorId: string; tool: string; outcome: string }>;
}

/**
 * `connectors_dashboard` as the widget polls it in the ChatGPT and MCP Apps hosts: optional `window`
 * ("15m" default, "1h"), the statuses with the traffic of that window, a branded error for anything else.
 */
describe('connectors_dashboard tool: the traffic window the widget polls', () => {
  let fixture: FixtureServer;
  let app: FastifyInstance;
  let widget: { root: string; dist: string; src: string };
  let client: Client;

  beforeAll(async () => {
    fixture = await startFixtureServer({ name: 'fixture-dashboard-tool' });
    widget = await widgetDirs('fresh');
    app = await startWidgetApp(widget, [connector('fixtures', fixture.url)]);
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    client = new Client({ name: 'brainwav-dashboard-tool-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${MCP_KEY}` } },
      }),
    );
  });
  afterAll(async () => {
    await client?.close().catch(() => undefined);
    await app?.close();
    await fixture?.stop();
    await removeDir(widget.root);
  });

  const dashboard = async (args?: Record<string, unknown>) =>
    client.callTool({ name: DASHBOARD_TOOL, ...(args ? { arguments: args } : {}) });

  it('lists an optional "window" argument and is callable by the model and the app', async () => {
    const { tools } = await client.listTools();
    const tool = tools.find((t) => t.name === DASHBOARD_TOOL)!;
    expect(tool.inputSchema).toEqual({
      type: 'object',
      properties: {
        window: {
          type: 'string',
          enum: ['15m', '1h'],
          default: '15m',
          description:
            'Traffic window of the returned report: the last 15 minutes (default) or the last hour.',
        },
      },
      additionalProperties: false,
    });
    expect(tool._meta).toMatchObject({
      ui: { resourceUri: DASHBOARD_RESOURCE_URI, visibility: ['model', 'app'] },
      'ui/resourceUri': DASHBOARD_RESOURCE_URI,
      'openai/widgetAccessible': true,
    });
  });

  it('returns the 15-minute report without "window" and with "15m", the hour with "1h", next to the statuses', async () => {
    for (const text of ['first', 'second', 'third'])
      await client.callTool({ name: 'fixtures__echo', arguments: { text } });
    await expect
      .poll(
        async () => ((await dashboard()).structuredContent as { traffic: Traffic }).traffic.recent.length,
        {
          timeout: 5_000,
        },
      )
      .toBe(3);

    const reports: Record<string, { connectors: Array<{ id: string }>; traffic: Traffic }> = {};
    for (const [name, args] of [
      ['none', undefined],
      ['empty', {}],
      ['15m', { window: '15m' }],
      ['1h', { window: '1h' }],
    ] as const) {
      const result = await dashboard(args);
      expect(result.isError, name).not.toBe(true);
      expect(result._meta, name).toMatchObject({ ui: { resourceUri: DASHBOARD_RESOURCE_URI } });
      reports[name] = result.structuredContent as (typeof reports)[string];
    }
    for (const name of ['none', 'empty', '15m', '1h']) {
      const report = reports[name]!;
      expect(
        report.connectors.map((c) => c.id),
        name,
      ).toEqual(['fixtures']);
      expect(
        report.traffic.connectors.map((c) => c.id),
        name,
      ).toEqual(['fixtures']);
      expect(report.traffic.connectors[0]!.totals.calls, name).toBe(3);
      expect(
        report.traffic.recent.map((r) => [r.connectorId, r.tool, r.outcome]),
        name,
      ).toEqual([
        ['fixtures', 'echo', 'ok'],
        ['fixtures', 'echo', 'ok'],
        ['fixtures', 'echo', 'ok'],
      ]);
    }
    expect(['none', 'empty', '15m', '1h'].map((n) => reports[n]!.traffic.windowMinutes)).toEqual([
      15, 15, 15, 60,
    ]);
    expect(reports['15m']!.traffic.connectors[0]!.points).toHaveLength(15);
    expect(reports['1h']!.traffic.connectors[0]!.points).toHaveLength(60);
    const hour = reports['1h']!.traffic;
    expect(hour.to - hour.from).toBeGreaterThanOrEqual(59 * 60_000);
  });

  it('answers an unknown window or argument with a branded BAD_REQUEST tool error, not an exception', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ window: '2d' }, 'brAInwav: connectors_dashboard argument "window" must be "15m" or "1h" (got "2d")'],
      [{ window: 60 }, 'brAInwav: connectors_dashboard argument "window" must be "15m" or "1h" (got 60)'],
      [
        { window: 'toString' },
        'brAInwav: connectors_dashboard argument "window" must be "15m" or "1h" (got "toString")',
      ],
      [{ windows: '1h' }, 'brAInwav: connectors_dashboard takes only "window" (got "windows")'],
    ];
    for (const [args, text] of cases) {
      const result = await dashboard(args);
      expect(result.isError, JSON.stringify(args)).toBe(true);
      expect(result.content, JSON.stringify(args)).toEqual([{ type: 'text', text }]);
      expect(result.structuredContent).toBeUndefined();
      expect(result._meta).toMatchObject({
        'io.brainwav/error': { brand: 'brAInwav', code: 'BAD_REQUEST' },
        ui: { resourceUri: DASHBOARD_RESOURCE_URI },
      });
    }
    // the session is still usable after the errors
    expect((await dashboard({ window: '1h' })).isError).not.toBe(true);
  });
});
