import type { CallToolResult, Resource, Tool } from '@modelcontextprotocol/server';
import {
  RESOURCE_MIME_TYPE,
  registerAppResource,
  registerAppTool,
} from '@modelcontextprotocol/ext-apps/server';
import { META_ERROR, type AggregateExtension } from '@cortex-os/mcp-server';
import type { Principal } from '@cortex-os/server-kit';
import type { ConnectorsSnapshot } from './snapshot.js';
import { TRAFFIC_WINDOWS, trafficWindowOf, type TrafficWindow } from './traffic/report.js';

/** MCP Apps resource of the dashboard (`text/html;profile=mcp-app`). */
export const DASHBOARD_RESOURCE_URI = 'ui://connectors/dashboard.html';
/** ChatGPT Apps (Skybridge) form of the same HTML (`text/html+skybridge`), the tool's `openai/outputTemplate`. */
export const DASHBOARD_SKYBRIDGE_URI = 'ui://connectors/dashboard.skybridge.html';
/** MIME type ChatGPT reads for widget templates. */
export const SKYBRIDGE_MIME_TYPE = 'text/html+skybridge';
/** Name of the dashboard tool. */
export const DASHBOARD_TOOL = 'connectors_dashboard';

/** What the dashboard MCP server reads. */
export interface DashboardSource {
  /**
   * Current `GET /v1/connectors` body as `principal` may see it, with the traffic report of the last
   * `windowMinutes` as `traffic` (rejects when no verified map is loaded).
   */
  snapshot(principal: Principal, windowMinutes: TrafficWindow): Promise<ConnectorsSnapshot>;
  /** The single-file widget HTML (`dist/mcp-app.html`), or a troubleshooting page when it is missing/stale. */
  html(): Promise<string>;
}

const TOOL_META = {
  // the model opens the dashboard, the widget polls it for live data (ext-apps `McpUiToolMeta.visibility`)
  ui: { resourceUri: DASHBOARD_RESOURCE_URI, visibility: ['model', 'app'] },
  'openai/outputTemplate': DASHBOARD_SKYBRIDGE_URI,
  'openai/toolInvocation/invoking': 'Checking brAInwav connectors…',
  'openai/toolInvocation/invoked': 'brAInwav connectors status ready',
  'openai/widgetAccessible': true,
} as const;

const CSP = { connectDomains: [] as string[], resourceDomains: [] as string[] };

function summary(s: ConnectorsSnapshot): string {
  const counts = new Map<string, number>();
  for (const c of s.connectors) counts.set(c.availability, (counts.get(c.availability) ?? 0) + 1);
  const parts = [...counts].map(([k, v]) => `${v} ${k}`).join(', ');
  return `brAInwav: ${s.connectors.length} connectors in map v${s.mapVersion} (manifest ${s.manifestVersion}): ${parts || 'none'}.`;
}

/** `inputSchema` of `connectors_dashboard`: one optional `window`. */
const INPUT_SCHEMA: Tool['inputSchema'] = {
  type: 'object',
  properties: {
    window: {
      type: 'string',
      enum: Object.keys(TRAFFIC_WINDOWS),
      default: '15m',
      description: 'Traffic window of the returned report: the last 15 minutes (default) or the last hour.',
    },
  },
  additionalProperties: false,
};

function badArguments(message: string): CallToolResult {
  return {
    content: [{ type: 'text', text: `brAInwav: connectors_dashboard ${message}` }],
    isError: true,
    _meta: { ...TOOL_META, [META_ERROR]: { brand: 'brAInwav', code: 'BAD_REQUEST' } },
  };
}

/** The traffic window `args` ask for, or the error result naming what is wrong. */
function windowOf(args: Record<string, unknown> | undefined): TrafficWindow | CallToolResult {
  const extra = Object.keys(args ?? {}).filter((k) => k !== 'window');
  if (extra.length > 0)
    return badArguments(`takes only "window" (got ${JSON.stringify(extra[0]).slice(0, 40)})`);
  const value = args?.window;
  if (value === undefined) return 15;
  return (
    trafficWindowOf(value) ??
    badArguments(`argument "window" must be "15m" or "1h" (got ${JSON.stringify(value).slice(0, 32)})`)
  );
}

async function dashboardResult(
  source: DashboardSource,
  principal: Principal,
  args: Record<string, unknown> | undefined,
): Promise<CallToolResult> {
  const window = windowOf(args);
  if (typeof window !== 'number') return window;
  try {
    const snapshot = await source.snapshot(principal, window);
    return {
      content: [{ type: 'text', text: summary(snapshot) }],
      structuredContent: snapshot as unknown as Record<string, unknown>,
      _meta: { ...TOOL_META },
    };
  } catch (err) {
    return {
      content: [{ type: 'text', text: (err as Error).message }],
      isError: true,
      _meta: { ...TOOL_META },
    };
  }
}

type ToolConfig = Parameters<typeof registerAppTool>[2];
type ResourceConfig = Parameters<typeof registerAppResource>[3];

/** The definition `registerAppTool` of ext-apps would register (it normalizes the `ui` / `ui/resourceUri` meta). */
function appToolDefinition(name: string, config: ToolConfig): Tool {
  let captured: ToolConfig = config;
  const collector = { registerTool: (_name: string, c: ToolConfig) => void (captured = c) };
  registerAppTool(collector as unknown as Parameters<typeof registerAppTool>[0], name, config, () => ({
    content: [],
  }));
  const { inputSchema: _schema, outputSchema: _output, ...rest } = captured;
  return { name, ...rest, inputSchema: INPUT_SCHEMA };
}

/** The listed resource `registerAppResource` of ext-apps would register (it sets the MCP Apps MIME type). */
function appResource(name: string, uri: string, config: ResourceConfig): Resource {
  let captured: ResourceConfig = config;
  const collector = { registerResource: (_n: string, _u: string, c: ResourceConfig) => void (captured = c) };
  registerAppResource(
    collector as unknown as Parameters<typeof registerAppResource>[0],
    name,
    uri,
    config,
    () => ({ contents: [] }),
  );
  return { uri, name, ...captured };
}

const UI_META = { ui: { csp: CSP, prefersBorder: true } };
const SKYBRIDGE_META = {
  'openai/widgetPrefersBorder': true,
  'openai/widgetDescription': 'brAInwav connectors health',
  'openai/widgetCSP': { connect_domains: [], resource_domains: [] },
};

/**
 * The dashboard MCP App as a gateway extension served on `/mcp`: tool `connectors_dashboard` (optional argument
 * `window`: `"15m"` (default) or `"1h"`, anything else is a branded `BAD_REQUEST` error result; result: the
 * connector statuses and the traffic report of that window as `structuredContent`, `_meta.ui.resourceUri` and
 * `openai/outputTemplate`; callable by the model and, to poll it, by the widget)
 * and the widget HTML as the MCP Apps resource `ui://connectors/dashboard.html` (`text/html;profile=mcp-app`)
 * plus its Skybridge form for ChatGPT (`text/html+skybridge`). Definitions are built with the ext-apps helpers.
 */
export function createDashboardExtension(source: DashboardSource): AggregateExtension {
  const tool = appToolDefinition(DASHBOARD_TOOL, {
    title: 'brAInwav connectors dashboard',
    description:
      'Shows every brAInwav connector of the verified service map with availability, breaker, quota use, tools and the traffic of the last 15 minutes (window "15m") or hour ("1h").',
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    _meta: { ...TOOL_META },
  });
  const app = appResource('connectors-dashboard', DASHBOARD_RESOURCE_URI, {
    title: 'brAInwav connectors dashboard',
    description: 'MCP Apps view of the brAInwav connectors health.',
    _meta: UI_META,
  });
  const skybridge: Resource = {
    uri: DASHBOARD_SKYBRIDGE_URI,
    name: 'connectors-dashboard-skybridge',
    title: 'brAInwav connectors dashboard (ChatGPT)',
    description: 'ChatGPT Apps (Skybridge) form of the dashboard.',
    mimeType: SKYBRIDGE_MIME_TYPE,
  };
  return {
    tools: [{ definition: tool, call: (args, context) => dashboardResult(source, context.principal, args) }],
    resources: [
      {
        resource: app,
        read: async () => ({
          contents: [
            {
              uri: DASHBOARD_RESOURCE_URI,
              mimeType: RESOURCE_MIME_TYPE,
              text: await source.html(),
              _meta: UI_META,
            },
          ],
        }),
      },
      {
        resource: skybridge,
        read: async () => ({
          contents: [
            {
              uri: DASHBOARD_SKYBRIDGE_URI,
              mimeType: SKYBRIDGE_MIME_TYPE,
              text: await source.html(),
              _meta: SKYBRIDGE_META,
            },
          ],
        }),
      },
    ],
  };
}
